/* api.c -- the JSON API under /api/v1/, no key: notices (the search page's
 * parameters, cursor paging), one notice, one buyer. Errors are RFC 9457
 * problem details whose detail names the parameter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>


#include "base/buf.h"
#include "base/date.h"
#include "base/url.h"
#include "model/notice_json.h"
#include "ingest/stored.h"
#include "ocds/export.h"
#include "ocds/release.h"
#include "search/each.h"
#include "web/app.h"

static void json_str_or_null(Buf *b, const char *s) {
  if (s) buf_add_json_str(b, s);
  else buf_adds(b, "null");
}

static const char *flag_json(Flag f) { return f == FLAG_YES ? "true" : f == FLAG_NO ? "false" : "null"; }

const char *api_next_cursor(Request *r, const Query *q, const StoreResults *res) {
  if (!res->has_more || !res->n) return NULL;
  const StoreHit *h = &res->hits[res->n - 1];
  int has_key;
  double key;
  search_hit_key(q, h, &has_key, &key);
  Buf b = BUF_INIT;
  Err err = ERR_INIT;
  const char *out = NULL;
  if (query_cursor_encode(q->sort, has_key ? &key : NULL, h->ocid, &b, &err) == 0) out = req_strdup(r, b.data);
  buf_release(&b);
  return out;
}

/* One search hit as the API shows it. */
static void hit_json(Request *r, Buf *b, StoreHit *h, time_t now) {
  buf_adds(b, "{\"ocid\":");
  buf_add_json_str(b, h->ocid);
  buf_adds(b, ",\"title\":");
  json_str_or_null(b, h->title);
  buf_adds(b, ",\"status\":");
  buf_add_json_str(b, h->status ? h->status : "closed");
  buf_adds(b, ",\"buyer\":{\"id\":");
  if (h->buyer_id) buf_addf(b, "%lld", h->buyer_id);
  else buf_adds(b, "null");
  buf_adds(b, ",\"name\":");
  json_str_or_null(b, h->buyer_name);
  buf_adds(b, "},\"value\":");
  if (h->has_value) buf_add_json_num(b, h->value);
  else buf_adds(b, "null");
  buf_adds(b, ",\"currency\":");
  json_str_or_null(b, h->currency);
  buf_adds(b, ",\"deadline\":");
  json_str_or_null(b, h->deadline);
  buf_adds(b, ",\"published\":");
  json_str_or_null(b, h->published);
  buf_adds(b, ",\"regions\":[");
  if (h->regions && *h->regions) {
    const char *p = h->regions;
    for (int first = 1; *p; first = 0) {
      const char *c = strchr(p, ',');
      size_t n = c ? (size_t)(c - p) : strlen(p);
      if (!first) buf_addc(b, ',');
      char *one = xstrndup(p, n);
      buf_add_json_str(b, one);
      free(one);
      p += n + (c ? 1 : 0);
    }
  }
  buf_adds(b, "],\"cpv\":");
  json_str_or_null(b, h->cpv);
  buf_addf(b, ",\"sme\":%s,\"vcse\":%s,\"snippet\":", flag_json(h->sme), flag_json(h->vcse));
  app_unmark(h->snippet);
  json_str_or_null(b, h->snippet);
  buf_adds(b, ",\"url\":");
  Buf u = BUF_INIT;
  buf_adds(&u, "/api/v1/notices/");
  url_encode(&u, h->ocid, strlen(h->ocid));
  buf_add_json_str(b, u.data);
  buf_release(&u);
  buf_addc(b, '}');
}

void api_notices(Request *r) {
  Query q;
  if (app_query(r, &q, 1)) return;
  Store *st = app_store(r);
  StoreResults res;
  Err err = ERR_INIT;
  if (!st || app_search(r, &q, &res, &err)) {
    req_problem(r, err.code == ERR_USAGE ? 400 : 503, err.code == ERR_USAGE ? "Invalid parameter" : "Store unavailable",
                st ? err.msg : "the database cannot be opened");
    query_release(&q);
    return;
  }
  Buf *b = &r->out;
  buf_addf(b, "{\"total\":%lld,\"results\":[", res.total);
  for (size_t i = 0; i < res.n; i++) {
    if (i) buf_addc(b, ',');
    hit_json(r, b, &res.hits[i], app_now(r));
  }
  buf_adds(b, "],\"next\":");
  json_str_or_null(b, api_next_cursor(r, &q, &res));
  buf_addc(b, '}');
  req_json(r, 200);
  store_results_release(&res);
  query_release(&q);
}

typedef struct {
  Buf *b;
  int n;
} RelList;

static int release_entry(void *ctx, const char *id, const char *date, const char *json, size_t len) {
  RelList *l = ctx;
  buf_adds(l->b, l->n++ ? ",{\"id\":" : "{\"id\":");
  buf_add_json_str(l->b, id);
  buf_adds(l->b, ",\"date\":");
  buf_add_json_str(l->b, date);
  buf_adds(l->b, ",\"tag\":[");
  char *tags = release_tags(json, len);
  for (char *p = tags, *c; *p; p = c ? c + 1 : p + strlen(p)) {
    c = strchr(p, ',');
    if (c) *c = 0;
    if (p != tags) buf_addc(l->b, ',');
    buf_add_json_str(l->b, p);
    if (!c) break;
  }
  free(tags);
  buf_adds(l->b, "]}");
  return 0;
}

void api_notice(Request *r) {
  const char *ocid = r->capture;
  Store *st = app_store(r);
  Notice n;
  notice_init(&n);
  Err err = ERR_INIT;
  int rc = st ? store_notice_get(st, ocid, &n, &err) : ERR_DB;
  if (rc < 0) {
    req_problem(r, 503, "Store unavailable", st ? err.msg : "the database cannot be opened");
    return;
  }
  if (rc == 0) {
    req_problem(r, 404, "Not found", req_printf(r, "no notice with ocid %s", ocid));
    return;
  }
  notice_status_parse(app_status(notice_status_name(n.status), n.deadline, app_now(r)), &n.status);
  Buf *b = &r->out;
  notice_json(&n, b);
  /* add the release history and links before the closing brace */
  b->len--;
  buf_adds(b, ",\"releases\":[");
  if (n.n_history) { /* derived when the notice was stored */
    for (size_t i = 0; i < n.n_history; i++) {
      const NoticeHistory *h = &n.history[i];
      buf_adds(b, i ? ",{\"id\":" : "{\"id\":");
      json_str_or_null(b, h->release_id);
      buf_adds(b, ",\"date\":");
      json_str_or_null(b, h->date);
      buf_adds(b, ",\"tag\":[");
      for (const char *p = h->tags ? h->tags : "", *c; *p; p = c + 1) {
        c = strchr(p, ',');
        if (p != h->tags) buf_addc(b, ',');
        Buf t = BUF_INIT;
        buf_add(&t, p, c ? (size_t)(c - p) : strlen(p));
        buf_add_json_str(b, t.data);
        buf_release(&t);
        if (!c) break;
      }
      buf_adds(b, "]}");
    }
  } else { /* stored before notices had a history: from the releases */
    RelList l = {b, 0};
    store_releases_each(st, ocid, release_entry, &l, &err);
  }
  buf_adds(b, "],\"links\":{\"self\":");
  Buf u = BUF_INIT;
  buf_adds(&u, "/api/v1/notices/");
  url_encode(&u, ocid, strlen(ocid));
  buf_add_json_str(b, u.data);
  buf_reset(&u);
  buf_adds(&u, "/notices/");
  url_encode(&u, ocid, strlen(ocid));
  buf_adds(b, ",\"html\":");
  buf_add_json_str(b, u.data);
  buf_adds(&u, ".ocds.json");
  buf_adds(b, ",\"ocds\":");
  buf_add_json_str(b, u.data);
  buf_adds(b, "}}");
  buf_release(&u);
  req_json(r, 200);
  notice_release(&n);
}

void api_buyer(Request *r) {
  char *end;
  long long id = strtoll(r->capture, &end, 10);
  if (!*r->capture || *end || id <= 0) {
    req_problem(r, 404, "Not found", req_printf(r, "no buyer with id %s", r->capture));
    return;
  }
  Store *st = app_store(r);
  Org o;
  memset(&o, 0, sizeof o);
  Err err = ERR_INIT;
  int rc = st ? store_org_get(st, id, &o, &err) : ERR_DB;
  if (rc <= 0) {
    if (rc < 0) req_problem(r, 503, "Store unavailable", st ? err.msg : "the database cannot be opened");
    else req_problem(r, 404, "Not found", req_printf(r, "no buyer with id %lld", id));
    org_release(&o);
    return;
  }
  Buf *b = &r->out;
  buf_addf(b, "{\"id\":%lld,\"name\":", id);
  json_str_or_null(b, o.name);
  buf_adds(b, ",\"scheme\":");
  json_str_or_null(b, o.scheme);
  buf_adds(b, ",\"identifier\":");
  json_str_or_null(b, o.identifier);
  buf_adds(b, ",\"postcode\":");
  json_str_or_null(b, o.postcode);
  buf_adds(b, ",\"region\":");
  json_str_or_null(b, o.region);
  buf_adds(b, ",\"notices\":{");
  static const char *const statuses[] = {"open", "closed", "awarded", "cancelled", "planned"};
  for (int s = 0; s < 5; s++) {
    Query q;
    query_init(&q);
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", id);
    query_set(&q, "buyer", idtext, &err);
    query_set(&q, "status", statuses[s], &err);
    query_set(&q, "limit", "1", &err);
    query_finish(&q, app_now(r), &err);
    StoreResults res;
    long long total = 0;
    if (app_search(r, &q, &res, &err) == 0) {
      total = res.total;
      store_results_release(&res);
    }
    buf_addf(b, "%s\"%s\":%lld", s ? "," : "", statuses[s], total);
    query_release(&q);
  }
  buf_adds(b, "},\"latest\":[");
  Query q;
  query_init(&q);
  char idtext[32];
  snprintf(idtext, sizeof idtext, "%lld", id);
  query_set(&q, "buyer", idtext, &err);
  query_finish(&q, app_now(r), &err);
  StoreResults res;
  if (app_search(r, &q, &res, &err) == 0) {
    for (size_t i = 0; i < res.n; i++) {
      if (i) buf_addc(b, ',');
      hit_json(r, b, &res.hits[i], app_now(r));
    }
    store_results_release(&res);
  }
  query_release(&q);
  buf_adds(b, "]}");
  req_json(r, 200);
  org_release(&o);
}

/* ---- OCDS downloads ------------------------------------------------------- */

#define OCDS_MAX_NOTICES 5000 /* per request; `powerhouse export` has no limit */

static const char *base_url(Request *r) {
  const App *app = r->app;
  if (app->base_url) return app->base_url;
  const char *host = req_header(r, "Host");
  return req_printf(r, "http://%s", host && *host ? host : "localhost");
}

void notice_ocds(Request *r, const char *ocid) {
  Store *st = app_store(r);
  StoredReleases t = {0};
  Err err = ERR_INIT;
  if (!st || stored_releases(st, ocid, &t, &err)) {
    req_problem(r, 503, "Store unavailable", st ? err.msg : "the database cannot be opened");
    return;
  }
  if (!t.n) {
    req_problem(r, 404, "Not found", req_printf(r, "no notice with ocid %s", ocid));
    return;
  }
  Buf path = BUF_INIT;
  buf_addf(&path, "%s/notices/", base_url(r));
  url_encode(&path, ocid, strlen(ocid));
  buf_adds(&path, ".ocds.json");
  ExportMeta meta = {0};
  meta.uri = path.data;
  meta.publisher_name = "Powerhouse";
  if (export_record_package(&meta, (const cJSON *const *)t.trees, t.n, &r->out, NULL, &err))
    req_problem(r, 500, "Export failed", err.msg);
  else
    req_json(r, 200);
  buf_release(&path);
  stored_releases_release(&t);
}

typedef struct {
  Store *st;
  ExportWriter *w;
} PackageCtx;

static int add_notice_releases(void *ctx, const StoreHit *h, Err *err) {
  PackageCtx *p = ctx;
  return stored_to_package(p->st, h->ocid, p->w, err);
}

void api_notices_ocds(Request *r) {
  Query q;
  if (app_query(r, &q, 1)) return;
  Store *st = app_store(r);
  Err err = ERR_INIT;
  Buf uri = BUF_INIT;
  buf_addf(&uri, "%s/api/v1/notices.ocds.json%s%s", base_url(r), *r->query ? "?" : "", r->query);
  ExportMeta meta = {0};
  meta.uri = uri.data;
  meta.publisher_name = "Powerhouse";
  ExportWriter w;
  export_writer_init_buf(&w, &r->out);
  PackageCtx ctx = {st, &w};
  int rc = st ? export_writer_begin(&w, EXPORT_RELEASE_PACKAGE, &meta, &err) : ERR_DB;
  if (rc == 0) rc = app_search_each(r, &q, OCDS_MAX_NOTICES, add_notice_releases, &ctx, &err);
  if (rc == 0) rc = export_writer_end(&w, &err);
  if (rc == ERR_NOTFOUND) { /* the schema wants at least one release: no package for no match */
    r->out.len = 0;
    req_problem(r, 404, "Not found", "no notice matches these filters");
  } else if (rc) {
    r->out.len = 0;
    req_problem(r, rc == ERR_USAGE ? 400 : 503, "Export failed", err.msg);
  } else {
    req_json(r, 200);
  }
  export_writer_release(&w);
  buf_release(&uri);
  query_release(&q);
}
