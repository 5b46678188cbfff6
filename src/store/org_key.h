/* org_key.h -- what the backends share when they store organisations and
 * notices: the key an organisation is stored under, a per-connection cache of
 * the organisations already stored (the same buyer on the next notice needs
 * no statement), and the CPV text a notice's full-text entry holds.
 * Only the backends include this. */
#ifndef STORE_ORG_KEY_H
#define STORE_ORG_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "model/notice.h"

/* Writes o's signature to sig: its unique key (scheme-identifier, else
 * "name:" + the lower-cased name + "|postcode") followed by every field the
 * backends store, so a changed field is a new signature. Returns the length
 * of the key (the first bytes of sig), or 0 when o has neither an identifier
 * nor a name (such an organisation is not stored; sig is left empty). */
size_t org_signature(const Org *o, Buf *sig);

typedef struct {
  struct OrgSeen *slots; /* open addressing; allocated on first put */
  size_t n;
} OrgCache;

/* 1 and *id when the organisation with this signature was stored through
 * this cache since it was last cleared, else 0. */
int org_cache_get(const OrgCache *c, const char *sig, size_t len, int64_t *id);
/* Remembers sig (copied) as stored with row id; clears the cache when it is
 * half full. */
void org_cache_put(OrgCache *c, const char *sig, size_t len, int64_t id);
void org_cache_clear(OrgCache *c);   /* forget all (after a rollback) */
void org_cache_release(OrgCache *c); /* clear and free */

/* The CPV codes and labels of a notice as one text ("72000000 IT services ...")
 * for the full-text index. */
void store_cpv_text(const Notice *n, Buf *out);

#endif
