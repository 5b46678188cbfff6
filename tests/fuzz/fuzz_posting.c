/* fuzz_posting.c -- libFuzzer target for the posting readers, writer and
 * check (src/model/posting.c): the bytes as the body of POST /api/v1/notices,
 * and as the body of each change that follows one. Checked for each run:
 *  - posting_parse refuses with at least one issue, or accepts with none;
 *  - what it read (all of it, or what could be read beside the issues) keeps
 *    the limits of posting.h, holds trimmed, valid UTF-8 strings, and goes
 *    through posting_to_json and back to an equal Posting without an issue,
 *    and to the same JSON again (the writer is the readers' inverse);
 *  - posting_check counts exactly the errors it adds, as a public buyer and
 *    as a private one (where the minimum periods are only warnings);
 *  - the form id of every issue's field has no '.', '[' or ']';
 *  - the amendment (onto the posting read above), cancellation, award,
 *    contract, question and answer readers return 0 exactly when they add no
 *    error, and an accepted amendment round-trips like a posting. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/utf8.h"
#include "model/posting.h"

#define FUZZ_TARGET "fuzz_posting"
#include "check.h"

static void check_text(const char *what, const char *s, size_t max) {
  if (!s) return;
  size_t n = strlen(s);
  CHECK(n > 0 && n <= max, "%s: %zu bytes (at most %zu)", what, n, max);
  CHECK(utf8_check(s, n, NULL) == 0, "%s: not UTF-8", what);
  CHECK(s[0] != ' ' && s[0] != '\n' && s[n - 1] != ' ' && s[n - 1] != '\n', "%s: not trimmed", what);
  CHECK(!strchr(s, '\r'), "%s: a \\r", what);
}

static void check_limits(const Posting *p) {
  check_text("title", p->title, POSTING_TITLE_MAX);
  check_text("description", p->description, POSTING_TEXT_MAX);
  check_text("rationale", p->rationale, POSTING_SHORT_MAX);
  check_text("apply_to", p->apply_to, POSTING_SHORT_MAX);
  check_text("engagement", p->engagement, POSTING_TEXT_MAX);
  CHECK(!p->title || !strchr(p->title, '\n'), "a line break in the title");
  CHECK(p->n_cpv <= POSTING_MAX_CPV && p->n_regions <= POSTING_MAX_REGIONS &&
            p->n_postcodes <= POSTING_MAX_POSTCODES && p->n_lots <= POSTING_MAX_LOTS &&
            p->n_criteria <= POSTING_MAX_CRITERIA,
        "a list over its limit");
  for (size_t i = 0; i < p->n_cpv; i++) CHECK(strlen(p->cpv[i]) == 8, "cpv %s", p->cpv[i]);
  for (size_t i = 0; i < p->n_lots; i++) {
    check_text("lot title", p->lots[i].title, POSTING_TITLE_MAX);
    check_text("lot description", p->lots[i].description, POSTING_TEXT_MAX);
    CHECK(p->lots[i].n_cpv <= POSTING_MAX_CPV, "lot cpv over its limit");
  }
  for (size_t i = 0; i < p->n_criteria; i++)
    CHECK(p->criteria[i].weight >= 0 && p->criteria[i].weight <= 100, "weight %d", p->criteria[i].weight);
  CHECK(!p->has_value || (p->value_min >= 0 && p->value_max <= POSTING_VALUE_MAX), "value out of range");
  CHECK(strlen(p->currency) == 3, "currency %s", p->currency);
}

static void check_fields(const PostingIssues *is) {
  for (size_t i = 0; i < is->n; i++) {
    char id[sizeof is->items[i].field];
    CHECK(is->items[i].message[0], "an issue without a message");
    posting_field_id(is->items[i].field, id, sizeof id);
    CHECK(!strpbrk(id, ".[]"), "field id %s", id);
  }
}

/* p goes through posting_to_json and back unchanged. */
static void check_round_trip(const Posting *p) {
  check_limits(p);
  char *text = posting_to_json(p);
  Posting back;
  PostingIssues is = {0};
  posting_init(&back);
  int rc = posting_parse(text, strlen(text), &back, &is);
  CHECK(rc == 0 && is.n == 0, "posting_to_json wrote what does not read: %s (%s: %s)", text,
        is.n ? is.items[0].field : "", is.n ? is.items[0].message : "");
  CHECK(posting_equal(p, &back), "the round trip changed the posting: %s", text);
  char *again = posting_to_json(&back);
  CHECK(strcmp(text, again) == 0, "written twice differently: %s / %s", text, again);
  free(again);
  free(text);
  posting_release(&back);
}

static void check_check(const Posting *p) {
  for (int is_private = 0; is_private < 2; is_private++) {
    PostingIssues is = {0};
    posting_issue(&is, 1, "x", "a warning before");
    size_t added = posting_check(p, is_private, 1804075200, &is);
    CHECK(added == posting_errors(&is), "posting_check counts %zu errors, the issues hold %zu", added,
          posting_errors(&is));
    check_fields(&is);
  }
}

/* A reader's result agrees with the errors it added. */
#define AGREES(rc, is, what) CHECK(((rc) == 0) == (posting_errors(&(is)) == 0), "%s: rc %d", what, rc)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Posting p;
  PostingIssues is = {0};
  posting_init(&p);
  int rc = posting_parse((const char *)data, size, &p, &is);
  CHECK((rc == 0) == (is.n == 0 && is.dropped == 0), "posting_parse: rc %d with %zu issues", rc, is.n);
  check_fields(&is);
  check_round_trip(&p);
  check_check(&p);

  cJSON *root = size <= POSTING_JSON_MAX ? cJSON_ParseWithLength((const char *)data, size) : NULL;
  if (root) {
    Posting amended;
    char *why = NULL, *a = NULL, *q = NULL;
    PostingIssues ai = {0};
    posting_init(&amended);
    rc = posting_amendment_from_json(root, &p, &amended, &why, &ai);
    AGREES(rc, ai, "amendment");
    CHECK(rc != 0 || why, "an amendment accepted without a reason");
    check_fields(&ai);
    check_round_trip(&amended);
    free(why);
    posting_release(&amended);

    memset(&ai, 0, sizeof ai);
    rc = posting_cancel_from_json(root, &why, &ai);
    AGREES(rc, ai, "cancel");
    CHECK(rc != 0 || why, "a cancellation accepted without a reason");
    free(why);

    PostingAward aw;
    memset(&ai, 0, sizeof ai);
    rc = posting_award_from_json(root, &aw, &ai);
    AGREES(rc, ai, "award");
    CHECK(rc != 0 || (aw.n_suppliers >= 1 && aw.n_suppliers <= POSTING_MAX_SUPPLIERS && aw.date[0]),
          "an award accepted without suppliers or a date");
    for (size_t i = 0; rc == 0 && i < aw.n_suppliers; i++) CHECK(aw.suppliers[i].name, "a supplier without a name");
    posting_award_release(&aw);

    PostingContract c;
    memset(&ai, 0, sizeof ai);
    rc = posting_contract_from_json(root, &c, &ai);
    AGREES(rc, ai, "contract");
    CHECK(rc != 0 || c.signed_date[0], "a contract accepted without its date");

    memset(&ai, 0, sizeof ai);
    rc = posting_question_from_json(root, &q, &ai);
    AGREES(rc, ai, "question");
    CHECK(rc != 0 || (q && strlen(q) <= POSTING_QUESTION_MAX), "a question accepted: none or too long");
    free(q);
    memset(&ai, 0, sizeof ai);
    rc = posting_answer_from_json(root, &a, &q, &ai);
    AGREES(rc, ai, "answer");
    CHECK(rc != 0 || a, "an answer accepted without its text");
    free(a);
    free(q);
    cJSON_Delete(root);
  }
  posting_release(&p);
  return 0;
}
