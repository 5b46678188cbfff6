/* questions.c -- clarification questions about a notice posted on the
 * portal, asked and answered through pages (the API does the same in
 * api_post.c):
 *
 *   GET/POST /notices/{ocid}/questions           a member of a verified supplier
 *            organisation asks (before the enquiry deadline: post_may_ask)
 *   GET      /organisations/{id}/questions       the buyer's unanswered questions,
 *            oldest first, with who asked (only here), and its answered ones
 *   GET/POST /organisations/{id}/questions/answer?question=N
 *            the buyer edits the question (to take out who asked) and answers
 *
 * A question is private until answered: the answer is published as an OCDS
 * release (ingest/post.h's post_answer) and mailed to the suppliers that
 * registered interest, in one transaction. Who asked is never published.
 * Any member of the buyer organisation may answer (ROUTE_ORG_MEMBER): the
 * API lets any of its tokens do it too, and answering is the everyday work
 * of whoever runs the procurement, not an administrator's. A question about
 * another organisation's notice is a 404 there, and nothing changes. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/post.h"
#include "model/posting.h"
#include "store/accounts.h"
#include "store/postings.h"
#include "web/account.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/formui.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/posting_common.h"
#include "web/qa_common.h"

#define OPEN_SHOWN 200 /* unanswered questions listed at once */

/* ---- shared ---- */

/* The model's reading of a question (and answer) from form fields, so a page
 * and the API refuse the same things with the same words: 0, or -1 with the
 * issues added to e. Caller frees *out1 and *out2. */
static int read_fields(Request *r, int answer, char **out1, char **out2, FormErrors *e) {
  cJSON *o = cJSON_CreateObject();
  PostingIssues is = {0};
  int rc;
  if (answer) {
    cJSON_AddStringToObject(o, "answer", form_value(r, "answer"));
    cJSON_AddStringToObject(o, "question", form_value(r, "public_question"));
    rc = posting_answer_from_json(o, out1, out2, &is);
  } else {
    cJSON_AddStringToObject(o, "question", form_value(r, "question"));
    rc = posting_question_from_json(o, out1, &is);
  }
  for (size_t i = 0; i < is.n; i++) {
    const char *f = is.items[i].field;
    ui_error(e, answer && !strcmp(f, "question") ? "public_question" : req_printf(r, "%s", f),
             req_printf(r, "%s", is.items[i].message));
  }
  cJSON_Delete(o);
  return rc;
}

/* A POST's write transaction (acct_begin), or a GET's read connection: NULL
 * with a 503 page set. */
static Store *store_for(Request *r, int post) {
  Store *st = post ? acct_begin(r) : app_store(r);
  if (!st && !post) page_unavailable(r, NULL);
  return st;
}

static PostEnv env_of(Request *r) {
  App *app = r->app;
  return (PostEnv){app->ocid_prefix ? app->ocid_prefix : APP_OCID_PREFIX, app_base_url(r), "Powerhouse", app_now(r)};
}

/* ---- a supplier asks ---- */

#define NOT_HERE "Questions can be asked only about notices published on this portal."

static void ask_form(Request *r, const StorePosting *ps, const StoreOrganisation *orgs, size_t n, const FormErrors *e) {
  ui_page_begin(r, req_printf(r, "Ask a question: %s", ps->title), e);
  const char *done = req_param(r, "done");
  if (done && !strcmp(done, "sent") && !(e && e->n))
    ui_success(r, "Your question has been sent to the buyer. Its answer will be published on the notice's page.");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Ask a question</h1>"
                       "<p class=\"govuk-body\">About <a class=\"govuk-link\" href=\"/notices/%H\">%s</a>, from %s.</p>",
              ps->ocid, ps->title, ps->org_name);
  int may = post_may_ask(ps, app_now(r));
  if (may) {
    html_printf(&r->out, "<p class=\"govuk-body\">You cannot ask a question about this notice: %s.</p>",
                post_refusal_words(may));
    page_end(r);
    return;
  }
  html_printf(&r->out, "<p class=\"govuk-body\">Your question stays private until the buyer answers it. The buyer then "
                       "publishes the question, which it may edit, with its answer on the notice's page, for every "
                       "supplier to read. Who asked is never published: only the buyer sees it.</p>");
  if (!n) {
    html_printf(&r->out, "<p class=\"govuk-body\">Only a member of a verified supplier organisation can ask. "
                         "<a class=\"govuk-link\" href=\"/organisations/new\">Add your organisation</a> first.</p>");
    page_end(r);
    return;
  }
  ui_form_begin(r, req_printf(r, "/notices/%s/questions", ps->ocid));
  if (n == 1) {
    ui_hidden(r, "org", req_printf(r, "%lld", orgs[0].id));
  } else {
    const char **values = req_alloc(r, n * sizeof *values), **labels = req_alloc(r, n * sizeof *labels);
    for (size_t i = 0; i < n; i++) values[i] = req_printf(r, "%lld", orgs[i].id), labels[i] = orgs[i].name;
    ui_radios(r, e, "org", "Which organisation is asking?", values, labels, n, form_value(r, "org"),
              "The buyer sees which organisation asked; nobody else does.");
  }
  ui_textarea(r, e, "question", "Your question", form_value(r, "question"),
              req_printf(r, "At most %d characters. Do not include anything you would not want published.",
                         POSTING_QUESTION_MAX));
  ui_form_end(r, "Send the question");
  page_end(r);
}

void page_question_ask(Request *r) {
  int post = !strcmp(r->method, "POST");
  Store *st = store_for(r, post);
  if (!st) return;
  StorePosting ps;
  StoreOrganisation *orgs = NULL;
  size_t n = 0;
  char *question = NULL, *unused = NULL;
  int rc = qa_posting_of(r, st, &ps, NOT_HERE);
  if (rc != 1) {
    if (post) store_rollback(st);
    return;
  }
  if (qa_suppliers_of(r, st, 1, &orgs, &n)) {
    if (post) store_rollback(st);
    goto out;
  }
  if (!post) {
    ask_form(r, &ps, orgs, n, NULL);
    goto out;
  }
  FormErrors e = {0};
  long long org = 0;
  int mine = 0;
  if (app_path_id(form_value(r, "org"), &org) == 0)
    for (size_t i = 0; i < n && !mine; i++) mine = orgs[i].id == org;
  if (!mine) ui_error(&e, "org", "Choose the supplier organisation that is asking");
  read_fields(r, 0, &question, &unused, &e);
  if ((rc = post_may_ask(&ps, app_now(r)))) {
    store_rollback(st);
    r->status = 409;
    ask_form(r, &ps, orgs, n, NULL);
    goto out;
  }
  if (e.n) {
    store_rollback(st);
    r->status = 400;
    ask_form(r, &ps, orgs, n, &e);
    goto out;
  }
  Err err = ERR_INIT;
  long long id = 0;
  if (store_question_add(st, ps.id, auth_of(r)->account_id, org, question, app_now(r), &id, &err))
    acct_fail(r, st, err.msg);
  else if (!acct_commit(r, st))
    acct_redirect(r, req_printf(r, "/notices/%s/questions?done=sent", ps.ocid));
out:
  free(question);
  free(unused);
  store_organisations_free(orgs, n);
  store_posting_release(&ps);
}

/* ---- the buyer: its questions ---- */

static void asker(Buf *b, const StoreQuestion *q) {
  html_printf(b, "%s", q->asker_name && *q->asker_name ? q->asker_name : q->asker_email ? q->asker_email : "an account since deleted");
  if (q->asker_org_name) html_printf(b, ", %s", q->asker_org_name);
}

/* The answered questions of the organisation's published notices, numbered. */
static int answered_of(Request *r, Store *st, long long org_id, Err *err) {
  StorePosting *ps = NULL;
  size_t np = 0;
  if (store_postings_of_org(st, org_id, 0, &ps, &np, err)) return -1;
  int rc = 0, any = 0;
  for (size_t i = 0; rc == 0 && i < np; i++) {
    if (!ps[i].answers || !ps[i].ocid) continue;
    StoreQuestion *q = NULL;
    size_t nq = 0;
    if ((rc = store_questions_of(st, ps[i].id, 0, &q, &nq, err))) break;
    if (!any++) html_printf(&r->out, "<h2 class=\"govuk-heading-m\">Published answers</h2>");
    html_printf(&r->out, "<h3 class=\"govuk-heading-s\"><a class=\"govuk-link\" href=\"/notices/%H#questions\">%s</a></h3>"
                         "<ul class=\"govuk-list govuk-list--bullet\">",
                ps[i].ocid, ps[i].title);
    for (size_t k = 0; k < nq; k++) {
      Buf who = BUF_INIT;
      asker(&who, &q[k]);
      html_printf(&r->out, "<li>Question %lld, answered %s: %s <span class=\"govuk-body-s\">(asked by %s)</span></li>",
                  q[k].number, acct_when(r, q[k].answered_at), q[k].public_question ? q[k].public_question : q[k].question,
                  who.data);
      buf_release(&who);
    }
    html_printf(&r->out, "</ul>");
    store_questions_free(q, nq);
  }
  if (rc == 0 && !any) html_printf(&r->out, "<p class=\"govuk-body\">No answers have been published yet.</p>");
  store_postings_free(ps, np);
  return rc;
}

void page_org_questions(Request *r) {
  Store *st = app_store(r);
  if (!st) {
    page_unavailable(r, NULL);
    return;
  }
  long long org = auth_of(r)->org_id;
  Err err = ERR_INIT;
  StoreQuestion *q = NULL;
  size_t n = 0;
  StoreOrganisation o = {0};
  int rc = store_organisation_get(st, org, &o, &err);
  if (rc == 1) rc = store_questions_open(st, org, OPEN_SHOWN, &q, &n, &err) ? -1 : 1;
  if (rc != 1) {
    page_unavailable(r, rc ? err.msg : "the organisation is gone");
    goto out;
  }
  page_begin(r, req_printf(r, "Questions: %s", o.name));
  const char *done = req_param(r, "done"), *num = req_param(r, "number");
  if (done && !strcmp(done, "answered"))
    ui_success(r, req_printf(r, "The answer is published as question %s, and interested suppliers are told.",
                             num ? num : ""));
  html_printf(&r->out, "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">Questions from suppliers</h1>"
                       "<p class=\"govuk-body\">Who asked is shown only here, to your organisation; it is never "
                       "published. Answer a question to publish it, edited as you choose, with its answer.</p>"
                       "<h2 class=\"govuk-heading-m\">Waiting for an answer</h2>",
              o.name);
  if (!n) html_printf(&r->out, "<p class=\"govuk-body\">No question is waiting for an answer.</p>");
  for (size_t i = 0; i < n; i++) {
    Buf who = BUF_INIT;
    asker(&who, &q[i]);
    html_printf(&r->out, "<div class=\"ph-question\"><h3 class=\"govuk-heading-s\">%s</h3>"
                         "<p class=\"govuk-body-s\">Asked %s by %s</p><p class=\"govuk-body\">%s</p>"
                         "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/organisations/%lld/questions/answer?question=%lld\">"
                         "Answer<span class=\"govuk-visually-hidden\"> the question asked %s by %s</span></a></p></div>",
                q[i].title ? q[i].title : "A notice", acct_when(r, q[i].asked_at), who.data, q[i].question, org, q[i].id,
                acct_when(r, q[i].asked_at), who.data);
    buf_release(&who);
  }
  if (n == OPEN_SHOWN)
    html_printf(&r->out, "<p class=\"govuk-body\">The oldest %d are shown; answer them to see the next.</p>", OPEN_SHOWN);
  if (answered_of(r, st, org, &err)) {
    page_unavailable(r, err.msg);
    goto out;
  }
  page_end(r);
out:
  store_questions_free(q, n);
  store_organisation_release(&o);
}

/* ---- the buyer answers ---- */

/* Question id (from ?question= or the form) of one of the organisation's
 * notices, read into q and ps: 1; 0 a 404 page set; -1 a 503 set. */
static int own_question(Request *r, Store *st, StoreQuestion *q, StorePosting *ps) {
  long long id = 0;
  Err err = ERR_INIT;
  const char *s = !strcmp(r->method, "POST") ? form_value(r, "question_id") : req_param(r, "question");
  int rc = app_path_id(s, &id) ? 0 : store_question_get(st, id, q, &err);
  if (rc == 1 && (rc = store_posting_get(st, q->posting_id, ps, &err)) == 1 && ps->org_id != auth_of(r)->org_id) {
    store_posting_release(ps);
    rc = 0;
  }
  if (rc == 1) return 1;
  store_question_release(q);
  if (rc < 0) page_unavailable(r, err.msg);
  else auth_refuse(r, 404, "There is no such question about your organisation's notices.");
  return rc < 0 ? -1 : 0;
}

static void answer_form(Request *r, const StoreQuestion *q, const StorePosting *ps, const FormErrors *e) {
  long long org = auth_of(r)->org_id;
  ui_page_begin(r, req_printf(r, "Answer a question: %s", ps->title), e);
  Buf who = BUF_INIT;
  asker(&who, q);
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Answer a question</h1>"
                       "<p class=\"govuk-body\">About <a class=\"govuk-link\" href=\"/notices/%H\">%s</a>.</p>"
                       "<h2 class=\"govuk-heading-m\">The question as asked</h2>"
                       "<p class=\"govuk-body-s\">Asked %s by %s. Who asked is never published.</p>",
              ps->ocid, ps->title, acct_when(r, q->asked_at), who.data);
  buf_release(&who);
  for (const char *p = q->question; p && *p;) { /* its paragraphs */
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len) html_printf(&r->out, "<p class=\"govuk-body\">%s</p>", req_printf(r, "%.*s", (int)len, p));
    p += len + (nl ? 1 : 0);
  }
  if (q->answer) {
    html_printf(&r->out, "<p class=\"govuk-body\">It was answered as question %lld on %s.</p>", q->number,
                acct_when(r, q->answered_at));
    page_end(r);
    return;
  }
  ui_form_begin(r, req_printf(r, "/organisations/%lld/questions/answer", org));
  ui_hidden(r, "question_id", req_printf(r, "%lld", q->id));
  const char *pq = e ? form_value(r, "public_question") : q->question;
  ui_textarea(r, e, "public_question", "The question as it will be published", pq,
              "Edit out anything that identifies who asked: names, products, places.");
  ui_textarea(r, e, "answer", "Your answer", e ? form_value(r, "answer") : NULL,
              "Published on the notice's page, and sent to every supplier that registered interest.");
  ui_form_end(r, "Publish the answer");
  page_end(r);
}

/* Mail to each supplier that registered interest in ps, queued in the open
 * transaction (the same mail as the API's answer sends). */
static int tell_answer(Request *r, Store *w, const StorePosting *ps, const char *buyer, const char *question,
                       const char *answer, Err *err) {
  return posting_tell_interested(
      r, w, ps, req_printf(r, "New answer: %s", ps->title),
      req_printf(r, "%s has published an answer to a question about \"%s\".", buyer, ps->title),
      req_printf(r, "Question %lld: %s\n\nAnswer: %s", ps->answers, question, answer), err);
}

void page_org_answer(Request *r) {
  int post = !strcmp(r->method, "POST");
  Store *st = store_for(r, post);
  if (!st) return;
  StoreQuestion q = {0};
  StorePosting ps = {0}, after = {0};
  char *answer = NULL, *question = NULL;
  int rc = own_question(r, st, &q, &ps);
  if (rc != 1) {
    if (post) store_rollback(st);
    return;
  }
  if (!post) {
    answer_form(r, &q, &ps, NULL);
    goto out;
  }
  FormErrors e = {0};
  if (read_fields(r, 1, &answer, &question, &e) || q.answer) {
    store_rollback(st);
    r->status = q.answer ? 409 : 400;
    answer_form(r, &q, &ps, &e);
    goto out;
  }
  Err err = ERR_INIT;
  PostEnv env = env_of(r);
  rc = post_answer(st, &env, q.id, question, answer, &after, &err);
  if (rc == 0) rc = tell_answer(r, st, &after, ps.org_name, question ? question : q.question, answer, &err);
  if (rc > 0) {
    store_rollback(st);
    auth_refuse(r, 409, post_refusal_words(rc));
  } else if (rc < 0) {
    acct_fail(r, st, err.msg);
  } else if (!acct_commit(r, st)) {
    acct_redirect(r, req_printf(r, "/organisations/%lld/questions?done=answered&number=%lld", auth_of(r)->org_id,
                                after.answers));
  }
out:
  free(answer);
  free(question);
  store_question_release(&q);
  store_posting_release(&ps);
  store_posting_release(&after);
}
