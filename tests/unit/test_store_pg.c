/* test_store_pg.c -- the PostgreSQL store. Starts a throwaway server with
 * scripts/pg.sh in a fresh folder (a watchdog process stops it however this
 * program ends), then: the same checks test_store.c makes of the SQLite store
 * (migrations, release dedup/replace/conflict, notices and derived rows, the
 * full-text index kept current, transactions, read-only), reconnection after
 * the server dropped the connection, and the backends side by side: the
 * development data and 1,500 generated notices ingested into a SQLite store
 * and a PostgreSQL database must give the same statistics, the same
 * index_scan documents in the same order, the same notice_get for every
 * ocid, and store_search the same totals and pages for the sorts that do not
 * depend on a ranking function (and the same totals for keyword queries).
 * Skips when PostgreSQL 15 is not installed. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "posted.h"
#include "base/buf.h"
#include "base/url.h"
#include "ingest/ingest.h"
#include "ocds/gen.h"
#include "search/each.h"
#include "search/query.h"
#include "store/feed.h"
#include "store/notices.h"
#include "store/orgs.h"
#include "store/search.h"
#include "store/sources.h"
#include "store/store.h"

#define NOW 1795000000 /* 2026-11-18, as test_index.c */
#define PG_BIN "/usr/lib/postgresql/15/bin"

static char dir[64];

/* ---- the server ----------------------------------------------------------------- */

/* A child that waits for this process to end (its pipe closes) and then stops
 * the server, so a crash or a sanitizer exit leaves no server behind. */
static void watchdog(void) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_t pid = fork();
  if (pid < 0) return;
  if (pid == 0) {
    close(fds[1]);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
    }
    char c;
    while (read(fds[0], &c, 1) > 0) {
    }
    execl("/bin/sh", "sh", "scripts/pg.sh", "stop", dir, (char *)NULL);
    _exit(1);
  }
  close(fds[0]);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC); /* not inherited by system()'s children */
}

static int sh(const char *fmt, const char *a) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, fmt, a);
  return system(cmd);
}

/* ---- helpers as in test_store.c --------------------------------------------------- */

static int count_hits(void *ctx, const char *ocid, const char *title) {
  (*(int *)ctx)++;
  return 0;
}

static int hits(Store *st, const char *terms) {
  int n = 0;
  Err e = ERR_INIT;
  if (store_fts(st, terms, 100, count_hits, &n, &e)) printf("#   fts: %s\n", e.msg);
  return n;
}

static int collect(void *ctx, const char *id, const char *date, const char *json, size_t len) {
  Buf *b = ctx;
  buf_addf(b, "%s@%s;", id, date);
  return 0;
}

static void make_notice(Notice *n, const char *ocid, const char *title) {
  notice_init(n);
  n->ocid = xstrdup(ocid);
  n->title = xstrdup(title);
  n->description = xstrdup("Telecare alarm monitoring for older residents, café-style");
  n->status = NOTICE_OPEN;
  n->tender_status = xstrdup("active");
  n->buyer.id = xstrdup("GB-GOR-LCC");
  n->buyer.name = xstrdup("Leeds City Council");
  n->buyer.scheme = xstrdup("GB-GOR");
  n->buyer.identifier = xstrdup("LCC");
  n->buyer.postcode = xstrdup("LS1 1UR");
  n->buyer.locality = xstrdup("Leeds");
  n->buyer.region = xstrdup("TLE");
  n->buyer.country = xstrdup("United Kingdom");
  n->buyer.vcse = FLAG_NO;
  n->has_value = 1;
  n->value = 250000.1;
  n->has_min_value = 1;
  n->min_value = 0.1 + 0.2; /* not exactly 0.3: must read back bit for bit */
  n->currency = xstrdup("GBP");
  n->deadline = xstrdup("2026-12-01T12:00:00Z");
  n->published = xstrdup("2026-10-01T09:00:00Z");
  n->updated = xstrdup("2026-10-02T09:00:00Z");
  n->contract_start = xstrdup("2027-01-01T00:00:00Z");
  n->contract_end = xstrdup("2029-01-01T00:00:00Z");
  n->method = xstrdup("open");
  n->method_details = xstrdup("Open procedure");
  n->category = xstrdup("services");
  n->publisher = xstrdup("Test");
  n->url = xstrdup("https://example.org/n/1");
  n->sme = FLAG_YES;
  n->n_cpvs = 2;
  n->cpvs = xcalloc(2, sizeof *n->cpvs);
  n->cpvs[0].code = xstrdup("85323000");
  n->cpvs[0].label = xstrdup("Community health services");
  n->cpvs[1].code = xstrdup("72000000");
  n->cpvs[1].kind = 1;
  n->n_regions = 2;
  n->regions = xcalloc(2, sizeof *n->regions);
  n->regions[0] = xstrdup("TLE");
  n->regions[1] = xstrdup("TLC");
  n->n_awards = 2;
  n->awards = xcalloc(2, sizeof *n->awards);
  n->awards[0].id = xstrdup("a1");
  n->awards[0].title = xstrdup("Lot 1");
  n->awards[0].status = xstrdup("active");
  n->awards[0].date = xstrdup("2026-10-05T00:00:00Z");
  n->awards[0].has_value = 1;
  n->awards[0].value = 240000;
  n->awards[0].currency = xstrdup("GBP");
  n->awards[0].n_suppliers = 2;
  n->awards[0].suppliers = xcalloc(2, sizeof(Org));
  n->awards[0].suppliers[0].name = xstrdup("Aire Valley Software Ltd");
  n->awards[0].suppliers[0].scheme = xstrdup("GB-COH");
  n->awards[0].suppliers[0].identifier = xstrdup("01234567");
  n->awards[0].suppliers[0].scale = xstrdup("sme");
  n->awards[0].suppliers[0].vcse = FLAG_UNKNOWN;
  n->awards[0].suppliers[1].name = xstrdup("Calder Co-operative");
  n->awards[0].suppliers[1].postcode = xstrdup("HX1 1AA");
  n->awards[0].suppliers[1].vcse = FLAG_YES;
  n->awards[1].id = xstrdup("a2");
  n->awards[1].status = xstrdup("pending");
  n->n_contracts = 1;
  n->contracts = xcalloc(1, sizeof *n->contracts);
  n->contracts[0].id = xstrdup("c1");
  n->contracts[0].award_id = xstrdup("a1");
  n->contracts[0].status = xstrdup("active");
  n->contracts[0].has_value = 1;
  n->contracts[0].value = 239999.99;
  n->contracts[0].start = xstrdup("2027-01-01T00:00:00Z");
  n->contracts[0].end = xstrdup("2029-01-01T00:00:00Z");
  n->contracts[0].date_signed = xstrdup("2026-12-20T00:00:00Z");
}

/* ---- text dumps: two values are equal when their dumps are ----------------------- */

static void d_s(Buf *b, const char *s) {
  if (s) buf_addf(b, "'%s'|", s);
  else buf_adds(b, "NULL|");
}
static void d_num(Buf *b, int has, double v) {
  if (has) buf_addf(b, "%.17g|", v);
  else buf_adds(b, "-|");
}

static void dump_org(Buf *b, const Org *o) {
  buf_adds(b, "{");
  d_s(b, o->id);
  d_s(b, o->name);
  d_s(b, o->scheme);
  d_s(b, o->identifier);
  d_s(b, o->postcode);
  d_s(b, o->locality);
  d_s(b, o->region);
  d_s(b, o->country);
  d_s(b, o->scale);
  buf_addf(b, "%d}", (int)o->vcse);
}

static void dump_notice(Buf *b, const Notice *n) {
  d_s(b, n->ocid);
  d_s(b, n->title);
  d_s(b, n->description);
  buf_addf(b, "%d|", (int)n->status);
  d_s(b, n->tender_status);
  dump_org(b, &n->buyer);
  buf_addf(b, "buyer_ref=%lld|", n->buyer_ref);
  d_num(b, n->has_value, n->value);
  d_num(b, n->has_min_value, n->min_value);
  d_s(b, n->currency);
  d_s(b, n->deadline);
  d_s(b, n->published);
  d_s(b, n->updated);
  d_s(b, n->contract_start);
  d_s(b, n->contract_end);
  d_s(b, n->method);
  d_s(b, n->method_details);
  d_s(b, n->category);
  buf_addf(b, "sme=%d vcse=%d|", (int)n->sme, (int)n->vcse);
  d_s(b, n->publisher);
  d_s(b, n->url);
  d_s(b, n->tags);
  buf_addf(b, "%d %d|", (int)n->sector, n->subcontract);
  d_s(b, n->parent_ocid);
  for (size_t i = 0; i < n->n_cpvs; i++) {
    buf_addf(b, "cpv%d:", n->cpvs[i].kind);
    d_s(b, n->cpvs[i].code);
    d_s(b, n->cpvs[i].label);
  }
  for (size_t i = 0; i < n->n_regions; i++) d_s(b, n->regions[i]);
  for (size_t i = 0; i < n->n_awards; i++) {
    const NoticeAward *a = &n->awards[i];
    buf_adds(b, "award:");
    d_s(b, a->id);
    d_s(b, a->title);
    d_s(b, a->status);
    d_s(b, a->date);
    d_s(b, a->date_published);
    d_num(b, a->has_value, a->value);
    d_s(b, a->currency);
    d_s(b, a->contract_start);
    d_s(b, a->contract_end);
    for (size_t j = 0; j < a->n_suppliers; j++) dump_org(b, &a->suppliers[j]);
  }
  for (size_t i = 0; i < n->n_contracts; i++) {
    const NoticeContract *c = &n->contracts[i];
    buf_adds(b, "contract:");
    d_s(b, c->id);
    d_s(b, c->award_id);
    d_s(b, c->title);
    d_s(b, c->status);
    d_num(b, c->has_value, c->value);
    d_s(b, c->currency);
    d_s(b, c->start);
    d_s(b, c->end);
    d_s(b, c->date_signed);
  }
  for (size_t i = 0; i < n->n_documents; i++) {
    buf_adds(b, "document:");
    d_s(b, n->documents[i].title);
    d_s(b, n->documents[i].url);
    d_s(b, n->documents[i].type);
    d_s(b, n->documents[i].date);
  }
  for (size_t i = 0; i < n->n_history; i++) {
    buf_adds(b, "history:");
    d_s(b, n->history[i].release_id);
    d_s(b, n->history[i].date);
    d_s(b, n->history[i].tags);
  }
}

/* The index documents of a store, one line each; ocids into *ocids (NUL-separated). */
typedef struct {
  Buf lines, ocids;
  size_t n;
} Scan;

static int scan_doc(void *ctx, const StoreIndexDoc *d, Err *err) {
  Scan *s = ctx;
  Buf *b = &s->lines;
  buf_addf(b, "%lld|", d->id);
  d_s(b, d->ocid);
  d_s(b, d->title);
  d_s(b, d->description);
  d_s(b, d->buyer_name);
  d_s(b, d->cpv_text);
  d_s(b, d->status);
  d_s(b, d->deadline);
  d_s(b, d->published);
  buf_addf(b, "%lld|", d->buyer_id);
  d_num(b, d->has_value, d->value);
  buf_addf(b, "%d %d %d %d|", (int)d->sme, (int)d->vcse, (int)d->sector, d->subcontract);
  for (size_t i = 0; i < d->n_regions; i++) d_s(b, d->regions[i]);
  buf_adds(b, "cpv:");
  for (size_t i = 0; i < d->n_cpv; i++) d_s(b, d->cpv[i]);
  buf_addc(b, '\n');
  buf_add(&s->ocids, d->ocid, strlen(d->ocid) + 1);
  s->n++;
  return 0;
}

/* The first line where a and b differ, for the diagnostics. */
static void first_difference(const char *a, const char *b) {
  size_t line = 1;
  const char *la = a, *lb = b;
  while (*a && *a == *b) {
    if (*a == '\n') {
      line++;
      la = a + 1;
      lb = b + 1;
    }
    a++;
    b++;
  }
  printf("#   line %zu differs:\n#   sqlite:   %.*s\n#   postgres: %.*s\n", line, (int)strcspn(la, "\n"), la,
         (int)strcspn(lb, "\n"), lb);
}

/* ---- searches --------------------------------------------------------------------- */

static int set_param(void *ctx, const char *name, const char *value, Err *err) {
  return query_set(ctx, name, value, err) == ERR_USAGE ? ERR_USAGE : 0;
}

static int parse(Query *q, const char *qs) {
  Err err = ERR_INIT;
  query_init(q);
  if (url_query_parse(qs, strlen(qs), 64, 4096, set_param, q, &err) || query_finish(q, NOW, &err)) {
    printf("# query %s: %s\n", qs, err.msg);
    query_release(q);
    return -1;
  }
  return 0;
}

static void dump_hit(Buf *b, const StoreHit *h) {
  d_s(b, h->ocid);
  d_s(b, h->title);
  d_s(b, h->buyer_name);
  buf_addf(b, "%lld|", h->buyer_id);
  d_s(b, h->status);
  d_s(b, h->deadline);
  d_s(b, h->published);
  d_num(b, h->has_value, h->value);
  d_s(b, h->currency);
  buf_addf(b, "%d %d %d %d|", (int)h->sme, (int)h->vcse, (int)h->sector, h->subcontract);
  d_s(b, h->regions);
  d_s(b, h->cpv);
  d_s(b, h->winner);
  d_s(b, h->stage);
  d_num(b, h->has_award_value, h->award_value);
  d_s(b, h->award_currency);
  d_s(b, h->award_date);
  buf_addc(b, '\n');
}

/* Runs qs on both stores. Deterministic sorts: up to 3 pages (the cursor from
 * the SQLite page used on both) must be equal hit for hit; relevance: the
 * totals. Returns 1 when equal; *total gets the total. */
static int same_search(Store *a, Store *b, const char *qs, long long *total) {
  Query q;
  if (parse(&q, qs)) return 0;
  int same = 1;
  *total = -1;
  for (int page = 0; page < 3 && same; page++) {
    StoreResults ra, rb;
    Err e1 = ERR_INIT, e2 = ERR_INIT;
    int r1 = store_search(a, &q, NOW, &ra, &e1), r2 = store_search(b, &q, NOW, &rb, &e2);
    if (r1 || r2) {
      printf("# %s: %s / %s\n", qs, e1.msg, e2.msg);
      same = 0;
      break;
    }
    if (page == 0) *total = ra.total;
    if (ra.total != rb.total) {
      printf("# %s: total %lld (sqlite) vs %lld (postgres)\n", qs, ra.total, rb.total);
      same = 0;
    } else if (q.sort != QUERY_SORT_RELEVANCE) {
      Buf da = BUF_INIT, db = BUF_INIT;
      for (size_t i = 0; i < ra.n; i++) dump_hit(&da, &ra.hits[i]);
      for (size_t i = 0; i < rb.n; i++) dump_hit(&db, &rb.hits[i]);
      buf_addf(&da, "more=%d", ra.has_more);
      buf_addf(&db, "more=%d", rb.has_more);
      if (strcmp(buf_cstr(&da), buf_cstr(&db)) != 0) {
        printf("# %s: page %d differs\n", qs, page + 1);
        first_difference(buf_cstr(&da), buf_cstr(&db));
        same = 0;
      }
      buf_release(&da);
      buf_release(&db);
    }
    int more = q.sort != QUERY_SORT_RELEVANCE && ra.has_more && ra.n;
    if (more) search_cursor_after(&q, &ra.hits[ra.n - 1]);
    store_results_release(&ra);
    store_results_release(&rb);
    if (!more) break;
  }
  query_release(&q);
  return same;
}

/* ---- the stores ------------------------------------------------------------------- */

static int load(Store *st) {
  Err err = ERR_INIT;
  IngestOptions opt = {0};
  opt.now = NOW;
  opt.report = fopen("/dev/null", "w");
  IngestStats stats;
  char dev[1024];
  snprintf(dev, sizeof dev, "%s/data/ocds/dev", tap_shared());
  const char *paths[] = {dev};
  int rc = ingest_paths(st, paths, 1, &opt, &stats, &err);
  if (!rc) {
    GenOptions g = {.seed = 7, .now = NOW, .ocid_prefix = NULL};
    Gen *gen = gen_new(&g);
    Buf b = BUF_INIT;
    for (int i = 0; i < 1500; i++) gen_next_notice(gen, &b);
    gen_free(gen);
    rc = ingest_buffer(st, "generated.jsonl", b.data, b.len, &opt, &stats, &err);
    buf_reset(&b);
    posted_notices(&b);
    if (!rc) rc = ingest_buffer(st, "posted.jsonl", b.data, b.len, &opt, &stats, &err);
    buf_release(&b);
  }
  fclose(opt.report);
  if (rc) printf("# ingest: %s\n", err.msg);
  return rc;
}

static void test_basics(const char *url) {
  Store *st = NULL;
  Err e = ERR_INIT;

  ok(store_open("postgres://nobody@127.0.0.1:1/x", 0, &st, &e) < 0 &&
         strncmp(e.msg, "cannot connect to PostgreSQL at 127.0.0.1: ", 43) == 0 && !strchr(e.msg, '\n'),
     "an unreachable server: one line naming the host and the reason (%s)", e.msg);
  ok(store_open(url, 0, &st, &e) == 0, "store opens and migrates (%s)", e.msg);
  if (!st) return;

  StoreRelease r1 = {"ocds-t-1", "r1", "2025-01-01T00:00:00Z", "{\"v\":1}", 7, 11, "test"};
  StoreRelease r1same = r1;
  StoreRelease r1diff = {"ocds-t-1", "r1", "2025-01-01T00:00:00Z", "{\"v\":2}", 7, 12, "test"};
  StoreRelease r1newer = {"ocds-t-1", "r1", "2025-02-01T00:00:00Z", "{\"v\":3}xyz", 7, 0xfedcba9876543210ull, "test"};
  StoreRelease r2 = {"ocds-t-1", "r2", "2024-12-01T00:00:00Z", "{\"v\":4}", 7, 14, NULL};
  ok(store_begin(st, &e) == 0, "begin");
  is_int(store_release_add(st, &r1, &e), STORE_ADDED, "new release added");
  is_int(store_release_add(st, &r1same, &e), STORE_UNCHANGED, "same release again is unchanged");
  is_int(store_release_add(st, &r1diff, &e), STORE_CONFLICT, "different text, same date: conflict, stored one kept");
  is_int(store_release_add(st, &r2, &e), STORE_ADDED, "second release of the ocid added");
  is_int(store_release_add(st, &r1newer, &e), STORE_REPLACED, "different text, later date: replaces");
  is_int(store_release_add(st, &r1newer, &e), STORE_UNCHANGED, "a hash above 2^63 compares equal after the round trip");
  Buf order = BUF_INIT;
  store_releases_each(st, "ocds-t-1", collect, &order, &e);
  is_str(order.data, "r2@2024-12-01T00:00:00Z;r1@2025-02-01T00:00:00Z;",
         "releases come back in date order, replaced one present once");
  buf_release(&order);

  Notice n, back;
  make_notice(&n, "ocds-t-1", "Telecare monitoring service");
  is_int(store_notice_exists(st, "ocds-t-1", &e), 0, "no notice before it is put");
  ok(store_notice_put(st, &n, &e) == 0, "notice stored (%s)", e.msg);
  is_int(store_notice_exists(st, "ocds-t-1", &e), 1, "the notice exists once put");
  ok(store_commit(st, &e) == 0, "commit (%s)", e.msg);

  notice_init(&back);
  is_int(store_notice_get(st, "ocds-t-1", &back, &e), 1, "notice read back");
  is_str(back.buyer.name, "Leeds City Council", "buyer name via the org table");
  is_int(back.vcse, FLAG_UNKNOWN, "unknown VCSE stays unknown");
  is_str(back.n_cpvs ? back.cpvs[0].label : NULL, "Community health services", "CPV label comes from the CPV table");
  is_str(back.n_cpvs > 1 ? back.cpvs[1].label : NULL, "IT services: consulting, software development, Internet and support",
         "a label the notice did not carry is joined from the CPV table");
  ok(back.buyer_ref > 0, "the buyer's row id is set");
  /* everything else: the dump of what was put, with what the store adds */
  Buf want = BUF_INIT, got = BUF_INIT;
  free(n.cpvs[1].label);
  n.cpvs[1].label = xstrdup(back.n_cpvs > 1 && back.cpvs[1].label ? back.cpvs[1].label : "");
  char *swap = n.regions[0]; /* read back in code order */
  n.regions[0] = n.regions[1];
  n.regions[1] = swap;
  n.buyer_ref = back.buyer_ref;
  dump_notice(&want, &n);
  dump_notice(&got, &back);
  is_str(got.data, want.data, "every field, CPV code, region, award, supplier and contract round-trips");
  buf_release(&want);
  buf_release(&got);
  Org o;
  memset(&o, 0, sizeof o);
  is_int(store_org_get(st, back.buyer_ref, &o, &e), 1, "org_get finds the buyer by row id");
  is_str(o.postcode, "LS1 1UR", "org_get reads its fields");
  org_release(&o);
  is_int(store_org_get(st, 999999, &o, &e), 0, "org_get: an unknown id is not found");
  notice_release(&back);
  notice_init(&back);
  is_int(store_notice_get(st, "ocds-none", &back, &e), 0, "unknown ocid: not found");

  char *json = NULL;
  is_int(store_release_get(st, "ocds-t-1", "r1", &json, &e), 1, "a stored release read back");
  is_str(json, "{\"v\":3}", "release text kept verbatim, exactly len bytes");
  free(json);
  is_int(store_release_get(st, "ocds-t-1", "nope", &json, &e), 0, "an unknown release is not found");

  is_int(hits(st, "service"), 1, "full-text finds the title word");
  is_int(hits(st, "leeds"), 1, "full-text finds the buyer name");
  is_int(hits(st, "community health"), 1, "full-text finds CPV label words");
  is_int(hits(st, "residents"), 1, "full-text finds description words");
  is_int(hits(st, "Résident"), 1, "full-text folds accents and stems: Résident finds residents");
  is_int(hits(st, "monitored-services"), 1, "a phrase matches its words' other forms (stems), in order");
  is_int(hits(st, "CAFE"), 1, "full-text folds case and accents as the index does");
  is_int(hits(st, "monitoring-service"), 1, "a hyphenated chunk is a phrase");
  is_int(hits(st, "service-monitoring"), 0, "... in order");
  is_int(hits(st, "telecare body:x road\" ' \\ & | !"), 0, "tsquery syntax in user words is inert, not an error");

  store_begin(st, &e);
  notice_release(&n);
  make_notice(&n, "ocds-t-1", "Digital care alarms");
  n.sector = NOTICE_PRIVATE;
  n.subcontract = 1;
  n.parent_ocid = xstrdup("ocds-parent-1");
  ok(store_notice_put(st, &n, &e) == 0, "notice replaced");
  store_commit(st, &e);
  notice_init(&back);
  store_notice_get(st, "ocds-t-1", &back, &e);
  ok(back.sector == NOTICE_PRIVATE && back.subcontract, "a private buyer and a sub-contract round-trip");
  is_str(back.parent_ocid, "ocds-parent-1", "the parent's ocid round-trips");
  notice_release(&back);
  /* the old title's phrase: "service" alone still matches, stemmed, the CPV label's "services" */
  is_int(hits(st, "monitoring-service"), 0, "old title words gone from the index after replace");
  is_int(hits(st, "service"), 1, "a word matches its stem in another column (services)");
  is_int(hits(st, "alarms"), 1, "new title word indexed");
  StoreStats ss;
  ok(store_stats(st, &ss, &e) == 0, "stats");
  is_int(ss.notices, 1, "replace kept one notice");
  is_int(ss.awards, 2, "replace kept its two awards (old rows deleted)");
  is_int(ss.releases, 2, "two releases stored");
  is_int(ss.orgs, 3, "three organisations: the buyer and two suppliers");
  is_int(ss.open, 1, "one open notice");
  is_int(ss.last_seq, 3, "the replaced release got a new sequence number");
  int64_t seq = 0;
  ok(store_last_seq(st, &seq, &e) == 0 && seq == 3, "last_seq");

  /* Rollback leaves nothing behind. */
  store_begin(st, &e);
  StoreRelease r3 = {"ocds-t-2", "x", "2025-01-01T00:00:00Z", "{}", 2, 99, NULL};
  store_release_add(st, &r3, &e);
  notice_release(&n);
  make_notice(&n, "ocds-t-2", "Rolled back");
  store_notice_put(st, &n, &e);
  store_rollback(st);
  store_stats(st, &ss, &e);
  is_int(ss.releases, 2, "rolled-back release not stored");
  is_int(ss.notices, 1, "rolled-back notice not stored");
  is_int(hits(st, "rolled"), 0, "rolled-back notice not in the index");

  /* An organisation first stored in a rolled-back transaction is stored again. */
  notice_release(&n);
  make_notice(&n, "ocds-t-2", "Second try");
  free(n.buyer.name);
  free(n.buyer.identifier);
  n.buyer.name = xstrdup("Sunderland City Council");
  n.buyer.identifier = xstrdup("SCC");
  store_begin(st, &e);
  store_release_add(st, &r3, &e);
  ok(store_notice_put(st, &n, &e) == 0, "notice with a new buyer stored");
  store_rollback(st);
  store_begin(st, &e);
  store_release_add(st, &r3, &e);
  ok(store_notice_put(st, &n, &e) == 0, "the same notice stored again after the rollback (%s)", e.msg);
  ok(store_commit(st, &e) == 0, "and committed");
  notice_init(&back);
  store_notice_get(st, "ocds-t-2", &back, &e);
  is_str(back.buyer.name, "Sunderland City Council", "its buyer is there");
  is_int(back.buyer_ref, 4, "row ids have no gaps after a rollback (as SQLite's)");
  notice_release(&back);

  /* A failed statement fails the commit: nothing half-written. */
  store_begin(st, &e);
  StoreRelease r4 = {"ocds-t-3", "x", "2025-01-01T00:00:00Z", "{}", 2, 5, NULL};
  store_release_add(st, &r4, &e);
  StoreRelease bad = {"ocds-t-3", "y", "2025-01-01T00:00:00Z", "\xff\xfe", 2, 6, NULL};
  ok(store_release_add(st, &bad, &e) < 0 && strstr(e.msg, "PostgreSQL at"), "invalid UTF-8 refused (%s)", e.msg);
  ok(store_commit(st, &e) < 0, "commit after a failed statement reports an error (%s)", e.msg);
  store_stats(st, &ss, &e);
  is_int(ss.releases, 3, "the failed batch left nothing");

  StoreNoticeText t[3];
  long long tids[3] = {99, 1, 1};
  is_int(store_notice_texts(st, tids, 3, t, &e), 0, "notice_texts: three ids in one call");
  ok(!t[0].title && !t[0].description, "notice_texts: an unknown id gives nothing");
  is_str(t[1].title, "Digital care alarms", "notice_texts: title, in the order asked");
  is_str(t[1].cpv_text, "85323000 Community health services 72000000", "notice_texts: CPV text");
  is_str(t[2].title, "Digital care alarms", "notice_texts: an id asked twice is filled twice");
  for (int i = 0; i < 3; i++) store_notice_text_release(&t[i]);

  Scan sc = {BUF_INIT, BUF_INIT, 0};
  seq = 0;
  ok(store_index_scan(st, scan_doc, &sc, &seq, &e) == 0, "index_scan (%s)", e.msg);
  is_int(sc.n, 2, "index_scan: every notice");
  is_int(seq, 4, "index_scan: last_seq of the snapshot");
  ok(strncmp(buf_cstr(&sc.lines), "1|'ocds-t-1'|", 13) == 0 && strstr(buf_cstr(&sc.lines), "'TLC'|'TLE'|cpv:'85323000'|'72000000'|"),
     "index_scan: row id order, regions sorted, main CPV first: %.60s", buf_cstr(&sc.lines));
  buf_release(&sc.lines);
  buf_release(&sc.ocids);

  /* The server drops the connection: the next read reconnects. */
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           PG_BIN "/psql -h %s -d postgres -XAtq -c \"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                  " WHERE datname = 'powerhouse'\" >/dev/null",
           dir);
  ok(system(cmd) == 0, "server dropped the connection");
  err_clear(&e);
  ok(store_stats(st, &ss, &e) == 0 && ss.releases == 3, "a read after a dropped connection reconnects (%s)", e.msg);
  is_int(hits(st, "digital"), 1, "prepared statements prepared again after the reconnect");
  store_close(st);

  err_clear(&e);
  ok(store_open(url, 0, &st, &e) == 0, "reopen: migrations not run again (%s)", e.msg);
  store_close(st);
  err_clear(&e);
  ok(store_open(url, STORE_READONLY, &st, &e) == 0, "reopen read-only (%s)", e.msg);
  if (st) {
    unsigned char k1[32], k2[32], zero[32] = {0};
    ok(store_secret(st, "cursor", k1, 32, &e) == 0 && memcmp(k1, zero, 32) != 0, "the store has a cursor key (%s)", e.msg);
    ok(store_secret(st, "cursor", k2, 32, &e) == 0 && memcmp(k1, k2, 32) == 0, "read again, the same key");
    is_int(store_secret(st, "nothing", k2, 32, &e), ERR_NOTFOUND, "no other secret (%s)", e.msg);
    is_int(store_secret(st, "cursor", k2, 33, &e), ERR_NOTFOUND, "nor a longer one");
    store_stats(st, &ss, &e);
    is_int(ss.releases, 3, "data survives reopen");
    store_begin(st, &e);
    ok(store_release_add(st, &r3, &e) < 0 && strstr(e.msg, "read-only"), "a read-only store refuses writes (%s)", e.msg);
    store_rollback(st);
    store_close(st);
  }
  notice_release(&n);
}

/* Queries compared: the filters of test_index.c with each deterministic sort,
 * and keyword queries (with every sort). */
static const char *const FILTERS[] = {
    "",           "status=open",       "status=closed",          "status=awarded",
    "status=cancelled,planned", "region=TLD", "region=TLE&region=TLC", "cpv=72",
    "cpv=48&cpv=30", "cpv=7222",       "value_min=50000",        "value_max=100000",
    "value_min=10000&value_max=500000", "closing_within=30", "closing_after=2026-11-01",
    "closing_before=2026-12-31", "sme=true", "sme=false", "vcse=true", "buyer=3",
    "closing_within=365&status=open", "status=awarded&region=TLD", "published_from=2026-06-01&published_to=2026-09-30", "published_to=2026-01-31",
    "sector=private", "sector=public&subcontract=true", "subcontract=false&status=open",
};
static const char *const KEYWORDS[] = {
    "software",  "services",  "service", "supported", "%22digital+cares%22", "digital+care",   "%22digital+care%22", "council+-cleaning", "nhs+OR+health",
    "servicios", "publico",   "p%C3%BAblico",    "construccion",       "obras+de",          "e-mail",
    "covid-19",  "leeds",     "-the",            "manchester+OR+%22west+yorkshire%22", "fornecimento", "cloud+hosting",
};
static const char *const SORTS[] = {"sort=closing", "sort=newest", "sort=value", "sort=award_date"};

static void test_compare(const char *pg_url) {
  char path[] = "/tmp/ph-test-store-pg-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  Buf url = BUF_INIT;
  buf_addf(&url, "sqlite:%s", path);
  Store *a = NULL, *b = NULL;
  Err e = ERR_INIT;
  err_clear(&e);
  ok(store_open(url.data, 0, &a, &e) == 0, "SQLite store opens (%s)", e.msg);
  ok(store_open(pg_url, 0, &b, &e) == 0, "PostgreSQL store opens (%s)", e.msg);
  if (!a || !b) goto out;
  ok(load(a) == 0, "dev data and 1,500 generated notices ingested into SQLite");
  ok(load(b) == 0, "... and into PostgreSQL");

  StoreStats sa, sb;
  store_stats(a, &sa, &e);
  store_stats(b, &sb, &e);
  ok(sa.releases > 3000 && memcmp(&sa, &sb, sizeof sa) == 0,
     "the same statistics (releases %lld/%lld notices %lld/%lld orgs %lld/%lld awards %lld/%lld seq %lld/%lld)",
     (long long)sa.releases, (long long)sb.releases, (long long)sa.notices, (long long)sb.notices, (long long)sa.orgs,
     (long long)sb.orgs, (long long)sa.awards, (long long)sb.awards, (long long)sa.last_seq, (long long)sb.last_seq);

  /* The sources: the same groups, counts, dates and ocids in the same order. */
  StoreSource *ca = NULL, *cb = NULL;
  size_t sn_a = 0, sn_b = 0;
  err_clear(&e);
  ok(store_sources(a, &ca, &sn_a, &e) == 0 && store_sources(b, &cb, &sn_b, &e) == 0, "sources on both (%s)", e.msg);
  size_t same_sources = sn_a == sn_b && sn_a > 4;
  for (size_t i = 0; same_sources && i < sn_a; i++) {
#define SAME(f) ((!ca[i].f && !cb[i].f) || (ca[i].f && cb[i].f && !strcmp(ca[i].f, cb[i].f)))
    if (!SAME(name) || !SAME(latest) || !SAME(first_ocid) || !SAME(last_ocid) || ca[i].notices != cb[i].notices) {
      printf("# source %zu: %s %lld %s | %s %lld %s\n", i, ca[i].name ? ca[i].name : "(none)", ca[i].notices,
             ca[i].latest ? ca[i].latest : "-", cb[i].name ? cb[i].name : "(none)", cb[i].notices,
             cb[i].latest ? cb[i].latest : "-");
      same_sources = 0;
    }
#undef SAME
  }
  ok(same_sources, "the same sources in the same order (%zu, %zu)", sn_a, sn_b);
  store_sources_free(ca, sn_a);
  store_sources_free(cb, sn_b);

  Scan xa = {BUF_INIT, BUF_INIT, 0}, xb = {BUF_INIT, BUF_INIT, 0};
  int64_t qa = 0, qb = 0;
  err_clear(&e);
  ok(store_index_scan(a, scan_doc, &xa, &qa, &e) == 0 && store_index_scan(b, scan_doc, &xb, &qb, &e) == 0,
     "index_scan on both (%s)", e.msg);
  is_int(qb, qa, "the same last_seq in the snapshot");
  ok(xa.n > 2000 && xa.n == xb.n, "the same number of index documents (%zu, %zu)", xa.n, xb.n);
  int same_scan = strcmp(buf_cstr(&xa.lines), buf_cstr(&xb.lines)) == 0;
  if (!same_scan) first_difference(buf_cstr(&xa.lines), buf_cstr(&xb.lines));
  ok(same_scan, "index_scan: identical documents (every field) in the same order");

  size_t differ = 0, missing = 0, checked = 0;
  for (size_t off = 0; off < xa.ocids.len; off += strlen(xa.ocids.data + off) + 1) {
    const char *ocid = xa.ocids.data + off;
    Notice na, nb;
    notice_init(&na);
    notice_init(&nb);
    int fa = store_notice_get(a, ocid, &na, &e), fb = store_notice_get(b, ocid, &nb, &e);
    if (fa != 1 || fb != 1) {
      if (missing++ < 3) printf("# %s: notice_get %d (sqlite) %d (postgres)\n", ocid, fa, fb);
    } else {
      Buf da = BUF_INIT, db = BUF_INIT;
      dump_notice(&da, &na);
      dump_notice(&db, &nb);
      if (strcmp(da.data, db.data) != 0 && differ++ < 3) first_difference(da.data, db.data);
      buf_release(&da);
      buf_release(&db);
    }
    notice_release(&na);
    notice_release(&nb);
    checked++;
  }
  ok(checked == xa.n && !missing && !differ, "notice_get identical for all %zu ocids (%zu differ, %zu missing)", checked,
     differ, missing);

  /* searches */
  Buf qs = BUF_INIT;
  int failed = 0, n = 0, nonempty = 0;
  long long total;
  for (size_t f = 0; f < sizeof FILTERS / sizeof *FILTERS; f++)
    for (size_t s = 0; s < sizeof SORTS / sizeof *SORTS; s++) {
      buf_reset(&qs);
      buf_addf(&qs, "%s%s%s", FILTERS[f], *FILTERS[f] ? "&" : "", SORTS[s]);
      n++;
      if (!same_search(a, b, qs.data, &total)) failed++;
      if (total > 0) nonempty++;
    }
  ok(!failed && nonempty > n / 2, "filters x closing/newest/value/award_date: %d queries, %d with hits, %d differ", n, nonempty, failed);
  failed = n = nonempty = 0;
  for (size_t k = 0; k < sizeof KEYWORDS / sizeof *KEYWORDS; k++)
    for (size_t s = 0; s < 4; s++) {
      buf_reset(&qs);
      buf_addf(&qs, "q=%s&%s", KEYWORDS[k], s < 3 ? SORTS[s] : "sort=relevance");
      if (s == 3 && KEYWORDS[k][0] == '-') continue; /* relevance needs a positive word */
      n++;
      if (!same_search(a, b, qs.data, &total)) failed++;
      if (total > 0) nonempty++;
    }
  ok(!failed && nonempty > n / 2, "keywords: %d queries (totals; pages too for the sorts without ranking), %d with hits, %d differ",
     n, nonempty, failed);
  for (size_t k = 0; k < sizeof KEYWORDS / sizeof *KEYWORDS; k++) {
    buf_reset(&qs);
    buf_addf(&qs, "q=%s&status=open,closed&region=TLD&value_min=1000&sort=closing", KEYWORDS[k]);
    if (!same_search(a, b, qs.data, &total)) failed++;
  }
  ok(!failed, "keywords with filters: the same pages");
  buf_release(&qs);

  /* a relevance page on PostgreSQL: hits in score order with snippets */
  Query q;
  StoreResults r;
  if (!parse(&q, "q=services&sort=relevance")) {
    err_clear(&e);
    ok(store_search(b, &q, NOW, &r, &e) == 0 && r.n > 1, "relevance search on PostgreSQL (%s)", e.msg);
    int ordered = 1, marked = 0;
    for (size_t i = 1; i < r.n; i++)
      if (r.hits[i].score > r.hits[i - 1].score ||
          (r.hits[i].score == r.hits[i - 1].score && strcmp(r.hits[i].ocid, r.hits[i - 1].ocid) < 0))
        ordered = 0;
    for (size_t i = 0; i < r.n; i++) marked += r.hits[i].snippet && strchr(r.hits[i].snippet, '\x02');
    ok(ordered && r.hits[0].score > 0, "score descending, then ocid");
    ok(marked > 0, "snippets mark the matches with \\x02..\\x03 (%d of %zu)", marked, r.n);
    if (r.has_more) {
      search_cursor_after(&q, &r.hits[r.n - 1]);
      StoreResults r2;
      ok(store_search(b, &q, NOW, &r2, &e) == 0 && r2.n > 0 && (r2.hits[0].score < q.cursor.key ||
         (r2.hits[0].score == q.cursor.key && strcmp(r2.hits[0].ocid, q.cursor.ocid) > 0)),
         "a relevance cursor continues after the last hit");
      store_results_release(&r2);
    }
    store_results_release(&r);
    query_release(&q);
  }
  buf_release(&xa.lines);
  buf_release(&xa.ocids);
  buf_release(&xb.lines);
  buf_release(&xb.ocids);
out:
  store_close(a);
  store_close(b);
  buf_release(&url);
  tap_unlink_db(path);
}

/* ---- batch writes ------------------------------------------------------------------
 * store_releases_add / store_notices_put (one look-up, COPY) must store what
 * store_release_add / store_notice_put one at a time store: the same rows,
 * sequence numbers and row ids. The same steps go to two databases, one call
 * per release in one and batch calls in the other, and the tables are
 * compared as psql prints them; the answers are checked on SQLite too. */

/* What psql prints for sql on database db (caller frees). */
static char *psql(const char *db, const char *sql) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, PG_BIN "/psql -h %s -d %s -XAtq -c \"%s\"", dir, db, sql);
  FILE *f = popen(cmd, "r");
  Buf b = BUF_INIT;
  char chunk[4096];
  size_t n;
  while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
  if (f) pclose(f);
  return buf_detach(&b, NULL);
}

#define DUMP_RELEASES "SELECT seq, notice_id, rid, date, hash, source, json FROM release ORDER BY seq"
#define DUMP_NOTICES                                                                                         \
  "SELECT id, ocid, status, title, buyer_id, release_count, last_seq, cpv_text, tsv FROM notice ORDER BY id;" \
  " SELECT * FROM org ORDER BY id; SELECT * FROM notice_cpv ORDER BY 1, 2; SELECT * FROM notice_region ORDER BY 1, 2;" \
  " SELECT notice_id, award_id, title FROM award ORDER BY notice_id, id;"                                          \
  " SELECT a.notice_id, a.award_id, s.org_id, s.pos FROM award_supplier s JOIN award a ON a.id = s.award_id"        \
  " ORDER BY 1, 2, 4; SELECT notice_id, contract_id, value FROM contract ORDER BY notice_id, id"

typedef struct {
  Buf texts; /* "i=json;" for every conflict */
} Lost;

static void lost_to(void *ctx, size_t i, const char *json, size_t len) {
  Lost *l = ctx;
  buf_addf(&l->texts, "%zu=%.*s;", i, (int)len, json);
}

/* The steps: each a list of releases sent in one batch call (or one call per
 * release when one_by_one). Returns the answers, known flags and lost-to
 * texts of every step as text, for comparing. */
#define R(ocid, id, date, json, hash) {ocid, id, date, json, sizeof json - 1, hash, "t"}
static const StoreRelease STEP1[] = {
    R("ocds-b-1", "r1", "2025-01-01T00:00:00Z", "{\"a\":1}", 101),
    R("ocds-b-1", "r1", "2025-01-01T00:00:00Z", "{\"a\":1}", 101),    /* unchanged: the one just stored */
    R("ocds-b-1", "r1", "2025-01-01T00:00:00Z", "{\"a\":2}", 102),    /* conflict with it */
    R("ocds-b-1", "r2", "2025-01-02T00:00:00Z", "{\"b\":1}", 103),
    R("ocds-b-1", "r2", "2025-01-03T00:00:00Z", "{\"b\":2}", 104),    /* replaces it: the top number again */
    R("ocds-b-2", "r1", "2025-01-01T00:00:00Z", "{\"c\":\"tab\\there\"}", 105),
};
static const StoreRelease STEP2[] = {
    R("ocds-b-2", "r1", "2024-12-01T00:00:00Z", "{\"c\":0}", 106),    /* older: conflict with the stored one */
    R("ocds-b-2", "r1", "2025-02-01T00:00:00Z", "{\"c\":2}", 107),    /* replaces the stored top */
    R("ocds-b-1", "r1", "2025-02-01T00:00:00Z", "{\"a\":3}", 108),    /* replaces a stored one below the top */
    R("ocds-b-1", "r1", "2025-02-01T00:00:00Z", "{\"a\":4}", 109),    /* same date: conflict with the replacement */
    R("ocds-b-3", "r1", "2025-01-01T00:00:00Z", "{\"d\":1}", 110),
    R("ocds-b-1", "r2", "2025-01-03T00:00:00Z", "{\"b\":2}", 104),    /* the stored bytes: unchanged */
    R("ocds-b-1", "r2", "2025-01-03T00:00:00Z", "{\"b\":9}", 113),    /* then a conflict with the stored text */
};
static const StoreRelease STEP3[] = { /* same transaction as STEP2 */
    R("ocds-b-3", "r2", "2025-01-02T00:00:00Z", "{\"d\":2}", 111),
    R("ocds-b-1", "r3", "2025-03-01T00:00:00Z", "{\"a\":5}", 112),
};
#undef R

static int run_step(Store *st, const StoreRelease *rs, size_t n, int one_by_one, Buf *out, Err *e) {
  int res[8];
  unsigned char known[8];
  Lost l = {BUF_INIT};
  int rc = 0;
  if (one_by_one) {
    for (size_t i = 0; i < n && rc >= 0; i++) {
      known[i] = (unsigned char)store_notice_exists(st, rs[i].ocid, e);
      rc = res[i] = store_release_add(st, &rs[i], e);
      if (rc == STORE_CONFLICT) {
        char *json = NULL;
        if (store_release_get(st, rs[i].ocid, rs[i].id, &json, e) == 1) lost_to(&l, i, json, strlen(json));
        free(json);
      }
    }
    if (rc > 0) rc = 0;
  } else {
    rc = store_releases_add(st, rs, n, res, known, lost_to, &l, e);
  }
  for (size_t i = 0; i < n && rc == 0; i++) buf_addf(out, "%d/%d ", res[i], known[i]);
  buf_addf(out, "| %s\n", buf_cstr(&l.texts));
  buf_release(&l.texts);
  return rc;
}

static int put_notices(Store *st, const char *const *ocids, size_t n, int one_by_one, Err *e) {
  Notice ns[4];
  const Notice *ptr[4];
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    make_notice(&ns[i], ocids[i], ocids[i]);
    ptr[i] = &ns[i];
    if (i == 1) { /* the same buyer with another postcode and no locality; a supplier twice; a CPV code twice */
      free(ns[i].buyer.postcode);
      ns[i].buyer.postcode = xstrdup("LS2 8BH");
      free(ns[i].buyer.locality);
      ns[i].buyer.locality = NULL;
      Org *s1 = &ns[i].awards[0].suppliers[1];
      org_release(s1);
      memset(s1, 0, sizeof *s1);
      s1->name = xstrdup("Aire Valley Software Ltd");
      s1->scheme = xstrdup("GB-COH");
      s1->identifier = xstrdup("01234567");
      free(ns[i].cpvs[1].code);
      ns[i].cpvs[1].code = xstrdup("85323000");
    }
    if (i == 2) { /* nothing derived */
      Notice bare;
      notice_init(&bare);
      bare.ocid = xstrdup(ocids[i]);
      bare.status = NOTICE_PLANNED;
      notice_release(&ns[i]);
      ns[i] = bare;
    }
  }
  if (one_by_one)
    for (size_t i = 0; i < n && rc == 0; i++) rc = store_notice_put(st, ptr[i], e);
  else
    rc = store_notices_put(st, ptr, n, e);
  for (size_t i = 0; i < n; i++) notice_release(&ns[i]);
  return rc;
}

/* All the steps on st; the answers as text in out. */
static int batch_steps(Store *st, int one_by_one, Buf *out) {
  Err e = ERR_INIT;
  const char *n1[] = {"ocds-b-1", "ocds-b-2"}, *n2[] = {"ocds-b-2", "ocds-b-1", "ocds-b-3"};
  int rc = store_begin(st, &e);
  if (!rc) rc = run_step(st, STEP1, sizeof STEP1 / sizeof *STEP1, one_by_one, out, &e);
  if (!rc) rc = put_notices(st, n1, 2, one_by_one, &e);
  if (!rc) rc = store_commit(st, &e);
  if (!rc) rc = store_begin(st, &e);
  if (!rc) rc = run_step(st, STEP2, sizeof STEP2 / sizeof *STEP2, one_by_one, out, &e);
  if (!rc) rc = run_step(st, STEP3, sizeof STEP3 / sizeof *STEP3, one_by_one, out, &e);
  /* a release of a notice the batch created, one call: its release count must still come out right */
  StoreRelease more = {"ocds-b-3", "r3", "2025-01-03T00:00:00Z", "{\"d\":3}", 7, 114, NULL};
  if (!rc && store_release_add(st, &more, &e) != STORE_ADDED) rc = -1;
  /* b-3 put twice in the transaction: first with derived rows, then without (they must go) */
  const char *n3[] = {"ocds-b-3"};
  if (!rc) rc = put_notices(st, n3, 1, one_by_one, &e);
  if (!rc) rc = put_notices(st, n2, 3, one_by_one, &e);
  if (!rc) rc = store_commit(st, &e);
  if (rc) {
    printf("# batch steps: %s\n", e.msg);
    store_rollback(st);
  }
  return rc;
}

static void test_batch(void) {
  const char *expect = "1/0 0/0 2/0 1/0 3/0 1/0 | 2={\"a\":1};\n"
                       "2/1 3/1 3/1 2/1 1/0 0/1 2/1 | 0={\"c\":\"tab\\there\"};3={\"a\":3};6={\"b\":2};\n"
                       "1/0 1/1 | \n";
  ok(sh(PG_BIN "/createdb -h %s one", dir) == 0 && sh(PG_BIN "/createdb -h %s batch", dir) == 0,
     "two databases: one call per release, and batch calls");
  char one_url[128], batch_url[128], lite_path[] = "/tmp/ph-test-batch-XXXXXX";
  snprintf(one_url, sizeof one_url, "postgresql:///one?host=%s", dir);
  snprintf(batch_url, sizeof batch_url, "postgresql:///batch?host=%s", dir);
  int fd = mkstemp(lite_path);
  close(fd);
  unlink(lite_path);
  char lite_url[64];
  snprintf(lite_url, sizeof lite_url, "sqlite:%s", lite_path);
  Store *one = NULL, *batch = NULL, *lite = NULL;
  Err e = ERR_INIT;
  if (store_open(one_url, 0, &one, &e) || store_open(batch_url, 0, &batch, &e) || store_open(lite_url, 0, &lite, &e)) {
    ok(0, "stores open (%s)", e.msg);
    goto out;
  }
  Buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
  ok(batch_steps(one, 1, &a) == 0, "one call per release on PostgreSQL");
  ok(batch_steps(batch, 0, &b) == 0, "batch calls on PostgreSQL");
  ok(batch_steps(lite, 0, &c) == 0, "batch calls on SQLite");
  is_str(buf_cstr(&a), expect, "one by one: added, unchanged, conflicts (with the text lost to), replaced; known");
  is_str(buf_cstr(&b), expect, "batch calls on PostgreSQL: the same answers, known flags and texts");
  is_str(buf_cstr(&c), expect, "batch calls on SQLite: the same");
  char *ra = psql("one", DUMP_RELEASES), *rb = psql("batch", DUMP_RELEASES);
  ok(strlen(ra) > 100 && strcmp(ra, rb) == 0, "the same release rows: sequence numbers (a replaced top taken again), notice ids, texts");
  if (strcmp(ra, rb) != 0) printf("# one by one:\n# %s\n# batch:\n# %s\n", ra, rb);
  char *na = psql("one", DUMP_NOTICES), *nb = psql("batch", DUMP_NOTICES);
  ok(strlen(na) > 100 && strcmp(na, nb) == 0,
     "the same notices, organisations (merged fields), CPV codes, regions, awards, suppliers, contracts");
  if (strcmp(na, nb) != 0) first_difference(na, nb);
  StoreStats sa, sb;
  store_stats(one, &sa, &e);
  store_stats(lite, &sb, &e);
  ok(sa.releases == 7 && memcmp(&sa, &sb, sizeof sa) == 0, "SQLite: the same statistics (releases %lld/%lld, seq %lld/%lld)",
     (long long)sa.releases, (long long)sb.releases, (long long)sa.last_seq, (long long)sb.last_seq);

  /* a batch that fails half-way (text that is not UTF-8) is rolled back whole */
  StoreRelease bad[] = {
      {"ocds-b-4", "r1", "2025-01-01T00:00:00Z", "{\"e\":1}", 7, 201, NULL},
      {"ocds-b-1", "r9", "2025-01-01T00:00:00Z", "{\"e\":\"\xff\"}", 9, 202, NULL},
  };
  int res[2];
  unsigned char known[2];
  err_clear(&e);
  ok(store_begin(batch, &e) == 0 && store_releases_add(batch, bad, 2, res, known, NULL, NULL, &e) < 0 && *e.msg,
     "a batch with a text PostgreSQL refuses fails (%s)", e.msg);
  store_rollback(batch);
  char *rc2 = psql("batch", DUMP_RELEASES), *nc2 = psql("batch", DUMP_NOTICES);
  ok(strcmp(rb, rc2) == 0 && strcmp(nb, nc2) == 0, "... and leaves the store as it was (no release, no notice of it)");
  err_clear(&e);
  Buf again = BUF_INIT;
  ok(store_begin(batch, &e) == 0 && run_step(batch, bad, 1, 0, &again, &e) == 0 && store_commit(batch, &e) == 0 &&
         strcmp(buf_cstr(&again), "1/0 | \n") == 0,
     "the store takes the next batch after the rollback (%s%s)", buf_cstr(&again), e.msg);
  buf_release(&again);
  free(rc2);
  free(nc2);
  free(ra);
  free(rb);
  free(na);
  free(nb);
  buf_release(&a);
  buf_release(&b);
  buf_release(&c);
out:
  store_close(one);
  store_close(batch);
  store_close(lite);
  tap_unlink_db(lite_path);
}

int main(void) {
  struct stat sb;
  if (stat(PG_BIN "/initdb", &sb) != 0 || stat("scripts/pg.sh", &sb) != 0) {
    printf("1..0 # SKIP no PostgreSQL 15 in " PG_BIN " (or not run from the repository root)\n");
    return 0;
  }
  snprintf(dir, sizeof dir, "/tmp/ph-test-pg-XXXXXX");
  if (!mkdtemp(dir)) {
    printf("Bail out! cannot make a folder for the server\n");
    return 1;
  }
  fflush(stdout);
  watchdog();
  if (!ok(sh("scripts/pg.sh start %s >/dev/null", dir) == 0, "a throwaway server starts")) return done_testing();
  Buf url = BUF_INIT;
  buf_addf(&url, "postgresql:///powerhouse?host=%s", dir);
  test_basics(url.data);
  test_batch();
  ok(sh(PG_BIN "/createdb -h %s compare", dir) == 0, "a second database for the comparison");
  buf_reset(&url);
  buf_addf(&url, "postgresql:///compare?host=%s", dir);
  test_compare(url.data);
  buf_release(&url);
  ok(sh("scripts/pg.sh stop %s", dir) == 0, "the server stops and its folder goes");
  return done_testing();
}
