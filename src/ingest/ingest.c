/* ingest.c -- see ingest.h. The reader thread owns the scanner and the parsed
 * releases until it hands a batch over; from then the writer owns the batch
 * and frees it. The queue between them holds at most QUEUE_DEPTH batches and
 * INFLIGHT_BYTES of them (below), so memory stays flat whatever the input
 * size and whatever the size of its releases.
 *
 * The work is split so the writer, which alone can touch the store, does as
 * little else as possible: the reader also groups each batch by ocid and, per
 * group, compiles the batch's releases, derives the notice and prints the
 * compiled release. The writer uses that when the ocid is new to the store
 * (the common case in bulk loads) and compiles against the stored state
 * otherwise. A batch's cJSON trees live in one arena (base/jarena.h). */
#include "ingest/ingest.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/jarena.h"
#include "ingest/apply.h"
#include "ingest/stored.h"
#include "ocds/derive.h"
#include "ocds/merge.h"
#include "ocds/release.h"
#include "ocds/scan.h"
#include "store/notices.h"

#define QUEUE_DEPTH 2
#define DEFAULT_BATCH 10000 /* releases per transaction */
#define READ_CHUNK 2000     /* releases per hand-over from reader to writer */
/* Memory is bounded by bytes as well as by count, whatever the release sizes
 * (a release of 10 MB of small objects is a tree of ~250 MB): a hand-over
 * closes once its texts and trees pass BATCH_BYTES, and the reader waits
 * while the batches handed over and not yet freed by the writer would pass
 * INFLIGHT_BYTES (one batch always goes, however large). Measured on
 * releases of 40,000 small objects (2 MB each, ~50 MB as trees): six of
 * them peaked at 326 MB RSS with count limits only; with these, at about
 * three releases' worth. */
#define BATCH_BYTES (32u << 20)
#define INFLIGHT_BYTES (64u << 20)

typedef struct {
  Release rel;
  char *text;
  size_t len;
  uint64_t hash;
  char *source;
  size_t seq;   /* position in the batch, for stable ordering */
  struct Name *file; /* where it came from, for messages */
  uint64_t offset, line;
} Item;

/* Messages of one reason (an Err code, or the conflict of a release with a
 * stored one) are counted per file: the first MAX_MESSAGES of a file are
 * printed, the rest only counted and summed up by reason when the file ends
 * (a crafted file can hold a hundred million bad items). */
#define MAX_MESSAGES 100
enum { WHY_JSON, WHY_OCDS, WHY_LIMIT, WHY_UTF8, WHY_CONFLICT, WHY_OTHER, WHY_N };
static const char *const why_name[WHY_N] = {"invalid JSON", "not acceptable as OCDS", "over a size or depth limit",
                                            "invalid UTF-8", "conflicting with a stored release", "other errors"};

/* File names live as long as the run, so items can point at them; each with
 * its message counts (guarded by report_mu). */
typedef struct Name {
  struct Name *next;
  uint64_t shown, held[WHY_N];
  char name[];
} Name;

/* The releases of one ocid in a batch, items order[first .. first+n) in date
 * order, with what the reader compiled from them alone. */
typedef struct {
  size_t first, n;
  int ready;       /* notice is set */
  Notice notice;
} Group;

typedef struct {
  Item *items;
  size_t n, cap;
  Item **order;    /* the items kept, sorted by (ocid, date, seq) */
  size_t n_order;  /* how many: the items less those rejected by batch_prepare */
  Group *groups;
  size_t n_groups;
  JArena *arena;   /* the items' trees */
  size_t text_bytes; /* the items' texts */
  size_t bytes;      /* texts and trees, set when handed over */
} Batch;

typedef struct {
  /* set up before the threads start */
  const IngestOptions *opt;
  Store *st;
  const char *const *paths;
  size_t n_paths;
  const char *mem_name, *mem_data; /* ingest_buffer */
  size_t mem_len;
  struct timespec t0;

  pthread_mutex_t mu;
  pthread_cond_t cv;
  Batch *queue[QUEUE_DEPTH];
  size_t q_head, q_len;
  size_t inflight; /* bytes of the batches handed over and not yet freed */
  int reader_done, writer_failed;

  /* reader-side counters (guarded by mu when read by the writer) */
  uint64_t files, files_rejected, releases, rejected, bytes;
  /* writer-side counters: committed, and pending in the open transaction */
  uint64_t added, unchanged, w_rejected, notices, replaced, stale;
  uint64_t noted, noted_by_rule[RELEASE_N_RULES];
  struct {
    uint64_t releases, added, unchanged, rejected, notices, replaced, stale;
    uint64_t noted, noted_by_rule[RELEASE_N_RULES];
  } txn;
  int in_txn;
  Err werr;
  pthread_mutex_t report_mu;
  time_t last_progress;
  Name *names; /* reader appends, freed after both threads are done */
} Ingest;

static double elapsed(const Ingest *g) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - g->t0.tv_sec) + (double)(t.tv_nsec - g->t0.tv_nsec) / 1e9;
}

static void report(Ingest *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(Ingest *g, const char *fmt, ...) {
  va_list ap;
  pthread_mutex_lock(&g->report_mu);
  va_start(ap, fmt);
  if (g->opt->progress) fputs("\r\033[K", stderr);
  vfprintf(g->opt->report ? g->opt->report : stderr, fmt, ap);
  va_end(ap);
  pthread_mutex_unlock(&g->report_mu);
}

static int why_of(int code) {
  switch (code) {
  case ERR_JSON: return WHY_JSON;
  case ERR_OCDS: return WHY_OCDS;
  case ERR_LIMIT: return WHY_LIMIT;
  case ERR_UTF8: return WHY_UTF8;
  default: return WHY_OTHER;
  }
}

/* One message about file f: printed while f has had fewer than MAX_MESSAGES,
 * else counted under why. */
static void report_in(Ingest *g, Name *f, int why, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void report_in(Ingest *g, Name *f, int why, const char *fmt, ...) {
  va_list ap;
  pthread_mutex_lock(&g->report_mu);
  if (f->shown < MAX_MESSAGES) {
    f->shown++;
    va_start(ap, fmt);
    if (g->opt->progress) fputs("\r\033[K", stderr);
    vfprintf(g->opt->report ? g->opt->report : stderr, fmt, ap);
    va_end(ap);
  } else {
    f->held[why]++;
  }
  pthread_mutex_unlock(&g->report_mu);
}

/* The count by reason of f's messages not printed so far (then cleared). */
static void report_held(Ingest *g, Name *f) {
  pthread_mutex_lock(&g->report_mu);
  uint64_t total = 0;
  for (int w = 0; w < WHY_N; w++) total += f->held[w];
  if (total) {
    FILE *out = g->opt->report ? g->opt->report : stderr;
    if (g->opt->progress) fputs("\r\033[K", stderr);
    fprintf(out, "%s: %llu more messages not shown (only the first %d of a file are):", f->name,
            (unsigned long long)total, MAX_MESSAGES);
    for (int w = 0, first = 1; w < WHY_N; w++)
      if (f->held[w]) {
        fprintf(out, "%s %llu %s", first ? "" : ",", (unsigned long long)f->held[w], why_name[w]);
        first = 0;
      }
    fputc('\n', out);
    memset(f->held, 0, sizeof f->held);
  }
  pthread_mutex_unlock(&g->report_mu);
}

static void batch_free(Batch *b) {
  if (!b) return;
  for (size_t i = 0; i < b->n; i++) {
    b->items[i].rel.root = NULL; /* arena memory, freed below at once */
    release_release(&b->items[i].rel);
    free(b->items[i].text);
    free(b->items[i].source);
  }
  for (size_t i = 0; i < b->n_groups; i++) notice_release(&b->groups[i].notice);
  free(b->groups);
  free(b->order);
  free(b->items);
  jarena_free(b->arena);
  free(b);
}

/* ---- the queue ------------------------------------------------------------------ */

/* Reader: hands a batch to the writer, waiting while the queue is full. Returns
 * -1 (and frees b) when the writer has failed. */
static int queue_push(Ingest *g, Batch *b) {
  pthread_mutex_lock(&g->mu);
  while ((g->q_len == QUEUE_DEPTH || (g->inflight && g->inflight + b->bytes > INFLIGHT_BYTES)) && !g->writer_failed)
    pthread_cond_wait(&g->cv, &g->mu);
  if (g->writer_failed) {
    pthread_mutex_unlock(&g->mu);
    batch_free(b);
    return -1;
  }
  g->queue[(g->q_head + g->q_len++) % QUEUE_DEPTH] = b;
  g->inflight += b->bytes;
  pthread_cond_broadcast(&g->cv);
  pthread_mutex_unlock(&g->mu);
  return 0;
}

/* Writer: the next batch, or NULL when the reader is done and the queue empty. */
static Batch *queue_pop(Ingest *g) {
  pthread_mutex_lock(&g->mu);
  while (g->q_len == 0 && !g->reader_done) pthread_cond_wait(&g->cv, &g->mu);
  Batch *b = NULL;
  if (g->q_len) {
    b = g->queue[g->q_head];
    g->q_head = (g->q_head + 1) % QUEUE_DEPTH;
    g->q_len--;
    pthread_cond_broadcast(&g->cv);
  }
  pthread_mutex_unlock(&g->mu);
  return b;
}

/* ---- reader ----------------------------------------------------------------------- */

typedef struct {
  Ingest *g;
  Batch *cur;
} Reader;

static int cmp_item(const void *a, const void *b) {
  const Item *x = *(Item *const *)a, *y = *(Item *const *)b;
  int c = strcmp(x->rel.ocid, y->rel.ocid);
  if (c) return c;
  if ((c = strcmp(x->rel.date, y->rel.date))) return c;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Compiles n releases of one ocid and derives their notice into *out
 * (notice_init'ed by the caller). 0, or <0 with err when the data cannot
 * make a notice. */
static int group_compile(const cJSON **trees, char *const *notes, size_t n, time_t now, const char *source,
                         Notice *out, Err *err) {
  cJSON *compiled = merge_compile(trees, n, err);
  if (!compiled) return err->code ? err->code : ERR_OCDS;
  DeriveCtx ctx = {now, source};
  int rc = derive_notice(compiled, &ctx, out, err);
  if (rc == 0) {
    derive_history(trees, notes, n, out);
    apply_keep_compiled(compiled, n, out);
  }
  cJSON_Delete(compiled);
  return rc;
}

static void reject_item(Ingest *g, const Item *it, const Err *e);

/* Groups the batch by ocid and compiles each group from its own releases.
 * A release that cannot make a notice even on its own (its data, not the
 * store, is at fault) is rejected here with its place, and the rest of the
 * batch goes on; when only the group together fails, the group is. */
static void batch_prepare(Ingest *g, Batch *b) {
  Item **sorted = xmalloc((b->n ? b->n : 1) * sizeof *sorted);
  for (size_t i = 0; i < b->n; i++) sorted[i] = &b->items[i];
  qsort(sorted, b->n, sizeof *sorted, cmp_item);
  b->order = xmalloc((b->n ? b->n : 1) * sizeof *b->order);
  b->groups = xcalloc(b->n ? b->n : 1, sizeof *b->groups);
  const cJSON **trees = xmalloc((b->n ? b->n : 1) * sizeof *trees);
  char **notes = xmalloc((b->n ? b->n : 1) * sizeof *notes);
  time_t now = g->opt->now ? g->opt->now : time(NULL);
  size_t kept = 0;
  for (size_t i = 0, j; i < b->n; i = j) {
    for (j = i + 1; j < b->n && strcmp(sorted[j]->rel.ocid, sorted[i]->rel.ocid) == 0; j++) {}
    Group *gr = &b->groups[b->n_groups];
    gr->first = kept;
    notice_init(&gr->notice);
    Err e = ERR_INIT;
    if (g->opt->parse_only) {
      for (size_t k = i; k < j; k++) b->order[kept++] = sorted[k];
    } else {
      size_t m = 0;
      for (size_t k = i; k < j; k++, m++) trees[m] = sorted[k]->rel.root, notes[m] = sorted[k]->rel.notes;
      gr->ready = group_compile(trees, notes, m, now, sorted[j - 1]->source, &gr->notice, &e) == 0;
      for (size_t k = i; k < j; k++) {
        if (!gr->ready) { /* find the releases at fault: each alone */
          Notice alone;
          Err ea = ERR_INIT;
          notice_init(&alone);
          const cJSON *one = sorted[k]->rel.root;
          int bad = group_compile(&one, &sorted[k]->rel.notes, 1, now, sorted[k]->source, &alone, &ea) != 0;
          notice_release(&alone);
          if (bad && ea.code != ERR_NOMEM) {
            reject_item(g, sorted[k], &ea);
            continue;
          }
        }
        b->order[kept++] = sorted[k];
      }
      if (!gr->ready && kept > gr->first) { /* again without the rejected ones */
        notice_release(&gr->notice);
        notice_init(&gr->notice);
        m = 0;
        for (size_t k = gr->first; k < kept; k++, m++) trees[m] = b->order[k]->rel.root, notes[m] = b->order[k]->rel.notes;
        Err e2 = ERR_INIT;
        if (group_compile(trees, notes, m, now, b->order[kept - 1]->source, &gr->notice, &e2) == 0) {
          gr->ready = 1;
        } else if (e2.code != ERR_NOMEM) { /* only together: the group goes */
          for (size_t k = gr->first; k < kept; k++) reject_item(g, b->order[k], &e2);
          kept = gr->first;
        }
      }
    }
    gr->n = kept - gr->first;
    if (gr->n) b->n_groups++;
    else notice_release(&gr->notice);
  }
  b->n_order = kept;
  free(trees);
  free(notes);
  free(sorted);
}

static int reader_flush(Reader *r) {
  if (!r->cur || !r->cur->n) return 0;
  Batch *b = r->cur;
  r->cur = NULL;
  batch_prepare(r->g, b);
  jarena_use(NULL);
  b->bytes = b->text_bytes + jarena_used(b->arena);
  return queue_push(r->g, b);
}

/* A new Name for each file read (one file may be named twice on a command line). */
static Name *name_new(Ingest *g, const char *name) {
  size_t n = strlen(name);
  Name *nm = xcalloc(1, sizeof *nm + n + 1);
  memcpy(nm->name, name, n + 1);
  pthread_mutex_lock(&g->report_mu);
  nm->next = g->names;
  g->names = nm;
  pthread_mutex_unlock(&g->report_mu);
  return nm;
}

static int reader_add(Reader *r, Release *rel, char *text, size_t len, const char *source, Name *file,
                      const ScanItem *si) {
  /* reader_arena opened the batch before the release was parsed into it */
  if (r->cur->n == r->cur->cap)
    r->cur->items = xrealloc(r->cur->items, (r->cur->cap = r->cur->cap ? r->cur->cap * 2 : 256) * sizeof *r->cur->items);
  Item *it = &r->cur->items[r->cur->n];
  it->rel = *rel;
  it->text = text;
  it->len = len;
  it->hash = release_hash(text, len);
  r->cur->text_bytes += len;
  it->source = source ? xstrdup(source) : NULL;
  it->seq = r->cur->n++;
  it->file = file;
  it->offset = si->offset;
  it->line = si->line;
  return 0;
}

static void progress(Ingest *g) {
  if (!g->opt->progress) return;
  time_t now = time(NULL);
  if (now == g->last_progress) return;
  g->last_progress = now;
  double s = elapsed(g);
  pthread_mutex_lock(&g->report_mu);
  fprintf(stderr, "\r\033[Kfiles %llu, releases %llu, %.0f releases/s", (unsigned long long)g->files,
          (unsigned long long)g->releases, s > 0 ? (double)g->releases / s : 0.0);
  fflush(stderr);
  pthread_mutex_unlock(&g->report_mu);
}

static void reject(Reader *r, Name *f, const ScanItem *it, const Err *e) {
  r->g->rejected++;
  report_in(r->g, f, why_of(e->code), "%s: byte %llu (line %llu): %s\n", f->name, (unsigned long long)it->offset,
            (unsigned long long)it->line, e->msg);
}

/* A release batch_prepare found unfit (reader thread). */
static void reject_item(Ingest *g, const Item *it, const Err *e) {
  g->rejected++;
  report_in(g, it->file, why_of(e->code), "%s: byte %llu (line %llu): %s\n", it->file->name,
            (unsigned long long)it->offset, (unsigned long long)it->line, e->msg);
}

/* Adds one release tree (taking ownership); its text is printed from the tree
 * since it came from inside a record. */
static int add_tree(Reader *r, Name *name, const ScanItem *it, cJSON *tree, const char *source) {
  r->g->releases++;
  char *printed = cJSON_PrintUnformatted(tree);
  if (!printed) {
    cJSON_Delete(tree);
    return 0;
  }
  char *text = xstrdup(printed);
  cJSON_free(printed);
  Release rel;
  Err e = ERR_INIT;
  if (release_from_tree(tree, &rel, &e)) {
    reject(r, name, it, &e);
    free(text);
    return 0;
  }
  return reader_add(r, &rel, text, strlen(text), source, name, it);
}

static int read_record(Reader *r, Name *name, const ScanItem *it, const char *source) {
  cJSON **trees;
  size_t n;
  Err e = ERR_INIT;
  if (release_record_split(it->text, it->len, &trees, &n, &e)) {
    r->g->releases++;
    reject(r, name, it, &e);
    return 0;
  }
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    if (rc == 0) rc = add_tree(r, name, it, trees[i], source);
    else cJSON_Delete(trees[i]);
  }
  free(trees);
  return rc;
}

/* Makes sure a batch is open and its arena is where this thread's cJSON
 * allocations go, before anything is parsed into it. */
static void reader_arena(Reader *r) {
  if (r->cur && r->cur->n == 0 && jarena_used(r->cur->arena) > (64u << 20)) {
    jarena_free(r->cur->arena); /* only rejected releases so far: drop their trees */
    r->cur->arena = jarena_new();
  }
  if (!r->cur) {
    r->cur = xcalloc(1, sizeof *r->cur);
    r->cur->arena = jarena_new();
  }
  jarena_use(r->cur->arena);
}

/* A batch is handed over between items, never inside one: the releases of a
 * record share the record's arena memory. */
static int reader_maybe_flush(Reader *r) {
  size_t want = r->g->opt->batch && r->g->opt->batch < READ_CHUNK ? r->g->opt->batch : READ_CHUNK;
  if (r->cur && (r->cur->n >= want || r->cur->text_bytes + jarena_used(r->cur->arena) >= BATCH_BYTES))
    return reader_flush(r);
  return 0;
}

/* Streams one input through the scanner. Returns -1 only when the writer failed. */
static int read_scanner(Reader *r, const char *name, Scanner *sc) {
  Ingest *g = r->g;
  const IngestOptions *o = g->opt;
  ScanItem it;
  Err e = ERR_INIT;
  int rc, bad_file = 0;
  Name *f = name_new(g, name);
  g->files++;
  for (;;) {
    rc = scan_next(sc, &it, &e);
    if (rc == 0) break;
    if (rc < 0) {
      if (rc == ERR_UTF8 || rc == ERR_LIMIT || rc == ERR_OCDS) { /* one item; the scan goes on */
        g->releases++;
        g->rejected++;
      } else {
        bad_file = 1;
      }
      report_in(g, f, why_of(rc), "%s: %s\n", name, e.msg);
      continue;
    }
    const char *source = o->source ? o->source : it.publisher;
    reader_arena(r);
    if (it.kind == SCAN_RECORD) {
      read_record(r, f, &it, source);
    } else {
      g->releases++;
      Release rel;
      if (release_parse(it.text, it.len, &rel, &e)) reject(r, f, &it, &e);
      else reader_add(r, &rel, xstrndup(it.text, it.len), it.len, source, f, &it);
    }
    if (reader_maybe_flush(r)) return -1;
    progress(g);
  }
  g->bytes += scan_bytes(sc);
  if (bad_file) g->files_rejected++;
  report_held(g, f);
  return 0;
}

static int has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcmp(s + n - m, suf) == 0;
}

static int wanted_in_dir(const char *name) {
  static const char *const sufs[] = {".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz"};
  if (name[0] == '.') return 0;
  for (size_t i = 0; i < sizeof sufs / sizeof *sufs; i++)
    if (has_suffix(name, sufs[i])) return 1;
  return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int read_path(Reader *r, const char *path, int top);

static int read_dir(Reader *r, const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    r->g->files_rejected++;
    report(r->g, "%s: cannot open directory: %s\n", path, strerror(errno));
    return 0;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    if (n == cap) names = xrealloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
    Buf p = BUF_INIT;
    buf_addf(&p, "%s%s%s", path, has_suffix(path, "/") ? "" : "/", de->d_name);
    names[n++] = buf_detach(&p, NULL);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_str);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    if (rc == 0) rc = read_path(r, names[i], 0);
    free(names[i]);
  }
  free(names);
  return rc;
}

static int read_path(Reader *r, const char *path, int top) {
  struct stat sb;
  if (strcmp(path, "-") != 0) {
    if (stat(path, &sb) != 0) {
      r->g->files_rejected++;
      report(r->g, "%s: cannot read: %s\n", path, strerror(errno));
      return 0;
    }
    if (S_ISDIR(sb.st_mode)) return read_dir(r, path);
    if (!top) {
      const char *base = strrchr(path, '/');
      if (!wanted_in_dir(base ? base + 1 : path)) return 0;
    }
  }
  Err e = ERR_INIT;
  Scanner *sc = scan_open_path(path, &e);
  if (!sc) {
    r->g->files++;
    r->g->files_rejected++;
    report(r->g, "%s: %s\n", path, e.msg);
    return 0;
  }
  int rc = read_scanner(r, path, sc);
  scan_free(sc);
  return rc;
}

static void *reader_main(void *arg) {
  Ingest *g = arg;
  Reader r = {g, NULL};
  int rc = 0;
  if (g->mem_data) {
    Scanner *sc = scan_open_mem(g->mem_data, g->mem_len);
    rc = read_scanner(&r, g->mem_name, sc);
    scan_free(sc);
  } else {
    for (size_t i = 0; i < g->n_paths && rc == 0; i++) rc = read_path(&r, g->paths[i], 1);
  }
  if (rc == 0) reader_flush(&r);
  jarena_use(NULL);
  batch_free(r.cur);
  pthread_mutex_lock(&g->mu);
  g->reader_done = 1;
  pthread_cond_broadcast(&g->cv);
  pthread_mutex_unlock(&g->mu);
  return NULL;
}

/* ---- writer ----------------------------------------------------------------------- */

/* Stores one hand-over in the open transaction (begun here when none is)
 * through apply_batch: every release in one store call, then every notice
 * that changed in another (store.h: a few round trips on a server database). */
static int write_batch(Ingest *g, Batch *b, Err *err) {
  size_t n = b->n_order;
  ApplyItem *items = xmalloc((n ? n : 1) * sizeof *items);
  ApplyGroup *groups = xmalloc((b->n_groups ? b->n_groups : 1) * sizeof *groups);
  int *res = xmalloc((n ? n : 1) * sizeof *res);
  int rc = 0;
  if (!g->in_txn) {
    if ((rc = store_begin(g->st, err))) goto out;
    g->in_txn = 1;
  }
  for (size_t i = 0; i < n; i++) { /* b->order: by ocid, each ocid's releases by date */
    Item *it = b->order[i];
    items[i] = (ApplyItem){{it->rel.ocid, it->rel.id, it->rel.date, it->text, it->len, it->hash, it->source},
                           it->rel.root, it->rel.notes};
  }
  for (size_t gi = 0; gi < b->n_groups; gi++) {
    Group *gr = &b->groups[gi];
    groups[gi] = (ApplyGroup){gr->first, gr->n, gr->ready ? &gr->notice : NULL};
  }
  ApplyCounts c = {0};
  if ((rc = apply_batch(g->st, items, n, groups, b->n_groups, g->opt->now ? g->opt->now : time(NULL), res, &c, err)))
    goto out;
  for (size_t i = 0; i < n; i++) /* stored with data notes, by rule */
    if ((res[i] == STORE_ADDED || res[i] == STORE_REPLACED) && b->order[i]->rel.rules) {
      g->txn.noted++;
      for (int k = 0; k < RELEASE_N_RULES; k++)
        if (b->order[i]->rel.rules & (1u << k)) g->txn.noted_by_rule[k]++;
    }
  for (size_t i = 0; i < n; i++)
    if (res[i] == STORE_CONFLICT) {
      Item *it = b->order[i];
      report_in(g, it->file, WHY_CONFLICT,
                "%s: byte %llu (line %llu): release %s of %s: a different release with this id and the same or a "
                "later date is already stored; kept the stored one\n",
                it->file->name, (unsigned long long)it->offset, (unsigned long long)it->line, it->rel.id, it->rel.ocid);
    }
  g->txn.notices += c.notices;
  g->txn.added += c.added;
  g->txn.unchanged += c.unchanged;
  g->txn.rejected += c.rejected;
  g->txn.replaced += c.replaced;
  g->txn.stale += c.stale;
  g->txn.noted += c.reused_clean;
  g->txn.noted_by_rule[NOTE_ID_REUSED] += c.reused;
  g->txn.releases += n;
out:
  free(res);
  free(groups);
  free(items);
  return rc;
}

/* Commits the open transaction and counts what it stored. */
static int write_commit(Ingest *g, Err *err) {
  if (!g->in_txn) return 0;
  g->in_txn = 0;
  int rc = store_commit(g->st, err);
  if (rc) return rc;
  g->added += g->txn.added;
  g->unchanged += g->txn.unchanged;
  g->w_rejected += g->txn.rejected;
  g->replaced += g->txn.replaced;
  g->stale += g->txn.stale;
  g->noted += g->txn.noted;
  for (int k = 0; k < RELEASE_N_RULES; k++) g->noted_by_rule[k] += g->txn.noted_by_rule[k];
  g->notices += g->txn.notices;
  memset(&g->txn, 0, sizeof g->txn);
  return 0;
}

static int run(Ingest *g, IngestStats *stats, Err *err) {
  jarena_install();
  clock_gettime(CLOCK_MONOTONIC, &g->t0);
  pthread_mutex_init(&g->mu, NULL);
  pthread_mutex_init(&g->report_mu, NULL);
  pthread_cond_init(&g->cv, NULL);
  pthread_t th;
  int rc = 0;
  if (pthread_create(&th, NULL, reader_main, g) != 0) return err_set(err, ERR_NOMEM, "cannot start the reader thread");
  Batch *b;
  size_t per_txn = g->opt->batch ? g->opt->batch : DEFAULT_BATCH;
  while ((b = queue_pop(g))) {
    if (!g->opt->parse_only && rc == 0) {
      rc = write_batch(g, b, &g->werr);
      if (rc == 0 && g->txn.releases >= per_txn) rc = write_commit(g, &g->werr);
      if (rc) {
        pthread_mutex_lock(&g->mu);
        g->writer_failed = 1;
        pthread_cond_broadcast(&g->cv);
        pthread_mutex_unlock(&g->mu);
      }
    }
    size_t bytes = b->bytes;
    batch_free(b);
    pthread_mutex_lock(&g->mu);
    g->inflight -= bytes;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
  }
  pthread_join(th, NULL);
  if (rc == 0) rc = write_commit(g, &g->werr);
  if (rc && g->in_txn) store_rollback(g->st); /* this transaction's releases are not stored */
  Name *files = NULL; /* first file first: messages held after its end (by the writer) */
  for (Name *nm = g->names, *next; nm; nm = next) {
    next = nm->next;
    nm->next = files;
    files = nm;
  }
  for (Name *nm = files, *next; nm; nm = next) {
    next = nm->next;
    report_held(g, nm);
    free(nm);
  }
  if (g->opt->progress) fputs("\r\033[K", stderr);
  if (g->stale)
    fprintf(g->opt->report ? g->opt->report : stderr,
            "%llu stored releases no longer pass the release checks (stored by an older build) and were left out "
            "of their notices; `powerhouse ingest --rederive` names them\n",
            (unsigned long long)g->stale);
  pthread_cond_destroy(&g->cv);
  pthread_mutex_destroy(&g->mu);
  pthread_mutex_destroy(&g->report_mu);
  memset(stats, 0, sizeof *stats);
  stats->files = g->files;
  stats->files_rejected = g->files_rejected;
  stats->releases = g->releases;
  stats->added = g->added;
  stats->unchanged = g->unchanged;
  stats->replaced = g->replaced;
  stats->stale = g->stale;
  stats->noted = g->noted;
  memcpy(stats->noted_by_rule, g->noted_by_rule, sizeof stats->noted_by_rule);
  stats->rejected = g->rejected + g->w_rejected;
  stats->notices = g->notices;
  stats->bytes = g->bytes;
  stats->seconds = elapsed(g);
  if (rc) {
    *err = g->werr;
    return rc;
  }
  return 0;
}

int ingest_paths(Store *st, const char *const *paths, size_t n, const IngestOptions *opt, IngestStats *stats, Err *err) {
  Ingest g;
  memset(&g, 0, sizeof g);
  g.opt = opt;
  g.st = st;
  g.paths = paths;
  g.n_paths = n;
  return run(&g, stats, err);
}

int ingest_buffer(Store *st, const char *name, const char *data, size_t len, const IngestOptions *opt,
                  IngestStats *stats, Err *err) {
  Ingest g;
  memset(&g, 0, sizeof g);
  g.opt = opt;
  g.st = st;
  g.mem_name = name;
  g.mem_data = data;
  g.mem_len = len;
  return run(&g, stats, err);
}
