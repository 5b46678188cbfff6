/* org_key.c -- see org_key.h. */
#include "store/org_key.h"

#include <stdlib.h>
#include <string.h>

#define ORG_SLOTS (1u << 16)

struct OrgSeen {
  char *sig;
  size_t len;
  int64_t id;
};

size_t org_signature(const Org *o, Buf *sig) {
  if (o->scheme && o->identifier && *o->identifier) {
    buf_addf(sig, "%s-%s", o->scheme, o->identifier);
  } else if (o->name && *o->name) {
    buf_adds(sig, "name:");
    for (const char *p = o->name; *p; p++) buf_addc(sig, (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p));
    if (o->postcode) buf_addf(sig, "|%s", o->postcode);
  } else {
    return 0;
  }
  size_t key_len = sig->len;
  const char *fields[] = {o->name, o->scheme, o->identifier, o->postcode, o->locality, o->region, o->country, o->scale};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    buf_addc(sig, 0x1f);
    if (fields[i]) buf_adds(sig, fields[i]);
    else buf_addc(sig, 0x1e);
  }
  buf_addf(sig, "\x1f%d", (int)o->vcse);
  return key_len;
}

static uint64_t fnv(const char *p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  while (n--) h = (h ^ (unsigned char)*p++) * 1099511628211ull;
  return h;
}

/* The slot of sig: its entry, or the empty slot where it would go. */
static struct OrgSeen *slot(const OrgCache *c, const char *sig, size_t len) {
  size_t i = (size_t)fnv(sig, len) & (ORG_SLOTS - 1);
  while (c->slots[i].sig && (c->slots[i].len != len || memcmp(c->slots[i].sig, sig, len) != 0))
    i = (i + 1) & (ORG_SLOTS - 1);
  return &c->slots[i];
}

int org_cache_get(const OrgCache *c, const char *sig, size_t len, int64_t *id) {
  if (!c->slots) return 0;
  const struct OrgSeen *s = slot(c, sig, len);
  if (!s->sig) return 0;
  *id = s->id;
  return 1;
}

void org_cache_put(OrgCache *c, const char *sig, size_t len, int64_t id) {
  if (!c->slots) c->slots = xcalloc(ORG_SLOTS, sizeof *c->slots);
  if (c->n >= ORG_SLOTS / 2) org_cache_clear(c);
  struct OrgSeen *s = slot(c, sig, len);
  if (!s->sig) {
    s->sig = xstrndup(sig, len);
    s->len = len;
    c->n++;
  }
  s->id = id;
}

void org_cache_clear(OrgCache *c) {
  if (!c->slots) return;
  for (size_t i = 0; i < ORG_SLOTS; i++) free(c->slots[i].sig);
  memset(c->slots, 0, ORG_SLOTS * sizeof *c->slots);
  c->n = 0;
}

void org_cache_release(OrgCache *c) {
  org_cache_clear(c);
  free(c->slots);
  c->slots = NULL;
}

void store_cpv_text(const Notice *n, Buf *out) {
  for (size_t i = 0; i < n->n_cpvs; i++) {
    if (i) buf_addc(out, ' ');
    buf_adds(out, n->cpvs[i].code);
    if (n->cpvs[i].label) buf_addf(out, " %s", n->cpvs[i].label);
  }
}
