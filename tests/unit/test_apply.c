/* test_apply.c -- the single-release write path (ingest/apply.h): one
 * transaction stores the release, compiles its notice again with documents
 * and history, and moves the change sequence by one; the same bytes change
 * nothing; a conflicting release and bad input write nothing;
 * apply_rederive_all derives every notice again; and a notice of many
 * releases keeps its compiled release, which the next one merges onto. */
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../tap.h"
#include "base/buf.h"
#include "ingest/apply.h"
#include "model/notice_json.h"
#include "ocds/release.h"
#include "store/notices.h"

#define NOW 1764590400 /* 2025-12-01 12:00 UTC */

static const char R1[] =
    "{\"ocid\":\"ocds-apply-1\",\"id\":\"r1\",\"date\":\"2025-11-01T10:00:00Z\",\"tag\":[\"tender\"],"
    "\"buyer\":{\"name\":\"Wakefield Council\"},\"tender\":{\"id\":\"t\",\"title\":\"Telecare alarms\",\"status\":\"active\","
    "\"documents\":[{\"id\":\"d\",\"title\":\"Specification\",\"url\":\"https://w.example/spec.pdf\"}]}}";
static const char R1_OTHER[] =
    "{\"ocid\":\"ocds-apply-1\",\"id\":\"r1\",\"date\":\"2025-11-01T10:00:00Z\",\"tag\":[\"tender\"],"
    "\"tender\":{\"id\":\"t\",\"title\":\"Something else\"}}";
static const char R1_REORDERED[] = /* R1's value, its keys in another order */
    "{\"id\":\"r1\",\"ocid\":\"ocds-apply-1\",\"tag\":[\"tender\"],\"date\":\"2025-11-01T10:00:00Z\","
    "\"tender\":{\"title\":\"Telecare alarms\",\"id\":\"t\",\"status\":\"active\","
    "\"documents\":[{\"id\":\"d\",\"title\":\"Specification\",\"url\":\"https://w.example/spec.pdf\"}]},"
    "\"buyer\":{\"name\":\"Wakefield Council\"}}";
static const char R2[] =
    "{\"ocid\":\"ocds-apply-1\",\"id\":\"r2\",\"date\":\"2025-11-05T10:00:00Z\",\"tag\":[\"tenderAmendment\"],"
    "\"tender\":{\"id\":\"t\",\"title\":\"Telecare alarms and response\"}}";

static int64_t seq_of(Store *st) {
  int64_t s = -1;
  Err err = ERR_INIT;
  store_last_seq(st, &s, &err);
  return s;
}

int main(void) {
  char path[] = "/tmp/ph-test-apply-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  Buf url = BUF_INIT;
  buf_addf(&url, "sqlite:%s", path);
  Store *st = NULL;
  Err err = ERR_INIT;
  if (!ok(store_open(url.data, 0, &st, &err) == 0, "store opens")) return done_testing();

  ApplyResult res;
  ok(apply_release(st, R1, strlen(R1), "Test", NOW, &res, &err) == 0, "a release applies");
  is_int(res.stored, STORE_ADDED, "it is added");
  is_int(res.seq, 1, "the change sequence moves to 1");
  Notice n;
  notice_init(&n);
  is_int(store_notice_get(st, "ocds-apply-1", &n, &err), 1, "its notice is stored in the same transaction");
  is_str(n.title, "Telecare alarms", "with its title");
  is_int(n.n_history, 1, "its history: one release");
  is_int(n.n_documents, 1, "its documents");
  is_str(n.publisher, "Test", "and the source recorded");
  notice_release(&n);

  ok(apply_release(st, R1, strlen(R1), "Test", NOW, &res, &err) == 0 && res.stored == STORE_UNCHANGED,
     "the same bytes again: unchanged");
  is_int(seq_of(st), 1, "and the sequence stays");

  ok(apply_release(st, R1_REORDERED, strlen(R1_REORDERED), "Test", NOW, &res, &err) == 0 &&
         res.stored == STORE_UNCHANGED,
     "the same value with its keys in another order: unchanged (as the bulk pipeline counts it)");
  is_int(seq_of(st), 1, "and the sequence stays");

  ok(apply_release(st, R1_OTHER, strlen(R1_OTHER), "Test", NOW, &res, &err) == 0 && res.stored == STORE_ADDED,
     "another text under the same id and date: kept under an id of its own");
  is_int(seq_of(st), 2, "the sequence moves on");
  notice_init(&n);
  store_notice_get(st, "ocds-apply-1", &n, &err);
  ok(n.n_history == 2 && n.history[1].release_id && !strncmp(n.history[1].release_id, "r1~", 3) &&
         strlen(n.history[1].release_id) == 19,
     "its history: the second as r1~ and 16 hex digits (%s)", n.n_history == 2 ? n.history[1].release_id : "");
  ok(n.n_history == 2 && n.history[1].notes && strstr(n.history[1].notes, "\"rule\":\"id-reused\"") &&
         !n.history[0].notes,
     "... with an id-reused note (%s)", n.n_history == 2 && n.history[1].notes ? n.history[1].notes : "");
  notice_release(&n);
  ok(apply_release(st, R1_OTHER, strlen(R1_OTHER), "Test", NOW, &res, &err) == 0 && res.stored == STORE_UNCHANGED &&
         seq_of(st) == 2,
     "the same other text again: unchanged");

  ok(apply_release(st, R2, strlen(R2), "Test", NOW, &res, &err) == 0 && res.stored == STORE_ADDED && res.seq == 3,
     "a newer release applies: sequence 3");
  notice_init(&n);
  store_notice_get(st, "ocds-apply-1", &n, &err);
  is_str(n.title, "Telecare alarms and response", "the notice is compiled again from every release");
  is_int(n.n_history, 3, "its history: three releases");
  is_str(n.n_history == 3 ? n.history[2].tags : NULL, "tenderAmendment", "the newer one last");
  is_int(n.n_documents, 1, "the documents of the first release are kept by the merge");
  notice_release(&n);

  err = (Err)ERR_INIT;
  ok(apply_release(st, "{\"ocid\":", 8, NULL, NOW, &res, &err) < 0 && err.code == ERR_JSON, "bad JSON: ERR_JSON (%s)",
     err.msg);
  err = (Err)ERR_INIT;
  ok(apply_release(st, "{\"id\":\"x\",\"date\":\"2025-01-01\"}", 30, NULL, NOW, &res, &err) < 0, "no ocid: refused (%s)",
     err.msg);
  is_int(seq_of(st), 3, "nothing written by refused input");

  /* a posted release takes the same identity checks as a file (attack report finding 2) */
  static const char HIJACK_SPACE[] = "{\"ocid\":\" ocds-apply-1\",\"id\":\"h1\",\"date\":\"2025-12-01T10:00:00Z\","
                                     "\"tender\":{\"title\":\"HIJACKED\"}}";
  static const char HIJACK_DUP[] = "{\"ocid\":\"ocds-apply-x\",\"id\":\"h2\",\"date\":\"2025-12-01T10:00:00Z\","
                                   "\"ocid\":\"ocds-apply-1\",\"tender\":{\"title\":\"HIJACKED\"}}";
  err = (Err)ERR_INIT;
  ok(apply_release(st, HIJACK_SPACE, strlen(HIJACK_SPACE), NULL, NOW, &res, &err) == ERR_OCDS &&
         strstr(err.msg, "white space"),
     "an ocid with a leading space is refused, not filed onto another notice (%s)", err.msg);
  err = (Err)ERR_INIT;
  ok(apply_release(st, HIJACK_DUP, strlen(HIJACK_DUP), NULL, NOW, &res, &err) == ERR_OCDS &&
         strstr(err.msg, "more than once"),
     "a release with two ocid keys is refused (%s)", err.msg);
  is_int(seq_of(st), 3, "nothing written by either");
  notice_init(&n);
  store_notice_get(st, "ocds-apply-1", &n, &err);
  is_str(n.title, "Telecare alarms and response", "the notice they aimed at is unchanged");
  notice_release(&n);

  size_t done = 0;
  size_t kept = 0;
  ok(apply_rederive_all(st, NOW, 1, NULL, NULL, &done, &kept, &err) == 0 && done == 1 && kept == 0,
     "every notice derived again (%zu)", done);
  notice_init(&n);
  store_notice_get(st, "ocds-apply-1", &n, &err);
  ok(n.n_history == 3 && n.history[1].notes && n.publisher && !strcmp(n.publisher, "Test"),
     "the same history with its notes, the publisher kept");
  notice_release(&n);

  /* A store filled under the older, laxer check may hold a release the check
   * now refuses (two ocid keys): rederiving keeps that notice as it is and
   * goes on with the others instead of failing the whole run. */
  static const char OLD[] = "{\"ocid\":\"ocds-apply-old\",\"id\":\"o1\",\"date\":\"2025-11-01T10:00:00Z\","
                            "\"ocid\":\"ocds-apply-1\"}";
  StoreRelease old_rel = {"ocds-apply-old", "o1", "2025-11-01T10:00:00Z", OLD, strlen(OLD), release_hash(OLD, strlen(OLD)),
                          "Old"};
  notice_init(&n);
  n.ocid = xstrdup("ocds-apply-old");
  ok(store_begin(st, &err) == 0 && store_release_add(st, &old_rel, &err) == STORE_ADDED &&
         store_notice_put(st, &n, &err) == 0 && store_commit(st, &err) == 0,
     "a release the check now refuses, stored directly as an older build did (%s)", err.msg);
  notice_release(&n);
  char *said = NULL;
  size_t said_len = 0;
  FILE *report = open_memstream(&said, &said_len);
  err = (Err)ERR_INIT;
  ok(apply_rederive_all(st, NOW, 1, NULL, report, &done, &kept, &err) == 0, "rederive completes (%s)", err.msg);
  fclose(report);
  ok(done == 1 && kept == 1, "one notice derived again, the other kept as it was (%zu, %zu)", done, kept);
  ok(said && strstr(said, "notice ocds-apply-old: stored release o1 no longer checks: ocid is given more than once; kept"),
     "the kept notice is named with the reason: %s", said ? said : "");
  free(said);

  /* ... and a new release for that notice is not blocked by it: the notice is
   * compiled from the releases that check, the old one counted as left out. */
  static const char NEW_FOR_OLD[] = "{\"ocid\":\"ocds-apply-old\",\"id\":\"o2\",\"date\":\"2025-11-02T10:00:00Z\","
                                    "\"tender\":{\"title\":\"Renewed service\"}}";
  Release nr;
  err = (Err)ERR_INIT;
  ok(release_parse(NEW_FOR_OLD, strlen(NEW_FOR_OLD), &nr, &err) == 0, "a new release for it checks");
  ApplyItem item = {{nr.ocid, nr.id, nr.date, NEW_FOR_OLD, strlen(NEW_FOR_OLD), release_hash(NEW_FOR_OLD, strlen(NEW_FOR_OLD)),
                     "Test"},
                    nr.root, nr.notes};
  ApplyGroup grp = {0, 1, NULL};
  ApplyCounts counts = {0};
  int stored = -1;
  ok(store_begin(st, &err) == 0 && apply_batch(st, &item, 1, &grp, 1, NOW, &stored, &counts, &err) == 0 &&
         store_commit(st, &err) == 0,
     "it applies (%s)", err.msg);
  is_int(counts.stale, 1, "the stored release that no longer checks is counted as left out");
  release_release(&nr);
  notice_init(&n);
  store_notice_get(st, "ocds-apply-old", &n, &err);
  ok(n.title && !strcmp(n.title, "Renewed service") && n.n_history == 1,
     "the notice is compiled from the releases that check: %s, %zu in its history", n.title ? n.title : "-",
     n.n_history);
  notice_release(&n);

  /* A notice of many releases keeps its compiled release, and each release
   * after that merges onto it: the same notice as compiling every release. */
  const int n_long = APPLY_KEEP_COMPILED + 4;
  int applied = 0;
  for (int i = 0; i < n_long; i++) {
    char r[512];
    snprintf(r, sizeof r,
             "{\"ocid\":\"ocds-apply-long\",\"id\":\"l%d\",\"date\":\"2025-10-%02dT09:00:00Z\",\"tag\":[\"award\"],"
             "\"buyer\":{\"name\":\"Leeds City Council\"},\"tender\":{\"id\":\"t\",\"title\":\"Call-off %d\"},"
             "\"awards\":[{\"id\":\"A%d\",\"status\":\"active\",\"value\":{\"amount\":%d,\"currency\":\"GBP\"},"
             "\"suppliers\":[{\"name\":\"Studio %d Ltd\"}]}]}",
             i, 1 + i, i, i, 1000 + i, i);
    applied += apply_release(st, r, strlen(r), "Test", NOW, &res, &err) == 0 && res.stored == STORE_ADDED;
  }
  is_int(applied, n_long, "%d releases of one notice applied one at a time", n_long);
  char *json = NULL;
  Notice h;
  notice_init(&h);
  is_int(store_notice_compiled(st, "ocds-apply-long", &json, &h, &err), 1, "its compiled release is kept");
  is_int(h.n_history, n_long, "with its history rows");
  cJSON *kept_c = json ? cJSON_Parse(json) : NULL;
  is_int(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(kept_c, "awards")), n_long, "holding every award");
  cJSON_Delete(kept_c);
  free(json);
  notice_release(&h);
  notice_init(&h);
  is_int(store_notice_compiled(st, "ocds-apply-1", &json, &h, &err), 0, "a notice of two releases keeps none");
  notice_init(&n);
  store_notice_get(st, "ocds-apply-long", &n, &err);
  Buf onto = BUF_INIT, full = BUF_INIT;
  notice_json(&n, &onto);
  ok(n.n_awards == (size_t)n_long && n.title && !strcmp(n.title, "Call-off 19"), "the notice has every award and the latest title");
  notice_release(&n);
  ok(apply_rederive_all(st, NOW, 100, NULL, NULL, &done, &kept, &err) == 0, "every notice derived again from its releases");
  notice_init(&n);
  store_notice_get(st, "ocds-apply-long", &n, &err);
  notice_json(&n, &full);
  notice_release(&n);
  ok(onto.len && onto.len == full.len && !memcmp(onto.data, full.data, onto.len),
     "merged one release at a time onto the kept release: what compiling every release gives");
  buf_release(&onto);
  buf_release(&full);

  store_close(st);
  const char *ext[] = {"", "-wal", "-shm"};
  for (int i = 0; i < 3; i++) {
    Buf p = BUF_INIT;
    buf_addf(&p, "%s%s", path, ext[i]);
    unlink(p.data);
    buf_release(&p);
  }
  buf_release(&url);
  return done_testing();
}
