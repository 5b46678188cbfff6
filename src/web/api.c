/* api.c -- the JSON API under /api/v1/, no key: notices (the search page's
 * parameters, cursor paging), one notice, one buyer, and the downloads of a
 * search (OCDS release package, CSV). Errors are RFC 9457 problem details
 * whose detail names the parameter; a failed read is a 503 that names only
 * the request id (the reason goes to the server's log).
 *
 * Downloads are streamed (server.h req_stream): the handler finds the
 * matching ocids (at most DOWNLOAD_MAX_NOTICES) and writes the first notice,
 * so a store that fails at once is a clean 503; then each part is produced
 * when the client can take it: one notice's releases or rows at a time, so a
 * download's memory is its ocid list plus one notice, however slowly it is
 * read. A read failing later cuts the body short (the connection closes). */
#include <math.h>
#include <stdlib.h>
#include <string.h>


#include "base/buf.h"
#include "base/jarena.h"
#include "base/date.h"
#include "base/url.h"
#include "model/notice_json.h"
#include "ingest/stored.h"
#include "ocds/build.h"
#include "ocds/export.h"
#include "ocds/release.h"
#include "search/each.h"
#include "store/notices.h"
#include "store/orgs.h"
#include "store/accounts.h"
#include "web/app.h"
#include "web/auth.h"

static void json_str_or_null(Buf *b, const char *s) {
  if (s) buf_add_json_str(b, s);
  else buf_adds(b, "null");
}

static void json_num_or_null(Buf *b, int has, double v) {
  if (has) buf_add_json_num(b, v);
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
  if (query_cursor_encode_group(q->sort, hits_group(q, h), has_key ? &key : NULL, h->ocid, &b, &err) == 0)
    out = req_strdup(r, b.data);
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
  json_num_or_null(b, h->has_value, h->value);
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
  buf_addf(b, ",\"sme\":%s,\"vcse\":%s,\"sector\":\"%s\",\"subcontract\":%s", flag_json(h->sme), flag_json(h->vcse),
           notice_sector_name(h->sector), h->subcontract ? "true" : "false");
  /* an awarded notice's latest active award (model/hits.h); null otherwise */
  const char *award[][2] = {{"winner", h->winner}, {"award_currency", h->award_currency}, {"award_date", h->award_date}};
  for (int i = 0; i < 3; i++) {
    buf_addf(b, ",\"%s\":", award[i][0]);
    json_str_or_null(b, award[i][1]);
    if (i == 0) {
      buf_adds(b, ",\"award_value\":");
      json_num_or_null(b, h->has_award_value, h->award_value);
    }
  }
  buf_adds(b, ",\"snippet\":");
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
    if (st && err.code == ERR_USAGE) req_problem(r, 400, "Invalid parameter", err.msg); /* about the query */
    else req_unavailable(r, st ? err.msg : NULL);
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
    req_unavailable(r, st ? err.msg : NULL);
    notice_release(&n); /* a partly read notice */
    return;
  }
  if (rc == 0) {
    req_problem(r, 404, "Not found", req_printf(r, "no notice with ocid %s", ocid));
    notice_release(&n);
    return;
  }
  notice_status_parse(notice_status_text_at(notice_status_name(n.status), n.deadline, app_now(r)), &n.status);
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
    if (store_releases_each(st, ocid, release_entry, &l, &err) < 0) {
      req_unavailable(r, err.msg);
      notice_release(&n);
      return;
    }
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
  long long id;
  if (app_path_id(r->capture, &id)) {
    req_problem(r, 404, "Not found", req_printf(r, "no buyer with id %s", r->capture));
    return;
  }
  Store *st = app_store(r);
  Org o;
  memset(&o, 0, sizeof o);
  Err err = ERR_INIT;
  int rc = st ? store_org_get(st, id, &o, &err) : ERR_DB;
  if (rc <= 0) {
    if (rc < 0) req_unavailable(r, st ? err.msg : NULL);
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
  for (int s = 0; s < NOTICE_N_STATUS; s++) {
    const char *status = notice_status_name((NoticeStatus)s);
    Query q;
    query_init(&q);
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", id);
    query_set(&q, "buyer", idtext, &err);
    query_set(&q, "status", status, &err);
    query_set(&q, "limit", "1", &err);
    query_finish(&q, app_now(r), &err);
    StoreResults res;
    long long total = 0;
    int failed = app_search(r, &q, &res, &err) != 0;
    if (!failed) {
      total = res.total;
      store_results_release(&res);
    }
    query_release(&q);
    if (failed) { /* a count that could not be read is not 0 */
      req_unavailable(r, err.msg);
      org_release(&o);
      return;
    }
    buf_addf(b, "%s\"%s\":%lld", s ? "," : "", status, total);
  }
  buf_adds(b, "},\"latest\":[");
  Query q;
  query_init(&q);
  char idtext[32];
  snprintf(idtext, sizeof idtext, "%lld", id);
  query_set(&q, "buyer", idtext, &err);
  query_finish(&q, app_now(r), &err);
  StoreResults res;
  if (app_search(r, &q, &res, &err) != 0) {
    query_release(&q);
    req_unavailable(r, err.msg);
    org_release(&o);
    return;
  }
  for (size_t i = 0; i < res.n; i++) {
    if (i) buf_addc(b, ',');
    hit_json(r, b, &res.hits[i], app_now(r));
  }
  store_results_release(&res);
  query_release(&q);
  buf_adds(b, "]}");
  req_json(r, 200);
  org_release(&o);
}

/* ---- downloads ------------------------------------------------------------ */

#define DOWNLOAD_MAX_NOTICES API_DOWNLOAD_MAX
#define CSV_PART (32u << 10)      /* CSV rows produced per part */

void notice_ocds(Request *r, const char *ocid) {
  if (req_heavy(r)) return; /* a record package merges every release: bulk work */
  Store *st = app_store(r);
  StoredReleases t = {0};
  Err err = ERR_INIT;
  size_t left_out = 0; /* releases stored under older checks: left out, as compiling leaves them */
  /* the releases' trees and the compiled and versioned releases made from
   * them (hundreds of thousands of nodes for a long notice) in an arena freed
   * at once */
  JArena *arena = jarena_new(), *was = jarena_use(arena);
  if (!st || stored_releases_usable(st, ocid, &t, &left_out, &err)) {
    jarena_use(was);
    jarena_free(arena);
    req_unavailable(r, st ? err.msg : NULL);
    return;
  }
  if (!t.n) {
    jarena_use(was);
    jarena_free(arena);
    req_problem(r, 404, "Not found", req_printf(r, "no notice with ocid %s", ocid));
    return;
  }
  Buf path = BUF_INIT;
  buf_addf(&path, "%s/notices/", app_base_url(r));
  url_encode(&path, ocid, strlen(ocid));
  size_t nc = strlen(r->capture); /* the package names itself as it was asked for */
  buf_adds(&path, nc >= 10 && !strcmp(r->capture + nc - 10, "/ocds.json") ? "/ocds.json" : ".ocds.json");
  ExportMeta meta = {0};
  meta.uri = path.data;
  meta.publisher_name = "Powerhouse";
  meta.extensions = build_extensions; /* what notices posted here use */
  const ExportLicence *lic = export_licence_of(ocid);
  meta.license = lic ? lic->url : NULL;
  meta.publication_policy = req_printf(r, "%s" API_LICENCES_PAGE, app_base_url(r));
  if (export_record_package(&meta, (const cJSON *const *)t.trees, t.n, &r->out, NULL, &err)) {
    r->out.len = 0;
    req_log_error(r, "record package of %s: %s", ocid, err.msg);
    req_problem(r, 500, "Export failed",
                req_printf(r, "this notice's record package could not be made (request id %s)", r->id));
  } else {
    req_json(r, 200);
  }
  buf_release(&path);
  stored_releases_release(&t);
  jarena_use(was);
  jarena_free(arena);
}

/* The matching notices of a download, found before the first byte is sent. */
typedef struct {
  Request *r;
  const char **ocid, **status; /* status as of now (the search's) */
  size_t n, next;
} Matches;

/* The licence URL every match shares (export_licence_of by ocid prefix), or
 * NULL when they differ or one's source is unknown: a package has one
 * `license`, and one that does not hold for every release in it would be
 * false. The package's publicationPolicy (the About page's licences) then
 * says each source's. */
static const char *common_licence(const Matches *m) {
  const char *url = NULL;
  for (size_t i = 0; i < m->n; i++) {
    const ExportLicence *l = export_licence_of(m->ocid[i]);
    if (!l || (url && strcmp(url, l->url))) return NULL;
    url = l->url;
  }
  return url;
}

static int collect_match(void *ctx, const StoreHit *h, Err *err) {
  Matches *m = ctx;
  m->ocid[m->n] = req_strdup(m->r, h->ocid);
  m->status[m->n] = h->status ? req_strdup(m->r, h->status) : NULL;
  m->n++;
  return 0;
}

/* Parses the query and finds the matches; 0, or -1 with the response set. */
static int find_matches(Request *r, Matches *m) {
  Query q;
  if (app_query(r, &q, 1)) return -1;
  Err err = ERR_INIT;
  memset(m, 0, sizeof *m);
  m->r = r;
  m->ocid = req_alloc(r, DOWNLOAD_MAX_NOTICES * sizeof *m->ocid);
  m->status = req_alloc(r, DOWNLOAD_MAX_NOTICES * sizeof *m->status);
  int rc = app_store(r) ? app_search_each(r, &q, DOWNLOAD_MAX_NOTICES, collect_match, m, &err) : ERR_DB;
  query_release(&q);
  if (rc == 0) return 0;
  if (rc == ERR_USAGE) req_problem(r, 400, "Invalid parameter", err.msg);
  else req_unavailable(r, rc == ERR_DB && !app_store(r) ? NULL : err.msg);
  return -1;
}

typedef struct {
  Matches m;
  ExportWriter w;
  Buf *out; /* where the writer's sink appends during this part */
} OcdsStream;

static int sink_out(void *ctx, const char *data, size_t len, Err *err) {
  OcdsStream *s = ctx;
  buf_add(s->out, data, len);
  return 0;
}

/* The next part of a release package: notices until the writer has flushed
 * something (about EXPORT_FLUSH_AT bytes), then the end. */
static int ocds_more(Request *r, Buf *out) {
  OcdsStream *s = r->stream_ctx;
  Store *st = app_store(r);
  Err err = ERR_INIT;
  s->out = out;
  if (!st) {
    req_log_error(r, "download cut short: no database connection");
    return -1;
  }
  while (s->m.next < s->m.n && out->len == 0) {
    const char *ocid = s->m.ocid[s->m.next++];
    if (stored_to_package(st, ocid, &s->w, &err) < 0) {
      req_log_error(r, "download cut short at %s: %s", ocid, err.msg);
      return -1;
    }
  }
  if (s->m.next < s->m.n) return 1;
  if (export_writer_end(&s->w, &err)) {
    req_log_error(r, "download cut short at its end: %s", err.msg);
    return -1;
  }
  return 0;
}

static void ocds_done(Request *r) {
  OcdsStream *s = r->stream_ctx;
  export_writer_release(&s->w);
}

void api_notices_ocds(Request *r) {
  OcdsStream *s = req_alloc(r, sizeof *s);
  if (find_matches(r, &s->m)) return;
  if (!s->m.n) { /* the schema wants at least one release: no package for no match */
    req_problem(r, 404, "Not found", "no notice matches these filters");
    return;
  }
  Err err = ERR_INIT;
  const char *uri = req_printf(r, "%s/api/v1/notices.ocds.json%s%s", app_base_url(r), *r->query ? "?" : "", r->query);
  ExportMeta meta = {0};
  meta.uri = uri;
  meta.publisher_name = "Powerhouse";
  meta.extensions = build_extensions; /* what notices posted here use */
  meta.license = common_licence(&s->m);
  meta.publication_policy = req_printf(r, "%s" API_LICENCES_PAGE, app_base_url(r));
  export_writer_init_sink(&s->w, sink_out, s);
  r->stream_ctx = s;
  req_stream(r, ocds_more, ocds_done); /* done frees the writer, whatever happens next */
  s->out = &r->out;
  Store *st = app_store(r);
  const char *ocid = s->m.ocid[s->m.next++];
  if (export_writer_begin(&s->w, EXPORT_RELEASE_PACKAGE, &meta, &err) ||
      stored_to_package(st, ocid, &s->w, &err) < 0) {
    r->out.len = 0;
    req_unavailable(r, err.msg);
    return;
  }
  req_json(r, 200);
}

typedef struct {
  Matches m;
} CsvStream;

static int csv_more(Request *r, Buf *out) {
  CsvStream *s = r->stream_ctx;
  Store *st = app_store(r);
  Err err = ERR_INIT;
  if (!st) {
    req_log_error(r, "download cut short: no database connection");
    return -1;
  }
  while (s->m.next < s->m.n && out->len < CSV_PART) {
    size_t i = s->m.next++;
    Notice n;
    notice_init(&n);
    int rc = store_notice_get(st, s->m.ocid[i], &n, &err);
    if (rc < 0) {
      notice_release(&n);
      req_log_error(r, "download cut short at %s: %s", s->m.ocid[i], err.msg);
      return -1;
    }
    if (rc == 1) { /* 0: gone since the search; nothing to say about it */
      if (s->m.status[i]) notice_status_parse(s->m.status[i], &n.status); /* as of now */
      export_csv_row(&n, out, 0);
    }
    notice_release(&n);
  }
  return s->m.next < s->m.n;
}

void api_notices_csv(Request *r) {
  CsvStream *s = req_alloc(r, sizeof *s);
  if (find_matches(r, &s->m)) return;
  r->stream_ctx = s;
  export_csv_header(&r->out, 0);
  /* the first part now: a store that fails at once is a clean 503 */
  if (s->m.n) {
    int rc = csv_more(r, &r->out);
    if (rc < 0) {
      req_unavailable(r, NULL); /* csv_more logged why */
      return;
    }
    if (rc > 0) req_stream(r, csv_more, NULL);
  }
  r->status = 200;
  r->content_type = "text/csv; charset=utf-8";
  req_add_header(r, "Content-Disposition", "attachment; filename=\"notices.csv\"");
  /* CSV has no place for metadata (a comment line would be read as a row),
   * so the licence travels as an RFC 8288 link: the one every row shares,
   * else the About page's licences, which name each source's (the publisher
   * column says which rows are whose). */
  const char *lic = common_licence(&s->m);
  req_add_header(r, "Link",
                 lic ? req_printf(r, "<%s>; rel=\"license\"", lic)
                     : req_printf(r, "<%s" API_LICENCES_PAGE ">; rel=\"license\"", app_base_url(r)));
}

/* /api/v1/me: who an API token acts for (Authorization: Bearer TOKEN; the
 * route takes no session): its account, organisation and role. */
void api_me(Request *r) {
  Auth *a = auth_of(r);
  if (!a->token_id) {
    req_add_header(r, "WWW-Authenticate", "Bearer");
    req_problem(r, 401, "Unauthorized", "send an API token: Authorization: Bearer TOKEN (made on /account)");
    return;
  }
  Store *st = app_store(r);
  Err err = ERR_INIT;
  StoreOrganisation o;
  int rc = st ? store_organisation_get(st, a->org_id, &o, &err) : -1;
  if (rc != 1) {
    req_unavailable(r, err.msg);
    return;
  }
  Buf *b = &r->out;
  buf_adds(b, "{\"account\":{\"email\":");
  buf_add_json_str(b, a->email);
  buf_adds(b, ",\"name\":");
  buf_add_json_str(b, a->name);
  buf_addf(b, "},\"organisation\":{\"id\":%lld,\"name\":", o.id);
  buf_add_json_str(b, o.name);
  buf_adds(b, ",\"kind\":");
  buf_add_json_str(b, o.kind);
  buf_adds(b, ",\"sector\":");
  if (o.sector) buf_add_json_str(b, o.sector);
  else buf_adds(b, "null");
  buf_adds(b, ",\"status\":");
  buf_add_json_str(b, o.status);
  buf_adds(b, "},\"role\":");
  buf_add_json_str(b, role_name(a->role));
  buf_adds(b, "}\n");
  store_organisation_release(&o);
  r->cache_control = "no-store";
  req_json(r, 200);
}
