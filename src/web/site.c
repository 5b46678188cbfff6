/* site.c -- what every web site is asked for besides its pages: /robots.txt
 * and the icon (/favicon.ico, which browsers fetch on their own, and
 * /favicon.svg). The icon is drawn once, below, as a 16 x 16 grid of the
 * header's colours (a white P on #0b0c0c over the #00703c rule: our own
 * mark, never the crown or the GOV.UK logotype), and both files are made
 * from that grid per request (about 1 KB; no state shared between threads). */
#include <string.h>

#include "web/app.h"

#define ICON_CACHE "public, max-age=2592000" /* 30 days: the icon hardly changes */

/* k: #0b0c0c, w: #ffffff, g: #00703c; the top row first. */
static const char *const ICON[16] = {
    "kkkkkkkkkkkkkkkk", "kkkkkkkkkkkkkkkk", "kkkwwwwwwwkkkkkk", "kkkwwwwwwwwkkkkk",
    "kkkwwkkkkwwwkkkk", "kkkwwkkkkkwwkkkk", "kkkwwkkkkkwwkkkk", "kkkwwkkkkwwwkkkk",
    "kkkwwwwwwwwkkkkk", "kkkwwwwwwwkkkkkk", "kkkwwkkkkkkkkkkk", "kkkwwkkkkkkkkkkk",
    "kkkwwkkkkkkkkkkk", "kkkkkkkkkkkkkkkk", "gggggggggggggggg", "gggggggggggggggg",
};

static const struct {
  char key;
  unsigned char r, g, b;
  const char *hex;
} COLOURS[] = {{'k', 0x0b, 0x0c, 0x0c, "#0b0c0c"}, {'w', 0xff, 0xff, 0xff, "#fff"}, {'g', 0x00, 0x70, 0x3c, "#00703c"}};

static int colour(char key) {
  for (int i = 0; i < 3; i++)
    if (COLOURS[i].key == key) return i;
  return 0;
}

static void le16(Buf *b, unsigned v) {
  buf_addc(b, (char)(v & 0xff));
  buf_addc(b, (char)(v >> 8 & 0xff));
}

static void le32(Buf *b, unsigned long v) {
  le16(b, (unsigned)(v & 0xffff));
  le16(b, (unsigned)(v >> 16 & 0xffff));
}

/* An ICO file with one 16 x 16 32-bit BMP image: ICONDIR (6 bytes), one
 * ICONDIRENTRY (16), BITMAPINFOHEADER (40, height doubled for the mask),
 * the pixels bottom row first as BGRA, and an AND mask of 16 rows of
 * 4 bytes (all 0: every pixel opaque; the alpha channel says so too). */
void site_favicon_ico(Request *r) {
  enum { SIDE = 16, XOR = SIDE * SIDE * 4, AND = SIDE * 4, BMP = 40 + XOR + AND };
  Buf *b = &r->out;
  buf_reset(b);
  le16(b, 0); /* reserved */
  le16(b, 1); /* type: icon */
  le16(b, 1); /* one image */
  buf_addc(b, SIDE);
  buf_addc(b, SIDE);
  buf_addc(b, 0); /* no palette */
  buf_addc(b, 0);
  le16(b, 1);  /* planes */
  le16(b, 32); /* bits per pixel */
  le32(b, BMP);
  le32(b, 6 + 16); /* where the image starts */
  le32(b, 40);
  le32(b, SIDE);
  le32(b, 2 * SIDE);
  le16(b, 1);
  le16(b, 32);
  le32(b, 0); /* BI_RGB */
  le32(b, XOR + AND);
  le32(b, 0);
  le32(b, 0);
  le32(b, 0);
  le32(b, 0);
  for (int y = SIDE - 1; y >= 0; y--)
    for (int x = 0; x < SIDE; x++) {
      int c = colour(ICON[y][x]);
      buf_addc(b, (char)COLOURS[c].b);
      buf_addc(b, (char)COLOURS[c].g);
      buf_addc(b, (char)COLOURS[c].r);
      buf_addc(b, (char)0xff);
    }
  for (int i = 0; i < AND; i++) buf_addc(b, 0);
  r->content_type = "image/x-icon";
  r->cache_control = ICON_CACHE;
}

/* The same grid as SVG: the background, then one rect per run of another
 * colour in a row. Nothing from a request reaches it. */
void site_favicon_svg(Request *r) {
  Buf *b = &r->out;
  buf_reset(b);
  buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\" shape-rendering=\"crispEdges\">"
              "<rect width=\"16\" height=\"16\" fill=\"%s\"/>",
           COLOURS[0].hex);
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 16;) {
      int c = colour(ICON[y][x]), run = 1;
      while (x + run < 16 && ICON[y][x + run] == ICON[y][x]) run++;
      if (c != 0)
        buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"1\" fill=\"%s\"/>", x, y, run, COLOURS[c].hex);
      x += run;
    }
  buf_adds(b, "</svg>\n");
  r->content_type = "image/svg+xml";
  r->cache_control = ICON_CACHE;
}

/* Crawlers may read notices and buyers. Not the API and its bulk downloads
 * (heavy, and the same data as the pages), not a notice's OCDS package, and
 * not search results with parameters: filters, sorts and cursors combine
 * without end, a trap for a crawler and load for us. /notices itself (the
 * first page of every notice, newest first) stays open. */
void site_robots(Request *r) {
  buf_reset(&r->out);
  buf_adds(&r->out, "# robots.txt for Powerhouse, the contract notice portal\n"
                    "User-agent: *\n"
                    "Disallow: /api/\n"
                    "Disallow: /notices?\n"
                    "Disallow: /notices/*.ocds.json$\n"
                    "Disallow: /notices/*/ocds.json$\n"
                    "Allow: /\n");
  r->content_type = "text/plain; charset=utf-8";
  r->cache_control = "public, max-age=86400";
}
