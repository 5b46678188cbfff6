/* scan.c -- the streaming OCDS scanner (see scan.h for the contract).
 *
 * Three layers, bottom up:
 *   source  bytes from a file descriptor or memory, inflated by zlib when the
 *           first two bytes are the gzip magic; delivered in chunks of
 *           chunk_size bytes (CHUNK) in s->buf -- a plain memory source is
 *           scanned in place, in windows of that size. Nothing the lexer does
 *           depends on where chunks end (the fuzzer checks this). Gzip output
 *           stops exactly at the file's limit (gz_cap), and only another gzip
 *           member may follow a member.
 *   lexer   a resumable RFC 8259 state machine (s->state), byte by byte except
 *           where it can skip: string bodies 8 bytes at a time (SWAR search for
 *           '"', '\\' and control bytes), whitespace and digit runs in tight
 *           loops. It validates the full grammar (numbers, literals, escapes,
 *           \u surrogate pairs), so every item handed out is valid JSON.
 *           Beyond SCAN_MAX_DEPTH (the depth of objbits) it only counts
 *           brackets and follows strings (P_DEEP*) until the value closes.
 *   OCDS    hooks that fire only at shallow depths (depth <= s->hot): unit
 *           starts, the direct keys of a unit, the releases/records array, the
 *           publisher object, and the closing of an item. Inside an item the
 *           lexer runs with no hook at all.
 *
 * Items are copied into s->item span by span (the bytes since the item started
 * or since the current chunk started), never byte by byte. Line numbers are
 * counted lazily: s->line is the line of s->buf[s->line_pos], advanced (8 bytes
 * a step) only when a line is needed, so the total counting work is one pass.
 *
 * Memory: the chunk, the compressed-input buffer, and one item (at most
 * max_item plus one chunk while it is being found too large). Invariant: while
 * an item is being captured, s->item holds its bytes before s->buf[s->cap_from]. */
#include "ocds/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/utf8.h"

#define CHUNK (256u << 10) /* decompressed bytes per refill (default) */
#define RAW (64u << 10)    /* compressed bytes per read */
#define PUB_MAX 1024       /* a longer publisher.name is ignored */
#define KEY_MAX 32         /* keys we look for are shorter */

typedef unsigned long long ull; /* for printf */

/* Lexer states. */
enum {
  P_BOM,       /* at the start: maybe a UTF-8 byte order mark */
  P_TOP,       /* between top-level values */
  P_VALUE,     /* a value is required (after ':' or ',' in an array) */
  P_ARR_FIRST, /* after '[': a value or ']' */
  P_OBJ_FIRST, /* after '{': a key or '}' */
  P_KEY,       /* after ',' in an object: a key */
  P_COLON,     /* after a key */
  P_AFTER,     /* after a value inside a container: ',' or the closer */
  P_STR,       /* inside a string */
  P_ESC,       /* after a backslash */
  P_HEX,       /* inside the 4 hex digits of \u */
  P_SUR_BS,    /* after a high-surrogate \uD8xx: expecting '\' of its pair */
  P_SUR_U,     /* ... expecting 'u' */
  P_NUM_MINUS, /* number states, named for what was just read */
  P_NUM_ZERO,
  P_NUM_INT,
  P_NUM_DOT,
  P_NUM_FRAC,
  P_NUM_E,
  P_NUM_ESIGN,
  P_NUM_EXP,
  P_LIT,      /* inside true/false/null */
  P_SKIPLINE, /* resynchronising JSON Lines: skip to after the next '\n' */
  P_DEEP,     /* inside a value nested deeper than SCAN_MAX_DEPTH: brackets counted */
  P_DEEP_STR, /* ... inside a string there */
  P_DEEP_ESC, /* ... after a backslash in that string */
};

/* Direct keys of a unit we care about (s->ukey) and seen-flags (s->ukeys). */
enum { K_OTHER, K_RELEASES, K_RECORDS, K_OCID, K_COMPILED, K_VERSIONED, K_PUBLISHER };
enum { F_OCID = 1, F_COMPILED = 2, F_VERSIONED = 4, F_RELEASES = 8 };

enum { C_NONE, C_ITEM, C_UNIT };       /* what is being captured */
enum { U_NONE, U_WHOLE, U_PACKAGE };   /* what the current unit turned out to be */
enum { SC_NONE, SC_KEY, SC_PUB };      /* where string contents are copied */

struct Scanner {
  /* source */
  int fd, own_fd;             /* -1 for memory */
  const unsigned char *mem;   /* memory source */
  size_t mem_len;
  int started, gz, gz_init, gz_member_end, gz_trunc, src_eof;
  char gz_err[320];           /* a gzip error to report once the data before it is scanned */
  z_stream zs;
  uint64_t gz_max_out;        /* decompressed bytes allowed per file */
  unsigned gz_max_ratio;      /* ... and per compressed byte (above SCAN_GZ_RATIO_FLOOR) */
  uint64_t gz_csize;          /* the compressed file's size; 0 when unknown (a pipe) */
  uint64_t raw_base;          /* offset of raw[0] in the compressed input */
  unsigned char *raw;         /* compressed input: owned (fd) or the caller's (memory);
                                 for a plain fd, the bytes read to detect gzip */
  size_t raw_len, raw_pos;
  /* current chunk */
  unsigned char *chunk;       /* owned chunk buffer (NULL for a plain memory source) */
  size_t chunk_size;
  const unsigned char *buf;   /* the bytes being scanned */
  size_t len, pos;
  uint64_t base;              /* offset of buf[0] in the decompressed input */
  int eof, dead;
  uint64_t line;              /* 1-based line of buf[line_pos] */
  size_t line_pos;
  int tail_nl;                /* input before buf[0] ends in '\n' + blanks (at tail_nl_at) */
  uint64_t tail_nl_at;
  /* lexer */
  int state, depth, hot, bom_i;
  uint64_t objbits;           /* bit d-1 set: the container at depth d is an object */
  int str_key, scap;          /* string is a key; where its contents go */
  int hex_n;
  uint32_t hex_cp, hex_high;
  uint64_t esc_at, high_at;   /* offsets of the last backslash, of a pending high surrogate's */
  const char *lit;            /* the rest of the literal being matched */
  uint64_t deep;              /* containers open beyond SCAN_MAX_DEPTH (state P_DEEP*) */
  uint64_t deep_at, deep_line; /* where the first of them opened */
  /* top-level values, for messages and JSON Lines resynchronisation */
  int in_top, top_array, jsonl, blind_resync, declared_jsonl;
  uint64_t top_off, top_line;
  /* units */
  uint64_t units;
  int unit_depth, umode, ukey;
  unsigned ukeys;
  uint64_t unit_off, unit_line;
  int arr_depth, pub_depth, pkey;
  ScanKind arr_kind, pkg_kind;
  uint64_t elem;              /* index of the current element of the streamed array */
  /* capture */
  int cap, cap_depth, cap_over;
  ScanKind cap_kind;
  size_t cap_from;
  uint64_t cap_off, cap_line, cap_size;
  int ibad;                   /* an item-level error seen while capturing */
  char ibad_msg[200];
  size_t max_item;
  Buf item;
  /* key and publisher.name capture */
  char key[KEY_MAX];
  size_t key_len;
  int key_over;
  Buf pub;
  int has_pub, pub_bad;
  /* the call in progress */
  Err *err;
  ScanItem *out;
};

/* ---- small helpers ---------------------------------------------------- */

static int is_ws(unsigned c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/* Exact count of '\n' bytes, 8 at a time: a zero byte of t = w ^ "\n\n.." is
 * one whose high bit stays clear in ((t & 7f..) + 7f..) | t (no carries cross
 * bytes); the flags, moved to bit 0 of each byte, are summed by a multiply
 * (no popcount: without -mpopcnt that is a libgcc call, 17% of the time). */
static uint64_t count_nl(const unsigned char *p, size_t n) {
  uint64_t c = 0;
  size_t i = 0;
  for (; n - i >= 8; i += 8) {
    uint64_t w, t;
    memcpy(&w, p + i, 8);
    t = w ^ 0x0a0a0a0a0a0a0a0aull;
    t = ~(((t & 0x7f7f7f7f7f7f7f7full) + 0x7f7f7f7f7f7f7f7full) | t) & 0x8080808080808080ull;
    c += ((t >> 7) * 0x0101010101010101ull) >> 56;
  }
  for (; i < n; i++) c += p[i] == '\n';
  return c;
}

/* Line of buf[idx]; idx may not precede buf[0]. */
static uint64_t line_at(Scanner *s, size_t idx) {
  if (idx == s->line_pos) return s->line;
  if (idx > s->line_pos) {
    s->line += count_nl(s->buf + s->line_pos, idx - s->line_pos);
  } else {
    s->line -= count_nl(s->buf + idx, s->line_pos - idx);
  }
  s->line_pos = idx;
  return s->line;
}

/* Length of the run of ordinary string bytes at p: stops at '"', '\\' or a
 * byte below 0x20. Bit tricks from "Bit Twiddling Hacks" (haszero/hasless):
 * the lowest flagged byte is always exact, which is the one we need. */
static size_t str_span(const unsigned char *p, size_t n) {
  size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  for (; n - i >= 8; i += 8) {
    uint64_t w, q, b;
    memcpy(&w, p + i, 8);
    q = w ^ (ones * '"');
    b = w ^ (ones * '\\');
    uint64_t t = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w);
    t &= high;
    if (t) return i + ((size_t)__builtin_ctzll(t) >> 3);
  }
#endif
  while (i < n && p[i] != '"' && p[i] != '\\' && p[i] >= 0x20) i++;
  return i;
}

static const char *kind_name(ScanKind k) { return k == SCAN_RECORD ? "record" : "release"; }

/* How a byte appears in a message: 'x' or byte 0xNN. */
static const char *show_byte(unsigned c, char out[16]) {
  if (c >= 0x21 && c < 0x7f && c != '\'')
    snprintf(out, 16, "'%c'", (char)c);
  else if (c == ' ')
    snprintf(out, 16, "a space");
  else if (c == '\n')
    snprintf(out, 16, "a line break");
  else
    snprintf(out, 16, "byte 0x%02x", c);
  return out;
}

static const char *value_name(unsigned c) {
  switch (c) {
  case '[': return "an array";
  case '"': return "a string";
  case 't': case 'f': return "a boolean";
  case 'n': return "null";
  default: return "a number";
  }
}

/* ---- the source --------------------------------------------------------- */

/* Reads up to cap bytes from the fd (retrying EINTR); 0 at end of file. */
static ssize_t fd_read(Scanner *s, unsigned char *dst, size_t cap) {
  for (;;) {
    ssize_t r = read(s->fd, dst, cap);
    if (r >= 0 || errno != EINTR) return r;
  }
}

/* Makes sure at least `want` compressed bytes are available at raw_pos (or the
 * source is exhausted). Memory sources point zs/raw at the caller's bytes. */
static int raw_fill(Scanner *s, size_t want, Err *err) {
  if (s->fd < 0) { /* all of it is there from the start */
    if (s->raw_len - s->raw_pos < want) s->src_eof = 1;
    return 0;
  }
  while (!s->src_eof && s->raw_len - s->raw_pos < want) {
    if (s->raw_pos) {
      memmove(s->raw, s->raw + s->raw_pos, s->raw_len - s->raw_pos);
      s->raw_len -= s->raw_pos;
      s->raw_base += s->raw_pos;
      s->raw_pos = 0;
    }
    ssize_t r = fd_read(s, s->raw + s->raw_len, RAW - s->raw_len);
    if (r < 0) return err_set(err, ERR_IO, "read error after byte %llu: %s", (ull)s->base, strerror(errno));
    if (r == 0) s->src_eof = 1;
    s->raw_len += (size_t)r;
  }
  return 0;
}

/* The most decompressed bytes this gzip input may give: gz_max_out, and
 * gz_max_ratio times its compressed size (but never less than the floor). The
 * size of a file or memory source is known from the start, so where the limit
 * falls does not depend on how the input is read; for a pipe it is the bytes
 * read so far. */
static uint64_t gz_cap(const Scanner *s) {
  uint64_t csize = s->gz_csize ? s->gz_csize : s->raw_base + s->raw_len, cap = UINT64_MAX;
  if (s->gz_max_ratio && csize <= UINT64_MAX / s->gz_max_ratio) {
    cap = csize * s->gz_max_ratio;
    if (cap < SCAN_GZ_RATIO_FLOOR) cap = SCAN_GZ_RATIO_FLOOR;
  }
  return cap < s->gz_max_out ? cap : s->gz_max_out;
}

/* Remembers a gzip error (s->gz_err) to report once the data before it is scanned. */
static void gz_fail(Scanner *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gz_fail(Scanner *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->gz_err, sizeof s->gz_err, fmt, ap);
  va_end(ap);
}

/* Inflates into the chunk. Returns bytes produced, 0 at the end, <0 on error.
 * Output stops exactly at gz_cap(): the bytes up to the limit are scanned,
 * then the error is reported (whatever the chunk size). */
static long refill_gz(Scanner *s, Err *err) {
  z_stream *z = &s->zs;
  if (s->gz_err[0]) return err_set(err, ERR_IO, "%s", s->gz_err);
  if (s->gz_trunc)
    return err_set(err, ERR_IO,
                   "truncated gzip stream: the compressed input ends before the end of the gzip data "
                   "(after decompressed byte %llu, line %llu)",
                   (ull)s->base, (ull)s->line);
  const size_t cs = s->chunk_size;
  z->next_out = s->chunk;
  z->avail_out = (uInt)cs;
  while (z->avail_out) {
    if (s->gz_member_end) {
      /* Another gzip member may follow (gzip concatenates them, and so do
       * we); anything else after a complete member is an error, not ignored. */
      if (raw_fill(s, 2, err) < 0) return -1;
      size_t left = s->raw_len - s->raw_pos;
      if (!left) break; /* the end of the file */
      if (left < 2 || s->raw[s->raw_pos] != 0x1f || s->raw[s->raw_pos + 1] != 0x8b) {
        char sb[16];
        gz_fail(s,
                "data after the end of the gzip data (after decompressed byte %llu): %s at compressed byte %llu "
                "does not start another gzip member; the rest of the file is not read",
                (ull)(s->base + (cs - z->avail_out)), show_byte(s->raw[s->raw_pos], sb),
                (ull)(s->raw_base + s->raw_pos));
        goto failed;
      }
      inflateReset(z);
      s->gz_member_end = 0;
    }
    if (s->raw_pos == s->raw_len && raw_fill(s, 1, err) < 0) return -1;
    size_t avail = s->raw_len - s->raw_pos;
    if (avail > (1u << 30)) avail = 1u << 30; /* avail_in is a uInt */
    /* Room for one byte past the limit, to tell "exactly at it" from "over it". */
    uint64_t cap = gz_cap(s), done = s->base + (cs - z->avail_out);
    uInt room = z->avail_out;
    if (done <= cap && cap - done < room) room = (uInt)(cap - done + 1);
    uInt spare = z->avail_out - room;
    z->avail_out = room;
    z->next_in = s->raw + s->raw_pos;
    z->avail_in = (uInt)avail;
    /* Called even with no input left: inflate may still hold output back
     * (the rest of a match) for want of room in an earlier call. */
    int r = inflate(z, Z_NO_FLUSH);
    s->raw_pos += avail - z->avail_in;
    uInt made = room - z->avail_out;
    z->avail_out += spare;
    if (s->base + (cs - z->avail_out) > cap) {
      z->avail_out += (uInt)(s->base + (cs - z->avail_out) - cap); /* the bytes past the limit are dropped */
      if (cap == s->gz_max_out)
        gz_fail(s,
                "gzip data over the limit of %llu decompressed bytes for one file (after decompressed byte %llu); "
                "the rest of the file is not read (decompress it to ingest it as plain JSON)",
                (ull)s->gz_max_out, (ull)cap);
      else
        gz_fail(s,
                "gzip data expands more than %u times %s%llu%s (after decompressed byte %llu), over the limit for a "
                "real file (a gzip bomb?); the rest of the file is not read",
                s->gz_max_ratio, s->gz_csize ? "its compressed size, " : "the ",
                (ull)(s->gz_csize ? s->gz_csize : s->raw_base + s->raw_len),
                s->gz_csize ? " bytes" : " compressed bytes read so far", (ull)cap);
      goto failed;
    }
    if (r == Z_STREAM_END) {
      s->gz_member_end = 1;
    } else if (r != Z_OK && r != Z_BUF_ERROR) {
      gz_fail(s, "corrupt gzip data after decompressed byte %llu: %s", (ull)(s->base + (cs - z->avail_out)),
              z->msg ? z->msg : zError(r));
      goto failed;
    } else if (!avail && !made) { /* no input, no output: cut short */
      s->gz_trunc = 1;
      if (z->avail_out < cs) break; /* hand out what we have; report next time */
      return refill_gz(s, err);
    }
  }
  return (long)(cs - z->avail_out);
failed:
  if (z->avail_out < cs) return (long)(cs - z->avail_out); /* hand out what we have; report next time */
  return err_set(err, ERR_IO, "%s", s->gz_err);
}

/* First call: detect gzip from the first two bytes. */
static int source_start(Scanner *s, Err *err) {
  s->started = 1;
  if (s->fd >= 0) {
    s->raw = xmalloc(RAW);
    if (raw_fill(s, 2, err) < 0) return -1;
  } else {
    s->raw = (unsigned char *)(uintptr_t)s->mem; /* read only: never written through */
    s->raw_len = s->mem_len;
  }
  s->gz = s->raw_len - s->raw_pos >= 2 && s->raw[s->raw_pos] == 0x1f && s->raw[s->raw_pos + 1] == 0x8b;
  if (s->gz) {
    if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) return err_set(err, ERR_NOMEM, "cannot initialise zlib");
    s->gz_init = 1;
    struct stat st;
    if (s->fd < 0) s->gz_csize = s->mem_len;
    else if (fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) s->gz_csize = (uint64_t)st.st_size;
  }
  if (s->gz || s->fd >= 0) s->chunk = xmalloc(s->chunk_size);
  return 0;
}

/* Copies the part of the captured item that lies before buf[upto] into s->item;
 * only counts it once the item is over the limit, or already found bad (an
 * unpaired surrogate, nesting too deep): such an item is rejected, its text
 * never handed out. */
static void cap_flush(Scanner *s, size_t upto) {
  size_t n = upto - s->cap_from;
  s->cap_size += n;
  if (s->cap_size > s->max_item) {
    if (!s->cap_over) buf_reset(&s->item);
    s->cap_over = 1;
  } else if (!s->ibad) {
    buf_add(&s->item, s->buf + s->cap_from, n);
  }
  s->cap_from = upto;
}

/* Moves to the next chunk. Returns 1, 0 at the end of input, <0 on error. */
static int refill(Scanner *s, Err *err) {
  if (!s->started && source_start(s, err) < 0) return err->code;
  if (s->cap) cap_flush(s, s->len);
  line_at(s, s->len);
  size_t j = s->len; /* remember whether the chunk ends in a line break plus blanks */
  while (j > 0 && (s->buf[j - 1] == ' ' || s->buf[j - 1] == '\t' || s->buf[j - 1] == '\r')) j--;
  if (j > 0) {
    s->tail_nl = s->buf[j - 1] == '\n';
    s->tail_nl_at = s->base + j - 1;
  }
  s->base += s->len;
  s->len = s->pos = s->line_pos = s->cap_from = 0;
  if (s->gz) {
    long r = refill_gz(s, err);
    if (r < 0) return err ? err->code : ERR_IO;
    s->buf = s->chunk;
    s->len = (size_t)r;
  } else if (s->fd < 0) { /* plain memory: windows onto the caller's bytes, no copy */
    size_t n = s->raw_len - s->raw_pos;
    if (n > s->chunk_size) n = s->chunk_size;
    s->buf = s->raw + s->raw_pos;
    s->len = n;
    s->raw_pos += n;
  } else {
    size_t n = s->raw_len - s->raw_pos; /* the bytes read to detect gzip come first */
    if (n > s->chunk_size) { /* only with a chunk smaller than the detection read */
      memcpy(s->chunk, s->raw + s->raw_pos, s->chunk_size);
      s->raw_pos += s->chunk_size;
      n = s->chunk_size;
    } else if (n) {
      memcpy(s->chunk, s->raw + s->raw_pos, n);
      s->raw_pos = s->raw_len;
    }
    while (n < s->chunk_size && !s->src_eof) {
      ssize_t r = fd_read(s, s->chunk + n, s->chunk_size - n);
      if (r < 0) return err_set(err, ERR_IO, "read error after byte %llu: %s", (ull)(s->base + n), strerror(errno));
      if (r == 0) s->src_eof = 1;
      n += (size_t)r;
    }
    s->buf = s->chunk;
    s->len = n;
  }
  return s->len > 0;
}

/* ---- messages ----------------------------------------------------------- */

/* " inside a release that started at byte M (line L)", or "" at top level. */
static void context(Scanner *s, char *out, size_t n) {
  if (s->cap == C_ITEM)
    snprintf(out, n, " inside a %s that started at byte %llu (line %llu)", kind_name(s->cap_kind),
             (ull)s->cap_off, (ull)s->cap_line);
  else if (s->cap == C_UNIT)
    snprintf(out, n, " inside the object that started at byte %llu (line %llu)", (ull)s->cap_off,
             (ull)s->cap_line);
  else if (s->umode == U_PACKAGE)
    snprintf(out, n, " inside the %s package that started at byte %llu (line %llu)", kind_name(s->pkg_kind),
             (ull)s->unit_off, (ull)s->unit_line);
  else if (s->in_top)
    snprintf(out, n, " inside the value that started at byte %llu (line %llu)", (ull)s->top_off,
             (ull)s->top_line);
  else
    out[0] = 0;
}

static void reset_structure(Scanner *s) {
  s->depth = 0;
  s->objbits = 0;
  s->hot = 1;
  s->in_top = s->top_array = 0;
  s->unit_depth = s->arr_depth = s->pub_depth = 0;
  s->umode = U_NONE;
  s->cap = C_NONE;
  s->cap_over = 0;
  s->ibad = 0;
  s->scap = SC_NONE;
  s->hex_high = 0;
  s->deep = 0;
  buf_reset(&s->item);
}

/* A syntax error (or nesting too deep) at buf[idx] (idx == len: end of input).
 * Fills the Err, then decides where scanning resumes:
 *  - JSON Lines (proven by an earlier one-line object or array, or declared):
 *    at idx when it opens an object or array and only blanks separate it from
 *    a line break after the failed value's start (a line cut short, the next
 *    line intact), else after the next line break;
 *  - not proven, but the failed value began on the error's line (say a
 *    minified file or a broken first line): once, after the next line break;
 *  - else nowhere: the rest of the input is skipped. */
static int syntax(Scanner *s, size_t idx, int code, const char *fmt, ...) {
  char what[160], ctx[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  context(s, ctx, sizeof ctx);
  uint64_t line = line_at(s, idx), at = s->base + idx;
  err_set(s->err, code, "%s at byte %llu (line %llu)%s", what, (ull)at, (ull)line, ctx);

  uint64_t vstart = s->in_top ? s->top_off : at, vline = s->in_top ? s->top_line : line;
  int at_eof = idx >= s->len;
  reset_structure(s);
  s->pos = idx; /* where scanning resumes, or (dead) where it stopped */
  if (at_eof) {
    s->dead = 1;
  } else if (s->jsonl || s->declared_jsonl) {
    size_t j = idx; /* is there a line break, then only blanks, before the error? */
    while (j > 0 && (s->buf[j - 1] == ' ' || s->buf[j - 1] == '\t' || s->buf[j - 1] == '\r')) j--;
    int nl = j > 0 ? s->buf[j - 1] == '\n' : s->tail_nl;
    uint64_t nl_at = j > 0 ? s->base + j - 1 : s->tail_nl_at;
    if (at > vstart && nl && nl_at >= vstart && (s->buf[idx] == '{' || s->buf[idx] == '[')) {
      s->state = P_TOP;
      s->pos = idx;
    } else {
      s->state = P_SKIPLINE;
      s->pos = idx;
    }
  } else if (!s->blind_resync && vline == line) {
    s->blind_resync = 1;
    s->state = P_SKIPLINE;
    s->pos = idx;
  } else {
    s->dead = 1;
  }
  return code;
}

/* An item-level problem found while capturing: remembered, reported when the
 * item ends (the item is then skipped). `what` names the place: it is followed
 * by " at byte N (line L)", the line of buf[idx]. */
static void item_problem(Scanner *s, int code, uint64_t at, size_t idx, const char *what) {
  if (s->scap == SC_PUB) s->pub_bad = 1;
  if (!s->cap || s->ibad) return;
  s->ibad = code;
  /* A string holds no line break, so the line of buf[idx] is the line of `at`. */
  snprintf(s->ibad_msg, sizeof s->ibad_msg, "%s at byte %llu (line %llu)", what, (ull)at, (ull)line_at(s, idx));
}

#define UNPAIRED "unpaired UTF-16 surrogate in a \\u escape (not representable in UTF-8)"
#define STR_(x) #x
#define STR(x) STR_(x)
#define DEPTH_TEXT STR(SCAN_MAX_DEPTH)

/* JSON Lines: a line break at buf[idx] inside a value nested too deep (the line
 * cannot be a whole value). The item is lost; scanning resumes at the next line. */
static int deep_cut(Scanner *s, size_t idx) {
  return syntax(s, idx, s->cap ? ERR_LIMIT : ERR_JSON,
                "nesting deeper than %d levels from byte %llu (line %llu) still open at the end of the line",
                SCAN_MAX_DEPTH, (ull)s->deep_at, (ull)s->deep_line);
}

/* ---- OCDS hooks ----------------------------------------------------------- */

static void set_hot(Scanner *s) { s->hot = s->unit_depth ? s->unit_depth + 1 : 1; }

static void cap_begin(Scanner *s, size_t idx, int what, ScanKind kind) {
  s->cap = what;
  s->cap_kind = kind;
  s->cap_depth = s->depth + 1;
  s->cap_from = idx;
  s->cap_off = s->base + idx;
  s->cap_line = line_at(s, idx);
  s->cap_over = 0;
  s->cap_size = 0;
  s->ibad = 0;
  buf_reset(&s->item);
}

static int unit_begin(Scanner *s, size_t idx, unsigned c) {
  s->units++;
  s->unit_off = s->base + idx;
  s->unit_line = line_at(s, idx);
  s->ukeys = 0;
  s->ukey = K_OTHER;
  s->arr_depth = s->pub_depth = 0;
  s->has_pub = s->pub_bad = 0;
  buf_reset(&s->pub);
  if (c == '{') {
    s->unit_depth = s->depth + 1;
    s->umode = U_WHOLE;
    set_hot(s);
    cap_begin(s, idx, C_UNIT, SCAN_RELEASE);
    return 0;
  }
  s->unit_depth = 0;
  s->umode = U_NONE;
  set_hot(s);
  if (s->depth == 0)
    return err_set(s->err, ERR_OCDS, "the top-level value at byte %llu (line %llu) is %s, not an object; skipped",
                   (ull)s->unit_off, (ull)s->unit_line, value_name(c));
  return err_set(s->err, ERR_OCDS, "element %llu of the top-level array, at byte %llu (line %llu), is %s, not an object; skipped",
                 (ull)(s->units - 1), (ull)s->unit_off, (ull)s->unit_line, value_name(c));
}

/* A value starts at buf[idx] (first byte c) in a container at s->depth <= s->hot. */
static int on_value_start(Scanner *s, size_t idx, unsigned c) {
  int d = s->depth;
  if (d == 0) {
    s->in_top = 1;
    s->top_off = s->base + idx;
    s->top_line = line_at(s, idx);
    if (c == '[') {
      s->top_array = 1;
      return 0;
    }
    return unit_begin(s, idx, c);
  }
  if (d == 1 && s->top_array) return unit_begin(s, idx, c);
  if (!s->unit_depth) return 0;
  if (d == s->unit_depth) {
    int k = s->ukey;
    if (c == '[' && (k == K_RELEASES || k == K_RECORDS) &&
        (s->umode == U_PACKAGE || !(s->ukeys & (F_OCID | F_COMPILED | F_VERSIONED)))) {
      if (s->umode == U_WHOLE) { /* it was a package all along: drop what was buffered */
        s->cap = C_NONE;
        buf_reset(&s->item);
        s->pkg_kind = k == K_RELEASES ? SCAN_RELEASE : SCAN_RECORD;
      }
      s->umode = U_PACKAGE;
      s->arr_depth = d + 1;
      s->arr_kind = k == K_RELEASES ? SCAN_RELEASE : SCAN_RECORD;
      s->elem = 0;
    } else if (c == '{' && k == K_PUBLISHER) {
      s->pub_depth = d + 1;
      s->pkey = 0;
    }
    return 0;
  }
  if (d == s->arr_depth) {
    uint64_t e = s->elem++;
    if (c == '{') {
      cap_begin(s, idx, C_ITEM, s->arr_kind);
      return 0;
    }
    return err_set(s->err, ERR_OCDS, "element %llu of \"%s\", at byte %llu (line %llu), is %s, not an object; skipped",
                   (ull)e, s->arr_kind == SCAN_RELEASE ? "releases" : "records", (ull)(s->base + idx),
                   (ull)line_at(s, idx), value_name(c));
  }
  if (d == s->pub_depth && s->pkey && c == '"') {
    s->scap = SC_PUB;
    s->has_pub = s->pub_bad = 0;
    buf_reset(&s->pub);
  }
  return 0;
}

static void key_done(Scanner *s) {
  int k = K_OTHER;
  if (!s->key_over) {
    const char *w = s->key;
    size_t n = s->key_len;
#define IS(lit) (n == sizeof lit - 1 && !memcmp(w, lit, n))
    if (s->depth == s->pub_depth) {
      s->pkey = IS("name");
      return;
    }
    if (IS("releases")) k = K_RELEASES;
    else if (IS("records")) k = K_RECORDS;
    else if (IS("ocid")) k = K_OCID;
    else if (IS("compiledRelease")) k = K_COMPILED;
    else if (IS("versionedRelease")) k = K_VERSIONED;
    else if (IS("publisher")) k = K_PUBLISHER;
#undef IS
  } else if (s->depth == s->pub_depth) {
    s->pkey = 0;
    return;
  }
  s->ukey = k;
  s->ukeys |= k == K_OCID ? F_OCID : k == K_COMPILED ? F_COMPILED : k == K_VERSIONED ? F_VERSIONED
            : k == K_RELEASES ? F_RELEASES : 0;
}

/* Appends decoded string bytes to the key or publisher capture. */
static void scap_add(Scanner *s, const void *p, size_t n) {
  if (s->scap == SC_KEY) {
    if (s->key_len + n > KEY_MAX) {
      s->key_over = 1;
      return;
    }
    memcpy(s->key + s->key_len, p, n);
    s->key_len += n;
  } else if (!s->pub_bad) {
    if (s->pub.len + n > PUB_MAX) s->pub_bad = 1;
    else buf_add(&s->pub, p, n);
  }
}

static void scap_cp(Scanner *s, uint32_t cp) {
  char u[4];
  size_t n = utf8_encode(cp, u);
  if (n) scap_add(s, u, n);
}

static void pub_done(Scanner *s) {
  s->scap = SC_NONE;
  s->has_pub = !s->pub_bad && utf8_check(s->pub.data ? s->pub.data : "", s->pub.len, NULL) == 0;
}

/* The item being captured ended with buf[idx]. 1 with *s->out filled, or an
 * item-level error (the item is skipped). */
static int item_done(Scanner *s, size_t idx) {
  int what = s->cap;
  s->cap = C_NONE;
  cap_flush(s, idx + 1);
  ScanKind kind = s->cap_kind;
  if (what == C_UNIT && (s->ukeys & (F_COMPILED | F_RELEASES | F_VERSIONED))) kind = SCAN_RECORD;
  const char *kn = kind_name(kind);
  if (s->cap_over)
    return err_set(s->err, ERR_LIMIT, "the %s at byte %llu (line %llu) is %llu bytes, over the limit of %llu bytes; skipped",
                   kn, (ull)s->cap_off, (ull)s->cap_line, (ull)s->cap_size, (ull)s->max_item);
  if (s->ibad)
    return err_set(s->err, s->ibad, "%s in the %s that started at byte %llu (line %llu); skipped", s->ibad_msg, kn,
                   (ull)s->cap_off, (ull)s->cap_line);
  size_t bad;
  if (utf8_check(s->item.data, s->item.len, &bad) < 0)
    return err_set(s->err, ERR_UTF8, "invalid UTF-8 at byte %llu (line %llu) in the %s that started at byte %llu (line %llu); skipped",
                   (ull)(s->cap_off + bad), (ull)(s->cap_line + count_nl((const unsigned char *)s->item.data, bad)), kn,
                   (ull)s->cap_off, (ull)s->cap_line);
  ScanItem *it = s->out;
  it->kind = kind;
  it->text = s->item.data;
  it->len = s->item.len;
  it->offset = s->cap_off;
  it->line = s->cap_line;
  it->unit = s->units - 1;
  it->publisher = what == C_ITEM && s->has_pub ? s->pub.data : NULL;
  return 1;
}

/* The container at depth d (now closed, s->depth == d - 1) ended with buf[idx]. */
static int on_close(Scanner *s, size_t idx, int d) {
  int rc = 0;
  if (s->cap && d == s->cap_depth) rc = item_done(s, idx);
  if (d == s->arr_depth) s->arr_depth = 0;
  if (d == s->pub_depth) s->pub_depth = 0;
  if (d == s->unit_depth) {
    s->unit_depth = 0;
    s->umode = U_NONE;
    set_hot(s);
  }
  if (d == 1) { /* a top-level object or array on one line is JSON Lines evidence */
    if (line_at(s, idx) == s->top_line) s->jsonl = 1;
    s->in_top = s->top_array = 0;
  }
  return rc;
}

/* A scalar value ended (its last byte is before the current position). */
static void value_end(Scanner *s) {
  if (s->scap == SC_PUB) pub_done(s);
  s->scap = SC_NONE;
  if (s->depth == 0) {
    s->in_top = 0;
    s->state = P_TOP;
  } else {
    s->state = P_AFTER;
  }
}

/* ---- the lexer ------------------------------------------------------------- */

static int hexval(unsigned c) {
  if (c >= '0' && c <= '9') return (int)(c - '0');
  c |= 0x20;
  if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
  return -1;
}

/* Scans buf[pos..len). 0: the chunk is used up; 1: an item is ready; <0: an error. */
static int run(Scanner *s) {
  const unsigned char *b = s->buf;
  const size_t n = s->len;
  size_t p = s->pos;
  unsigned c;
  int rc;
  char sb[16];

  while (p < n) {
    switch (s->state) {
    case P_STR: {
      size_t q = p + str_span(b + p, n - p);
      if (s->scap && q > p) scap_add(s, b + p, q - p);
      p = q;
      if (p == n) break;
      c = b[p];
      if (c == '"') {
        p++;
        if (s->str_key) {
          if (s->scap == SC_KEY) key_done(s);
          s->scap = SC_NONE;
          s->state = P_COLON;
        } else {
          value_end(s);
        }
      } else if (c == '\\') {
        s->esc_at = s->base + p;
        p++;
        s->state = P_ESC;
      } else if (c == '\n') {
        return syntax(s, p, ERR_JSON, "unterminated string (a line break inside a string)");
      } else {
        return syntax(s, p, ERR_JSON, "unescaped control character 0x%02x in a string", c);
      }
      continue;
    }

    case P_TOP:
      c = b[p];
      if (is_ws(c)) {
        p++;
        continue;
      }
      if (c == '}' || c == ']') goto close;
      goto value;

    case P_VALUE:
    case P_ARR_FIRST:
      while (p < n && is_ws(b[p])) p++;
      if (p == n) break;
      c = b[p];
      if (c == ']' && s->state == P_ARR_FIRST) goto close;
      goto value;

    case P_OBJ_FIRST:
    case P_KEY:
      while (p < n && is_ws(b[p])) p++;
      if (p == n) break;
      c = b[p];
      if (c == '"') {
        s->str_key = 1;
        s->scap = SC_NONE;
        int d = s->depth;
        if (d <= s->hot && ((s->unit_depth && d == s->unit_depth) || (s->pub_depth && d == s->pub_depth))) {
          s->scap = SC_KEY;
          s->key_len = 0;
          s->key_over = 0;
        }
        s->state = P_STR;
        p++;
        continue;
      }
      if (c == '}' && s->state == P_OBJ_FIRST) goto close;
      return syntax(s, p, ERR_JSON, "unexpected %s, expected %s", show_byte(c, sb),
                    s->state == P_KEY ? "a key (a string)" : "a key (a string) or '}'");

    case P_COLON:
      while (p < n && is_ws(b[p])) p++;
      if (p == n) break;
      if (b[p] != ':') return syntax(s, p, ERR_JSON, "unexpected %s, expected ':' after a key", show_byte(b[p], sb));
      p++;
      s->state = P_VALUE;
      continue;

    case P_AFTER:
      while (p < n && is_ws(b[p])) p++;
      if (p == n) break;
      c = b[p];
      if (c == ',') {
        p++;
        s->state = (s->objbits >> (s->depth - 1)) & 1 ? P_KEY : P_VALUE;
        continue;
      }
      if (c == '}' || c == ']') goto close;
      return syntax(s, p, ERR_JSON, "unexpected %s, expected %s", show_byte(c, sb),
                    (s->objbits >> (s->depth - 1)) & 1 ? "',' or '}'" : "',' or ']'");

    case P_ESC:
      c = b[p];
      switch (c) {
      case '"': case '\\': case '/':
        if (s->scap) scap_add(s, &b[p], 1);
        break;
      case 'b': case 'f': case 'n': case 'r': case 't':
        if (s->scap) scap_add(s, c == 'b' ? "\b" : c == 'f' ? "\f" : c == 'n' ? "\n" : c == 'r' ? "\r" : "\t", 1);
        break;
      case 'u':
        s->state = P_HEX;
        s->hex_n = 0;
        s->hex_cp = 0;
        p++;
        continue;
      default:
        return syntax(s, p, ERR_JSON, "invalid escape: backslash followed by %s", show_byte(c, sb));
      }
      p++;
      s->state = P_STR;
      continue;

    case P_HEX: {
      int v = hexval(b[p]);
      if (v < 0) return syntax(s, p, ERR_JSON, "invalid \\u escape: %s is not a hex digit", show_byte(b[p], sb));
      s->hex_cp = s->hex_cp << 4 | (uint32_t)v;
      p++;
      if (++s->hex_n < 4) continue;
      uint32_t cp = s->hex_cp;
      s->state = P_STR;
      if (s->hex_high) {
        uint32_t hi = s->hex_high;
        s->hex_high = 0;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          if (s->scap) scap_cp(s, 0x10000 + ((hi - 0xD800) << 10) + (cp - 0xDC00));
          continue;
        }
        item_problem(s, ERR_UTF8, s->high_at, p - 1, UNPAIRED);
      }
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        s->hex_high = cp;
        s->high_at = s->esc_at;
        s->state = P_SUR_BS;
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        item_problem(s, ERR_UTF8, s->esc_at, p - 1, UNPAIRED);
      } else if (s->scap) {
        scap_cp(s, cp);
      }
      continue;
    }

    case P_SUR_BS:
      if (b[p] == '\\') {
        s->esc_at = s->base + p;
        p++;
        s->state = P_SUR_U;
      } else {
        s->hex_high = 0;
        item_problem(s, ERR_UTF8, s->high_at, p, UNPAIRED);
        s->state = P_STR;
      }
      continue;

    case P_SUR_U:
      if (b[p] == 'u') {
        p++;
        s->state = P_HEX;
        s->hex_n = 0;
        s->hex_cp = 0;
      } else {
        s->hex_high = 0;
        item_problem(s, ERR_UTF8, s->high_at, p, UNPAIRED);
        s->state = P_ESC;
      }
      continue;

    case P_NUM_MINUS:
      c = b[p];
      if (c == '0') s->state = P_NUM_ZERO;
      else if (c >= '1' && c <= '9') s->state = P_NUM_INT;
      else return syntax(s, p, ERR_JSON, "unexpected %s, expected a digit after '-'", show_byte(c, sb));
      p++;
      continue;

    case P_NUM_INT:
    case P_NUM_FRAC:
    case P_NUM_EXP:
      while (p < n && b[p] >= '0' && b[p] <= '9') p++;
      if (p == n) break;
      /* fall through */
    case P_NUM_ZERO:
      c = b[p];
      if (c == '.' && (s->state == P_NUM_INT || s->state == P_NUM_ZERO)) {
        s->state = P_NUM_DOT;
        p++;
      } else if ((c == 'e' || c == 'E') && s->state != P_NUM_EXP) {
        s->state = P_NUM_E;
        p++;
      } else {
        value_end(s); /* c is not part of the number: scan it again in the new state */
      }
      continue;

    case P_NUM_DOT:
    case P_NUM_ESIGN:
      c = b[p];
      if (c < '0' || c > '9')
        return syntax(s, p, ERR_JSON, "unexpected %s in a number, expected a digit", show_byte(c, sb));
      s->state = s->state == P_NUM_DOT ? P_NUM_FRAC : P_NUM_EXP;
      p++;
      continue;

    case P_NUM_E:
      c = b[p];
      if (c == '+' || c == '-') s->state = P_NUM_ESIGN;
      else if (c >= '0' && c <= '9') s->state = P_NUM_EXP;
      else return syntax(s, p, ERR_JSON, "unexpected %s in a number's exponent, expected a digit or a sign", show_byte(c, sb));
      p++;
      continue;

    case P_LIT:
      c = b[p];
      if (c != (unsigned char)*s->lit)
        return syntax(s, p, ERR_JSON, "unexpected %s inside a literal (true, false or null)", show_byte(c, sb));
      p++;
      if (!*++s->lit) value_end(s);
      continue;

    case P_BOM: /* EF BB BF at byte 0 is skipped; offsets still count it */
      c = b[p];
      if (s->bom_i == 0 && c != 0xEF) {
        s->state = P_TOP;
        continue;
      }
      if (c != (unsigned char)"\xEF\xBB\xBF"[s->bom_i])
        return syntax(s, p, ERR_JSON, "unexpected %s in what starts like a UTF-8 byte order mark", show_byte(c, sb));
      p++;
      if (++s->bom_i == 3) s->state = P_TOP;
      continue;

    case P_SKIPLINE: {
      const unsigned char *q = memchr(b + p, '\n', n - p);
      if (!q) {
        p = n;
        break;
      }
      p = (size_t)(q - b) + 1;
      s->state = P_TOP;
      continue;
    }

    case P_DEEP:
      /* Only brackets and strings matter here; the value's grammar is not
       * checked (the item it is in is rejected anyway). In JSON Lines the
       * line must close it: a line break ends the attempt. */
      for (c = 0; p < n; p++) {
        c = b[p];
        if (c == '"' || c == '\n') break;
        if (c == '{' || c == '[') {
          s->deep++;
        } else if ((c == '}' || c == ']') && --s->deep == 0) {
          break;
        }
      }
      if (p == n) break;
      if (c == '"') {
        s->state = P_DEEP_STR;
      } else if (c == '\n') {
        if (s->jsonl || s->declared_jsonl) return deep_cut(s, p);
      } else {
        s->state = P_AFTER; /* back at depth SCAN_MAX_DEPTH */
      }
      p++;
      continue;

    case P_DEEP_STR:
      p += str_span(b + p, n - p);
      if (p == n) break;
      c = b[p];
      if (c == '"') s->state = P_DEEP;
      else if (c == '\\') s->state = P_DEEP_ESC;
      else if (c == '\n') return syntax(s, p, s->cap ? ERR_LIMIT : ERR_JSON, "unterminated string (a line break inside a string)");
      p++;
      continue;

    case P_DEEP_ESC:
      if (b[p] == '\n') return syntax(s, p, s->cap ? ERR_LIMIT : ERR_JSON, "unterminated string (a line break inside a string)");
      s->state = P_DEEP_STR;
      p++;
      continue;

    default:
      return syntax(s, p, ERR_JSON, "internal scanner error (state %d)", s->state);
    }
    continue;

  value:
    /* c = b[p] starts a value in a container at s->depth (0: top level). */
    switch (c) {
    case '{': case '[': case '"': case '-': case 't': case 'f': case 'n':
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
      break;
    default:
      return syntax(s, p, ERR_JSON, "unexpected %s, expected %s", show_byte(c, sb),
                    s->state == P_ARR_FIRST ? "a value or ']'" : s->depth ? "a value" : "a JSON value");
    }
    if ((c == '{' || c == '[') && s->depth >= SCAN_MAX_DEPTH) {
      /* Too deep: the item it is in is rejected, and the value skipped to its
       * end by counting brackets (bounded memory at any depth). Outside an
       * item (package metadata, or a unit already reported) it is skipped. */
      s->deep = 1;
      s->deep_at = s->base + p;
      s->deep_line = line_at(s, p);
      item_problem(s, ERR_LIMIT, s->deep_at, p, "nesting deeper than " DEPTH_TEXT " levels");
      s->state = P_DEEP;
      p++;
      continue;
    }
    s->scap = SC_NONE;
    rc = s->depth <= s->hot ? on_value_start(s, p, c) : 0;
    switch (c) {
    case '{':
    case '[':
      s->objbits = (s->objbits & ~(1ull << s->depth)) | ((uint64_t)(c == '{') << s->depth);
      s->depth++;
      s->state = c == '{' ? P_OBJ_FIRST : P_ARR_FIRST;
      break;
    case '"':
      s->str_key = 0;
      s->state = P_STR;
      break;
    case '-': s->state = P_NUM_MINUS; break;
    case '0': s->state = P_NUM_ZERO; break;
    case 't': s->lit = "rue", s->state = P_LIT; break;
    case 'f': s->lit = "alse", s->state = P_LIT; break;
    case 'n': s->lit = "ull", s->state = P_LIT; break;
    default: s->state = P_NUM_INT; break;
    }
    p++;
    if (rc) {
      s->pos = p;
      return rc;
    }
    continue;

  close:
    /* c = b[p] is '}' or ']' closing the container at s->depth. */
    if (s->depth == 0)
      return syntax(s, p, ERR_JSON, "unexpected %s outside any object or array", show_byte(c, sb));
    if ((c == '}') != (int)((s->objbits >> (s->depth - 1)) & 1))
      return syntax(s, p, ERR_JSON, "unexpected %s, expected %s", show_byte(c, sb),
                    c == '}' ? "',' or ']' (brackets do not balance)" : "',' or '}' (brackets do not balance)");
    {
      int d = s->depth--;
      s->state = s->depth ? P_AFTER : P_TOP;
      rc = d <= s->hot + 1 ? on_close(s, p, d) : 0;
      p++;
      if (rc) {
        s->pos = p;
        return rc;
      }
    }
  }
  s->pos = p;
  return 0;
}

/* End of input: fine between values (and after a top-level number). */
static int finish(Scanner *s) {
  switch (s->state) {
  case P_BOM:
    if (s->bom_i) return syntax(s, s->len, ERR_JSON, "unexpected end of input inside a byte order mark");
    break;
  case P_TOP:
  case P_SKIPLINE:
    break;
  case P_NUM_ZERO:
  case P_NUM_INT:
  case P_NUM_FRAC:
  case P_NUM_EXP:
    if (s->depth == 0) break;
    /* fall through */
  default:
    return syntax(s, s->len, ERR_JSON, "unexpected end of input%s",
                  s->state == P_STR || s->state == P_ESC || s->state == P_HEX || s->state == P_DEEP_STR ||
                          s->state == P_DEEP_ESC
                      ? " inside a string"
                      : "");
  }
  s->dead = 1;
  return 0;
}

/* ---- public API ------------------------------------------------------------ */

static Scanner *scan_new(void) {
  Scanner *s = xcalloc(1, sizeof *s);
  s->fd = -1;
  s->line = 1;
  s->hot = 1;
  s->state = P_BOM;
  s->chunk_size = CHUNK;
  s->max_item = SCAN_MAX_ITEM_DEFAULT;
  s->gz_max_out = SCAN_GZ_MAX_OUT_DEFAULT;
  s->gz_max_ratio = SCAN_GZ_MAX_RATIO_DEFAULT;
  buf_init(&s->item);
  buf_init(&s->pub);
  return s;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && !strcmp(s + n - m, suffix);
}

Scanner *scan_open_path(const char *path, Err *err) {
  int fd = 0;
  if (strcmp(path, "-") != 0) {
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      err_set(err, ERR_IO, "cannot open '%s': %s", path, strerror(errno));
      return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      close(fd);
      err_set(err, ERR_IO, "cannot scan '%s': it is a directory", path);
      return NULL;
    }
  }
  Scanner *s = scan_new();
  s->fd = fd;
  s->own_fd = fd != 0;
  s->declared_jsonl = ends_with(path, ".jsonl") || ends_with(path, ".jsonl.gz") || ends_with(path, ".ndjson") ||
                      ends_with(path, ".ndjson.gz");
  return s;
}

Scanner *scan_open_mem(const char *data, size_t len) {
  Scanner *s = scan_new();
  s->mem = (const unsigned char *)data;
  s->mem_len = len;
  return s;
}

void scan_set_max_item(Scanner *s, size_t max_bytes) { s->max_item = max_bytes ? max_bytes : SCAN_MAX_ITEM_DEFAULT; }

void scan_set_gz_limits(Scanner *s, uint64_t max_out, unsigned max_ratio) {
  s->gz_max_out = max_out ? max_out : SCAN_GZ_MAX_OUT_DEFAULT;
  s->gz_max_ratio = max_ratio ? max_ratio : SCAN_GZ_MAX_RATIO_DEFAULT;
}

void scan_set_jsonl(Scanner *s, int on) { s->declared_jsonl = on; }

void scan_set_chunk(Scanner *s, size_t bytes) {
  if (!s->started && bytes) s->chunk_size = bytes > (1u << 30) ? (1u << 30) : bytes;
}

int scan_next(Scanner *s, ScanItem *it, Err *err) {
  Err local = ERR_INIT;
  if (!err) err = &local;
  if (s->dead) return 0;
  s->err = err;
  s->out = it;
  for (;;) {
    if (s->pos >= s->len) {
      if (s->eof) return finish(s);
      int rc = refill(s, err);
      if (rc < 0) {
        s->dead = 1;
        return rc;
      }
      if (rc == 0) s->eof = 1;
      continue;
    }
    int rc = run(s);
    if (rc) return rc;
  }
}

uint64_t scan_bytes(const Scanner *s) { return s->base + s->pos; }

void scan_free(Scanner *s) {
  if (!s) return;
  if (s->gz_init) inflateEnd(&s->zs);
  if (s->own_fd) close(s->fd);
  if (s->fd >= 0) free(s->raw);
  free(s->chunk);
  buf_release(&s->item);
  buf_release(&s->pub);
  free(s);
}
