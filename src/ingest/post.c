/* post.c -- the write path of a notice posted on the portal. See post.h. */
#include "ingest/post.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "ingest/apply.h"
#include "model/account.h"
#include "ocds/build.h"
#include "store/accounts.h"

const char *post_refusal_words(int code) {
  switch (code) {
  case POST_NO_POSTING: return "There is no such notice.";
  case POST_NOT_BUYER:
    return "Only a verified buyer organisation can publish notices, and a supplier only sub-contracting opportunities.";
  case POST_NOT_PUBLISHED: return "The notice has not been published yet.";
  case POST_IS_CANCELLED: return "The notice has been cancelled and cannot change any more.";
  case POST_ALREADY_PUBLISHED: return "The notice is already published; amend it instead.";
  case POST_NO_AWARD: return "There is no such award: publish the award first.";
  case POST_NOT_OPEN_FOR_QUESTIONS: return "The notice no longer takes questions: its enquiry deadline has passed.";
  case POST_ANSWERED: return "The question has already been answered.";
  case POST_STAGE_BACK: return "A published tender cannot go back to a pipeline or engagement notice.";
  default: return "The change could not be made.";
  }
}

void post_ocid(const char *prefix, long long id, char *out, size_t cap) { snprintf(out, cap, "%s-%06lld", prefix, id); }

/* ---- the buyer and the release's shared parts ---- */

typedef struct {
  StoreOrganisation org;
  char buyer_id[64], scheme[16], ident[32];
  char release_id[128], notice_url[512];
  BuildCtx ctx;
} Buyer;

/* Reads posting id and its organisation; refuses a missing posting, an
 * organisation that may not publish, and (cancelled_ok 0) a cancelled one. */
static int load(Store *st, long long id, StorePosting *ps, Buyer *b, int cancelled_ok, Err *err) {
  memset(b, 0, sizeof *b);
  int rc = store_posting_get(st, id, ps, err);
  if (rc <= 0) return rc < 0 ? rc : POST_NO_POSTING;
  if (!cancelled_ok && !strcmp(ps->status, POSTING_CANCELLED)) return POST_IS_CANCELLED;
  rc = store_organisation_get(st, ps->org_id, &b->org, err);
  if (rc <= 0) return rc < 0 ? rc : POST_NO_POSTING;
  const StoreOrganisation *o = &b->org;
  if (!o->status || strcmp(o->status, "verified")) return POST_NOT_BUYER;
  if (!o->kind || strcmp(o->kind, "buyer")) {
    /* a supplier posts only sub-contracting opportunities */
    Posting p;
    PostingIssues is = {0};
    posting_init(&p);
    int sub = posting_parse(ps->body, strlen(ps->body), &p, &is) == 0 && p.related_ocid;
    posting_release(&p);
    if (!sub) return POST_NOT_BUYER;
  }
  if (o->ch_number && *o->ch_number) {
    snprintf(b->scheme, sizeof b->scheme, "GB-COH");
    snprintf(b->ident, sizeof b->ident, "%s", o->ch_number);
  } else if (o->ppon && *o->ppon) {
    snprintf(b->scheme, sizeof b->scheme, "GB-PPON");
    snprintf(b->ident, sizeof b->ident, "%s", o->ppon);
  }
  if (b->scheme[0]) snprintf(b->buyer_id, sizeof b->buyer_id, "%s-%s", b->scheme, b->ident);
  else snprintf(b->buyer_id, sizeof b->buyer_id, "ph-org-%lld", o->id);
  return 0;
}

/* After store_posting_step: the context of the release it numbered. */
static const BuildCtx *ctx_of(Buyer *b, const PostEnv *env, const StorePosting *ps) {
  snprintf(b->release_id, sizeof b->release_id, "%s-%lld", ps->ocid, ps->releases);
  snprintf(b->notice_url, sizeof b->notice_url, "%s/notices/%s", env->base_url, ps->ocid);
  const StoreOrganisation *o = &b->org;
  b->ctx = (BuildCtx){
      .ocid = ps->ocid,
      .release_id = b->release_id,
      .date = (time_t)ps->last_release_at,
      .notice_url = b->notice_url,
      .buyer_id = b->buyer_id,
      .buyer_name = o->name,
      .buyer_scheme = b->scheme[0] ? b->scheme : NULL,
      .buyer_identifier = b->scheme[0] ? b->ident : NULL,
      .buyer_website = o->website,
      .is_private = o->sector && !strcmp(o->sector, "private"),
  };
  return &b->ctx;
}

static void buyer_release(Buyer *b) { store_organisation_release(&b->org); }

/* Applies the release built in rel (inside the caller's transaction). */
static int apply(Store *st, const PostEnv *env, const StorePosting *ps, Buf *rel, Err *err) {
  int stored = 0;
  int rc = apply_release_in(st, rel->data, rel->len, env->source, (time_t)ps->last_release_at, &stored, err);
  if (rc == 0 && stored != STORE_ADDED)
    rc = err_set(err, ERR_DB, "release %s was not added (%d)", ps->ocid, stored);
  return rc;
}

/* The common frame: load, check, step, build (by the caller's fn), apply. */
typedef void (*BuildFn)(const BuildCtx *ctx, const StorePosting *ps, void *arg, Buf *out);

static int change(Store *st, const PostEnv *env, long long id, int need_published, const PostingStep *step,
                  BuildFn fn, void *arg, StorePosting *out, Err *err) {
  StorePosting ps;
  Buyer b;
  int rc = load(st, id, &ps, &b, 0, err);
  if (rc == 0 && need_published && !strcmp(ps.status, POSTING_DRAFT)) rc = POST_NOT_PUBLISHED;
  store_posting_release(&ps);
  if (rc) goto out;
  if ((rc = store_posting_step(st, id, step, env->now, out, err))) goto out;
  Buf rel = BUF_INIT;
  fn(ctx_of(&b, env, out), out, arg, &rel);
  rc = apply(st, env, out, &rel, err);
  buf_release(&rel);
out:
  buyer_release(&b);
  return rc;
}

/* ---- publish and amend ---- */

typedef struct {
  const Posting *p;
  const BuildAmendment *amendment;
} NoticeArg;

static void notice_fn(const BuildCtx *ctx, const StorePosting *ps, void *arg, Buf *out) {
  NoticeArg *a = arg;
  build_notice(ctx, a->p, a->amendment, out);
}

static int save_body(Store *st, long long id, const Posting *p, const PostEnv *env, Err *err) {
  char *body = posting_to_json(p);
  int rc = store_posting_save(st, id, posting_stage_name(p->stage), p->title ? p->title : "", body, env->now, err);
  free(body);
  return rc;
}

/* ---- documents ---- */

typedef struct {
  StoreDocument *d;
  size_t n;
  const PostEnv *env;
} DocsArg;

static void docs_fn(const BuildCtx *ctx, const StorePosting *ps, void *arg, Buf *out) {
  DocsArg *a = arg;
  BuildDocument *b = calloc(a->n ? a->n : 1, sizeof *b);
  char(*ids)[32] = calloc(a->n ? a->n : 1, sizeof *ids), (*was)[32] = calloc(a->n ? a->n : 1, sizeof *was);
  char(*urls)[600] = calloc(a->n ? a->n : 1, sizeof *urls), (*titles)[300] = calloc(a->n ? a->n : 1, sizeof *titles);
  if (!b || !ids || !was || !urls || !titles) abort();
  for (size_t i = 0; i < a->n; i++) {
    const StoreDocument *d = &a->d[i];
    snprintf(ids[i], sizeof ids[i], "doc-%lld", d->id);
    snprintf(was[i], sizeof was[i], "doc-%lld", d->replaces);
    snprintf(urls[i], sizeof urls[i], "%s/documents/%lld", a->env->base_url, d->id);
    snprintf(titles[i], sizeof titles[i], "%s%s", d->name, d->replaced_at ? " (replaced by a newer version)" : "");
    b[i] = (BuildDocument){ids[i], titles[i], urls[i], d->mime, d->sha256, d->size, (time_t)d->uploaded_at,
                           (time_t)d->replaced_at, d->replaces ? was[i] : NULL};
  }
  build_documents(ctx, b, a->n, out);
  free(b);
  free(ids);
  free(was);
  free(urls);
  free(titles);
}

/* The documents of a release: doc_id and the version it replaces (doc_id 0:
 * every current document). */
static int docs_of(Store *st, long long id, long long doc_id, DocsArg *a, Err *err) {
  memset(a, 0, sizeof *a);
  if (!doc_id) return store_documents_of(st, id, 0, &a->d, &a->n, err);
  a->d = calloc(2, sizeof *a->d);
  if (!a->d) abort();
  int rc = store_document_get(st, doc_id, &a->d[0], err);
  if (rc <= 0) return rc < 0 ? rc : err_set(err, ERR_DB, "document %lld is gone", doc_id);
  a->n = 1;
  if (!a->d[0].replaces) return 0;
  rc = store_document_get(st, a->d[0].replaces, &a->d[1], err);
  if (rc == 1) a->n = 2;
  return rc < 0 ? rc : 0;
}

static int release_documents(Store *st, const PostEnv *env, long long id, long long doc_id, StorePosting *out,
                             Err *err) {
  DocsArg a;
  int rc = docs_of(st, id, doc_id, &a, err);
  a.env = env;
  if (rc == 0 && a.n) {
    PostingStep step = {0};
    store_posting_release(out);
    rc = change(st, env, id, 1, &step, docs_fn, &a, out, err);
  }
  store_documents_free(a.d, a.n ? a.n : (doc_id ? 2 : 0));
  return rc;
}

int post_document(Store *st, const PostEnv *env, long long id, long long doc_id, StorePosting *out, Err *err) {
  memset(out, 0, sizeof *out);
  int rc = store_posting_get(st, id, out, err);
  if (rc <= 0) return rc < 0 ? rc : POST_NO_POSTING;
  if (!strcmp(out->status, POSTING_CANCELLED)) return POST_IS_CANCELLED;
  if (!strcmp(out->status, POSTING_DRAFT)) return 0; /* listed when it is published */
  return release_documents(st, env, id, doc_id, out, err);
}

int post_publish(Store *st, const PostEnv *env, long long id, const Posting *p, StorePosting *out, Err *err) {
  StorePosting ps;
  Buyer b;
  memset(out, 0, sizeof *out);
  int rc = load(st, id, &ps, &b, 0, err);
  if (rc == 0 && strcmp(ps.status, POSTING_DRAFT)) {
    PostingStage was = POSTING_TENDER;
    posting_stage_parse(ps.stage, &was);
    if (was == POSTING_TENDER) rc = p->stage == POSTING_TENDER ? POST_ALREADY_PUBLISHED : POST_STAGE_BACK;
    else if (p->stage != POSTING_TENDER) rc = POST_ALREADY_PUBLISHED;
  }
  char ocid[96];
  int ps_was_draft = rc == 0 && !strcmp(ps.status, POSTING_DRAFT);
  if (rc == 0) {
    if (ps.ocid) snprintf(ocid, sizeof ocid, "%s", ps.ocid);
    else post_ocid(env->ocid_prefix, id, ocid, sizeof ocid);
  }
  store_posting_release(&ps);
  buyer_release(&b);
  if (rc) return rc;
  if ((rc = save_body(st, id, p, env, err))) return rc;
  PostingStep step = {.status = POSTING_PUBLISHED, .ocid = ocid};
  NoticeArg a = {p, NULL};
  int first = ps_was_draft;
  rc = change(st, env, id, 0, &step, notice_fn, &a, out, err);
  /* the documents a draft gathered are published with it */
  if (rc == 0 && first) rc = release_documents(st, env, id, 0, out, err);
  return rc;
}

int post_amend(Store *st, const PostEnv *env, long long id, const Posting *p, const char *rationale, StorePosting *out,
               Err *err) {
  StorePosting ps;
  Buyer b;
  memset(out, 0, sizeof *out);
  int rc = load(st, id, &ps, &b, 0, err);
  if (rc == 0 && !strcmp(ps.status, POSTING_DRAFT)) rc = POST_NOT_PUBLISHED;
  char *diff = NULL;
  if (rc == 0) {
    Posting was;
    PostingIssues is = {0};
    posting_init(&was);
    if (posting_parse(ps.body, strlen(ps.body), &was, &is) == 0) {
      if (was.stage == POSTING_TENDER && p->stage != POSTING_TENDER) rc = POST_STAGE_BACK;
      diff = post_diff(&was, p);
    }
    posting_release(&was);
  }
  long long n = ps.amendments + 1;
  store_posting_release(&ps);
  buyer_release(&b);
  if (rc == 0 && (rc = save_body(st, id, p, env, err)) == 0) {
    char aid[32];
    snprintf(aid, sizeof aid, "amendment-%lld", n);
    /* date 0: the amendment is dated with its release */
    BuildAmendment am = {aid, 0, rationale, diff ? diff : "The notice was published again without changes."};
    NoticeArg a = {p, &am};
    PostingStep step = {.amendment = 1};
    rc = change(st, env, id, 1, &step, notice_fn, &a, out, err);
  }
  free(diff);
  return rc;
}

/* ---- cancel, award, contract ---- */

static void cancel_fn(const BuildCtx *ctx, const StorePosting *ps, void *arg, Buf *out) {
  build_cancellation(ctx, arg, out);
}

int post_cancel(Store *st, const PostEnv *env, long long id, const char *reason, StorePosting *out, Err *err) {
  memset(out, 0, sizeof *out);
  PostingStep step = {.status = POSTING_CANCELLED};
  return change(st, env, id, 1, &step, cancel_fn, (void *)reason, out, err);
}

static void award_fn(const BuildCtx *ctx, const StorePosting *ps, void *arg, Buf *out) {
  char aid[32];
  snprintf(aid, sizeof aid, "award-%lld", ps->awards);
  build_award(ctx, aid, arg, out);
}

int post_award(Store *st, const PostEnv *env, long long id, const PostingAward *a, StorePosting *out, Err *err) {
  memset(out, 0, sizeof *out);
  PostingStep step = {.award = 1};
  return change(st, env, id, 1, &step, award_fn, (void *)a, out, err);
}

typedef struct {
  const PostingContract *c;
  long long award;
} ContractArg;

static void contract_fn(const BuildCtx *ctx, const StorePosting *ps, void *arg, Buf *out) {
  ContractArg *a = arg;
  char kid[32], aid[32];
  snprintf(kid, sizeof kid, "contract-%lld", ps->contracts);
  snprintf(aid, sizeof aid, "award-%lld", a->award ? a->award : ps->awards);
  build_contract(ctx, kid, aid, a->c, out);
}

int post_contract(Store *st, const PostEnv *env, long long id, const PostingContract *c, StorePosting *out, Err *err) {
  StorePosting ps;
  memset(out, 0, sizeof *out);
  int rc = store_posting_get(st, id, &ps, err);
  if (rc <= 0) return rc < 0 ? rc : POST_NO_POSTING;
  long long awards = ps.awards;
  store_posting_release(&ps);
  if (!awards || c->award < 0 || c->award > awards) return POST_NO_AWARD;
  PostingStep step = {.contract = 1};
  ContractArg a = {c, c->award};
  return change(st, env, id, 1, &step, contract_fn, &a, out, err);
}

/* ---- questions ---- */

int post_may_ask(const StorePosting *ps, time_t now) {
  if (strcmp(ps->status, POSTING_PUBLISHED)) return strcmp(ps->status, POSTING_DRAFT) ? POST_IS_CANCELLED : POST_NOT_PUBLISHED;
  Posting p;
  PostingIssues is = {0};
  posting_init(&p);
  int rc = 0;
  if (posting_parse(ps->body, strlen(ps->body), &p, &is) == 0) {
    int64_t until = p.enquiry_deadline ? p.enquiry_deadline : p.deadline;
    if (until && now >= until) rc = POST_NOT_OPEN_FOR_QUESTIONS;
  }
  posting_release(&p);
  return rc;
}

typedef struct {
  const StoreQuestion *q;
  const char *question, *answer;
} AnswerArg;

static void answer_fn(const BuildCtx *ctx, const StorePosting *ps, void *arg, Buf *out) {
  AnswerArg *a = arg;
  char id[32];
  snprintf(id, sizeof id, "q-%lld", a->q->id);
  BuildEnquiry e = {id, ps->answers, a->question, a->answer, (time_t)a->q->asked_at, (time_t)ps->last_release_at};
  build_enquiries(ctx, &e, 1, out);
}

int post_answer(Store *st, const PostEnv *env, long long qid, const char *question, const char *answer,
                StorePosting *out, Err *err) {
  StoreQuestion q;
  memset(out, 0, sizeof *out);
  int rc = store_question_get(st, qid, &q, err);
  if (rc <= 0) return rc < 0 ? rc : POST_NO_POSTING;
  rc = q.answer ? POST_ANSWERED : 0;
  const char *shown = question && *question ? question : q.question;
  if (rc == 0) {
    PostingStep step = {.answer = 1};
    AnswerArg a = {&q, shown, answer};
    rc = change(st, env, q.posting_id, 1, &step, answer_fn, &a, out, err);
  }
  if (rc == 0) {
    rc = store_question_answer(st, qid, shown, answer, out->answers, (time_t)out->last_release_at, err);
    if (rc == 1) rc = POST_ANSWERED; /* answered meanwhile: the caller rolls back */
  }
  store_question_release(&q);
  return rc;
}

/* ---- what changed ---- */

static int same(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

static void when(Buf *b, int64_t t) {
  if (t) date_uk_words(b, (time_t)t);
  else buf_adds(b, "none");
}

static void line_time(Buf *b, const char *what, int64_t x, int64_t y) {
  if (x == y) return;
  buf_addf(b, "%s: ", what);
  when(b, x);
  buf_adds(b, " \u2192 ");
  when(b, y);
  buf_addc(b, '\n');
}

static void line_text(Buf *b, const char *what, const char *x, const char *y) {
  if (same(x, y)) return;
  buf_addf(b, "%s: %s \u2192 %s\n", what, x && *x ? x : "none", y && *y ? y : "none");
}

static void money_words(Buf *b, const Posting *p) {
  if (!p->has_value) {
    buf_adds(b, "none");
    return;
  }
  if (p->value_min < p->value_max) buf_addf(b, "%s %.2f to %.2f", p->currency, p->value_min, p->value_max);
  else buf_addf(b, "%s %.2f", p->currency, p->value_max);
}

static void list_words(Buf *b, char *const *l, size_t n) {
  if (!n) buf_adds(b, "none");
  for (size_t i = 0; i < n; i++) buf_addf(b, "%s%s", i ? ", " : "", l[i]);
}

static int same_list(char *const *a, size_t na, char *const *b, size_t nb) {
  if (na != nb) return 0;
  for (size_t i = 0; i < na; i++)
    if (strcmp(a[i], b[i])) return 0;
  return 1;
}

static void line_list(Buf *b, const char *what, char *const *x, size_t nx, char *const *y, size_t ny) {
  if (same_list(x, nx, y, ny)) return;
  buf_addf(b, "%s: ", what);
  list_words(b, x, nx);
  buf_adds(b, " \u2192 ");
  list_words(b, y, ny);
  buf_addc(b, '\n');
}

char *post_diff(const Posting *a, const Posting *b) {
  Buf d = BUF_INIT;
  line_text(&d, "Stage", posting_stage_name(a->stage), posting_stage_name(b->stage));
  line_text(&d, "Title", a->title, b->title);
  if (!same(a->description, b->description)) buf_adds(&d, "Description: changed\n");
  if (a->has_value != b->has_value || a->value_min != b->value_min || a->value_max != b->value_max ||
      strcmp(a->currency, b->currency)) {
    buf_adds(&d, "Value: ");
    money_words(&d, a);
    buf_adds(&d, " \u2192 ");
    money_words(&d, b);
    buf_addc(&d, '\n');
  }
  line_list(&d, "CPV codes", a->cpv, a->n_cpv, b->cpv, b->n_cpv);
  line_text(&d, "Procedure", procedure_name(a->procedure), procedure_name(b->procedure));
  line_time(&d, "Deadline", a->deadline, b->deadline);
  line_time(&d, "Enquiry deadline", a->enquiry_deadline, b->enquiry_deadline);
  line_text(&d, "Contract start", a->start, b->start);
  line_text(&d, "Contract end", a->end, b->end);
  line_text(&d, "Options to extend", a->extension, b->extension);
  line_list(&d, "Regions", a->regions, a->n_regions, b->regions, b->n_regions);
  line_list(&d, "Postcodes", a->postcodes, a->n_postcodes, b->postcodes, b->n_postcodes);
  if (a->n_lots != b->n_lots) buf_addf(&d, "Lots: %zu \u2192 %zu\n", a->n_lots, b->n_lots);
  for (size_t i = 0; i < a->n_lots && i < b->n_lots; i++) {
    const PostingLot *x = &a->lots[i], *y = &b->lots[i];
    if (!same(x->title, y->title) || !same(x->description, y->description) || x->has_value != y->has_value ||
        x->value != y->value || !same_list(x->cpv, x->n_cpv, y->cpv, y->n_cpv))
      buf_addf(&d, "Lot %zu: changed\n", i + 1);
  }
  if (a->sme != b->sme) buf_addf(&d, "Suitable for SMEs: %s \u2192 %s\n", a->sme ? "yes" : "no", b->sme ? "yes" : "no");
  if (a->vcse != b->vcse) buf_addf(&d, "Suitable for VCSEs: %s \u2192 %s\n", a->vcse ? "yes" : "no", b->vcse ? "yes" : "no");
  line_text(&d, "Reserved to", a->reserved, b->reserved);
  line_text(&d, "Reserved to suppliers in", a->reserved_county, b->reserved_county);
  int crit = a->n_criteria != b->n_criteria;
  for (size_t i = 0; !crit && i < a->n_criteria; i++)
    crit = !same(a->criteria[i].name, b->criteria[i].name) || a->criteria[i].weight != b->criteria[i].weight;
  if (crit) buf_adds(&d, "Award criteria: changed\n");
  if (a->apply != b->apply || !same(a->apply_to, b->apply_to)) line_text(&d, "How to apply", a->apply_to, b->apply_to);
  if (!same(a->contact_name, b->contact_name) || !same(a->contact_email, b->contact_email) ||
      !same(a->contact_phone, b->contact_phone))
    buf_adds(&d, "Contact: changed\n");
  line_text(&d, "Expected", a->expected, b->expected);
  if (!same(a->engagement, b->engagement)) buf_adds(&d, "Market engagement: changed\n");
  if (!d.len) return NULL;
  d.data[--d.len] = 0; /* the last newline */
  return buf_detach(&d, NULL);
}
