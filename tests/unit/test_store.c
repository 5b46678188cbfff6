/* test_store.c -- the SQLite store: migrations, release dedup/replace/conflict,
 * notices and their derived rows, the full-text index kept current on replace,
 * transactions. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "base/buf.h"
#include "store/notices.h"
#include "store/search.h"
#include "store/sources.h"
#include "store/store.h"
#include "store/store_impl.h" /* a Store without an aggregate */

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

static void lost_to(void *ctx, size_t i, const char *json, size_t len) {
  buf_addf(ctx, "%zu=%.*s;", i, (int)len, json);
}

static void make_notice(Notice *n, const char *ocid, const char *title) {
  notice_init(n);
  n->ocid = xstrdup(ocid);
  n->title = xstrdup(title);
  n->description = xstrdup("Telecare alarm monitoring for older residents");
  n->status = NOTICE_OPEN;
  n->buyer.name = xstrdup("Leeds City Council");
  n->buyer.scheme = xstrdup("GB-GOR");
  n->buyer.identifier = xstrdup("LCC");
  n->buyer.postcode = xstrdup("LS1 1UR");
  n->buyer.region = xstrdup("TLE");
  n->has_value = 1;
  n->value = 250000;
  n->currency = xstrdup("GBP");
  n->deadline = xstrdup("2026-12-01T12:00:00Z");
  n->sme = FLAG_YES;
  n->n_cpvs = 1;
  n->cpvs = xcalloc(1, sizeof *n->cpvs);
  n->cpvs[0].code = xstrdup("85323000");
  n->cpvs[0].label = xstrdup("Community health services");
  n->n_regions = 1;
  n->regions = xcalloc(1, sizeof *n->regions);
  n->regions[0] = xstrdup("TLE");
  n->n_awards = 1;
  n->awards = xcalloc(1, sizeof *n->awards);
  n->awards[0].id = xstrdup("a1");
  n->awards[0].status = xstrdup("active");
  n->awards[0].has_value = 1;
  n->awards[0].value = 240000;
  n->awards[0].n_suppliers = 1;
  n->awards[0].suppliers = xcalloc(1, sizeof(Org));
  n->awards[0].suppliers[0].name = xstrdup("Aire Valley Software Ltd");
  n->awards[0].suppliers[0].scheme = xstrdup("GB-COH");
  n->awards[0].suppliers[0].identifier = xstrdup("01234567");
  n->awards[0].suppliers[0].scale = xstrdup("sme");
  n->awards[0].suppliers[0].vcse = FLAG_UNKNOWN;
}

/* A notice of publisher (may be NULL) whose newest release is dated updated. */
static int put_sourced(Store *st, const char *ocid, const char *publisher, const char *updated, Err *e) {
  StoreRelease r = {ocid, "r1", updated, "{}", 2, 5, publisher};
  Notice n;
  make_notice(&n, ocid, "Sourced");
  n.publisher = publisher ? xstrdup(publisher) : NULL;
  n.updated = xstrdup(updated);
  int rc = store_release_add(st, &r, e) < 0 || store_notice_put(st, &n, e);
  notice_release(&n);
  return rc;
}

/* The sources aggregate: notices grouped by publisher, the most first, with
 * the newest release date and the first and last ocid of each. */
static void test_sources(const char *url) {
  Store *st = NULL;
  Err e = ERR_INIT;
  StoreSource *s = NULL;
  size_t n = 9;
  ok(store_open(url, 0, &st, &e) == 0 && store_sources(st, &s, &n, &e) == 0 && n == 0 && !s,
     "an empty store has no sources (%s)", e.msg);
  store_begin(st, &e);
  int bad = put_sourced(st, "ocds-b5fd17-2", "Cabinet Office", "2025-01-20T10:00:00Z", &e) ||
            put_sourced(st, "ocds-b5fd17-1", "Cabinet Office", "2025-01-23T22:10:19Z", &e) ||
            put_sourced(st, "ocds-px0z7d-9", "IMPIC", "2019-11-25T00:00:00Z", &e) ||
            put_sourced(st, "ocds-03ad3f-1", NULL, "2017-10-10T00:00:00Z", &e) ||
            put_sourced(st, "ocds-k50g02-1", "Colombia Compra Eficiente", "2021-02-23T00:00:00Z", &e);
  ok(!bad && store_commit(st, &e) == 0, "five notices from four sources stored (%s)", e.msg);
  int rc = store_sources(st, &s, &n, &e);
  ok(rc == 0 && n == 4, "four sources (%zu) (%s)", n, e.msg);
  if (n == 4) {
    ok(s[0].name && !strcmp(s[0].name, "Cabinet Office") && s[0].notices == 2, "the one with most notices first");
    is_str(s[0].latest, "2025-01-23T22:10:19Z", "its newest release date");
    ok(!strcmp(s[0].first_ocid, "ocds-b5fd17-1") && !strcmp(s[0].last_ocid, "ocds-b5fd17-2"), "its first and last ocid");
    ok(s[1].name && !strcmp(s[1].name, "Colombia Compra Eficiente") && s[2].name && !strcmp(s[2].name, "IMPIC"),
       "ties by name");
    ok(!s[3].name && s[3].notices == 1 && !strcmp(s[3].first_ocid, "ocds-03ad3f-1"),
       "the notices without a publisher last among equals");
  }
  store_sources_free(s, n);
  store_close(st);
}

int main(void) {
  char path[] = "/tmp/ph-test-store-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  Buf url = BUF_INIT;
  buf_addf(&url, "sqlite:%s", path);
  Store *st = NULL;
  Err e = ERR_INIT;

  ok(store_open("postgresql:///x?host=/nonexistent-dir", 0, &st, &e) == ERR_DB &&
         strstr(e.msg, "cannot connect to PostgreSQL at /nonexistent-dir"),
     "a PostgreSQL server that is not there: one clear line naming it (%s)", e.msg);
  ok(store_open("mysql://x", 0, &st, &e) == ERR_USAGE && strstr(e.msg, "unknown database URL"), "unknown URL scheme refused");
  ok(store_open("sqlite:/nonexistent-dir/sub/x.db", 0, &st, &e) == ERR_DB && strstr(e.msg, "/nonexistent-dir/sub/x.db"),
     "unopenable path names the file (%s)", e.msg);
  ok(store_open(url.data, 0, &st, &e) == 0, "store opens and migrates (%s)", e.msg);

  StoreRelease r1 = {"ocds-t-1", "r1", "2025-01-01T00:00:00Z", "{\"v\":1}", 7, 11, "test"};
  StoreRelease r1same = r1;
  StoreRelease r1diff = {"ocds-t-1", "r1", "2025-01-01T00:00:00Z", "{\"v\":2}", 7, 12, "test"};
  StoreRelease r1newer = {"ocds-t-1", "r1", "2025-02-01T00:00:00Z", "{\"v\":3}", 7, 13, "test"};
  StoreRelease r2 = {"ocds-t-1", "r2", "2024-12-01T00:00:00Z", "{\"v\":4}", 7, 14, NULL};
  ok(store_begin(st, &e) == 0, "begin");
  is_int(store_release_add(st, &r1, &e), STORE_ADDED, "new release added");
  is_int(store_release_add(st, &r1same, &e), STORE_UNCHANGED, "same release again is unchanged");
  is_int(store_release_add(st, &r1diff, &e), STORE_CONFLICT, "different text, same date: conflict, stored one kept");
  is_int(store_release_add(st, &r2, &e), STORE_ADDED, "second release of the ocid added");
  is_int(store_release_add(st, &r1newer, &e), STORE_REPLACED, "different text, later date: replaces");
  Buf order = BUF_INIT;
  store_releases_each(st, "ocds-t-1", collect, &order, &e);
  is_str(order.data, "r2@2024-12-01T00:00:00Z;r1@2025-02-01T00:00:00Z;", "releases come back in date order, replaced one present once");
  buf_release(&order);

  Notice n, back;
  make_notice(&n, "ocds-t-1", "Telecare monitoring service");
  is_int(store_notice_exists(st, "ocds-t-1", &e), 0, "no notice before it is put");
  ok(store_notice_put(st, &n, &e) == 0, "notice stored (%s)", e.msg);
  is_int(store_notice_exists(st, "ocds-t-1", &e), 1, "the notice exists once put");
  ok(store_commit(st, &e) == 0, "commit");

  notice_init(&back);
  is_int(store_notice_get(st, "ocds-t-1", &back, &e), 1, "notice read back");
  is_str(back.title, "Telecare monitoring service", "title round-trips");
  is_str(back.buyer.name, "Leeds City Council", "buyer name via the org table");
  is_str(back.buyer.region, "TLE", "buyer region");
  ok(back.has_value && back.value == 250000, "value round-trips");
  is_int(back.sme, FLAG_YES, "SME flag round-trips");
  is_int(back.vcse, FLAG_UNKNOWN, "unknown VCSE stays unknown");
  ok(back.sector == NOTICE_PUBLIC && !back.subcontract && !back.parent_ocid, "public and no sub-contract by default");
  is_int(back.n_cpvs, 1, "one CPV code");
  is_str(back.n_cpvs ? back.cpvs[0].label : NULL, "Community health services", "CPV label comes from the CPV table");
  is_int(back.n_awards, 1, "one award");
  is_str(back.n_awards && back.awards[0].n_suppliers ? back.awards[0].suppliers[0].name : NULL, "Aire Valley Software Ltd",
         "award supplier read back");
  notice_release(&back);
  notice_init(&back);
  is_int(store_notice_get(st, "ocds-none", &back, &e), 0, "unknown ocid: not found");

  char *json = NULL;
  is_int(store_release_get(st, "ocds-t-1", "r2", &json, &e), 1, "a stored release read back");
  is_str(json, "{\"v\":4}", "release text kept verbatim");
  free(json);
  is_int(store_release_get(st, "ocds-t-1", "nope", &json, &e), 0, "an unknown release is not found");

  is_int(hits(st, "service"), 1, "full-text finds the title word");
  is_int(hits(st, "leeds"), 1, "full-text finds the buyer name");
  is_int(hits(st, "community health"), 1, "full-text finds CPV label words");
  is_int(hits(st, "residents"), 1, "full-text finds description words");
  is_int(hits(st, "Résident"), 1, "full-text folds accents and stems: Résident finds residents");
  is_int(hits(st, "telecare body:x road\""), 0, "FTS5 syntax in user words is inert, not an error");
  is_int(hits(st, "monitoring-service"), 1, "a hyphenated chunk is a phrase");

  /* Replace: new title; the old word must leave the index. */
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
  is_int(ss.awards, 1, "replace kept one award (old rows deleted)");
  is_int(ss.releases, 2, "two releases stored");

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

  /* An organisation first stored in a rolled-back transaction is stored again
   * afterwards (the connection must not remember its id). */
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
  notice_release(&back);
  notice_release(&n);

  /* Batch calls (on SQLite, one call per release and notice underneath): the
   * answers one call each gives, the text a conflicting release lost to, and
   * whether the store knew the ocid before the call. */
  StoreRelease batch[] = {
      {"ocds-t-1", "r2", "2024-12-01T00:00:00Z", "{\"v\":4}", 7, 14, NULL},
      {"ocds-t-1", "r2", "2024-11-01T00:00:00Z", "{\"v\":5}", 7, 15, NULL},
      {"ocds-t-3", "a", "2025-01-01T00:00:00Z", "{\"w\":1}", 7, 16, NULL},
      {"ocds-t-3", "a", "2025-01-02T00:00:00Z", "{\"w\":2}", 7, 17, NULL},
  };
  int res[4] = {-9, -9, -9, -9};
  unsigned char known[4] = {9, 9, 9, 9};
  Buf lost = BUF_INIT;
  store_begin(st, &e);
  ok(store_releases_add(st, batch, 4, res, known, lost_to, &lost, &e) == 0, "a batch of releases (%s)", e.msg);
  ok(res[0] == STORE_UNCHANGED && res[1] == STORE_CONFLICT && res[2] == STORE_ADDED && res[3] == STORE_REPLACED,
     "batch: unchanged, conflict, added, then replaced within the batch (%d %d %d %d)", res[0], res[1], res[2], res[3]);
  ok(known[0] == 1 && known[1] == 1 && known[2] == 0 && known[3] == 0, "batch: known ocids (%d %d %d %d)", known[0],
     known[1], known[2], known[3]);
  is_str(buf_cstr(&lost), "1={\"v\":4};", "batch: the conflict comes with the text it lost to");
  Notice two[2];
  make_notice(&two[0], "ocds-t-3", "Batch notice: laptops, analytics and consultancy");
  make_notice(&two[1], "ocds-t-2", "Second try, again");
  const Notice *two_p[2] = {&two[0], &two[1]};
  ok(store_notices_put(st, two_p, 2, &e) == 0 && store_commit(st, &e) == 0, "a batch of notices (%s)", e.msg);
  store_stats(st, &ss, &e);
  ok(ss.releases == 4 && ss.notices == 3, "batch: stored (releases %lld, notices %lld)", (long long)ss.releases,
     (long long)ss.notices);
  is_int(hits(st, "batch"), 1, "batch: the notice is in the full-text index");
  is_int(hits(st, "laptop"), 1, "stemmed: laptop finds laptops");
  is_int(hits(st, "analytic"), 1, "stemmed: analytic finds analytics");
  is_int(hits(st, "consultants"), 1, "stemmed: consultants finds consultancy");
  is_int(hits(st, "laptop-analytic"), 1, "stemmed: a phrase matches its words' other forms, in order");
  is_int(hits(st, "analytic-laptop"), 0, "... and only in order");
  notice_release(&two[0]);
  notice_release(&two[1]);
  buf_release(&lost);
  store_close(st);

  /* Reopen: migrations are not re-run, data is there; read-only works. */
  ok(store_open(url.data, STORE_READONLY, &st, &e) == 0, "reopen read-only (%s)", e.msg);
  store_stats(st, &ss, &e);
  is_int(ss.releases, 4, "data survives reopen");
  store_begin(st, &e);
  ok(store_release_add(st, &r3, &e) < 0, "a read-only store refuses writes");
  store_rollback(st);

  /* A backend without an aggregate (its table NULL) answers calls into it
   * with an error naming it, not a crash; the others still work. */
  st->orgs = NULL;
  st->search = NULL;
  Org org;
  memset(&org, 0, sizeof org);
  ok(store_org_get(st, 1, &org, &e) == ERR_DB && strstr(e.msg, "sqlite store keeps no organisations"),
     "a missing aggregate is an error naming it (%s)", e.msg);
  ok(store_fts(st, "telecare", 10, count_hits, &(int){0}, &e) == ERR_DB && strstr(e.msg, "no search"),
     "the same for search (%s)", e.msg);
  ok(store_notice_exists(st, "ocds-t-1", &e) == 1, "the notices aggregate still answers");
  org_release(&org);
  store_close(st);

  tap_unlink_db(path);
  test_sources(url.data);
  buf_release(&url);
  tap_unlink_db(path);
  return done_testing();
}
