/* documents.c -- documents a buyer attaches to its notice (specifications,
 * forms): uploaded through a form (GET/POST /notices/{ocid}/documents, the
 * posting organisation's members) or the API (POST
 * /api/v1/notices/{ocid}/documents, the organisation's token), both
 * multipart/form-data with the file in "file" and, to publish a new version
 * of a document, its id in "replaces"; downloaded from /documents/{id}.
 *
 * Each file: PDF, DOCX, XLSX, ODT, CSV or ZIP, its content sniffed and
 * checked against its name's extension, a plain name (no folder), 1 byte to
 * 25 MB (model/filetype.h); at most DOCUMENTS_MAX current documents a
 * notice. The bytes are kept as a content-addressed file (store/blobs.h),
 * written before the transaction that adds the document's row and, for a
 * published notice, its release listing it with its hash (ingest/post.h);
 * a refused upload stores nothing. A replaced version stays downloadable and
 * listed, marked replaced. Downloads are attachments (Content-Disposition),
 * with the sniffed type and nosniff; a draft's documents are not public. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/post.h"
#include "model/account.h"
#include "model/filetype.h"
#include "store/accounts.h"
#include "store/blobs.h"
#include "store/postings.h"
#include "web/account.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/formui.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/multipart.h"
#include "web/posting_common.h"

#define DOCUMENTS_MAX 50      /* current documents of one notice */
#define DOWNLOAD_PART (256u << 10)

/* ---- the upload, shared by the form and the API ---- */

typedef struct {
  int status;         /* 201 done; else the refusal's status */
  const char *why;    /* words for people */
  long long id;       /* the new document */
  char sha[BLOB_HEX + 1];
  const char *mime;
  size_t size;
} Upload;

/* Adds file (a part of the body) to posting ps, replacing document replaces
 * (0: none), for account_id: checks, writes the bytes, then one transaction.
 * u->status 201, or the refusal (4xx with u->why), or 503 (logged). */
static void upload(Request *r, const StorePosting *ps, const MultipartPart *file, long long replaces,
                   long long account_id, Upload *u) {
  memset(u, 0, sizeof *u);
  u->status = 400;
  if (!file || !file->is_file || !file->filename[0]) {
    u->why = "Choose a file to upload";
    return;
  }
  if (!strcmp(ps->status, POSTING_CANCELLED)) {
    u->status = 409, u->why = "The notice has been cancelled: documents can no longer be added";
    return;
  }
  const char *why = NULL;
  if (!filetype_check(file->filename, (const unsigned char *)file->data, file->size, &u->mime, &why)) {
    u->status = file->size > FILETYPE_MAX ? 413 : 422, u->why = why;
    return;
  }
  Store *w = app_store_write(r);
  Err err = ERR_INIT;
  int64_t n = 0;
  if (!w || store_documents_count(w, ps->id, &n, &err)) {
    u->status = 503, u->why = req_log_error(r, "documents of posting %lld: %s", ps->id, err.msg);
    return;
  }
  if (replaces) {
    StoreDocument old;
    int rc = store_document_get(w, replaces, &old, &err);
    int mine = rc == 1 && old.posting_id == ps->id && !old.replaced_at;
    if (rc == 1) store_document_release(&old);
    if (rc < 0) {
      u->status = 503, u->why = req_log_error(r, "document %lld: %s", replaces, err.msg);
      return;
    }
    if (!mine) {
      u->status = 422, u->why = "The document to replace is not a current document of this notice";
      return;
    }
  } else if (n >= DOCUMENTS_MAX) {
    u->status = 422, u->why = "A notice can have at most 50 documents: replace or remove one first";
    return;
  }
  App *app = r->app;
  if (blob_put(app_files_dir(app), file->data, file->size, u->sha, &err)) {
    u->status = 503, u->why = req_log_error(r, "document of posting %lld: %s", ps->id, err.msg);
    return;
  }
  StorePosting after = {0};
  PostEnv env;
  posting_env(r, &env);
  int rc = store_begin(w, &err);
  if (!rc)
    rc = store_document_add(w, ps->id, file->filename, u->mime, u->sha, (long long)file->size, account_id,
                            app_now(r), replaces, &u->id, &err);
  if (!rc) rc = post_document(w, &env, ps->id, u->id, &after, &err);
  store_posting_release(&after);
  if (rc == 0 && store_commit(w, &err) == 0) {
    u->status = 201, u->size = file->size;
    return;
  }
  store_rollback(w);
  if (rc > 0) u->status = 409, u->why = post_refusal_words(rc);
  else u->status = 503, u->why = req_log_error(r, "document of posting %lld: %s", ps->id, err.msg);
}

/* The posting of the path's ocid: 1, 0 (not found), -1 (the store failed: logged). */
static int posting_of(Request *r, Store *st, StorePosting *ps) {
  Err err = ERR_INIT;
  int rc = st ? store_posting_by_ocid(st, r->capture, ps, &err) : -1;
  if (rc < 0) req_log_error(r, "posting %s: %s", r->capture, err.msg);
  return rc;
}

/* ---- the API ---- */

void api_post_document(Request *r) {
  Auth *a = auth_of(r);
  StorePosting ps;
  int rc = posting_of(r, app_store(r), &ps);
  if (rc < 0) {
    req_unavailable(r, NULL);
    return;
  }
  if (rc == 0) {
    req_problem(r, 404, "Not Found", "there is no notice posted on this portal with that ocid");
    return;
  }
  if (ps.org_id != a->org_id) {
    store_posting_release(&ps);
    req_problem(r, 403, "Forbidden", "the notice belongs to another organisation");
    return;
  }
  const char *ct = req_header(r, "Content-Type");
  char boundary[MULTIPART_BOUNDARY_MAX + 1];
  MultipartPart *parts = req_alloc(r, 8 * sizeof *parts);
  size_t n = 0;
  const char *why = "the body is not multipart/form-data";
  if (!ct || strncasecmp(ct, "multipart/form-data", 19) || multipart_boundary(ct, boundary, sizeof boundary) < 0 ||
      multipart_parse(r->body, r->body_len, boundary, parts, 8, &n, &why) != 0) {
    store_posting_release(&ps);
    req_problem(r, 400, "Bad Request", why);
    return;
  }
  const MultipartPart *rep = multipart_get(parts, n, "replaces");
  long long replaces = 0;
  if (rep && rep->size && (rep->size > 20 || app_path_id(req_printf(r, "%.*s", (int)rep->size, rep->data), &replaces))) {
    store_posting_release(&ps);
    req_problem(r, 422, "Unprocessable Content", "replaces must be the id of a document of this notice");
    return;
  }
  Upload u;
  upload(r, &ps, multipart_get(parts, n, "file"), replaces, a->account_id, &u);
  store_posting_release(&ps);
  if (u.status == 503) {
    req_unavailable(r, NULL);
    return;
  }
  if (u.status != 201) {
    req_problem(r, u.status, u.status == 413 ? "Content Too Large" : u.status == 409 ? "Conflict" : "Unprocessable Content",
                u.why);
    return;
  }
  Buf *b = &r->out;
  buf_reset(b);
  buf_addf(b, "{\"id\":%lld,\"url\":", u.id);
  buf_add_json_str(b, req_printf(r, "%s/documents/%lld", app_base_url(r), u.id));
  buf_adds(b, ",\"format\":");
  buf_add_json_str(b, u.mime);
  buf_addf(b, ",\"size\":%zu,\"sha256\":\"%s\"}\n", u.size, u.sha);
  r->cache_control = "no-store";
  req_json(r, 201);
}

/* ---- the form ---- */

/* Is the signed-in account a member of ps's organisation? 1, 0, -1 (a 503 page set). */
static int member_of(Request *r, Store *st, const StorePosting *ps) {
  char role[16];
  Err err = ERR_INIT;
  int rc = store_member_role(st, ps->org_id, auth_of(r)->account_id, role, sizeof role, &err);
  if (rc < 0) page_unavailable(r, err.msg);
  return rc;
}

static void documents_page(Request *r, Store *st, const StorePosting *ps, const char *error, int status) {
  StoreDocument *d = NULL;
  size_t n = 0;
  Err err = ERR_INIT;
  if (store_documents_of(st, ps->id, 1, &d, &n, &err)) {
    page_unavailable(r, err.msg);
    return;
  }
  FormErrors e = {0};
  if (error) ui_error(&e, "file", error);
  r->status = status;
  ui_page_begin(r, req_printf(r, "Documents: %s", ps->title), &e);
  const char *done = req_param(r, "done");
  if (done && !strcmp(done, "uploaded")) ui_success(r, "The document is uploaded.");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Documents</h1><p class=\"govuk-body\">For %s%s.</p>",
              ps->title, !strcmp(ps->status, POSTING_DRAFT) ? " (a draft: its documents become public when it is published)" : "");
  if (n) {
    html_printf(&r->out, "<ul class=\"govuk-list\">");
    for (size_t i = 0; i < n; i++)
      html_printf(&r->out, "<li><a class=\"govuk-link\" href=\"/documents/%lld\">%s</a> <span class=\"govuk-body-s\">"
                           "(%s, %lld bytes%s)</span></li>",
                  d[i].id, d[i].name, d[i].mime, d[i].size, d[i].replaced_at ? ", replaced by a newer version" : "");
    html_printf(&r->out, "</ul>");
  } else {
    html_printf(&r->out, "<p class=\"govuk-body\">No documents yet.</p>");
  }
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\">Upload a document</h2>");
  html_printf(&r->out, "<form method=\"post\" enctype=\"multipart/form-data\" novalidate action=\"/notices/%H/documents\">",
              ps->ocid ? ps->ocid : "");
  ui_hidden(r, "csrf", auth_of(r)->csrf);
  html_printf(&r->out, "<div class=\"govuk-form-group%s\"><label class=\"govuk-label\" for=\"file\">The file</label>"
                       "<div id=\"file-hint\" class=\"govuk-hint\">PDF, DOCX, XLSX, ODT, CSV or ZIP, 25 MB or smaller</div>",
              error ? " govuk-form-group--error" : "");
  if (error)
    html_printf(&r->out, "<p id=\"file-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> %s</p>",
                error);
  html_printf(&r->out, "<input class=\"govuk-file-upload\" id=\"file\" name=\"file\" type=\"file\" aria-describedby=\"file-hint%s\" "
                       "accept=\".pdf,.docx,.xlsx,.odt,.csv,.zip\"></div>",
              error ? " file-error" : "");
  size_t current = 0;
  for (size_t i = 0; i < n; i++) current += !d[i].replaced_at;
  if (current) {
    const char **ids = req_alloc(r, (current + 1) * sizeof *ids), **labels = req_alloc(r, (current + 1) * sizeof *labels);
    size_t k = 0;
    ids[k] = "", labels[k++] = "No: a new document";
    for (size_t i = 0; i < n; i++)
      if (!d[i].replaced_at) ids[k] = req_printf(r, "%lld", d[i].id), labels[k++] = req_printf(r, "A new version of %s", d[i].name);
    ui_select(r, NULL, "replaces", "Does it replace a document?", ids, labels, k, form_value(r, "replaces"));
  }
  html_printf(&r->out, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">Upload</button></form>");
  html_printf(&r->out, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/notices/%H\">Back to the notice</a></p>",
              ps->ocid ? ps->ocid : "");
  page_end(r);
  store_documents_free(d, n);
}

void page_documents(Request *r) {
  Store *st = app_store(r);
  StorePosting ps;
  int rc = posting_of(r, st, &ps);
  if (rc < 0) {
    page_unavailable(r, NULL);
    return;
  }
  if (rc == 0 || (rc = member_of(r, st, &ps)) == 0) auth_refuse(r, 404, "There is no such notice of your organisation.");
  else if (rc == 1) documents_page(r, st, &ps, NULL, 200);
  if (rc >= 0) store_posting_release(&ps);
}

void page_documents_post(Request *r) {
  Auth *a = auth_of(r);
  Store *st = app_store(r);
  StorePosting ps;
  int rc = posting_of(r, st, &ps);
  if (rc < 0) {
    page_unavailable(r, NULL);
    return;
  }
  if (rc == 0 || (rc = member_of(r, st, &ps)) == 0) {
    auth_refuse(r, 404, "There is no such notice of your organisation.");
    if (rc == 0) return;
  }
  if (rc != 1) {
    store_posting_release(&ps);
    return;
  }
  long long replaces = 0;
  const char *rep = form_value(r, "replaces");
  Upload u;
  if (*rep && app_path_id(rep, &replaces)) {
    u.status = 422, u.why = "Choose a document to replace from the list";
  } else {
    upload(r, &ps, multipart_get(a->parts, a->n_parts, "file"), replaces, a->account_id, &u);
  }
  if (u.status == 201) acct_redirect(r, req_printf(r, "/notices/%s/documents?done=uploaded", ps.ocid));
  else if (u.status == 503) page_unavailable(r, NULL);
  else documents_page(r, st, &ps, u.why, u.status == 413 ? 413 : 400);
  store_posting_release(&ps);
}

/* ---- downloads ---- */

typedef struct {
  FILE *f;
} Download;

static int download_more(Request *r, Buf *out) {
  Download *d = r->stream_ctx;
  buf_grow(out, DOWNLOAD_PART);
  size_t got = fread(out->data + out->len, 1, DOWNLOAD_PART, d->f);
  out->len += got;
  out->data[out->len] = 0;
  if (got < DOWNLOAD_PART) {
    if (ferror(d->f)) {
      req_log_error(r, "document download cut short: read error");
      return -1;
    }
    return 0;
  }
  return 1;
}

static void download_done(Request *r) {
  Download *d = r->stream_ctx;
  if (d && d->f) fclose(d->f), d->f = NULL;
}

void page_document(Request *r) {
  long long id = 0;
  if (app_path_id(r->capture, &id)) {
    auth_refuse(r, 404, "There is no such document.");
    return;
  }
  Store *st = app_store(r);
  StoreDocument doc;
  Err err = ERR_INIT;
  int rc = st ? store_document_get(st, id, &doc, &err) : -1;
  if (rc < 0) {
    page_unavailable(r, err.msg);
    return;
  }
  if (rc == 0 || !strcmp(doc.status, POSTING_DRAFT)) {
    if (rc) store_document_release(&doc);
    auth_refuse(r, 404, "There is no such document.");
    return;
  }
  char path[4096];
  App *app = r->app;
  FILE *f = blob_path(app_files_dir(app), doc.sha256, path, sizeof path) ? NULL : fopen(path, "rb");
  if (!f) {
    req_log_error(r, "document %lld: its file %s cannot be read", id, doc.sha256);
    store_document_release(&doc);
    page_unavailable(r, NULL);
    return;
  }
  char disp[1024];
  if (filetype_disposition(doc.name, disp, sizeof disp)) req_add_header(r, "Content-Disposition", disp);
  else req_add_header(r, "Content-Disposition", "attachment");
  r->content_type = req_strdup(r, doc.mime);
  r->cache_control = "public, max-age=86400";
  Download *d = req_alloc(r, sizeof *d);
  d->f = f;
  r->stream_ctx = d;
  store_document_release(&doc);
  req_stream(r, download_more, download_done);
}
