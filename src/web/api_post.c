/* api_post.c -- the API for buyers' systems: notices posted, changed,
 * awarded and answered with an organisation's API token (Authorization:
 * Bearer; routes flagged ROUTE_TOKEN alone, so no cookie is read and no
 * other site can make a browser post here). Bodies are JSON
 * (model/posting.h); every problem with a body is one 422 problem+json
 * naming each field. Each change is one transaction: the posting's row, its
 * release through ingest/apply (ingest/post.h) and the mails to the
 * suppliers that registered interest commit together. A token of another
 * organisation gets 403 and changes nothing. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ingest/post.h"
#include "model/account.h"
#include "model/posting.h"
#include "store/accounts.h"
#include "store/notices.h"
#include "store/postings.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/layout.h"
#include "web/mails.h"
#include "web/posting_common.h"

/* ---- answers ---- */

static void problem_issues(Request *r, int status, const char *title, const PostingIssues *is) {
  size_t errors = posting_errors(is);
  req_problem(r, status, title,
              req_printf(r, "%zu problem%s with the request; each is in errors, naming its field", errors,
                         errors == 1 ? "" : "s"));
  Buf *b = &r->out;
  b->len -= 2; /* "}\n" */
  buf_adds(b, ",\"errors\":[");
  int first = 1;
  for (size_t i = 0; i < is->n; i++) {
    if (is->items[i].warning) continue;
    buf_adds(b, first ? "{\"field\":" : ",{\"field\":");
    first = 0;
    buf_add_json_str(b, is->items[i].field);
    buf_adds(b, ",\"message\":");
    buf_add_json_str(b, is->items[i].message);
    buf_addc(b, '}');
  }
  buf_adds(b, "]}\n");
}

static void warnings(Buf *b, const PostingIssues *is) {
  buf_adds(b, ",\"warnings\":[");
  int first = 1;
  for (size_t i = 0; is && i < is->n; i++) {
    if (!is->items[i].warning) continue;
    buf_adds(b, first ? "{\"field\":" : ",{\"field\":");
    first = 0;
    buf_add_json_str(b, is->items[i].field);
    buf_adds(b, ",\"message\":");
    buf_add_json_str(b, is->items[i].message);
    buf_addc(b, '}');
  }
  buf_addc(b, ']');
}

/* posting_check's issues added to is, but not for a field that has a
 * problem already (a deadline that could not be read is not also missing):
 * every problem at once, each said once. */
static void check_into(const Posting *p, int is_private, time_t now, PostingIssues *is) {
  PostingIssues more = {0};
  posting_check(p, is_private, now, &more);
  for (size_t i = 0; i < more.n; i++) {
    const PostingIssue *m = &more.items[i];
    int seen = 0;
    for (size_t k = 0; k < is->n && !seen; k++) {
      size_t fl = strlen(m->field);
      seen = !strncmp(is->items[k].field, m->field, fl) &&
             (is->items[k].field[fl] == 0 || is->items[k].field[fl] == '[' || is->items[k].field[fl] == '.');
    }
    if (!seen) posting_issue(is, m->warning, m->field, "%s", m->message);
  }
}

/* 201 (or 200) with the posting as it now stands. */
static void posted(Request *r, int status, const StorePosting *ps, const char *extra_key, const char *extra,
                   const PostingIssues *is) {
  Buf *b = &r->out;
  buf_reset(b);
  buf_addf(b, "{\"id\":%lld,\"ocid\":", ps->id);
  if (ps->ocid) buf_add_json_str(b, ps->ocid);
  else buf_adds(b, "null");
  buf_adds(b, ",\"url\":");
  if (ps->ocid) buf_add_json_str(b, req_printf(r, "%s/notices/%s", app_base_url(r), ps->ocid));
  else buf_adds(b, "null");
  buf_adds(b, ",\"status\":");
  buf_add_json_str(b, ps->status);
  buf_adds(b, ",\"stage\":");
  buf_add_json_str(b, ps->stage);
  if (extra_key) {
    buf_addf(b, ",\"%s\":", extra_key);
    buf_add_json_str(b, extra);
  }
  warnings(b, is);
  buf_adds(b, "}\n");
  r->cache_control = "no-store";
  req_json(r, status);
  if (status == 201 && ps->ocid) r->location = req_printf(r, "%s/notices/%s", app_base_url(r), ps->ocid);
}

/* The body as JSON (NULL with a problem set). The caller deletes it. */
static cJSON *body_json(Request *r) {
  const char *ct = req_header(r, "Content-Type");
  if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
    req_problem(r, 415, "Unsupported Media Type", "send the body as JSON, with Content-Type: application/json");
    return NULL;
  }
  if (r->body_len > POSTING_JSON_MAX) {
    req_problem(r, 413, "Content Too Large",
                req_printf(r, "the body must be at most %d bytes", POSTING_JSON_MAX));
    return NULL;
  }
  cJSON *root = cJSON_ParseWithLength(r->body ? r->body : "", r->body_len);
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    req_problem(r, 400, "Bad Request", "the body is not a JSON object");
    return NULL;
  }
  return root;
}

static void refused(Request *r, int code) {
  int status = code == POST_NO_POSTING ? 404 : code == POST_NOT_BUYER ? 403 : 409;
  req_problem(r, status, status == 404 ? "Not Found" : status == 403 ? "Forbidden" : "Conflict",
              post_refusal_words(code));
}

/* ---- who asks ---- */

typedef struct {
  Auth *a;
  StoreOrganisation org;
  Store *w;
  PostEnv env;
} Caller;

/* The token's organisation, read; 0, or -1 with an answer set. */
static int caller(Request *r, Caller *c) {
  memset(c, 0, sizeof *c);
  c->a = auth_of(r);
  Err err = ERR_INIT;
  Store *st = app_store(r);
  int rc = st ? store_organisation_get(st, c->a->org_id, &c->org, &err) : -1;
  if (rc != 1) {
    req_unavailable(r, rc == 0 ? "the token's organisation is gone" : err.msg);
    return -1;
  }
  posting_env(r, &c->env);
  return 0;
}

static void caller_release(Caller *c) { store_organisation_release(&c->org); }

#define is_buyer posting_org_is_buyer
#define is_verified posting_org_is_verified
#define is_private posting_org_is_private

static int begin(Request *r, Caller *c) {
  Err err = ERR_INIT;
  c->w = app_store_write(r);
  if (!c->w || store_begin(c->w, &err)) {
    req_unavailable(r, c->w ? err.msg : "no write connection");
    return -1;
  }
  return 0;
}

/* Ends the transaction: commits when rc is 0, else rolls back; a refusal
 * (rc > 0) is answered, an error (rc < 0) is a 503. 0 committed. */
static int finish(Request *r, Caller *c, int rc, const Err *err) {
  Err cerr = ERR_INIT;
  if (rc == 0 && store_commit(c->w, &cerr) == 0) {
    app_mail_kick(r);
    return 0;
  }
  store_rollback(c->w);
  if (rc > 0) refused(r, rc);
  else req_unavailable(r, rc < 0 ? err->msg : cerr.msg);
  return -1;
}

/* The posting of the path's ocid, belonging to the caller's organisation:
 * 0, or -1 with a 404 / 403 set. */
static int own_posting(Request *r, const Caller *c, StorePosting *ps) {
  Err err = ERR_INIT;
  Store *st = app_store(r);
  int rc = st ? store_posting_by_ocid(st, r->capture, ps, &err) : -1;
  if (rc < 0) {
    req_unavailable(r, err.msg);
    return -1;
  }
  if (rc == 0) {
    req_problem(r, 404, "Not Found", "there is no notice posted on this portal with that ocid");
    return -1;
  }
  if (ps->org_id != c->org.id) {
    store_posting_release(ps);
    req_problem(r, 403, "Forbidden", "the notice belongs to another organisation");
    return -1;
  }
  return 0;
}

/* ---- mail to the suppliers that registered interest ---- */

static int tell_interested(Request *r, Caller *c, const StorePosting *ps, const char *subject, const char *p1,
                           const char *p2, Err *err) {
  return posting_tell_interested(r, c->w, ps, subject, p1, p2, err);
}

/* ---- POST /api/v1/notices ---- */

/* May the caller's organisation publish p? 0, or -1 with a 403 set. */
static int may_post(Request *r, const Caller *c, const Posting *p) {
  const char *why = NULL;
  Err err = ERR_INIT;
  int rc = posting_may_post(r, &c->org, p, &why, &err);
  if (rc < 0) req_unavailable(r, err.msg);
  else if (rc) req_problem(r, 403, "Forbidden", why);
  return rc ? -1 : 0;
}

void api_post_notice(Request *r) {
  Caller c;
  if (caller(r, &c)) return;
  cJSON *root = body_json(r);
  Posting p;
  PostingIssues is = {0};
  posting_init(&p);
  if (!root) goto out;
  int draft = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "draft"));
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "draft");
  if (d && !cJSON_IsBool(d)) posting_issue(&is, 0, "draft", "Draft must be true or false");
  posting_from_json(root, &p, &is);
  if (!draft) check_into(&p, is_private(&c.org), c.env.now, &is);
  if (posting_errors(&is)) {
    problem_issues(r, 422, "Unprocessable Content", &is);
    goto out;
  }
  if (may_post(r, &c, &p)) goto out;
  if (begin(r, &c)) goto out;
  Err err = ERR_INIT;
  long long id = 0;
  StorePosting ps = {0};
  char *body = posting_to_json(&p);
  int rc = store_posting_add(c.w, c.org.id, c.a->account_id, posting_stage_name(p.stage), p.title ? p.title : "",
                             body, c.env.now, &id, &err);
  free(body);
  if (rc == 0 && draft) rc = store_posting_get(c.w, id, &ps, &err) == 1 ? 0 : -1;
  else if (rc == 0) rc = post_publish(c.w, &c.env, id, &p, &ps, &err);
  if (finish(r, &c, rc, &err) == 0) posted(r, 201, &ps, NULL, NULL, &is);
  store_posting_release(&ps);
out:
  posting_release(&p);
  cJSON_Delete(root);
  caller_release(&c);
}

/* ---- POST /api/v1/notices/{ocid}/amendments, /cancellation, /awards, /contracts ---- */

void api_post_amendment(Request *r) {
  Caller c;
  StorePosting ps = {0}, after = {0};
  if (caller(r, &c)) return;
  cJSON *root = body_json(r);
  Posting base, p;
  PostingIssues is = {0};
  char *rationale = NULL;
  posting_init(&base);
  posting_init(&p);
  if (!root || own_posting(r, &c, &ps)) goto out;
  posting_parse(ps.body, strlen(ps.body), &base, &(PostingIssues){0});
  posting_amendment_from_json(root, &base, &p, &rationale, &is);
  check_into(&p, is_private(&c.org), c.env.now, &is);
  if (posting_errors(&is)) {
    problem_issues(r, 422, "Unprocessable Content", &is);
    goto out;
  }
  if (begin(r, &c)) goto out;
  Err err = ERR_INIT;
  char *diff = post_diff(&base, &p);
  int rc = post_amend(c.w, &c.env, ps.id, &p, rationale, &after, &err);
  if (rc == 0)
    rc = tell_interested(r, &c, &after, req_printf(r, "Changed: %s", after.title),
                         req_printf(r, "%s has changed the notice \"%s\". Why: %s", c.org.name, after.title, rationale),
                         diff ? req_printf(r, "What changed:\n%s", diff) : NULL, &err);
  free(diff);
  if (finish(r, &c, rc, &err) == 0) posted(r, 200, &after, "amendment", req_printf(r, "amendment-%lld", after.amendments), &is);
out:
  free(rationale);
  posting_release(&base);
  posting_release(&p);
  store_posting_release(&ps);
  store_posting_release(&after);
  cJSON_Delete(root);
  caller_release(&c);
}

void api_post_cancellation(Request *r) {
  Caller c;
  StorePosting ps = {0}, after = {0};
  if (caller(r, &c)) return;
  cJSON *root = body_json(r);
  PostingIssues is = {0};
  char *reason = NULL;
  if (!root || own_posting(r, &c, &ps)) goto out;
  if (posting_cancel_from_json(root, &reason, &is)) {
    problem_issues(r, 422, "Unprocessable Content", &is);
    goto out;
  }
  if (begin(r, &c)) goto out;
  Err err = ERR_INIT;
  int rc = post_cancel(c.w, &c.env, ps.id, reason, &after, &err);
  if (rc == 0)
    rc = tell_interested(r, &c, &after, req_printf(r, "Cancelled: %s", after.title),
                         req_printf(r, "%s has cancelled the notice \"%s\".", c.org.name, after.title),
                         req_printf(r, "The reason given: %s", reason), &err);
  if (finish(r, &c, rc, &err) == 0) posted(r, 200, &after, NULL, NULL, NULL);
out:
  free(reason);
  store_posting_release(&ps);
  store_posting_release(&after);
  cJSON_Delete(root);
  caller_release(&c);
}

/* An award or a contract: the body read into arg by read, then apply in
 * one transaction; 201 naming what was added (key, "award-N" /
 * "contract-N"). */
typedef struct {
  int (*read)(const cJSON *root, void *arg, PostingIssues *is);
  int (*apply)(Store *w, const PostEnv *env, long long id, const void *arg, StorePosting *out, Err *err);
  const char *key;
} Addition;

static void add_to_notice(Request *r, const Addition *ad, void *arg) {
  Caller c;
  StorePosting ps = {0}, after = {0};
  if (caller(r, &c)) return;
  cJSON *root = body_json(r);
  PostingIssues is = {0};
  if (!root || own_posting(r, &c, &ps)) goto out;
  if (ad->read(root, arg, &is)) {
    problem_issues(r, 422, "Unprocessable Content", &is);
    goto out;
  }
  if (begin(r, &c)) goto out;
  Err err = ERR_INIT;
  int rc = ad->apply(c.w, &c.env, ps.id, arg, &after, &err);
  if (finish(r, &c, rc, &err) == 0)
    posted(r, 201, &after, ad->key,
           req_printf(r, "%s-%lld", ad->key, !strcmp(ad->key, "award") ? after.awards : after.contracts), NULL);
out:
  store_posting_release(&ps);
  store_posting_release(&after);
  cJSON_Delete(root);
  caller_release(&c);
}

static int read_award(const cJSON *root, void *a, PostingIssues *is) { return posting_award_from_json(root, a, is); }
static int apply_award(Store *w, const PostEnv *env, long long id, const void *a, StorePosting *out, Err *err) {
  return post_award(w, env, id, a, out, err);
}
static int read_contract(const cJSON *root, void *k, PostingIssues *is) {
  return posting_contract_from_json(root, k, is);
}
static int apply_contract(Store *w, const PostEnv *env, long long id, const void *k, StorePosting *out, Err *err) {
  return post_contract(w, env, id, k, out, err);
}

void api_post_award(Request *r) {
  static const Addition ad = {read_award, apply_award, "award"};
  PostingAward a;
  memset(&a, 0, sizeof a);
  add_to_notice(r, &ad, &a);
  posting_award_release(&a);
}

void api_post_contract(Request *r) {
  static const Addition ad = {read_contract, apply_contract, "contract"};
  PostingContract k;
  memset(&k, 0, sizeof k);
  add_to_notice(r, &ad, &k);
}

/* ---- questions ---- */

void api_post_question(Request *r) {
  Caller c;
  StorePosting ps = {0};
  if (caller(r, &c)) return;
  cJSON *root = body_json(r);
  PostingIssues is = {0};
  char *question = NULL;
  Err err = ERR_INIT;
  if (!root) goto out;
  Store *st = app_store(r);
  int rc = st ? store_posting_by_ocid(st, r->capture, &ps, &err) : -1;
  if (rc < 0) {
    req_unavailable(r, err.msg);
    goto out;
  }
  if (rc == 0 || !strcmp(ps.status, POSTING_DRAFT)) {
    req_problem(r, 404, "Not Found", "there is no notice posted on this portal with that ocid");
    goto out;
  }
  if (ps.org_id == c.org.id) {
    req_problem(r, 403, "Forbidden", "a buyer answers questions about its own notices; it does not ask them");
    goto out;
  }
  if (is_buyer(&c.org) || !is_verified(&c.org)) {
    req_problem(r, 403, "Forbidden", "questions are asked by supplier organisations");
    goto out;
  }
  if ((rc = post_may_ask(&ps, c.env.now))) {
    refused(r, rc);
    goto out;
  }
  if (posting_question_from_json(root, &question, &is)) {
    problem_issues(r, 422, "Unprocessable Content", &is);
    goto out;
  }
  if (begin(r, &c)) goto out;
  long long id = 0;
  rc = store_question_add(c.w, ps.id, c.a->account_id, c.org.id, question, c.env.now, &id, &err);
  if (finish(r, &c, rc, &err) == 0) {
    buf_reset(&r->out);
    buf_addf(&r->out, "{\"id\":%lld,\"status\":\"waiting\"}\n", id);
    r->cache_control = "no-store";
    req_json(r, 201);
  }
out:
  free(question);
  store_posting_release(&ps);
  cJSON_Delete(root);
  caller_release(&c);
}

void api_post_answer(Request *r) {
  Caller c;
  StorePosting after = {0};
  StoreQuestion q = {0};
  if (caller(r, &c)) return;
  cJSON *root = body_json(r);
  PostingIssues is = {0};
  char *answer = NULL, *question = NULL;
  Err err = ERR_INIT;
  long long qid = 0;
  if (!root) goto out;
  if (app_path_id(r->capture, &qid)) {
    req_problem(r, 404, "Not Found", "there is no such question");
    goto out;
  }
  Store *st = app_store(r);
  int rc = st ? store_question_get(st, qid, &q, &err) : -1;
  if (rc < 0) {
    req_unavailable(r, err.msg);
    goto out;
  }
  StorePosting ps = {0};
  if (rc == 1 && (rc = store_posting_get(st, q.posting_id, &ps, &err)) < 0) {
    req_unavailable(r, err.msg);
    goto out;
  }
  long long owner = ps.org_id;
  store_posting_release(&ps);
  if (rc == 0) {
    req_problem(r, 404, "Not Found", "there is no such question");
    goto out;
  }
  if (owner != c.org.id) {
    req_problem(r, 403, "Forbidden", "the question is about another organisation's notice");
    goto out;
  }
  if (posting_answer_from_json(root, &answer, &question, &is)) {
    problem_issues(r, 422, "Unprocessable Content", &is);
    goto out;
  }
  if (begin(r, &c)) goto out;
  rc = post_answer(c.w, &c.env, qid, question, answer, &after, &err);
  if (rc == 0)
    rc = tell_interested(r, &c, &after, req_printf(r, "New answer: %s", after.title),
                         req_printf(r, "%s has published an answer to a question about \"%s\".", c.org.name, after.title),
                         req_printf(r, "Question %lld: %s\n\nAnswer: %s", after.answers,
                                    question && *question ? question : q.question, answer),
                         &err);
  if (finish(r, &c, rc, &err) == 0) {
    buf_reset(&r->out);
    buf_addf(&r->out, "{\"id\":%lld,\"number\":%lld,\"status\":\"answered\",\"ocid\":", qid, after.answers);
    buf_add_json_str(&r->out, after.ocid);
    buf_adds(&r->out, "}\n");
    r->cache_control = "no-store";
    req_json(r, 200);
  }
out:
  free(answer);
  free(question);
  store_question_release(&q);
  store_posting_release(&after);
  cJSON_Delete(root);
  caller_release(&c);
}
