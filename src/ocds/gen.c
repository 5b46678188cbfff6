/* gen.c -- deterministic, realistic OCDS 1.1 releases for the demo portal and
 * the ingest benchmark (see gen.h).
 *
 * Where the data comes from:
 *   - buyers: a hand-written table of about 140 real public bodies in the North
 *     East, North West and Yorkshire and The Humber (councils, NHS trusts and
 *     ICBs, universities and colleges, police and fire, combined authorities,
 *     housing associations) and 8 outside the North, each at its head office
 *     (street and postcode as the body publishes them) with its ITL1 region
 *     (model/region.h). Identifiers, contacts and document URLs are
 *     illustrative, not looked up.
 *   - lines of work: nine sectors with the share of notices they take
 *     (construction, social care, health, facilities, transport, education,
 *     professional services, IT and digital, energy), each line with its CPV
 *     code, title and aim templates composed from parts ("{Roof replacement|
 *     Re-roofing works} at %S", the site in a real district of the buyer's
 *     town), what it is worth (per year for services, so a five-year care
 *     contract is worth five years) and how long it runs.
 *   - suppliers: 2,000 invented firms named for their trade ("Calder Roofing
 *     Ltd"), spread over the sectors and the country, and a few invented
 *     national ones, built from a fixed seed so the same firms appear
 *     whatever opt->seed is. A buyer has regulars in each sector (the same
 *     firms win several of its contracts), and re-lets an earlier contract
 *     of its own naming the incumbent, who wins it again about half the time.
 *
 * Invariants:
 *   - Only the PRNG below (splitmix64 seeding xoshiro256**) drives choices; no
 *     rand(), time(), locale or floating point, so the same seed, now and
 *     prefix give byte-identical output on any platform.
 *   - Every release date of a notice falls on its own UTC day, strictly later
 *     than the previous one, and no later than the day before `now`; open
 *     tenders close 1-60 days after `now`, closed ones up to three years before.
 *     An award is decided after the tender closes and before the contract
 *     starts; a contract ends after it starts.
 *   - Every text (names, titles, descriptions, addresses, prefix) goes through
 *     buf_add_json_str. Text fixed for the life of a Gen (parties, CPV objects)
 *     is escaped once in gen_new and copied afterwards; per-notice text is
 *     escaped once per notice. Dates, amounts and ids made only of digits,
 *     hex and '-' are written directly: they cannot need escaping.
 *   - Planning, tender, tenderUpdate and tenderCancellation releases carry the
 *     whole tender; award and contract releases carry only what changed
 *     (tender id/status, awards, contracts, the parties), as OCDS allows: the
 *     compiled release (ocds/merge.h) has everything.
 *   - Releases are written straight into the caller's Buf, no JSON tree: the
 *     1M-release benchmark generates its input with this. */
#include "ocds/gen.h"

/* Demo e-mail addresses and links carry the reserved .example top-level
 * domain (RFC 2606): they look like the real bodies' but can never reach a
 * real inbox or page with made-up notices. */
#define DEMO_TLD ".example"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/cpv.h"
#include "model/region.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define ADDL(b, lit) buf_add((b), (lit), sizeof(lit) - 1)

/* ---------------------------------------------------------------- PRNG -- */

typedef struct {
  uint64_t s[4];
} Rng;

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* The splitmix64 finaliser: a bijection on 64 bits, so distinct inputs give
 * distinct notice ids. */
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void rng_seed(Rng *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(Rng *r) {
  uint64_t *s = r->s;
  uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return out;
}

/* Uniform in [0, n) (Lemire's multiply-shift; bias < 2^-32, irrelevant here). */
static uint32_t rng_below(Rng *r, uint32_t n) {
  return n ? (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

/* Uniform in [lo, hi]. */
static int64_t rng_range(Rng *r, int64_t lo, int64_t hi) {
  return hi <= lo ? lo : lo + (int64_t)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* True with probability per_mille / 1000. */
static int rng_pm(Rng *r, unsigned per_mille) { return rng_below(r, 1000) < per_mille; }

#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)NELEM(arr))])

/* -------------------------------------------------------------- dates -- */

/* Howard Hinnant's civil calendar algorithms (proleptic Gregorian, UTC). */
static void civil_from_days(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* First day of the month `months` after the month containing `day`. */
static int64_t add_months_first(int64_t day, int months) {
  int y, m, d;
  civil_from_days(day, &y, &m, &d);
  int mm = (m - 1) + months;
  return days_from_civil(y + mm / 12, mm % 12 + 1, 1);
}

static void put2(char *p, int v) { p[0] = (char)('0' + v / 10), p[1] = (char)('0' + v % 10); }

/* "\"2026-11-20T09:30:00Z\"" (22 bytes). Years outside 0..9999 are clamped:
 * the generator never gets near them for any sensible `now`. */
static void add_date(Buf *b, int64_t t) {
  int64_t day = floor_div(t, 86400);
  int sec = (int)(t - day * 86400), y, m, d;
  civil_from_days(day, &y, &m, &d);
  if (y < 0) y = 0;
  if (y > 9999) y = 9999;
  char s[22];
  s[0] = '"';
  put2(s + 1, y / 100), put2(s + 3, y % 100);
  s[5] = '-', put2(s + 6, m), s[8] = '-', put2(s + 9, d), s[11] = 'T';
  put2(s + 12, sec / 3600), s[14] = ':', put2(s + 15, sec / 60 % 60), s[17] = ':';
  put2(s + 18, sec % 60), s[20] = 'Z', s[21] = '"';
  buf_add(b, s, 22);
}

static void add_u64(Buf *b, uint64_t v) {
  char s[24];
  int n = 24;
  do s[--n] = (char)('0' + v % 10); while ((v /= 10));
  buf_add(b, s + n, (size_t)(24 - n));
}

/* {"amount":N,"currency":"GBP"} */
static void add_money(Buf *b, uint64_t amount) {
  ADDL(b, "{\"amount\":");
  add_u64(b, amount);
  ADDL(b, ",\"currency\":\"GBP\"}");
}

static const char *const MONTH_NAMES[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};

/* ----------------------------------------------------------- geography -- */

/* Regions are ITL1 codes (model/region.h); the generator indexes them by the
 * code's third letter: TLC North East = 0 .. TLM Scotland = 10. */
enum { R_NE, R_NW, R_YH, R_EM, R_WM, R_EE, R_LON, R_SE, R_SW, R_WAL, R_SCO, R_COUNT };
static const char *const ITL[R_COUNT] = {"TLC", "TLD", "TLE", "TLF", "TLG", "TLH",
                                         "TLI", "TLJ", "TLK", "TLL", "TLM"};

typedef struct {
  const char *name;
  uint8_t region, size; /* size: weight as a home for suppliers, 0 = none */
  const char *phone;    /* dialling code */
  const char *pc[6];    /* real postcode districts of the town */
  const char *loc[8];   /* real districts and neighbourhoods, for sites in titles */
} City;

enum {
  C_LEEDS, C_MANCHESTER, C_SALFORD, C_NEWCASTLE, C_SHEFFIELD, C_LIVERPOOL, C_BRADFORD, C_SUNDERLAND, C_HULL,
  C_YORK, C_PRESTON, C_DURHAM, C_MIDDLESBROUGH, C_GATESHEAD, C_HUDDERSFIELD, C_HALIFAX, C_WAKEFIELD, C_BARNSLEY,
  C_DONCASTER, C_ROTHERHAM, C_STOCKPORT, C_BOLTON, C_WIGAN, C_OLDHAM, C_ROCHDALE, C_BURY, C_ASHTON, C_STRETFORD,
  C_BLACKPOOL, C_BLACKBURN, C_LANCASTER, C_WARRINGTON, C_CHESTER, C_SANDBACH, C_BIRKENHEAD, C_BOOTLE, C_STHELENS,
  C_HUYTON, C_WIDNES, C_CARLISLE, C_KENDAL, C_DARLINGTON, C_HARTLEPOOL, C_STOCKTON, C_REDCAR, C_MORPETH,
  C_NSHIELDS, C_SSHIELDS, C_BEVERLEY, C_NORTHALLERTON, C_SCUNTHORPE, C_GRIMSBY, C_HARROGATE, C_ORMSKIRK,
  C_SWINTON, C_COBALT, C_WALLASEY, C_ELLESMERE, C_SHIPLEY, C_WALLSEND, C_PENRITH, C_WINSFORD, C_PRESCOT, C_ASHINGTON,
  C_BIRMINGHAM, C_NOTTINGHAM, C_BRISTOL, C_CAMBRIDGE, C_HUNTINGDON, C_MAIDSTONE, C_LONDON, C_EDINBURGH, C_CARDIFF,
  C_COUNT
};

static const City CITIES[C_COUNT] = {
    [C_LEEDS] = {"Leeds", R_YH, 30, "0113", {"LS1", "LS2", "LS6", "LS9", "LS10", "LS11"},
                 {"Armley", "Beeston", "Chapeltown", "Harehills", "Headingley", "Holbeck", "Seacroft", "Middleton"}},
    [C_MANCHESTER] = {"Manchester", R_NW, 34, "0161", {"M1", "M2", "M4", "M12", "M13", "M15"},
                      {"Ancoats", "Moss Side", "Gorton", "Wythenshawe", "Harpurhey", "Didsbury", "Hulme", "Openshaw"}},
    [C_SALFORD] = {"Salford", R_NW, 10, "0161", {"M3", "M5", "M6", "M50"},
                   {"Eccles", "Walkden", "Pendleton", "Little Hulton", "Broughton", "Irlam"}},
    [C_NEWCASTLE] = {"Newcastle upon Tyne", R_NE, 24, "0191", {"NE1", "NE2", "NE4", "NE6", "NE7"},
                     {"Byker", "Walker", "Benwell", "Fenham", "Gosforth", "Heaton", "Kenton", "Elswick"}},
    [C_SHEFFIELD] = {"Sheffield", R_YH, 18, "0114", {"S1", "S2", "S3", "S10", "S11"},
                     {"Darnall", "Firth Park", "Hillsborough", "Manor Top", "Parson Cross", "Woodseats", "Heeley", "Gleadless"}},
    [C_LIVERPOOL] = {"Liverpool", R_NW, 18, "0151", {"L1", "L2", "L3", "L7", "L8"},
                     {"Anfield", "Everton", "Toxteth", "Walton", "Speke", "Norris Green", "Kirkdale", "Garston"}},
    [C_BRADFORD] = {"Bradford", R_YH, 8, "01274", {"BD1", "BD3", "BD5", "BD7"},
                    {"Manningham", "Little Horton", "Eccleshill", "Bowling", "Girlington", "Idle", "Wibsey", "Allerton"}},
    [C_SUNDERLAND] = {"Sunderland", R_NE, 8, "0191", {"SR1", "SR2", "SR3", "SR5"},
                      {"Hendon", "Pallion", "Southwick", "Washington", "Hetton", "Castletown", "Roker", "Ryhope"}},
    [C_HULL] = {"Hull", R_YH, 8, "01482", {"HU1", "HU2", "HU3", "HU6"},
                {"Bransholme", "Orchard Park", "Newington", "Holderness Road", "Marfleet", "Hessle Road", "Greatfield", "Anlaby Road"}},
    [C_YORK] = {"York", R_YH, 10, "01904", {"YO1", "YO10", "YO24", "YO31"},
                {"Acomb", "Clifton", "Tang Hall", "Heworth", "Huntington", "Haxby", "Dringhouses", "Heslington"}},
    [C_PRESTON] = {"Preston", R_NW, 6, "01772", {"PR1", "PR2", "PR5"},
                   {"Fulwood", "Ribbleton", "Ashton-on-Ribble", "Ingol", "Deepdale", "Penwortham", "Leyland", "Chorley"}},
    [C_DURHAM] = {"Durham", R_NE, 5, "0191", {"DH1"},
                  {"Chester-le-Street", "Consett", "Stanley", "Seaham", "Peterlee", "Bishop Auckland", "Newton Aycliffe", "Spennymoor"}},
    [C_MIDDLESBROUGH] = {"Middlesbrough", R_NE, 6, "01642", {"TS1", "TS2", "TS4", "TS5"},
                         {"Berwick Hills", "North Ormesby", "Linthorpe", "Hemlington", "Acklam", "Coulby Newham"}},
    [C_GATESHEAD] = {"Gateshead", R_NE, 4, "0191", {"NE8", "NE9", "NE10"},
                     {"Felling", "Low Fell", "Birtley", "Whickham", "Ryton", "Blaydon", "Deckham"}},
    [C_HUDDERSFIELD] = {"Huddersfield", R_YH, 5, "01484", {"HD1", "HD2", "HD3"},
                        {"Dewsbury", "Batley", "Holmfirth", "Marsden", "Almondbury", "Lindley", "Heckmondwike"}},
    [C_HALIFAX] = {"Halifax", R_YH, 4, "01422", {"HX1", "HX2", "HX3"},
                   {"Todmorden", "Hebden Bridge", "Brighouse", "Elland", "Sowerby Bridge", "Illingworth"}},
    [C_WAKEFIELD] = {"Wakefield", R_YH, 4, "01924", {"WF1", "WF2"},
                     {"Castleford", "Pontefract", "Ossett", "Normanton", "Featherstone", "Hemsworth", "Knottingley"}},
    [C_BARNSLEY] = {"Barnsley", R_YH, 3, "01226", {"S70", "S71", "S75"},
                    {"Cudworth", "Goldthorpe", "Hoyland", "Penistone", "Royston", "Wombwell", "Athersley"}},
    [C_DONCASTER] = {"Doncaster", R_YH, 4, "01302", {"DN1", "DN2", "DN4"},
                     {"Bentley", "Mexborough", "Thorne", "Armthorpe", "Balby", "Edlington", "Askern", "Rossington"}},
    [C_ROTHERHAM] = {"Rotherham", R_YH, 3, "01709", {"S60", "S65"},
                     {"Maltby", "Rawmarsh", "Dinnington", "Wath upon Dearne", "Kimberworth", "Swinton"}},
    [C_STOCKPORT] = {"Stockport", R_NW, 6, "0161", {"SK1", "SK2", "SK4"},
                     {"Brinnington", "Reddish", "Cheadle", "Marple", "Bramhall", "Edgeley", "Offerton"}},
    [C_BOLTON] = {"Bolton", R_NW, 4, "01204", {"BL1", "BL3"},
                  {"Farnworth", "Horwich", "Westhoughton", "Breightmet", "Little Lever", "Tonge Moor"}},
    [C_WIGAN] = {"Wigan", R_NW, 3, "01942", {"WN1", "WN3"},
                 {"Leigh", "Hindley", "Ashton-in-Makerfield", "Atherton", "Standish", "Tyldesley", "Pemberton"}},
    [C_OLDHAM] = {"Oldham", R_NW, 3, "0161", {"OL1", "OL4", "OL8"},
                  {"Chadderton", "Failsworth", "Royton", "Shaw", "Saddleworth", "Werneth", "Glodwick"}},
    [C_ROCHDALE] = {"Rochdale", R_NW, 2, "01706", {"OL16", "OL11"},
                    {"Heywood", "Middleton", "Littleborough", "Milnrow", "Castleton", "Kirkholt"}},
    [C_BURY] = {"Bury", R_NW, 2, "0161", {"BL9"}, {"Radcliffe", "Prestwich", "Ramsbottom", "Tottington", "Whitefield"}},
    [C_ASHTON] = {"Ashton-under-Lyne", R_NW, 2, "0161", {"OL6", "OL7"},
                  {"Hyde", "Stalybridge", "Denton", "Droylsden", "Dukinfield", "Mossley"}},
    [C_STRETFORD] = {"Stretford", R_NW, 2, "0161", {"M32"},
                     {"Sale", "Altrincham", "Urmston", "Partington", "Old Trafford", "Timperley"}},
    [C_BLACKPOOL] = {"Blackpool", R_NW, 3, "01253", {"FY1", "FY3"},
                     {"Bispham", "Layton", "Mereside", "Grange Park", "South Shore", "Anchorsholme"}},
    [C_BLACKBURN] = {"Blackburn", R_NW, 3, "01254", {"BB1", "BB2"},
                     {"Darwen", "Mill Hill", "Audley", "Shadsworth", "Little Harwood", "Wensley Fold"}},
    [C_LANCASTER] = {"Lancaster", R_NW, 4, "01524", {"LA1"},
                     {"Morecambe", "Heysham", "Carnforth", "Skerton", "Bowerham", "Galgate"}},
    [C_WARRINGTON] = {"Warrington", R_NW, 6, "01925", {"WA1", "WA2"},
                      {"Birchwood", "Orford", "Great Sankey", "Padgate", "Penketh", "Westbrook", "Woolston"}},
    [C_CHESTER] = {"Chester", R_NW, 4, "01244", {"CH1", "CH2"},
                   {"Blacon", "Hoole", "Upton", "Northwich", "Winsford", "Frodsham", "Neston"}},
    [C_SANDBACH] = {"Sandbach", R_NW, 1, "01270", {"CW11"},
                    {"Crewe", "Macclesfield", "Congleton", "Nantwich", "Wilmslow", "Middlewich", "Alsager"}},
    [C_BIRKENHEAD] = {"Birkenhead", R_NW, 2, "0151", {"CH41"},
                      {"Bebington", "Bidston", "Rock Ferry", "Tranmere", "Woodchurch", "Prenton"}},
    [C_BOOTLE] = {"Bootle", R_NW, 1, "0151", {"L20"},
                  {"Southport", "Crosby", "Formby", "Litherland", "Maghull", "Netherton"}},
    [C_STHELENS] = {"St Helens", R_NW, 2, "01744", {"WA10", "WA9"},
                    {"Haydock", "Newton-le-Willows", "Rainford", "Parr", "Thatto Heath", "Sutton"}},
    [C_HUYTON] = {"Huyton", R_NW, 1, "0151", {"L36"}, {"Kirkby", "Halewood", "Prescot", "Whiston", "Stockbridge Village"}},
    [C_WIDNES] = {"Widnes", R_NW, 1, "0151", {"WA8"}, {"Runcorn", "Halton Lea", "Ditton", "Hough Green", "Castlefields"}},
    [C_CARLISLE] = {"Carlisle", R_NW, 2, "01228", {"CA1", "CA2", "CA3"},
                    {"Workington", "Whitehaven", "Maryport", "Cockermouth", "Brampton", "Wigton", "Harraby"}},
    [C_KENDAL] = {"Kendal", R_NW, 2, "01539", {"LA9"}, {"Barrow-in-Furness", "Ulverston", "Windermere", "Penrith", "Appleby"}},
    [C_DARLINGTON] = {"Darlington", R_NE, 3, "01325", {"DL1", "DL3"},
                      {"Cockerton", "Haughton", "Firthmoor", "Skerne Park", "Harrowgate Hill", "Lingfield"}},
    [C_HARTLEPOOL] = {"Hartlepool", R_NE, 2, "01429", {"TS24", "TS26"},
                      {"Headland", "Owton Manor", "Rift House", "Seaton Carew", "Throston", "Fens"}},
    [C_STOCKTON] = {"Stockton-on-Tees", R_NE, 3, "01642", {"TS18", "TS19"},
                    {"Thornaby", "Billingham", "Ingleby Barwick", "Norton", "Yarm", "Hardwick"}},
    [C_REDCAR] = {"Redcar", R_NE, 1, "01642", {"TS10"}, {"Guisborough", "Saltburn", "Eston", "Grangetown", "Marske", "Loftus"}},
    [C_MORPETH] = {"Morpeth", R_NE, 1, "01670", {"NE61"}, {"Blyth", "Cramlington", "Hexham", "Alnwick", "Berwick-upon-Tweed", "Bedlington"}},
    [C_NSHIELDS] = {"North Shields", R_NE, 2, "0191", {"NE29", "NE30"},
                    {"Whitley Bay", "Wallsend", "Tynemouth", "Longbenton", "Killingworth", "Meadow Well"}},
    [C_SSHIELDS] = {"South Shields", R_NE, 1, "0191", {"NE33", "NE34"},
                    {"Jarrow", "Hebburn", "Boldon", "Whitburn", "Cleadon", "Biddick Hall"}},
    [C_BEVERLEY] = {"Beverley", R_YH, 1, "01482", {"HU17"},
                    {"Bridlington", "Goole", "Driffield", "Hornsea", "Withernsea", "Cottingham", "Hessle"}},
    [C_NORTHALLERTON] = {"Northallerton", R_YH, 1, "01609", {"DL6", "DL7"},
                         {"Scarborough", "Whitby", "Selby", "Skipton", "Ripon", "Richmond", "Thirsk", "Malton"}},
    [C_SCUNTHORPE] = {"Scunthorpe", R_YH, 1, "01724", {"DN15", "DN16"}, {"Brigg", "Barton-upon-Humber", "Ashby", "Bottesford", "Epworth"}},
    [C_GRIMSBY] = {"Grimsby", R_YH, 1, "01472", {"DN31", "DN32"}, {"Cleethorpes", "Immingham", "Nunsthorpe", "Scartho", "Waltham"}},
    [C_HARROGATE] = {"Harrogate", R_YH, 3, "01423", {"HG1", "HG2"}, {"Knaresborough", "Starbeck", "Bilton", "Pannal"}},
    [C_ORMSKIRK] = {"Ormskirk", R_NW, 1, "01695", {"L39"}, {"Skelmersdale", "Burscough", "Aughton"}},
    [C_SWINTON] = {"Swinton", R_NW, 0, "0161", {"M27"}, {"Eccles", "Walkden", "Pendlebury", "Irlam", "Little Hulton"}},
    /* North Tyneside's offices: post town Newcastle upon Tyne, districts of North Tyneside */
    [C_COBALT] = {"Newcastle upon Tyne", R_NE, 0, "0191", {"NE27"},
                  {"Wallsend", "Whitley Bay", "Tynemouth", "North Shields", "Killingworth", "Longbenton", "Forest Hall"}},
    [C_WALLASEY] = {"Wallasey", R_NW, 0, "0151", {"CH44", "CH45"}, {"New Brighton", "Seacombe", "Leasowe", "Moreton", "Hoylake", "West Kirby"}},
    [C_ELLESMERE] = {"Ellesmere Port", R_NW, 1, "0151", {"CH65", "CH66"}, {"Chester", "Northwich", "Winsford", "Blacon", "Neston", "Frodsham"}},
    [C_SHIPLEY] = {"Shipley", R_YH, 1, "01274", {"BD17", "BD18"}, {"Keighley", "Bingley", "Ilkley", "Baildon", "Saltaire", "Holmewood"}},
    [C_WALLSEND] = {"Wallsend", R_NE, 1, "0191", {"NE28"}, {"Blyth", "Ashington", "Hexham", "Killingworth", "Byker", "Hebburn"}},
    [C_PENRITH] = {"Penrith", R_NW, 1, "01768", {"CA10", "CA11"}, {"Workington", "Kendal", "Barrow-in-Furness", "Whitehaven", "Carlisle"}},
    [C_WINSFORD] = {"Winsford", R_NW, 1, "01606", {"CW7"}, {"Crewe", "Macclesfield", "Runcorn", "Warrington", "Chester"}},
    [C_PRESCOT] = {"Prescot", R_NW, 1, "0151", {"L34", "L35"}, {"Walton", "Maghull", "Southport", "Kirkby", "St Helens"}},
    [C_ASHINGTON] = {"Ashington", R_NE, 1, "01670", {"NE63"}, {"Blyth", "Bedlington", "Cramlington", "Newbiggin-by-the-Sea", "Lynemouth"}},
    [C_BIRMINGHAM] = {"Birmingham", R_WM, 8, "0121", {"B1", "B2", "B3", "B4"},
                      {"Aston", "Erdington", "Handsworth", "Kings Heath", "Small Heath", "Sparkbrook", "Yardley"}},
    [C_NOTTINGHAM] = {"Nottingham", R_EM, 5, "0115", {"NG1", "NG2", "NG7"}, {"Bulwell", "Clifton", "Sneinton", "Radford", "Bestwood"}},
    [C_BRISTOL] = {"Bristol", R_SW, 6, "0117", {"BS1", "BS2", "BS8"}, {"Bedminster", "Easton", "Hartcliffe", "Lawrence Hill", "Southmead"}},
    [C_CAMBRIDGE] = {"Cambridge", R_EE, 4, "01223", {"CB1", "CB2", "CB4"}, {"Arbury", "Chesterton", "Cherry Hinton", "Trumpington"}},
    [C_HUNTINGDON] = {"Huntingdon", R_EE, 0, "01480", {"PE28", "PE29"}, {"St Neots", "St Ives", "Wisbech", "March", "Ely"}},
    [C_MAIDSTONE] = {"Maidstone", R_SE, 2, "01622", {"ME14", "ME15"}, {"Ashford", "Canterbury", "Dartford", "Margate", "Tonbridge"}},
    [C_LONDON] = {"London", R_LON, 40, "020", {"EC1V", "EC2A", "SE1", "WC1N", "E1", "N1"},
                  {"Kentish Town", "Camden Town", "Holborn", "Kilburn", "Somers Town", "Gospel Oak"}},
    [C_EDINBURGH] = {"Edinburgh", R_SCO, 4, "0131", {"EH1", "EH2", "EH3"}, {"Leith", "Gorgie", "Morningside"}},
    [C_CARDIFF] = {"Cardiff", R_WAL, 3, "029", {"CF10", "CF11"}, {"Butetown", "Canton", "Splott"}},
};

static int count_of(const char *const *list, int cap) {
  int n = 0;
  while (n < cap && list[n]) n++;
  return n;
}

/* A full postcode in the city: district + sector digit + two unit letters
 * (the letters real unit codes use). */
static void make_postcode(Rng *r, const City *c, char out[12]) {
  static const char L[] = "ABDEFGHJLNPQRSTUWXYZ";
  const char *d = c->pc[rng_below(r, (uint32_t)count_of(c->pc, 6))];
  size_t n = strlen(d);
  memcpy(out, d, n);
  out[n] = ' ';
  out[n + 1] = (char)('0' + rng_below(r, 10));
  out[n + 2] = L[rng_below(r, sizeof L - 1)];
  out[n + 3] = L[rng_below(r, sizeof L - 1)];
  out[n + 4] = 0;
}
static void make_phone(Rng *r, const City *c, char out[20]) {
  size_t n = strlen(c->phone);
  uint32_t a = 200 + rng_below(r, 800), b = rng_below(r, 10000), x = rng_below(r, 1000000);
  if (n == 4) /* 0113 496 0123 */
    snprintf(out, 20, "%s %03u %04u", c->phone, a, b);
  else if (n == 3) /* 020 7946 0123 */
    snprintf(out, 20, "%s %04u %04u", c->phone, 3000 + a, b);
  else /* 01274 434567 */
    snprintf(out, 20, "%s %06u", c->phone, 200000 + x % 800000);
}

static const char *const STREETS[] = {
    "Wellington Street", "Park Row",       "Boar Lane",      "Bridge Street", "Market Street", "Quayside",
    "Grey Street",       "Church Street",  "Mill Lane",      "Station Road",  "King Street",   "Victoria Road",
    "High Street",       "Albion Street",  "Canal Wharf",    "Water Lane",    "Dale Street",   "Castle Street",
    "Clarence Street",   "Fawcett Street", "Oldham Street",  "Portland Street", "Granary Wharf", "Northgate",
    "Westgate",          "Kirkgate",       "Briggate",       "Fishergate",    "Low Friar Street", "Queen Street"};
static const char *const BUILDINGS[] = {"Enterprise House", "Business Centre", "Trade Park", "Riverside Works",
                                        "Mill House",       "The Foundry",     "Enterprise Park", "Northern Works",
                                        "Industrial Estate"};
static const char *const FIRST_NAMES[] = {
    "Sarah", "James", "Emma",   "David", "Hannah", "Michael", "Rachel", "Daniel",  "Laura", "Paul",
    "Aisha", "Mohammed", "Priya", "Tom", "Gemma",  "Craig",   "Siobhan", "Liam",   "Zara",  "Imran",
    "Joanne", "Gary", "Nicola", "Ryan",  "Kirsty", "Amir",    "Stephen", "Claire", "Kate",  "Adam"};
static const char *const LAST_NAMES[] = {
    "Hughes",   "Walker",    "Robinson", "Wright",    "Thompson", "Wood",    "Harrison", "Hall",
    "Clarke",   "Jackson",   "Khan",     "Hussain",   "Patel",    "Ahmed",   "Shaw",     "Bell",
    "Dixon",    "Atkinson",  "Armstrong", "Charlton", "Milburn",  "Sutcliffe", "Ackroyd", "Barraclough",
    "Fairclough", "Ramsden", "Lister",   "Heslop",    "O'Neill",  "Brennan"};


/* ------------------------------------------------------------- buyers -- */

enum { K_COUNCIL, K_NHS, K_EDU, K_POLICE, K_FIRE, K_CA, K_HOUSING, K_CENTRAL, K_COUNT };
#define KM(k) (1u << (k))
#define K_ALL 0xffu
#define K_ESTATE (KM(K_COUNCIL) | KM(K_NHS) | KM(K_EDU) | KM(K_POLICE) | KM(K_FIRE) | KM(K_HOUSING))

typedef struct {
  const char *name;
  uint8_t kind, city, weight;
  const char *scheme, *id;
  const char *domain;           /* web domain; NHS bodies' mail goes to nhs.net */
  const char *street, *postcode; /* the head office */
} BuyerDef;

/* Real public bodies at their head offices (street and postcode as they
 * publish them). Identifiers, contacts and document links are illustrative. */
static const BuyerDef BUYERS[] = {
    /* Councils: North East */
    {"Newcastle City Council", K_COUNCIL, C_NEWCASTLE, 8, "GB-LAE", "NET", "newcastle.gov.uk", "Civic Centre, Barras Bridge", "NE1 8QH"},
    {"Sunderland City Council", K_COUNCIL, C_SUNDERLAND, 5, "GB-LAE", "SND", "sunderland.gov.uk", "City Hall, Plater Way", "SR1 3AA"},
    {"Gateshead Council", K_COUNCIL, C_GATESHEAD, 4, "GB-LAE", "GAT", "gateshead.gov.uk", "Civic Centre, Regent Street", "NE8 1HH"},
    {"North Tyneside Council", K_COUNCIL, C_COBALT, 3, "GB-LAE", "NTY", "northtyneside.gov.uk", "Quadrant, The Silverlink North, Cobalt Business Park", "NE27 0BY"},
    {"South Tyneside Council", K_COUNCIL, C_SSHIELDS, 3, "GB-LAE", "STY", "southtyneside.gov.uk", "Town Hall and Civic Offices, Westoe Road", "NE33 2RL"},
    {"Northumberland County Council", K_COUNCIL, C_MORPETH, 4, "GB-LAE", "NBL", "northumberland.gov.uk", "County Hall", "NE61 2EF"},
    {"Durham County Council", K_COUNCIL, C_DURHAM, 5, "GB-LAE", "DUR", "durham.gov.uk", "County Hall", "DH1 5UL"},
    {"Darlington Borough Council", K_COUNCIL, C_DARLINGTON, 2, "GB-LAE", "DAL", "darlington.gov.uk", "Town Hall, Feethams", "DL1 5QT"},
    {"Hartlepool Borough Council", K_COUNCIL, C_HARTLEPOOL, 2, "GB-LAE", "HPL", "hartlepool.gov.uk", "Civic Centre, Victoria Road", "TS24 8AY"},
    {"Middlesbrough Council", K_COUNCIL, C_MIDDLESBROUGH, 3, "GB-LAE", "MDB", "middlesbrough.gov.uk", "PO Box 500, Town Hall", "TS1 9FT"},
    {"Redcar and Cleveland Borough Council", K_COUNCIL, C_REDCAR, 2, "GB-LAE", "RCC", "redcar-cleveland.gov.uk", "Redcar and Cleveland House, Kirkleatham Street", "TS10 1RT"},
    {"Stockton-on-Tees Borough Council", K_COUNCIL, C_STOCKTON, 3, "GB-LAE", "STT", "stockton.gov.uk", "Municipal Buildings, Church Road", "TS18 1LD"},
    /* Councils: North West */
    {"Manchester City Council", K_COUNCIL, C_MANCHESTER, 9, "GB-LAE", "MAN", "manchester.gov.uk", "Town Hall, Albert Square", "M60 2LA"},
    {"Salford City Council", K_COUNCIL, C_SWINTON, 5, "GB-LAE", "SLF", "salford.gov.uk", "Salford Civic Centre, Chorley Road", "M27 5AW"},
    {"Trafford Council", K_COUNCIL, C_STRETFORD, 3, "GB-LAE", "TRF", "trafford.gov.uk", "Trafford Town Hall, Talbot Road", "M32 0TH"},
    {"Stockport Metropolitan Borough Council", K_COUNCIL, C_STOCKPORT, 3, "GB-LAE", "SKP", "stockport.gov.uk", "Town Hall, Edward Street", "SK1 3XE"},
    {"Tameside Metropolitan Borough Council", K_COUNCIL, C_ASHTON, 3, "GB-LAE", "TAM", "tameside.gov.uk", "Tameside One, Market Place", "OL6 6BH"},
    {"Oldham Council", K_COUNCIL, C_OLDHAM, 3, "GB-LAE", "OLD", "oldham.gov.uk", "Civic Centre, West Street", "OL1 1UT"},
    {"Rochdale Borough Council", K_COUNCIL, C_ROCHDALE, 2, "GB-LAE", "RCH", "rochdale.gov.uk", "Number One Riverside, Smith Street", "OL16 1XU"},
    {"Bury Council", K_COUNCIL, C_BURY, 2, "GB-LAE", "BUR", "bury.gov.uk", "Town Hall, Knowsley Street", "BL9 0SW"},
    {"Bolton Council", K_COUNCIL, C_BOLTON, 3, "GB-LAE", "BOL", "bolton.gov.uk", "Town Hall, Victoria Square", "BL1 1RU"},
    {"Wigan Council", K_COUNCIL, C_WIGAN, 3, "GB-LAE", "WGN", "wigan.gov.uk", "Town Hall, Library Street", "WN1 1YN"},
    {"Liverpool City Council", K_COUNCIL, C_LIVERPOOL, 8, "GB-LAE", "LIV", "liverpool.gov.uk", "Cunard Building, Water Street", "L3 1AH"},
    {"Sefton Council", K_COUNCIL, C_BOOTLE, 3, "GB-LAE", "SFT", "sefton.gov.uk", "Bootle Town Hall, Oriel Road", "L20 7AE"},
    {"Knowsley Council", K_COUNCIL, C_HUYTON, 2, "GB-LAE", "KWL", "knowsley.gov.uk", "Municipal Buildings, Archway Road", "L36 9YU"},
    {"St Helens Borough Council", K_COUNCIL, C_STHELENS, 2, "GB-LAE", "SHN", "sthelens.gov.uk", "Town Hall, Victoria Square", "WA10 1HP"},
    {"Wirral Council", K_COUNCIL, C_WALLASEY, 3, "GB-LAE", "WRL", "wirral.gov.uk", "Wallasey Town Hall, Brighton Street", "CH44 8ED"},
    {"Lancashire County Council", K_COUNCIL, C_PRESTON, 7, "GB-LAE", "LAN", "lancashire.gov.uk", "County Hall, Fishergate", "PR1 8XJ"},
    {"Blackpool Council", K_COUNCIL, C_BLACKPOOL, 3, "GB-LAE", "BPL", "blackpool.gov.uk", "PO Box 4, Municipal Buildings", "FY1 1NA"},
    {"Blackburn with Darwen Borough Council", K_COUNCIL, C_BLACKBURN, 2, "GB-LAE", "BBD", "blackburn.gov.uk", "Town Hall, King William Street", "BB1 7DY"},
    {"Preston City Council", K_COUNCIL, C_PRESTON, 2, "GB-LAE", "PRE", "preston.gov.uk", "Town Hall, Lancaster Road", "PR1 2RL"},
    {"Lancaster City Council", K_COUNCIL, C_LANCASTER, 2, "GB-LAE", "LAC", "lancaster.gov.uk", "Town Hall, Dalton Square", "LA1 1PJ"},
    {"Cheshire East Council", K_COUNCIL, C_SANDBACH, 4, "GB-LAE", "CHE", "cheshireeast.gov.uk", "Westfields, Middlewich Road", "CW11 1HZ"},
    {"Cheshire West and Chester Council", K_COUNCIL, C_ELLESMERE, 4, "GB-LAE", "CHW", "cheshirewestandchester.gov.uk", "The Portal, Wellington Road", "CH65 0BA"},
    {"Warrington Borough Council", K_COUNCIL, C_WARRINGTON, 3, "GB-LAE", "WRT", "warrington.gov.uk", "East Annexe, Town Hall, Sankey Street", "WA1 1UH"},
    {"Halton Borough Council", K_COUNCIL, C_WIDNES, 2, "GB-LAE", "HAL", "halton.gov.uk", "Municipal Building, Kingsway", "WA8 7QF"},
    {"Cumberland Council", K_COUNCIL, C_CARLISLE, 3, "GB-LAE", "CMB", "cumberland.gov.uk", "Cumbria House, 117 Botchergate", "CA1 1RD"},
    /* Councils: Yorkshire and The Humber */
    {"Leeds City Council", K_COUNCIL, C_LEEDS, 9, "GB-LAE", "LDS", "leeds.gov.uk", "Civic Hall, Calverley Street", "LS1 1UR"},
    {"City of Bradford Metropolitan District Council", K_COUNCIL, C_BRADFORD, 6, "GB-LAE", "BRD", "bradford.gov.uk", "City Hall, Centenary Square", "BD1 1HY"},
    {"Sheffield City Council", K_COUNCIL, C_SHEFFIELD, 8, "GB-LAE", "SHF", "sheffield.gov.uk", "Town Hall, Pinstone Street", "S1 2HH"},
    {"Kirklees Council", K_COUNCIL, C_HUDDERSFIELD, 4, "GB-LAE", "KIR", "kirklees.gov.uk", "Civic Centre 1, High Street", "HD1 2NF"},
    {"Calderdale Council", K_COUNCIL, C_HALIFAX, 3, "GB-LAE", "CLD", "calderdale.gov.uk", "Town Hall, Crossley Street", "HX1 1UJ"},
    {"Wakefield Council", K_COUNCIL, C_WAKEFIELD, 3, "GB-LAE", "WKF", "wakefield.gov.uk", "Wakefield One, Burton Street", "WF1 2EB"},
    {"Barnsley Metropolitan Borough Council", K_COUNCIL, C_BARNSLEY, 3, "GB-LAE", "BNS", "barnsley.gov.uk", "Town Hall, Church Street", "S70 2TA"},
    {"City of Doncaster Council", K_COUNCIL, C_DONCASTER, 3, "GB-LAE", "DNC", "doncaster.gov.uk", "Civic Office, Waterdale", "DN1 3BU"},
    {"Rotherham Metropolitan Borough Council", K_COUNCIL, C_ROTHERHAM, 3, "GB-LAE", "ROT", "rotherham.gov.uk", "Riverside House, Main Street", "S60 1AE"},
    {"Hull City Council", K_COUNCIL, C_HULL, 5, "GB-LAE", "KHL", "hull.gov.uk", "Guildhall, Alfred Gelder Street", "HU1 2AA"},
    {"East Riding of Yorkshire Council", K_COUNCIL, C_BEVERLEY, 3, "GB-LAE", "ERY", "eastriding.gov.uk", "County Hall, Cross Street", "HU17 9BA"},
    {"North Yorkshire Council", K_COUNCIL, C_NORTHALLERTON, 5, "GB-LAE", "NYK", "northyorks.gov.uk", "County Hall, Racecourse Lane", "DL7 8AD"},
    {"City of York Council", K_COUNCIL, C_YORK, 4, "GB-LAE", "YOR", "york.gov.uk", "West Offices, Station Rise", "YO1 6GA"},
    {"North Lincolnshire Council", K_COUNCIL, C_SCUNTHORPE, 2, "GB-LAE", "NLN", "northlincs.gov.uk", "Church Square House, 30-40 High Street", "DN15 6NL"},
    {"North East Lincolnshire Council", K_COUNCIL, C_GRIMSBY, 2, "GB-LAE", "NEL", "nelincs.gov.uk", "Municipal Offices, Town Hall Square", "DN31 1HU"},
    /* Combined authorities and transport bodies */
    {"West Yorkshire Combined Authority", K_CA, C_LEEDS, 5, "GB-LAE", "WYCA", "westyorks-ca.gov.uk", "Wellington House, 40-50 Wellington Street", "LS1 2DE"},
    {"Greater Manchester Combined Authority", K_CA, C_MANCHESTER, 5, "GB-LAE", "GMCA", "greatermanchester-ca.gov.uk", "Tootal Buildings, 56 Oxford Street", "M1 6EU"},
    {"Liverpool City Region Combined Authority", K_CA, C_LIVERPOOL, 4, "GB-LAE", "LCRCA", "liverpoolcityregion-ca.gov.uk", "No 1 Mann Island", "L3 1BP"},
    {"South Yorkshire Mayoral Combined Authority", K_CA, C_SHEFFIELD, 3, "GB-LAE", "SYMCA", "southyorkshire-ca.gov.uk", "11 Broad Street West", "S1 2BQ"},
    {"Tees Valley Combined Authority", K_CA, C_STOCKTON, 2, "GB-LAE", "TVCA", "teesvalley-ca.gov.uk", "Cavendish House, Teesdale Business Park", "TS17 6QY"},
    {"Transport for Greater Manchester", K_CA, C_MANCHESTER, 4, "GB-GOR", "PB1173", "tfgm.com", "2 Piccadilly Place", "M1 3BG"},
    {"Nexus (Tyne and Wear Passenger Transport Executive)", K_CA, C_NEWCASTLE, 2, "GB-GOR", "PB1184", "nexus.org.uk", "Nexus House, St James' Boulevard", "NE1 4AX"},
    {"Merseytravel", K_CA, C_LIVERPOOL, 2, "GB-GOR", "PB1179", "merseytravel.gov.uk", "No 1 Mann Island", "L3 1BP"},
    {"Transport for the North", K_CA, C_MANCHESTER, 2, "GB-GOR", "PB1402", "transportforthenorth.com", "4 Piccadilly Place", "M1 3BN"},
    /* Police, fire and rescue */
    {"West Yorkshire Police", K_POLICE, C_WAKEFIELD, 4, "GB-GOR", "PB1281", "westyorkshire.police.uk", "Laburnum Road", "WF1 3QP"},
    {"Greater Manchester Police", K_POLICE, C_MANCHESTER, 4, "GB-GOR", "PB1266", "gmp.police.uk", "Openshaw Complex, Lawton Street", "M11 2NS"},
    {"Northumbria Police", K_POLICE, C_WALLSEND, 3, "GB-GOR", "PB1274", "northumbria.police.uk", "Middle Engine Lane", "NE28 9NT"},
    {"South Yorkshire Police", K_POLICE, C_SHEFFIELD, 3, "GB-GOR", "PB1277", "southyorks.police.uk", "Carbrook House, 5 Carbrook Hall Road", "S9 2EH"},
    {"Lancashire Constabulary", K_POLICE, C_PRESTON, 2, "GB-GOR", "PB1268", "lancashire.police.uk", "Saunders Lane, Hutton", "PR4 5SB"},
    {"Cumbria Constabulary", K_POLICE, C_PENRITH, 1, "GB-GOR", "PB1260", "cumbria.police.uk", "Carleton Hall", "CA10 2AU"},
    {"Durham Constabulary", K_POLICE, C_DURHAM, 1, "GB-GOR", "PB1262", "durham.police.uk", "Aykley Heads", "DH1 5TT"},
    {"Humberside Police", K_POLICE, C_HULL, 2, "GB-GOR", "PB1267", "humberside.police.uk", "Priory Road", "HU5 5SF"},
    {"North Yorkshire Police", K_POLICE, C_NORTHALLERTON, 1, "GB-GOR", "PB1273", "northyorkshire.police.uk", "Alverton Court, Crosby Road", "DL6 1BF"},
    {"Cheshire Constabulary", K_POLICE, C_WINSFORD, 2, "GB-GOR", "PB1257", "cheshire.police.uk", "Clemonds Hey, Oakmere Road", "CW7 2UA"},
    {"West Yorkshire Fire and Rescue Service", K_FIRE, C_BRADFORD, 2, "GB-GOR", "PB1331", "westyorksfire.gov.uk", "Oakroyd Hall, Bradford Road, Birkenshaw", "BD11 2DY"},
    {"Greater Manchester Fire and Rescue Service", K_FIRE, C_SWINTON, 2, "GB-GOR", "PB1315", "manchesterfire.gov.uk", "146 Bolton Road", "M27 8US"},
    {"Tyne and Wear Fire and Rescue Service", K_FIRE, C_SUNDERLAND, 1, "GB-GOR", "PB1329", "twfire.gov.uk", "Nissan Way, Barmston Mere", "SR5 3QY"},
    /* NHS trusts and integrated care boards (ODS codes) */
    {"Leeds Teaching Hospitals NHS Trust", K_NHS, C_LEEDS, 6, "GB-NHS", "RR8", "leedsth.nhs.uk", "St James's University Hospital, Beckett Street", "LS9 7TF"},
    {"Manchester University NHS Foundation Trust", K_NHS, C_MANCHESTER, 6, "GB-NHS", "R0A", "mft.nhs.uk", "Cobbett House, Oxford Road", "M13 9WL"},
    {"The Newcastle upon Tyne Hospitals NHS Foundation Trust", K_NHS, C_NEWCASTLE, 5, "GB-NHS", "RTD", "newcastle-hospitals.nhs.uk", "Freeman Hospital, Freeman Road, High Heaton", "NE7 7DN"},
    {"Sheffield Teaching Hospitals NHS Foundation Trust", K_NHS, C_SHEFFIELD, 4, "GB-NHS", "RHQ", "sth.nhs.uk", "Northern General Hospital, Herries Road", "S5 7AU"},
    {"Liverpool University Hospitals NHS Foundation Trust", K_NHS, C_LIVERPOOL, 4, "GB-NHS", "REM", "liverpoolft.nhs.uk", "Royal Liverpool University Hospital, Prescot Street", "L7 8XP"},
    {"Bradford Teaching Hospitals NHS Foundation Trust", K_NHS, C_BRADFORD, 3, "GB-NHS", "RAE", "bradfordhospitals.nhs.uk", "Bradford Royal Infirmary, Duckworth Lane", "BD9 6RJ"},
    {"South Tees Hospitals NHS Foundation Trust", K_NHS, C_MIDDLESBROUGH, 3, "GB-NHS", "RTR", "southtees.nhs.uk", "James Cook University Hospital, Marton Road", "TS4 3BW"},
    {"Northumbria Healthcare NHS Foundation Trust", K_NHS, C_NSHIELDS, 3, "GB-NHS", "RTF", "northumbria.nhs.uk", "North Tyneside General Hospital, Rake Lane", "NE29 8NH"},
    {"Hull University Teaching Hospitals NHS Trust", K_NHS, C_HULL, 3, "GB-NHS", "RWA", "hey.nhs.uk", "Hull Royal Infirmary, Anlaby Road", "HU3 2JZ"},
    {"York and Scarborough Teaching Hospitals NHS Foundation Trust", K_NHS, C_YORK, 3, "GB-NHS", "RCB", "yorkhospitals.nhs.uk", "York Hospital, Wigginton Road", "YO31 8HE"},
    {"Lancashire Teaching Hospitals NHS Foundation Trust", K_NHS, C_PRESTON, 3, "GB-NHS", "RXN", "lancsteachinghospitals.nhs.uk", "Royal Preston Hospital, Sharoe Green Lane", "PR2 9HT"},
    {"Northern Care Alliance NHS Foundation Trust", K_NHS, C_SALFORD, 3, "GB-NHS", "RM3", "northerncarealliance.nhs.uk", "Salford Royal, Stott Lane", "M6 8HD"},
    {"Alder Hey Children's NHS Foundation Trust", K_NHS, C_LIVERPOOL, 2, "GB-NHS", "RBS", "alderhey.nhs.uk", "Eaton Road", "L12 2AP"},
    {"Sheffield Children's NHS Foundation Trust", K_NHS, C_SHEFFIELD, 2, "GB-NHS", "RCU", "sheffieldchildrens.nhs.uk", "Western Bank", "S10 2TH"},
    {"Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust", K_NHS, C_NEWCASTLE, 2, "GB-NHS", "RX4", "cntw.nhs.uk", "St Nicholas Hospital, Jubilee Road, Gosforth", "NE3 3XT"},
    {"Mersey Care NHS Foundation Trust", K_NHS, C_PRESCOT, 2, "GB-NHS", "RW4", "merseycare.nhs.uk", "V7 Building, Kings Business Park", "L34 1PJ"},
    {"Greater Manchester Mental Health NHS Foundation Trust", K_NHS, C_MANCHESTER, 2, "GB-NHS", "RXV", "gmmh.nhs.uk", "Prestwich Hospital, Bury New Road, Prestwich", "M25 3BL"},
    {"South Tyneside and Sunderland NHS Foundation Trust", K_NHS, C_SUNDERLAND, 2, "GB-NHS", "R0B", "stsft.nhs.uk", "Sunderland Royal Hospital, Kayll Road", "SR4 7TP"},
    {"Gateshead Health NHS Foundation Trust", K_NHS, C_GATESHEAD, 2, "GB-NHS", "RR7", "gatesheadhealth.nhs.uk", "Queen Elizabeth Hospital, Sheriff Hill", "NE9 6SX"},
    {"Stockport NHS Foundation Trust", K_NHS, C_STOCKPORT, 2, "GB-NHS", "RWJ", "stockport.nhs.uk", "Stepping Hill Hospital, Poplar Grove", "SK2 7JE"},
    {"The Christie NHS Foundation Trust", K_NHS, C_MANCHESTER, 2, "GB-NHS", "RBV", "christie.nhs.uk", "Wilmslow Road", "M20 4BX"},
    {"North West Ambulance Service NHS Trust", K_NHS, C_BOLTON, 2, "GB-NHS", "RX7", "nwas.nhs.uk", "Ladybridge Hall, 399 Chorley New Road", "BL1 5DD"},
    {"Yorkshire Ambulance Service NHS Trust", K_NHS, C_WAKEFIELD, 2, "GB-NHS", "RX8", "yas.nhs.uk", "Springhill, Brindley Way, Wakefield 41 Business Park", "WF2 0XQ"},
    {"North East Ambulance Service NHS Foundation Trust", K_NHS, C_NEWCASTLE, 2, "GB-NHS", "RX6", "neas.nhs.uk", "Bernicia House, Goldcrest Way, Newburn Riverside", "NE15 8NY"},
    {"NHS West Yorkshire Integrated Care Board", K_NHS, C_WAKEFIELD, 3, "GB-NHS", "QWO", "westyorkshire.icb.nhs.uk", "White Rose House, West Parade", "WF1 1LT"},
    {"NHS Greater Manchester Integrated Care Board", K_NHS, C_MANCHESTER, 3, "GB-NHS", "QOP", "gmintegratedcare.org.uk", "3 Piccadilly Place", "M1 3BN"},
    {"NHS North East and North Cumbria Integrated Care Board", K_NHS, C_SUNDERLAND, 3, "GB-NHS", "QHM", "northeastnorthcumbria.nhs.uk", "Pemberton House, Colima Avenue", "SR5 3XB"},
    {"NHS Cheshire and Merseyside Integrated Care Board", K_NHS, C_WARRINGTON, 3, "GB-NHS", "QYG", "cheshireandmerseyside.nhs.uk", "No 1 Lakeside, 920 Centre Park Square", "WA1 1QY"},
    {"NHS South Yorkshire Integrated Care Board", K_NHS, C_SHEFFIELD, 2, "GB-NHS", "QF7", "southyorkshire.icb.nhs.uk", "197 Eyre Street", "S1 3FG"},
    {"NHS Humber and North Yorkshire Integrated Care Board", K_NHS, C_HULL, 2, "GB-NHS", "QOQ", "humberandnorthyorkshire.org.uk", "Health House, Grange Park Lane, Willerby", "HU10 6DT"},
    {"NHS Lancashire and South Cumbria Integrated Care Board", K_NHS, C_PRESTON, 2, "GB-NHS", "QE1", "lancashireandsouthcumbria.icb.nhs.uk", "County Hall, Fishergate Hill", "PR1 8XB"},
    /* Universities and colleges (UK Register of Learning Providers) */
    {"University of Leeds", K_EDU, C_LEEDS, 4, "GB-UKPRN", "10007795", "leeds.ac.uk", "Woodhouse Lane", "LS2 9JT"},
    {"University of Manchester", K_EDU, C_MANCHESTER, 4, "GB-UKPRN", "10007798", "manchester.ac.uk", "Oxford Road", "M13 9PL"},
    {"Newcastle University", K_EDU, C_NEWCASTLE, 3, "GB-UKPRN", "10007799", "ncl.ac.uk", "King's Gate", "NE1 7RU"},
    {"University of Sheffield", K_EDU, C_SHEFFIELD, 3, "GB-UKPRN", "10007157", "sheffield.ac.uk", "Western Bank", "S10 2TN"},
    {"University of Liverpool", K_EDU, C_LIVERPOOL, 3, "GB-UKPRN", "10007140", "liverpool.ac.uk", "Foundation Building, Brownlow Hill", "L69 3BX"},
    {"University of York", K_EDU, C_YORK, 2, "GB-UKPRN", "10007167", "york.ac.uk", "Heslington", "YO10 5DD"},
    {"Durham University", K_EDU, C_DURHAM, 2, "GB-UKPRN", "10007143", "durham.ac.uk", "The Palatine Centre, Stockton Road", "DH1 3LE"},
    {"Lancaster University", K_EDU, C_LANCASTER, 2, "GB-UKPRN", "10007768", "lancaster.ac.uk", "Bailrigg", "LA1 4YW"},
    {"Leeds Beckett University", K_EDU, C_LEEDS, 2, "GB-UKPRN", "10003861", "leedsbeckett.ac.uk", "City Campus", "LS1 3HE"},
    {"Manchester Metropolitan University", K_EDU, C_MANCHESTER, 2, "GB-UKPRN", "10004180", "mmu.ac.uk", "All Saints Building, All Saints", "M15 6BH"},
    {"Sheffield Hallam University", K_EDU, C_SHEFFIELD, 2, "GB-UKPRN", "10005790", "shu.ac.uk", "City Campus, Howard Street", "S1 1WB"},
    {"Northumbria University", K_EDU, C_NEWCASTLE, 2, "GB-UKPRN", "10001282", "northumbria.ac.uk", "Sutherland Building, Northumberland Road", "NE1 8ST"},
    {"University of Sunderland", K_EDU, C_SUNDERLAND, 1, "GB-UKPRN", "10007159", "sunderland.ac.uk", "Edinburgh Building, Chester Road", "SR1 3SD"},
    {"Teesside University", K_EDU, C_MIDDLESBROUGH, 1, "GB-UKPRN", "10007161", "tees.ac.uk", "Campus Heart, Southfield Road", "TS1 3BX"},
    {"University of Hull", K_EDU, C_HULL, 1, "GB-UKPRN", "10007149", "hull.ac.uk", "Cottingham Road", "HU6 7RX"},
    {"University of Bradford", K_EDU, C_BRADFORD, 1, "GB-UKPRN", "10007785", "bradford.ac.uk", "Richmond Road", "BD7 1DP"},
    {"University of Huddersfield", K_EDU, C_HUDDERSFIELD, 1, "GB-UKPRN", "10007148", "hud.ac.uk", "Queensgate", "HD1 3DH"},
    {"University of Salford", K_EDU, C_SALFORD, 1, "GB-UKPRN", "10007156", "salford.ac.uk", "The Crescent", "M5 4WT"},
    {"Liverpool John Moores University", K_EDU, C_LIVERPOOL, 2, "GB-UKPRN", "10003957", "ljmu.ac.uk", "Exchange Station, Tithebarn Street", "L2 2QP"},
    {"University of Central Lancashire", K_EDU, C_PRESTON, 1, "GB-UKPRN", "10007141", "uclan.ac.uk", "Fylde Road", "PR1 2HE"},
    {"Edge Hill University", K_EDU, C_ORMSKIRK, 1, "GB-UKPRN", "10007823", "edgehill.ac.uk", "St Helens Road", "L39 4QP"},
    {"University of Bolton", K_EDU, C_BOLTON, 1, "GB-UKPRN", "10006841", "bolton.ac.uk", "Deane Road", "BL3 5AB"},
    {"York St John University", K_EDU, C_YORK, 1, "GB-UKPRN", "10007713", "yorksj.ac.uk", "Lord Mayor's Walk", "YO31 7EX"},
    {"Leeds Trinity University", K_EDU, C_LEEDS, 1, "GB-UKPRN", "10003863", "leedstrinity.ac.uk", "Brownberrie Lane, Horsforth", "LS18 5HD"},
    {"The Manchester College", K_EDU, C_MANCHESTER, 1, "GB-UKPRN", "10004112", "tmc.ac.uk", "Ashton Old Road, Openshaw", "M11 2WH"},
    {"Newcastle College", K_EDU, C_NEWCASTLE, 1, "GB-UKPRN", "10004599", "ncl-coll.ac.uk", "Rye Hill Campus, Scotswood Road", "NE4 7SA"},
    {"The Sheffield College", K_EDU, C_SHEFFIELD, 1, "GB-UKPRN", "10005788", "sheffcol.ac.uk", "City Campus, Granville Road", "S2 2RL"},
    /* Housing associations (Mutuals Public Register / Companies House) */
    {"Incommunities Group", K_HOUSING, C_SHIPLEY, 2, "GB-MPR", "30163R", "incommunities.co.uk", "The Quays, Victoria Street", "BD17 7BN"},
    {"Thirteen Group", K_HOUSING, C_STOCKTON, 2, "GB-MPR", "31289R", "thirteengroup.co.uk", "Northshore, North Shore Road", "TS18 2NB"},
    {"Karbon Homes", K_HOUSING, C_NEWCASTLE, 2, "GB-MPR", "29811R", "karbonhomes.co.uk", "Number Five, Gosforth Park Avenue", "NE12 8EG"},
    {"Gentoo Group", K_HOUSING, C_SUNDERLAND, 2, "GB-MPR", "29654R", "gentoogroup.com", "Emperor House, 2 Emperor Way, Doxford International Business Park", "SR3 3XR"},
    {"Yorkshire Housing", K_HOUSING, C_LEEDS, 2, "GB-MPR", "29842R", "yorkshirehousing.co.uk", "6 Wellington Place", "LS1 4AP"},
    {"Jigsaw Homes Group", K_HOUSING, C_ASHTON, 1, "GB-MPR", "30377R", "jigsawhomes.org.uk", "Cavendish 249, Cavendish Street", "OL6 7AT"},
    {"Home Group", K_HOUSING, C_NEWCASTLE, 2, "GB-COH", "02885181", "homegroup.org.uk", "Ridley House, Regent Centre, Gosforth", "NE3 3JE"},
    {"Bernicia Group", K_HOUSING, C_ASHINGTON, 1, "GB-MPR", "29775R", "bernicia.com", "Oakwood Way, Ashwood Business Park", "NE63 0XF"},
    /* Outside the North */
    {"Birmingham City Council", K_COUNCIL, C_BIRMINGHAM, 2, "GB-LAE", "BIR", "birmingham.gov.uk", "Council House, Victoria Square", "B1 1BB"},
    {"Nottingham City Council", K_COUNCIL, C_NOTTINGHAM, 1, "GB-LAE", "NGM", "nottinghamcity.gov.uk", "Loxley House, Station Street", "NG2 3NG"},
    {"Bristol City Council", K_COUNCIL, C_BRISTOL, 1, "GB-LAE", "BST", "bristol.gov.uk", "City Hall, College Green", "BS1 5TR"},
    {"Cambridgeshire County Council", K_COUNCIL, C_HUNTINGDON, 1, "GB-LAE", "CAM", "cambridgeshire.gov.uk", "New Shire Hall, Emery Crescent, Alconbury Weald", "PE28 4YE"},
    {"Kent County Council", K_COUNCIL, C_MAIDSTONE, 1, "GB-LAE", "KEN", "kent.gov.uk", "Sessions House, County Road", "ME14 1XQ"},
    {"London Borough of Camden", K_COUNCIL, C_LONDON, 1, "GB-LAE", "CMD", "camden.gov.uk", "5 Pancras Square", "N1C 4AG"},
    {"Cabinet Office", K_CENTRAL, C_LONDON, 1, "GB-GOR", "D2", "gov.uk", "70 Whitehall", "SW1A 2AS"},
    {"Department for Education", K_CENTRAL, C_LONDON, 1, "GB-GOR", "D6", "gov.uk", "Sanctuary Buildings, Great Smith Street", "SW1P 3BT"},
};

enum { NBUYERS = NELEM(BUYERS) };

/* What each kind of buyer builds systems for ("%d" in IT titles). */
static const char *const DOMAINS[K_COUNT][16] = {
    [K_COUNCIL] = {"adult social care", "children's services", "housing repairs", "revenues and benefits",
                   "highways", "waste and recycling", "planning and building control", "licensing",
                   "school admissions", "parking enforcement", "libraries", "customer contact", "public health",
                   "HR and payroll", NULL},
    [K_NHS] = {"patient flow", "outpatient booking", "theatre scheduling", "pharmacy stock control", "maternity",
               "radiology reporting", "pathology results", "staff rostering", "clinical coding", "community nursing",
               "virtual wards", "patient communications", NULL},
    [K_EDU] = {"student records", "research data", "timetabling", "admissions", "library services",
               "virtual learning environment", "student wellbeing", "lecture capture", NULL},
    [K_POLICE] = {"digital evidence", "case files", "command and control", "crime recording", "body-worn video",
                  "duty planning", "custody records", NULL},
    [K_FIRE] = {"mobilising", "fire safety inspections", "duty planning", "fleet and equipment", "training records",
                NULL},
    [K_CA] = {"bus franchising", "transport data", "concessionary travel", "adult skills", "journey planning",
              "smart ticketing", "grants", NULL},
    [K_HOUSING] = {"tenancy management", "responsive repairs", "rent collection", "damp and mould reporting",
                   "planned maintenance", "lettings", NULL},
    [K_CENTRAL] = {"grants", "casework", "correspondence handling", "data sharing", NULL},
};

/* Where buyers publish tender documents (said in the description). */
static const char *portal_for(const BuyerDef *b) {
  switch (b->kind) {
  case K_NHS: return "Atamis";
  case K_EDU: return "In-Tend";
  case K_HOUSING: return "Delta eSourcing";
  case K_POLICE:
  case K_FIRE: return "BlueLight e-tendering";
  case K_CENTRAL: return "Find a Tender";
  default: break;
  }
  switch (CITIES[b->city].region) {
  case R_NE: return "the NEPO portal (Open Opportunities)";
  case R_NW: return "The Chest";
  case R_YH: return "YORtender";
  default: return "ProContract";
  }
}

/* Sites a buyer of each kind builds, cleans and guards ("%S"; %L is one of
 * the districts of the buyer's town). */
static const char *const SITES[K_COUNT][10] = {
    [K_COUNCIL] = {"%L Library", "%L Leisure Centre", "%L Community Centre", "%L Primary School", "%L Depot",
                   "%L Family Hub", "%L Day Centre", "%L Household Waste Recycling Centre", "%L Sports Centre",
                   "%L Children's Home"},
    [K_NHS] = {"%L Health Centre", "%L Community Clinic", "the %T hospital site", "the pathology laboratory",
               "the estates and facilities depot", "%L Primary Care Centre", "the main outpatients building", NULL},
    [K_EDU] = {"the main library", "the sports centre", "the engineering building", "the students' union",
               "the science building", "the %L campus", "halls of residence in %L", NULL},
    [K_POLICE] = {"%L Police Station", "the %L custody suite", "the force headquarters", "the %L operational hub",
                  "the firearms training centre", NULL},
    [K_FIRE] = {"%L Fire Station", "%L Community Fire Station", "the training centre", "the service headquarters",
                NULL},
    [K_CA] = {"%L Bus Station", "%L Interchange", "the %L park and ride site", "%L station car park",
              "the %L transport hub", NULL},
    [K_HOUSING] = {"the %L estate", "homes in %L", "%L Court sheltered housing scheme", "flats in %L",
                   "the %L independent living scheme", NULL},
    [K_CENTRAL] = {"offices in %T", "the %T hub", NULL},
};

/* ----------------------------------------------------- lines of work -- */

/* Sectors, with the share of notices they take (out of 100): IT and digital
 * is one sector among many, as in real public procurement. */
enum { S_WORKS, S_CARE, S_HEALTH, S_FM, S_TRANSPORT, S_EDUCATION, S_PROF, S_IT, S_ENERGY, S_COUNT };

typedef struct {
  uint8_t weight;
  const char *budget;        /* the planning budget's description */
  const char *scope[6];      /* sentences for the description */
  const char *frameworks[4]; /* what a call-off is from */
  const char *cores[12];     /* supplier name cores: "Pennine Roofing Ltd" */
  const char *nationals[4];  /* large firms working nationally (invented) */
} SectorDef;

static const SectorDef SECTORS[S_COUNT] = {
    [S_WORKS] = {18, "Capital programme",
                 {"Works will take place in occupied buildings and must be phased to keep services running.",
                  "Contractors must hold Constructionline Gold (or equivalent) and CHAS or SafeContractor accreditation.",
                  "The works will be let under the NEC4 Engineering and Construction Contract, Option A.",
                  "A site visit will be held during the tender period; bidders are strongly encouraged to attend.",
                  "The contractor will act as principal contractor under the CDM Regulations 2015.",
                  "Ten per cent of labour hours should be filled by local people and apprentices."},
                 {"YORbuild3", "the North West Construction Hub", "the NEPO Construction Works framework", "Procure Partnerships"},
                 {"Construction", "Building Contractors", "Roofing", "Joinery", "Civil Engineering", "Groundworks",
                  "Electrical Contractors", "Building Services", "Scaffolding", "Demolition", "Plumbing and Heating",
                  "Windows and Doors"},
                 {"Albion Construction Group plc", "Greyfriars Infrastructure plc", "Carrick & Marsh Building plc",
                  "Halstead Moore Contracting Ltd"}},
    [S_CARE] = {10, "Adult and children's social care budget",
                {"Providers must be registered with the Care Quality Commission and rated Good or Outstanding.",
                 "Care workers must be paid at least the Real Living Wage and paid for travel time.",
                 "The service will be commissioned on outcomes, with quarterly contract monitoring.",
                 "TUPE is expected to apply to staff currently delivering the service.",
                 "The service must be available seven days a week, including bank holidays."},
                {"the council's dynamic purchasing system for care and support", "the regional flexible purchasing system for children's placements"},
                {"Home Care", "Care Services", "Supported Living", "Community Care", "Care and Support",
                 "Family Support", "Fostering", "Homecare", "Care at Home"},
                {"Brightwater Care Group Ltd", "Hearthstone Healthcare plc", "Oakleigh Care Services Ltd"}},
    [S_HEALTH] = {9, "Clinical services budget",
                  {"The provider must be registered with the Care Quality Commission for the regulated activities concerned.",
                   "Activity and outcomes will be reported monthly against the national data sets.",
                   "Products must conform to UKCA or CE marking requirements.",
                   "The service must meet NHS waiting time standards.",
                   "Clinical governance arrangements will be reviewed at quarterly contract meetings."},
                  {"NHS Supply Chain", "NHS Shared Business Services", "HealthTrust Europe"},
                  {"Healthcare", "Medical", "Diagnostics", "Clinical Services", "Therapy Services", "Pharmacy Services",
                   "Medical Supplies", "Physiotherapy"},
                  {"Meridian Healthcare Services plc", "Caxton Medical Supplies Ltd", "Harbourside Diagnostics Ltd"}},
    [S_FM] = {14, "Facilities revenue budget",
              {"TUPE is expected to apply to staff currently delivering the service.",
               "The contractor must hold ISO 9001 and ISO 14001 certification.",
               "Performance will be measured against monthly key performance indicators, with service credits.",
               "Staff working in schools or care settings must hold enhanced DBS checks.",
               "Bidders are encouraged to visit the sites before submitting a tender."},
              {"the CCS Facilities Management and Workplace Services framework", "the YPO facilities management framework",
               "the NEPO facilities management framework"},
              {"Cleaning Services", "Facilities Management", "Grounds Maintenance", "Security", "Catering",
               "Waste Management", "Pest Control", "Lift Services", "Fire Protection", "Environmental Services"},
              {"Sterling Facilities Services plc", "Aldgate FM Group plc", "Beacon Integrated Services plc",
               "Pinnacle Estates Services Ltd"}},
    [S_TRANSPORT] = {8, "Transport budget",
                     {"Vehicles must meet Euro VI emission standards or be zero-emission.",
                      "Drivers and passenger assistants must hold enhanced DBS checks.",
                      "Operators must hold a valid PSV operator's licence where required.",
                      "Routes and timetables may change during the contract as needs change."},
                     {"the ESPO vehicle hire framework", "the CCS vehicle purchase framework", "the YPO vehicle framework"},
                     {"Coaches", "Travel", "Taxis", "Minibus Hire", "Fleet Services", "Vehicle Hire", "Commercial Vehicles",
                      "Motor Engineers"},
                     {"Kingsway Travel Group plc", "Atlas Fleet Solutions Ltd", "Redwing Commercial Vehicles plc"}},
    [S_EDUCATION] = {6, "Skills and learning budget",
                     {"Training must be delivered by qualified tutors and lead to recognised qualifications where appropriate.",
                      "Providers must have safeguarding policies and enhanced DBS checks for all staff.",
                      "Delivery will be in community venues across %T and online.",
                      "Learner numbers, achievement and progression will be reported each quarter."},
                     {"the ESPO learning and development framework", "the YPO training framework"},
                     {"Training", "Learning", "Education", "Skills", "Tutoring", "Outdoor Education", "Academy"},
                     {"Brightpath Learning Ltd", "Northstar Skills Group plc"}},
    [S_PROF] = {11, "Corporate services budget",
                {"Suppliers must hold professional indemnity insurance of at least £5 million.",
                 "Staff must be members of the relevant professional body (RICS, RIBA, ICE, CIPFA or the Law Society).",
                 "Work will be commissioned through task orders with agreed deliverables and day rates.",
                 "Bidders must declare any conflict of interest.",
                 "Findings must be presented in plain English with clear recommendations."},
                {"the CCS Management Consultancy Framework Four", "the CCS Legal Services Panel", "the NEPO professional services framework",
                 "the Bloom professional services framework"},
                {"Consulting", "Surveyors", "Architects", "Associates", "Advisory", "Planning Consultants",
                 "Engineering Consultants", "Cost Consultants", "Research", "Solicitors"},
                {"Whitcombe Baird LLP", "Ashdown Partners LLP", "Harrow & Finch LLP", "Lindqvist Consulting Ltd"}},
    [S_IT] = {17, "Digital and technology budget",
              {"The solution must be hosted in the UK and meet UK GDPR.",
               "The supplier must hold Cyber Essentials Plus and ISO/IEC 27001 certification.",
               "The service must meet WCAG 2.2 AA where users interact with it.",
               "Implementation, data migration, training and ongoing support are included.",
               "Integration with existing systems must be through open, documented APIs."},
              {"Crown Commercial Service G-Cloud 14", "Crown Commercial Service Technology Services 3",
               "YPO ICT Solutions", "Crown Commercial Service Network Services 3"},
              {"Data", "Cloud", "Digital", "Software", "Systems", "Networks", "Analytics", "Cyber", "Tech", "IT Services",
               "Web", "Computing"},
              {"Lattice Digital Services plc", "Crownpoint Technology plc", "Vantage Data Group plc",
               "Keystone IT Solutions Ltd"}},
    [S_ENERGY] = {7, "Energy and climate budget",
                  {"Installers must be MCS certified and registered with NICEIC or an equivalent scheme.",
                   "Carbon savings must be measured and reported each year.",
                   "Installation must comply with BS 7671 and manufacturers' requirements.",
                   "The project supports the buyer's commitment to reach net zero."},
                  {"the YPO energy framework", "the CCS heat networks and electricity generation assets framework",
                   "the ESPO energy framework"},
                  {"Energy", "Solar", "Heat Pumps", "Renewables", "Environmental", "Ecology", "Arboriculture",
                   "Lighting"},
                  {"Greenridge Energy Services plc", "Solarwise Renewables Ltd", "Everlight Infrastructure plc"}},
};

enum { F_GOODS = 1, F_WORKS = 2, F_ANNUAL = 4, F_FRAMEWORK = 8, F_QTY = 16 };

/* One line of work: its CPV code, a title and an aim ("... a supplier to
 * %a."), both templates (see expand), what it is worth (per year with
 * F_ANNUAL) and how long it runs. */
typedef struct {
  uint8_t sector, flags, weight, mmin, mmax;
  uint16_t kinds;
  uint32_t lo, hi; /* pounds */
  const char *cpv, *title, *aim;
} LineDef;

#define KNHS KM(K_NHS)
#define KCOUNCIL KM(K_COUNCIL)
#define KHOUSE KM(K_HOUSING)
#define KEDU KM(K_EDU)
#define KCA KM(K_CA)

static const LineDef LINES[] = {
    /* Construction and works */
    {S_WORKS, F_WORKS, 5, 2, 9, K_ESTATE, 40000, 900000, "45261900", "{Roof replacement|Re-roofing works|Flat roof renewal} at %S",
     "replace the roof coverings, insulation and rainwater goods at %S"},
    {S_WORKS, F_WORKS, 5, 4, 18, K_ESTATE, 150000, 6000000, "45453000", "{Refurbishment|Remodelling|Internal refurbishment} of %S",
     "refurbish %S, including new mechanical and electrical services"},
    {S_WORKS, F_WORKS, 2, 12, 24, KCOUNCIL, 4000000, 25000000, "45214200", "New {primary school|special school|SEND school} in %L",
     "design and build a new {two-form entry primary school|special school for around 120 pupils|school for pupils with special educational needs and disabilities} in %L"},
    {S_WORKS, F_WORKS, 4, 6, 12, KCOUNCIL | KCA, 250000, 8000000, "45233222",
     "{Carriageway resurfacing|Footway reconstruction|Highway surfacing} programme %Y: %L and surrounding areas",
     "resurface carriageways and footways across %L as part of the %Y highway maintenance programme"},
    {S_WORKS, F_WORKS, 4, 6, 24, KCOUNCIL | KHOUSE, 300000, 9000000, "45421100",
     "{Window and door replacement|Kitchen and bathroom replacement|Planned improvements} programme, %L",
     "carry out planned improvements to homes in %L, with residents living in their homes throughout"},
    {S_WORKS, F_WORKS, 3, 4, 12, K_ESTATE, 200000, 3000000, "45331000",
     "{Heat decarbonisation|Low-carbon heating|Air source heat pump} works at %S",
     "replace gas boilers at %S with air source heat pumps and improve the building fabric"},
    {S_WORKS, F_WORKS, 3, 2, 9, K_ESTATE, 30000, 1500000, "45343000",
     "{Fire door replacement|Fire safety remedial works|Fire compartmentation works} at %S",
     "carry out the fire safety works identified in the fire risk assessment of %S"},
    {S_WORKS, F_WORKS, 3, 1, 9, K_ESTATE, 20000, 800000, "45310000",
     "{Electrical rewiring|LED lighting upgrade|Electrical infrastructure upgrade} at %S",
     "upgrade the electrical installation at %S to BS 7671"},
    {S_WORKS, F_WORKS, 2, 2, 8, K_ESTATE, 30000, 1200000, "45111100", "{Demolition of|Asbestos removal and demolition at} %S",
     "demolish %S safely, including the removal of asbestos, and leave the site ready for redevelopment"},
    {S_WORKS, F_WORKS, 2, 3, 12, KCOUNCIL | KCA, 100000, 4000000, "45221111",
     "{Bridge strengthening|Bridge deck repairs|Retaining wall repairs} on the %L road network",
     "strengthen and repair highway structures in %L"},
    {S_WORKS, F_WORKS, 2, 6, 18, KCOUNCIL | KCA, 300000, 6000000, "45233162",
     "Active travel scheme: {cycle route|walking and cycling improvements|segregated cycle lane} in %L",
     "build safer walking and cycling routes in %L"},
    {S_WORKS, F_WORKS | F_FRAMEWORK, 2, 48, 48, K_ESTATE | KCA, 20000000, 120000000, "45000000",
     "{Minor works|Construction works|Building maintenance and minor works} framework {%Y|for %T and the surrounding area}",
     "appoint contractors to a framework for {minor works|construction and refurbishment projects|building maintenance and minor works} across its estate"},
    /* Social care */
    {S_CARE, F_ANNUAL, 4, 36, 60, KCOUNCIL, 300000, 6000000, "85312000",
     "{Home care|Care at home|Domiciliary care} services: %L {zone|and surrounding area}",
     "provide personal care and support at home for adults in %L"},
    {S_CARE, F_ANNUAL, 3, 36, 60, KCOUNCIL | KHOUSE, 150000, 2000000, "85311000",
     "{Supported living|Extra care housing support|Housing-related support} service, %L",
     "provide care and support to {people in supported living|residents of extra care housing|people at risk of losing their homes} in %L"},
    {S_CARE, F_ANNUAL, 2, 36, 60, KCOUNCIL | KHOUSE, 150000, 1500000, "85323000",
     "{Telecare and community alarm|Technology enabled care|Telecare monitoring and response} service for %T",
     "help vulnerable people live safely and independently at home, with 24/7 alarm monitoring and response"},
    {S_CARE, F_ANNUAL, 2, 24, 60, KCOUNCIL, 500000, 5000000, "85311100",
     "{Block-booked nursing care beds|Residential care for older people|Intermediate care beds} in %L",
     "{secure nursing care beds for older people|provide residential care for older people|provide short-stay intermediate care beds} in %L"},
    {S_CARE, F_ANNUAL, 3, 36, 60, KCOUNCIL, 100000, 3000000, "85100000",
     "{Stop smoking|Sexual health|Drug and alcohol treatment|Weight management|0-19 public health nursing} service for %T",
     "deliver {a stop smoking service|an integrated sexual health service|drug and alcohol treatment and recovery|a weight management programme|health visiting and school nursing} for residents of %T"},
    {S_CARE, F_FRAMEWORK, 1, 48, 48, KCOUNCIL, 5000000, 60000000, "85311300",
     "{Children's residential placements|Independent fostering placements|Short breaks for disabled children} {framework|flexible purchasing system}",
     "{secure good-quality residential placements|secure good-quality fostering placements|provide short breaks} for children and young people close to home"},
    {S_CARE, F_ANNUAL, 2, 36, 60, KCOUNCIL | KNHS, 60000, 400000, "85312300",
     "{Advocacy|Carers' support|Mental health recovery|Befriending} service {in %T|for %L}",
     "provide {independent advocacy|support for unpaid carers|community-based recovery support|befriending for isolated older people} for people in %T"},
    /* Health */
    {S_HEALTH, F_ANNUAL, 2, 12, 60, KNHS, 500000, 12000000, "85150000",
     "{Community diagnostic centre|Mobile MRI|Mobile CT|Ultrasound} {services|capacity} for %T",
     "provide additional diagnostic imaging capacity for patients in %T"},
    {S_HEALTH, F_GOODS, 3, 24, 48, KNHS, 200000, 8000000, "33140000",
     "Supply of {wound care products|continence products|orthopaedic implants|dialysis consumables|surgical instruments}",
     "supply {wound care|continence|orthopaedic|renal|theatre} products to its hospitals and community teams"},
    {S_HEALTH, F_ANNUAL, 2, 24, 60, KNHS, 300000, 4000000, "85121200",
     "{Audiology|Dermatology|Ophthalmology|Musculoskeletal|Community podiatry} service in %L",
     "provide a community {audiology|dermatology|eye care|musculoskeletal|podiatry} service for patients in %L"},
    {S_HEALTH, F_GOODS, 2, 12, 84, KNHS | KEDU, 100000, 4000000, "33100000",
     "{Ultrasound scanners|Patient monitoring systems|Infusion pumps|Hospital beds and mattresses} with maintenance",
     "supply {ultrasound scanners|patient monitors|infusion pumps|beds and pressure-relieving mattresses} with training and maintenance"},
    {S_HEALTH, F_ANNUAL, 1, 36, 60, KNHS, 200000, 3000000, "85140000",
     "{Pathology courier|Sterile services|Decontamination} service for %T",
     "provide a reliable {pathology courier|sterile services|decontamination} service across its sites"},
    /* Facilities */
    {S_FM, F_ANNUAL, 4, 24, 60, K_ESTATE | KCA, 30000, 800000, "90910000",
     "{Cleaning services|Office and window cleaning|Deep cleaning services} at %S",
     "provide cleaning services at %S to a consistent, measurable standard"},
    {S_FM, F_ANNUAL, 3, 24, 48, K_ESTATE | KCA, 40000, 600000, "79710000",
     "{Security guarding|Manned guarding and key holding|Security and CCTV monitoring} at %S",
     "provide {security guarding|key holding and alarm response|CCTV monitoring} at %S"},
    {S_FM, F_ANNUAL, 3, 36, 84, KCOUNCIL | KHOUSE | KEDU | KNHS, 40000, 600000, "77310000",
     "{Grounds maintenance|Grass cutting and grounds maintenance|Tree surgery and arboricultural works} in %L",
     "maintain parks, verges and green spaces in %L"},
    {S_FM, F_ANNUAL, 2, 36, 60, KCOUNCIL | KEDU | KNHS, 100000, 1500000, "55520000",
     "{School catering|Catering services|Café and hospitality services|Patient catering} at %S",
     "provide healthy, good-value catering at %S"},
    {S_FM, F_ANNUAL, 3, 36, 60, K_ESTATE, 20000, 400000, "50700000",
     "{Planned and reactive maintenance|Lift maintenance|Fire alarm and sprinkler maintenance|Mechanical and electrical maintenance} at %S",
     "keep the building services at %S safe, compliant and working"},
    {S_FM, F_ANNUAL, 2, 36, 84, KCOUNCIL | KNHS | KEDU, 40000, 3000000, "90500000",
     "{Commercial waste collection|Clinical waste collection and disposal|Confidential waste shredding|Bulky waste collection} for %T",
     "collect, treat and dispose of {commercial|clinical|confidential|bulky} waste safely and legally"},
    {S_FM, F_ANNUAL, 1, 60, 84, KNHS | KEDU | KCOUNCIL, 1000000, 12000000, "79993000",
     "Total facilities management {services|contract} for {%S|its estate in %T}",
     "provide hard and soft facilities management services across its estate"},
    {S_FM, F_ANNUAL, 1, 24, 48, K_ESTATE, 10000, 250000, "90922000",
     "{Pest control|Water hygiene and legionella control|Washroom services} at %S",
     "provide {pest control|water hygiene monitoring|washroom services} at %S"},
    {S_FM, F_GOODS, 1, 6, 36, K_ESTATE, 20000, 1500000, "39130000",
     "{Office furniture|Furniture for %S|Student residence furniture}",
     "supply and install furniture for %S"},
    /* Transport */
    {S_TRANSPORT, F_ANNUAL, 3, 12, 60, KCOUNCIL, 200000, 6000000, "60130000",
     "{Home to school transport|SEND home to school transport|Passenger transport} routes: %L %Y",
     "provide safe, reliable transport to school for children and young people in %L"},
    {S_TRANSPORT, F_ANNUAL, 2, 36, 84, KCA | KCOUNCIL, 100000, 3000000, "60112000",
     "{Supported local bus services|Tendered bus services|Demand responsive transport} in %L",
     "operate {supported bus services|tendered bus services|demand responsive transport} serving %L"},
    {S_TRANSPORT, F_GOODS | F_QTY, 2, 6, 24, KCOUNCIL | KNHS | KM(K_POLICE) | KM(K_FIRE), 150000, 8000000, "34100000",
     "Supply of {refuse collection vehicles|electric vans|minibuses|gritters|electric pool cars}",
     "supply {refuse collection vehicles|electric vans|accessible minibuses|gritters|electric cars} with maintenance packages"},
    {S_TRANSPORT, F_ANNUAL, 1, 36, 60, K_ESTATE, 100000, 1500000, "50110000",
     "{Fleet maintenance and repair|Vehicle servicing and MOT testing|Tyre supply and fitting}",
     "keep its fleet of vehicles safe and on the road"},
    {S_TRANSPORT, F_ANNUAL, 1, 36, 60, KNHS, 1000000, 8000000, "60130000",
     "{Non-emergency patient transport|Patient transport} services for %T",
     "take eligible patients to and from hospital appointments safely and on time"},
    {S_TRANSPORT, F_ANNUAL, 1, 24, 48, KCOUNCIL | KNHS | KEDU, 30000, 700000, "60120000",
     "{Taxi services|Taxi and private hire services} for %T",
     "provide taxis for {staff and client journeys|staff, patient and client journeys} in %T"},
    /* Education and training */
    {S_EDUCATION, 0, 2, 12, 48, K_ALL, 50000, 1500000, "80530000",
     "{Apprenticeship training|Level 3 and 5 apprenticeship programmes|Management apprenticeships}",
     "provide apprenticeship training for its staff"},
    {S_EDUCATION, F_ANNUAL, 2, 12, 36, KCOUNCIL | KCA, 100000, 2000000, "80400000",
     "{Adult education|ESOL|Adult skills|Digital skills for adults} provision in %L",
     "deliver {adult learning|English for speakers of other languages|adult skills|digital skills} courses in %L"},
    {S_EDUCATION, 0, 2, 12, 36, K_ALL, 20000, 500000, "80570000",
     "{Leadership and management|Mandatory and statutory|Customer service} training programme",
     "provide {leadership and management|mandatory and statutory|customer service} training for staff"},
    {S_EDUCATION, F_ANNUAL, 1, 12, 48, KCOUNCIL, 80000, 2000000, "80100000",
     "{Alternative provision|Home tuition|Careers guidance} for {pupils|young people} in %T",
     "provide {alternative education|tuition|careers advice} for children and young people in %T"},
    /* Professional services */
    {S_PROF, F_ANNUAL, 1, 36, 60, K_ALL, 40000, 400000, "79212000", "{Internal audit|External audit|Counter-fraud} services",
     "provide {internal audit|external audit|counter-fraud} services"},
    {S_PROF, F_ANNUAL, 2, 36, 60, K_ALL, 80000, 1500000, "66510000",
     "{Property and liability insurance|Motor fleet insurance|Insurance programme|Casualty insurance}",
     "place its {property and liability|motor fleet|corporate|casualty} insurance"},
    {S_PROF, F_FRAMEWORK, 1, 48, 48, K_ALL, 500000, 10000000, "79100000",
     "{Legal services|Property legal services|Employment law} {panel|framework}",
     "appoint firms to a {legal services|property law|employment law} panel"},
    {S_PROF, 0, 3, 6, 36, K_ESTATE | KCA, 20000, 900000, "71200000",
     "{Architectural|Multidisciplinary design|Quantity surveying|Structural engineering} services for %S",
     "provide {architectural|design team|cost management|structural engineering} services for %S"},
    {S_PROF, 0, 2, 3, 12, K_ALL, 15000, 250000, "71241000",
     "{Feasibility study|Options appraisal|Masterplan} for {the regeneration of %L|%S}",
     "{carry out a feasibility study|appraise the options|prepare a masterplan} for {the regeneration of %L|the future of %S}"},
    {S_PROF, F_ANNUAL, 1, 24, 48, K_ALL, 200000, 10000000, "79620000",
     "{Temporary agency staff|Interim and executive recruitment|Locum and agency workers}",
     "supply {temporary agency workers|interim and executive staff|locum staff}"},
    {S_PROF, F_ANNUAL, 1, 36, 48, K_ALL, 30000, 600000, "79530000",
     "{Translation and interpreting|British Sign Language interpreting|Face-to-face and telephone interpreting} services",
     "provide {translation and interpreting|British Sign Language interpreting|interpreting} services"},
    {S_PROF, 0, 1, 3, 18, K_ALL, 20000, 300000, "79311000",
     "{Evaluation of|Independent review of|Resident survey for} the {%L regeneration programme|%T community safety partnership|%T housing strategy}",
     "carry out {an independent evaluation|a review|a survey} to inform its plans for %T"},
    {S_PROF, 0, 1, 6, 24, KCOUNCIL | KHOUSE, 30000, 800000, "71315300",
     "{Stock condition surveys|Asbestos surveys|Energy performance surveys} for homes in %L",
     "survey homes in %L and record their condition"},
    /* IT and digital */
    {S_IT, 0, 3, 24, 60, K_ALL, 100000, 6000000, "72262000",
     "{New|Replacement} %d system",
     "replace the existing %d system with a modern, cloud-based solution"},
    {S_IT, 0, 2, 12, 36, K_ALL, 50000, 1500000, "72230000",
     "{Development of a new %d digital service|%D online self-service portal|%D digital service: discovery and alpha}",
     "design and build an accessible online service for %d"},
    {S_IT, 0, 2, 36, 60, K_ALL, 200000, 5000000, "72510000",
     "{Cloud hosting and managed service|Data centre exit and cloud migration|Backup and disaster recovery service} for %d systems",
     "host, support and secure its %d systems in the cloud"},
    {S_IT, 0, 2, 12, 36, K_ALL, 20000, 1000000, "72820000",
     "{Penetration testing and IT health check|Security operations centre service|Managed detection and response}",
     "test and monitor the security of its networks and systems"},
    {S_IT, 0, 2, 36, 60, K_ALL, 500000, 8000000, "72720000",
     "{Wide area network replacement|SD-WAN managed service|Wi-Fi refresh across %T sites}",
     "replace its network with a secure, resilient managed service"},
    {S_IT, F_ANNUAL, 1, 36, 60, K_ALL, 200000, 3000000, "72253000",
     "{IT service desk and end user support|Managed IT support service|Out-of-hours IT support}",
     "provide responsive, user-focused IT support to staff"},
    {S_IT, F_GOODS | F_QTY, 2, 6, 36, K_ALL, 20000, 1500000, "30213100",
     "Supply of {laptops and docking stations|Chromebooks for learners|rugged tablets for mobile workers}",
     "supply {laptops and docking stations for staff|Chromebooks for learners|rugged tablets for staff working in the field}"},
    {S_IT, F_GOODS, 2, 12, 60, K_ALL, 50000, 3000000, "48000000",
     "{%D software licences and support|Replacement %d software (SaaS)|%D software replacement}",
     "renew or replace its %d software"},
    {S_IT, F_GOODS, 1, 24, 60, K_ALL, 1000000, 15000000, "48451000",
     "{Enterprise resource planning (ERP) system|Finance, HR and payroll system replacement}",
     "replace its finance, HR and procurement systems with a single cloud system"},
    {S_IT, 0, 1, 12, 36, K_ALL, 15000, 300000, "72413000",
     "{Website redesign|Intranet replacement|Website hosting and support} for %B",
     "redesign its website around the tasks users most need to complete"},
    {S_IT, 0, 1, 12, 36, K_ALL, 100000, 2500000, "72316000",
     "{Data platform and analytics service|Business intelligence and dashboards for %d|Data warehouse modernisation}",
     "bring its data together in a modern, secure analytics platform"},
    {S_IT, F_FRAMEWORK, 1, 48, 48, K_ALL, 10000000, 100000000, "72000000",
     "{Technology products and services|Digital and technology services|IT hardware and software} framework",
     "appoint suppliers to a framework for {technology products and services|digital and technology services|IT hardware and software}"},
    /* Energy and environment */
    {S_ENERGY, F_GOODS | F_ANNUAL, 1, 24, 48, K_ESTATE | KCA, 500000, 20000000, "09310000",
     "Supply of {electricity|renewable electricity|gas and electricity} %Y",
     "buy {electricity|renewable electricity|gas and electricity} for its sites"},
    {S_ENERGY, F_WORKS, 2, 3, 9, K_ESTATE, 40000, 1500000, "09332000",
     "{Solar PV installation|Solar panels and battery storage} at %S",
     "install solar panels{| and battery storage} at %S"},
    {S_ENERGY, F_ANNUAL, 1, 36, 84, KCOUNCIL, 200000, 3000000, "50232100",
     "{Street lighting maintenance|Street lighting LED conversion} in %L",
     "maintain and upgrade street lighting in %L"},
    {S_ENERGY, 0, 1, 6, 24, KCOUNCIL | KCA, 30000, 2000000, "90700000",
     "{Tree planting|Flood alleviation|Biodiversity net gain|Air quality monitoring} {scheme|programme} in %L",
     "{plant trees|reduce flood risk|create habitats|monitor air quality} in %L"},
    {S_ENERGY, 0, 2, 12, 120, KCOUNCIL | KCA | KNHS | KEDU, 50000, 4000000, "31158100",
     "{Electric vehicle charge points|EV charging infrastructure|On-street residential charge points} in %L",
     "install and operate electric vehicle charge points in %L"},
};

enum { NLINES = NELEM(LINES) };

/* ---------------------------------------------------------- suppliers -- */

/* Invented firms: a northern place or surname and what they do ("Calder
 * Roofing Ltd", "Ackroyd Home Care Ltd"), and a few large national firms per
 * sector. None is meant to be a real company. */
static const char *const SUP_PLACE[] = {
    "Pennine",     "Tyne",        "Aire Valley", "Wear",        "Mersey",      "Humber",      "Calder",
    "Dales",       "Moorland",    "Ridings",     "Irwell",      "Don Valley",  "Ouse",        "Tees",
    "Lune",        "Wharfe",      "Ribble",      "Kielder",     "Cheviot",     "Bowland",     "Holme Valley",
    "Roseberry",   "Hadrian",     "Castlegate",  "Kirkstall",   "Ancoats",     "Ouseburn",    "Quayside",
    "Red Rose",    "White Rose",  "Millstone",   "Gritstone",   "Fellside",    "Wold",        "Swaledale",
    "Wensleydale", "Nidd",        "Derwent",     "Coquet",      "Eden Valley", "Kinder",      "Saddleworth",
    "Pendle",      "Rivington",   "Bridgewater", "Canalside",   "Viaduct",     "Kestrel",     "Curlew",
    "Heron",       "Lapwing",     "Hepworth & Lister", "Oldroyd & Shaw", "Ackroyd", "Sutcliffe", "Barraclough",
    "Thwaite",     "Armitage",    "Fairclough",  "Dobson",      "Robson",      "Charlton",    "Heslop",
    "Ramsden",     "Whitworth",   "Greenhalgh",  "Haworth",     "Crossley",    "Brearley",    "Holroyd",
    "Pickersgill", "Wainwright",  "Entwistle",   "Hargreaves",  "Ormerod",     "Tattersall",  "Blenkinsop",
    "Dodds",       "Elliott",     "Bainbridge",  "Hetherington", "Scaife"};
static const char *const SUP_SUFFIX[] = {"Ltd", "Ltd", "Limited", "Ltd", "Ltd", "CIC", "Group Ltd", "Co-operative"};

enum {
  NSME = 2000,
  NSUPPLIERS = NSME + S_COUNT * 4,
  SUP_POOL_SEED = 0x50574852 /* fixed: the firms don't depend on opt->seed */
};

/* Contract values rise in steps of 2^(1/8) (x1000). */
static const uint32_t STEP[8] = {1000, 1091, 1189, 1297, 1414, 1542, 1682, 1834};

/* How many steps of 2^(1/8) above lo stay within hi. */
static uint16_t count_steps(uint64_t lo, uint64_t hi) {
  uint16_t n = 0;
  while (n < 400 && ((lo << ((n + 1) / 8)) * STEP[(n + 1) % 8] / 1000) <= hi) n++;
  return n;
}

/* ------------------------------------------------------------ the Gen -- */

typedef struct {
  uint32_t off, len;
} Str; /* a piece of g->pool */

typedef struct {
  Str party, ref, name, region, postcode; /* JSON, escaped */
  char init[10];                          /* "LCC": tender reference prefix */
} BuyerR;

typedef struct {
  Str party, ref;
  const char *name; /* raw, for descriptions */
  uint8_t region, large, sector;
} SupR;

typedef struct {
  Str obj; /* {"scheme":"CPV","id":"...","description":"..."} */
  const char *code;
} CodeR;

/* A contract a buyer awarded, so that a later notice can re-let it. */
enum { NPAST = 8, PAST_TITLE = 200 };
typedef struct {
  uint16_t line, sup;
  uint8_t dom, loc, site, named; /* the choices its title and aim were made of */
  uint8_t relet;                 /* a later notice re-lets it: no other will */
  uint64_t pick;
  int64_t astart_day, aend_day;
  char title[PAST_TITLE];
} Past;

enum { NKEY_REG = S_COUNT * R_COUNT * 2, NKEY_SEC = S_COUNT * 2 };

struct Gen {
  Rng rng;
  uint64_t key, counter;
  int64_t now, today, pa23_day;
  Buf pool; /* all pre-rendered JSON */
  Str prefix; /* "\"ocds-ph4xq1-": opening quote + escaped prefix + '-' */
  BuyerR buyers[NBUYERS];
  uint32_t buyer_cum[NBUYERS], buyer_total;
  uint8_t ndomains[K_COUNT], nsites[K_COUNT];
  SupR sup[NSUPPLIERS];
  char supnames[NSUPPLIERS][80];
  uint16_t nsup;
  /* supplier indexes grouped by (sector, region, large) and (sector, large) */
  uint16_t by_reg[NSUPPLIERS], by_sec[NSUPPLIERS];
  uint16_t off_reg[NKEY_REG + 1], off_sec[NKEY_SEC + 1];
  CodeR codes[NLINES];
  uint8_t line_code[NLINES];
  uint16_t line_steps[NLINES];
  /* per kind of buyer and sector: the lines it can let, with cumulative weights */
  uint8_t kline[K_COUNT][S_COUNT][NLINES];
  uint16_t kcum[K_COUNT][S_COUNT][NLINES], nkline[K_COUNT][S_COUNT];
  size_t ncodes;
  Past past[NBUYERS][NPAST];
  uint8_t npast[NBUYERS], past_next[NBUYERS];
  /* per-notice scratch */
  Buf raw, title, desc0, desc1, ref, common, amend;
};

static Str pool_mark(Gen *g) { return (Str){(uint32_t)g->pool.len, 0}; }
static Str pool_end(Gen *g, Str s) { s.len = (uint32_t)(g->pool.len - s.off); return s; }
static void add_str(Buf *b, const Gen *g, Str s) { buf_add(b, g->pool.data + s.off, s.len); }
static void add_buf(Buf *b, const Buf *s) { buf_add(b, s->data, s->len); }

/* "key":"escaped value" */
static void add_kv(Buf *b, const char *key, const char *val) {
  buf_addc(b, '"');
  buf_adds(b, key);
  ADDL(b, "\":");
  buf_add_json_str(b, val);
}

/* Lower-case letters and digits of s, for e-mail addresses and URLs. */
static void slug(const char *s, char *out, size_t cap) {
  size_t n = 0;
  for (; *s && n + 1 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 'A' && c <= 'Z') out[n++] = (char)(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out[n++] = (char)c;
  }
  out[n] = 0;
}

/* Initials of the capitalised words: "Leeds City Council" -> "LCC". */
static void initials(const char *s, char out[10]) {
  size_t n = 0;
  int start = 1;
  for (; *s && n < 8; s++) {
    if (start && *s >= 'A' && *s <= 'Z') out[n++] = *s;
    start = *s == ' ' || *s == '-' || *s == '(';
  }
  out[n] = 0;
}

static void render_address(Buf *b, const char *street, const City *c, const char *postcode) {
  ADDL(b, "\"address\":{");
  add_kv(b, "streetAddress", street);
  buf_addc(b, ',');
  add_kv(b, "locality", c->name);
  buf_addc(b, ',');
  add_kv(b, "region", region_name(ITL[c->region]));
  buf_addc(b, ',');
  add_kv(b, "postalCode", postcode);
  ADDL(b, ",\"countryName\":\"United Kingdom\"}");
}

static void render_buyer(Gen *g, Rng *r, size_t i) {
  const BuyerDef *d = &BUYERS[i];
  const City *c = &CITIES[d->city];
  BuyerR *br = &g->buyers[i];
  char phone[20], email[128], pid[64];
  make_phone(r, c, phone);
  static const char *const teams[] = {"Procurement Team", "Commercial Services", "Corporate Procurement",
                                      "Strategic Procurement", "Procurement and Contracts"};
  static const char *const boxes[] = {"procurement", "commercial", "corporate.procurement", "strategic.procurement",
                                      "contracts"};
  const char *maildomain = d->kind == K_NHS ? "nhs.net" : d->domain;
  char contact[64];
  if (rng_pm(r, 600)) {
    uint32_t t = rng_below(r, NELEM(teams));
    snprintf(contact, sizeof contact, "%s", teams[t]);
    if (d->kind == K_NHS) { /* "leedsth.nhs.uk" -> leedsth.procurement@nhs.net */
      const char *dot = strchr(d->domain, '.');
      size_t n = dot ? (size_t)(dot - d->domain) : strlen(d->domain);
      snprintf(email, sizeof email, "%.*s.procurement@nhs.net" DEMO_TLD, (int)n, d->domain);
    } else {
      snprintf(email, sizeof email, "%s@%s" DEMO_TLD, boxes[t], maildomain);
    }
  } else {
    const char *f = PICK(r, FIRST_NAMES), *l = PICK(r, LAST_NAMES);
    char fs[32], ls[32];
    snprintf(contact, sizeof contact, "%s %s", f, l);
    slug(f, fs, sizeof fs), slug(l, ls, sizeof ls);
    snprintf(email, sizeof email, "%s.%s@%s" DEMO_TLD, fs, ls, maildomain);
  }
  snprintf(pid, sizeof pid, "%s-%s", d->scheme, d->id);
  initials(d->name, br->init);

  Buf *b = &g->pool;
  br->party = pool_mark(g);
  buf_addc(b, '{');
  add_kv(b, "id", pid);
  buf_addc(b, ',');
  add_kv(b, "name", d->name);
  ADDL(b, ",\"identifier\":{");
  add_kv(b, "scheme", d->scheme);
  buf_addc(b, ',');
  add_kv(b, "id", d->id);
  ADDL(b, "},");
  render_address(b, d->street, c, d->postcode);
  ADDL(b, ",\"contactPoint\":{");
  add_kv(b, "name", contact);
  buf_addc(b, ',');
  add_kv(b, "email", email);
  buf_addc(b, ',');
  add_kv(b, "telephone", phone);
  ADDL(b, "},\"roles\":[\"buyer\"]}");
  br->party = pool_end(g, br->party);

  br->ref = pool_mark(g);
  buf_addc(b, '{');
  add_kv(b, "id", pid);
  buf_addc(b, ',');
  add_kv(b, "name", d->name);
  buf_addc(b, '}');
  br->ref = pool_end(g, br->ref);

  br->name = pool_mark(g);
  buf_add_json_str(b, d->name);
  br->name = pool_end(g, br->name);
  br->region = pool_mark(g);
  buf_add_json_str(b, region_name(ITL[c->region]));
  br->region = pool_end(g, br->region);
  br->postcode = pool_mark(g);
  buf_add_json_str(b, d->postcode);
  br->postcode = pool_end(g, br->postcode);
}

static uint32_t gcd(uint32_t a, uint32_t b) {
  while (b) {
    uint32_t t = a % b;
    a = b, b = t;
  }
  return a;
}

static void render_supplier(Gen *g, Rng *r, const char *name, int sector, int large, int vcse) {
  uint16_t i = g->nsup++;
  /* Cities weighted by size: suppliers cluster in the big cities; national
   * firms have their head office in London or a big northern city. */
  uint32_t cum[C_COUNT], total = 0;
  for (int c = 0; c < C_COUNT; c++) cum[c] = total += CITIES[c].size;
  uint32_t c = 0;
  if (large && rng_pm(r, 500)) {
    static const uint8_t hq[] = {C_LONDON, C_LONDON, C_BIRMINGHAM, C_MANCHESTER, C_LEEDS, C_BRISTOL};
    c = PICK(r, hq);
  } else {
    uint32_t pick = rng_below(r, total);
    while (cum[c] <= pick) c++;
  }
  const City *city = &CITIES[c];
  char pid[40], num[16], street[96], email[128], s[96], phone[20], postcode[12];
  if (city->region == R_SCO) /* Scottish companies: SC + 6 digits */
    snprintf(num, sizeof num, "SC%06u", (unsigned)(100000 + (i * 7717u) % 800000));
  else
    snprintf(num, sizeof num, "%08u", (unsigned)(4000000 + (i * 4999u) % 9000000));
  snprintf(pid, sizeof pid, "GB-COH-%s", num);
  make_postcode(r, city, postcode);
  make_phone(r, city, phone);
  if (rng_pm(r, 400))
    snprintf(street, sizeof street, "Unit %u, %s, %s", (unsigned)rng_range(r, 1, 40), PICK(r, BUILDINGS),
             PICK(r, STREETS));
  else
    snprintf(street, sizeof street, "%u %s", (unsigned)rng_range(r, 1, 200), PICK(r, STREETS));
  slug(name, s, 24);
  static const char *const mbox[] = {"hello", "info", "bids", "tenders", "enquiries", "office"};
  static const char *const tlds[] = {"co.uk", "co.uk", "com", "uk", "co.uk"};
  const char *tld = tlds[rng_below(r, NELEM(tlds))];
  snprintf(email, sizeof email, "%s@%s.%s" DEMO_TLD, PICK(r, mbox), s, tld);

  SupR *sr = &g->sup[i];
  snprintf(g->supnames[i], sizeof g->supnames[i], "%s", name);
  sr->name = g->supnames[i];
  sr->region = city->region;
  sr->large = (uint8_t)large;
  sr->sector = (uint8_t)sector;
  Buf *b = &g->pool;
  sr->party = pool_mark(g);
  buf_addc(b, '{');
  add_kv(b, "id", pid);
  buf_addc(b, ',');
  add_kv(b, "name", name);
  ADDL(b, ",\"identifier\":{\"scheme\":\"GB-COH\",");
  add_kv(b, "id", num);
  ADDL(b, "},");
  render_address(b, street, city, postcode);
  ADDL(b, ",\"contactPoint\":{");
  add_kv(b, "email", email);
  buf_addc(b, ',');
  add_kv(b, "telephone", phone);
  ADDL(b, "},\"details\":{\"scale\":");
  buf_add_json_str(b, large ? "large" : "sme");
  ADDL(b, ",\"vcse\":");
  if (vcse) ADDL(b, "true"); else ADDL(b, "false");
  ADDL(b, "},\"roles\":[\"supplier\"]}");
  sr->party = pool_end(g, sr->party);
  sr->ref = pool_mark(g);
  buf_addc(b, '{');
  add_kv(b, "id", pid);
  buf_addc(b, ',');
  add_kv(b, "name", name);
  buf_addc(b, '}');
  sr->ref = pool_end(g, sr->ref);
}

static int key_reg(const SupR *s) { return (s->sector * R_COUNT + s->region) * 2 + s->large; }
static int key_sec(const SupR *s) { return s->sector * 2 + s->large; }

static void render_suppliers(Gen *g) {
  Rng r;
  rng_seed(&r, SUP_POOL_SEED);
  const uint32_t np = NELEM(SUP_PLACE), ns = NELEM(SUP_SUFFIX);
  for (int sec = 0; sec < S_COUNT; sec++) {
    const SectorDef *sd = &SECTORS[sec];
    uint32_t nc = (uint32_t)count_of(sd->cores, 12), ncomb = np * nc * ns;
    uint32_t stride = 104729; /* a prime; walk the combinations without repeats */
    while (gcd(stride, ncomb) != 1) stride += 2;
    uint32_t n = NSME * sd->weight / 100;
    for (uint32_t i = 0; i < n; i++) {
      uint32_t k = (uint32_t)(((uint64_t)i * stride + 7919) % ncomb);
      const char *place = SUP_PLACE[k % np], *core = sd->cores[k / np % nc], *suffix = SUP_SUFFIX[k / np / nc];
      int social = sec == S_CARE || sec == S_EDUCATION || sec == S_ENERGY;
      if (!social && (!strcmp(suffix, "CIC") || !strcmp(suffix, "Co-operative"))) suffix = "Ltd";
      if (sec == S_PROF && rng_pm(&r, 500)) suffix = "LLP";
      char name[96];
      snprintf(name, sizeof name, "%s %s %s", place, core, suffix);
      int vcse = !strcmp(suffix, "CIC") || !strcmp(suffix, "Co-operative");
      render_supplier(g, &r, name, sec, !vcse && rng_pm(&r, 40), vcse);
    }
    for (int i = 0; i < 4 && sd->nationals[i]; i++) render_supplier(g, &r, sd->nationals[i], sec, 1, 0);
  }
  /* Counting sort into the two groupings. */
  uint16_t cnt_reg[NKEY_REG + 1] = {0}, cnt_sec[NKEY_SEC + 1] = {0};
  for (uint16_t i = 0; i < g->nsup; i++) cnt_reg[key_reg(&g->sup[i]) + 1]++, cnt_sec[key_sec(&g->sup[i]) + 1]++;
  for (int k = 0; k < NKEY_REG; k++) cnt_reg[k + 1] += cnt_reg[k];
  for (int k = 0; k < NKEY_SEC; k++) cnt_sec[k + 1] += cnt_sec[k];
  memcpy(g->off_reg, cnt_reg, sizeof cnt_reg);
  memcpy(g->off_sec, cnt_sec, sizeof cnt_sec);
  for (uint16_t i = 0; i < g->nsup; i++) {
    g->by_reg[cnt_reg[key_reg(&g->sup[i])]++] = i;
    g->by_sec[cnt_sec[key_sec(&g->sup[i])]++] = i;
  }
}

static uint8_t code_index(Gen *g, const char *code) {
  for (size_t i = 0; i < g->ncodes; i++)
    if (!strcmp(g->codes[i].code, code)) return (uint8_t)i;
  CodeR *c = &g->codes[g->ncodes];
  c->code = code;
  c->obj = pool_mark(g);
  ADDL(&g->pool, "{\"scheme\":\"CPV\",");
  add_kv(&g->pool, "id", code);
  const char *label = cpv_label(code);
  if (label) {
    buf_addc(&g->pool, ',');
    add_kv(&g->pool, "description", label);
  }
  buf_addc(&g->pool, '}');
  c->obj = pool_end(g, c->obj);
  return (uint8_t)g->ncodes++;
}

Gen *gen_new(const GenOptions *opt) {
  GenOptions o = opt ? *opt : (GenOptions){0};
  if (!o.seed) o.seed = 1;
  if (!o.ocid_prefix || !*o.ocid_prefix) o.ocid_prefix = "ocds-ph4xq1";
  Gen *g = xcalloc(1, sizeof *g);
  uint64_t s = o.seed;
  g->key = splitmix64(&s);
  rng_seed(&g->rng, splitmix64(&s));
  g->now = (int64_t)o.now;
  g->today = floor_div(g->now, 86400);
  g->pa23_day = days_from_civil(2025, 2, 24); /* Procurement Act 2023 in force */

  g->prefix = pool_mark(g);
  buf_add_json_str(&g->pool, o.ocid_prefix);
  g->pool.len--; /* drop the closing quote */
  buf_addc(&g->pool, '-');
  g->prefix = pool_end(g, g->prefix);

  Rng br; /* buyer details, like the suppliers, do not depend on the seed */
  rng_seed(&br, SUP_POOL_SEED + 1);
  for (size_t i = 0; i < NBUYERS; i++) {
    render_buyer(g, &br, i);
    g->buyer_cum[i] = g->buyer_total += BUYERS[i].weight;
  }
  for (int k = 0; k < K_COUNT; k++) {
    g->ndomains[k] = (uint8_t)count_of(DOMAINS[k], 16);
    g->nsites[k] = (uint8_t)count_of(SITES[k], 10);
  }
  render_suppliers(g);
  for (size_t i = 0; i < NLINES; i++) {
    g->line_code[i] = code_index(g, LINES[i].cpv);
    g->line_steps[i] = count_steps(LINES[i].lo, LINES[i].hi);
    for (int k = 0; k < K_COUNT; k++)
      if (LINES[i].kinds & KM(k)) {
        int sec = LINES[i].sector, n = g->nkline[k][sec]++;
        g->kline[k][sec][n] = (uint8_t)i;
        g->kcum[k][sec][n] = (uint16_t)((n ? g->kcum[k][sec][n - 1] : 0) + LINES[i].weight);
      }
  }
  return g;
}

void gen_free(Gen *g) {
  if (!g) return;
  buf_release(&g->pool);
  Buf *bufs[] = {&g->raw, &g->title, &g->desc0, &g->desc1, &g->ref, &g->common, &g->amend};
  for (size_t i = 0; i < NELEM(bufs); i++) buf_release(bufs[i]);
  free(g);
}

/* ------------------------------------------------------------- notices -- */

static const char *const OPENINGS[] = {
    "%B is seeking a suitably experienced %R to %a.",
    "%B invites tenders from suitably qualified organisations to %a.",
    "%B wishes to appoint a %R to %a.",
    "%B intends to award a contract to %a.",
};

static const char *const REQUIREMENTS[] = {
    "Bidders must demonstrate experience of delivering similar contracts.",
    "Suppliers must comply with the Modern Slavery Act 2015 and pay at least the Real Living Wage.",
    "Clarification questions must be submitted at least seven days before the closing date.",
    "An online supplier engagement session will be held during the tender period.",
    "%B reserves the right not to award a contract.",
    "Prices must be submitted in pounds sterling, excluding VAT.",
    "Bidders must provide a carbon reduction plan in line with PPN 006.",
    "Bidders must hold, or commit to obtaining, Cyber Essentials certification.",
};

static const char *const PLANNING_RATIONALES[] = {
    "Early market engagement: %B plans to %a and invites suppliers to respond to a request for information.",
    "Preliminary market engagement notice. %B intends to %a; a formal procurement is expected to follow.",
    "%B is planning to %a and would like to hear from interested suppliers before going to tender.",
};

typedef struct {
  const BuyerDef *buyer;
  const char *domain, *aim, *loc, *site, *role;
  int *named;    /* set when a buyer, place or system was written */
  uint64_t pick; /* the notice's choices: the i-th {...} of any template takes the same */
  char fy[16]; /* "2026/27" */
} Ctx;

static void expand(Buf *b, const char *t, size_t n, const Ctx *c);

static void expand_s(Buf *b, const char *t, const Ctx *c) { expand(b, t, strlen(t), c); }

/* Expands the first n bytes of template t into raw text: %B (buyer), %T
 * (town), %L (district), %S (site), %d (IT domain), %D (IT domain,
 * capitalised), %a (the aim), %Y (financial year), %R (supplier, provider or
 * contractor), and {one|or|other}: a choice (no nesting; the choice is
 * expanded in turn). The i-th choice of every template of a notice is made
 * from the same number, so a title and its aim written alike agree:
 * "{Audiology|Dermatology} service" and "provide {hearing|skin} care". */
static void expand(Buf *b, const char *t, size_t n, const Ctx *c) {
  const char *p = t, *end = t + n;
  uint64_t gi = 0;
  while (p < end) {
    if (*p == '{') {
      const char *close = memchr(p, '}', (size_t)(end - p));
      if (!close) close = end;
      uint32_t nalt = 1;
      for (const char *q = p + 1; q < close; q++) nalt += *q == '|';
      uint32_t k = (uint32_t)(mix64(c->pick + gi++) % nalt);
      const char *s = p + 1;
      while (k--) s = (const char *)memchr(s, '|', (size_t)(close - s)) + 1;
      const char *e = memchr(s, '|', (size_t)(close - s));
      expand(b, s, (size_t)((e ? e : close) - s), c);
      p = close < end ? close + 1 : end;
      continue;
    }
    if (*p != '%' || p + 1 >= end) {
      size_t k = 1 + strcspn(p + 1, "%{"); /* templates are C strings: safe past end */
      if (k > (size_t)(end - p)) k = (size_t)(end - p);
      buf_add(b, p, k);
      p += k;
      continue;
    }
    switch (p[1]) {
    case 'B': buf_adds(b, c->buyer->name), *c->named = 1; break;
    case 'T': buf_adds(b, CITIES[c->buyer->city].name), *c->named = 1; break;
    case 'L': buf_adds(b, c->loc), *c->named = 1; break;
    case 'S': expand_s(b, c->site, c), *c->named = 1; break;
    case 'd': buf_adds(b, c->domain), *c->named = 1; break;
    case 'D':
      *c->named = 1;
      buf_addc(b, (char)(c->domain[0] >= 'a' && c->domain[0] <= 'z' ? c->domain[0] - 32 : c->domain[0]));
      buf_adds(b, c->domain + 1);
      break;
    case 'a': expand_s(b, c->aim, c); break;
    case 'Y': buf_adds(b, c->fy); break;
    case 'R': buf_adds(b, c->role); break;
    default: buf_addc(b, '%'), buf_addc(b, p[1]); break;
    }
    p += 2;
  }
}

static void add_human_date(Buf *b, int64_t day) {
  int y, m, d;
  civil_from_days(day, &y, &m, &d);
  add_u64(b, (uint64_t)d); /* "1 May 2026", without printf: several per notice */
  buf_addc(b, ' ');
  buf_adds(b, MONTH_NAMES[m - 1]);
  buf_addc(b, ' ');
  add_u64(b, (uint64_t)(y < 0 ? 0 : y));
}

static void add_months_text(Buf *b, int months) {
  static const char *const years[] = {"", "one year", "two years", "three years", "four years", "five years",
                                      "six years", "seven years", "eight years", "nine years", "ten years"};
  if (months % 12 == 0 && months / 12 <= 10) buf_adds(b, years[months / 12]);
  else if (months == 1) buf_adds(b, "one month");
  else buf_addf(b, "%d months", months);
}

static uint64_t round_value(uint64_t v) {
  uint64_t q = v < 100000 ? 500 : v < 1000000 ? 5000 : 50000;
  v = (v + q / 2) / q * q;
  return v < 5000 ? 5000 : v;
}

/* Log-uniform in [lo, hi] in steps of 2^(1/8) (nsteps of them, see
 * count_steps), integers only: many small contracts in each line of work, few
 * near its top. */
static uint64_t pick_between(Rng *r, uint64_t lo, uint64_t hi, uint16_t nsteps) {
  uint32_t j = rng_below(r, (uint32_t)nsteps + 1);
  uint64_t v = (lo << (j / 8)) * STEP[j % 8] / 1000;
  v += v * rng_below(r, 90) / 1000; /* within the step */
  return v > hi ? hi : v;
}

/* A supplier for a contract of buyer bi in a sector: often one of the
 * buyer's two regulars in that sector (repeat winners), else a firm from
 * the buyer's region or anywhere; large firms more often for large values. */
static uint16_t pick_supplier(Gen *g, size_t bi, int sec, int region, uint64_t value) {
  Rng *r = &g->rng;
  unsigned pm_large = value > 10000000 ? 650 : value > 2500000 ? 300 : value > 500000 ? 100 : 25;
  int l = rng_pm(r, pm_large);
  int kr = (sec * R_COUNT + region) * 2 + l, ks = sec * 2 + l;
  uint32_t nreg = g->off_reg[kr + 1] - g->off_reg[kr], nsec = g->off_sec[ks + 1] - g->off_sec[ks];
  if (!nsec) { /* no firm of that scale in the sector: the other scale */
    ks ^= 1, kr ^= 1;
    nreg = g->off_reg[kr + 1] - g->off_reg[kr], nsec = g->off_sec[ks + 1] - g->off_sec[ks];
  }
  if (nreg && rng_pm(r, 550)) {
    uint64_t h = mix64(((uint64_t)bi << 20) ^ ((uint64_t)kr << 4) ^ rng_below(r, 2));
    return g->by_reg[g->off_reg[kr] + h % nreg];
  }
  if (nreg && rng_pm(r, 550)) return g->by_reg[g->off_reg[kr] + rng_below(r, nreg)];
  return g->by_sec[g->off_sec[ks] + rng_below(r, nsec)];
}

/* A time of day in working hours, in seconds. */
static int64_t work_tod(Rng *r) { return 8 * 3600 + rng_below(r, 10 * 3600); }

/* Plan of one notice: what happened when. *_t are UTC seconds, *_day UTC day
 * numbers; a has_ flag clear means the event did not happen. */
typedef struct {
  int planning_only, has_plan, has_amend, has_award, has_contract, has_cancel;
  int amend_kind; /* 0 deadline extended, 1 value revised, 2 clarification */
  int64_t plan_t, pub_t, amend_t, award_t, contract_t, cancel_t, decided_t;
  int64_t end0_t, end_t;                 /* tenderPeriod.endDate before / after the amendment */
  int64_t cstart_day, cend_day, cmax_day; /* contract period planned in the tender (days) */
  int64_t astart_day, aend_day, amax_day; /* contract period once awarded (days) */
  uint64_t value0, value, min_value, award_value;
  int ntenderers, nsup;
  uint16_t sup[4];
} Plan;

static void nid_text(uint64_t nid, char out[20]) {
  static const char hex[] = "0123456789abcdef";
  int j = 0;
  for (int i = 15; i >= 0; i--) {
    out[j++] = hex[(nid >> (i * 4)) & 15];
    if (i == 8 || i == 4) out[j++] = '-';
  }
  out[j] = 0;
}

static void add_period(Buf *b, int64_t start_t, int64_t end_t, int64_t max_t) {
  ADDL(b, "{\"startDate\":");
  add_date(b, start_t);
  ADDL(b, ",\"endDate\":");
  add_date(b, end_t);
  if (max_t) {
    ADDL(b, ",\"maxExtentDate\":");
    add_date(b, max_t);
  }
  buf_addc(b, '}');
}

/* A line of work for a buyer of kind k: a sector by its share, then a line of
 * that sector the buyer could let. */
static size_t pick_line(const Gen *g, Rng *r, int k) {
  for (;;) {
    uint32_t x = rng_below(r, 100), acc = 0;
    int sec = 0;
    while (sec + 1 < S_COUNT && x >= acc + SECTORS[sec].weight) acc += SECTORS[sec++].weight;
    int n = g->nkline[k][sec];
    if (!n) continue; /* nothing this buyer lets in that sector */
    uint32_t y = rng_below(r, g->kcum[k][sec][n - 1]);
    int i = 0;
    while (y >= g->kcum[k][sec][i]) i++;
    return g->kline[k][sec][i];
  }
}

size_t gen_next_notice(Gen *g, Buf *out) {
  Rng *r = &g->rng;
  Plan pl;
  memset(&pl, 0, sizeof pl);
  const int64_t today = g->today;

  /* Who buys. */
  uint32_t x = rng_below(r, g->buyer_total);
  size_t bi;
  {
    size_t lo = 0, hi = NBUYERS - 1;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (g->buyer_cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    bi = lo;
  }
  const BuyerDef *bd = &BUYERS[bi];
  const BuyerR *br = &g->buyers[bi];
  const City *city = &CITIES[bd->city];

  /* When: decide the final deadline first, then work backwards and forwards. */
  pl.planning_only = rng_pm(r, 40);
  int open = !pl.planning_only && rng_pm(r, 345);
  int64_t end_day, end0_day, pub_day;
  if (pl.planning_only) {
    pl.plan_t = (today - rng_range(r, 1, 90)) * 86400 + work_tod(r);
    end_day = end0_day = pub_day = today + rng_range(r, 30, 150); /* planned, not published */
  } else {
    static const int64_t deadline_tod[] = {12 * 3600, 12 * 3600, 17 * 3600, 14 * 3600, 23 * 3600 + 59 * 60 + 59};
    end_day = open ? today + rng_range(r, 1, 60) : today - rng_range(r, 1, 1095);
    pl.has_amend = rng_pm(r, 220);
    pl.amend_kind = (int)rng_below(r, 4);
    if (pl.amend_kind == 3) pl.amend_kind = 0; /* deadline extensions are the commonest */
    int64_t ext = pl.has_amend && pl.amend_kind == 0 ? rng_range(r, 7, 21) : 0;
    end0_day = end_day - ext;
    pub_day = end0_day - rng_range(r, 14, 60);
    if (pub_day > today - 1) pub_day = today - rng_range(r, 1, 10);
    int64_t alo = pub_day + 1, ahi = (end0_day - 1 < today - 1 ? end0_day - 1 : today - 1);
    if (pl.has_amend && alo <= ahi) {
      pl.amend_t = rng_range(r, alo, ahi) * 86400 + work_tod(r);
    } else {
      pl.has_amend = 0;
      end0_day = end_day;
    }
    int64_t dtod = PICK(r, deadline_tod);
    pl.end_t = end_day * 86400 + dtod;
    pl.end0_t = end0_day * 86400 + dtod;
    pl.pub_t = pub_day * 86400 + work_tod(r);
    pl.has_plan = rng_pm(r, 200);
    if (pl.has_plan) pl.plan_t = (pub_day - rng_range(r, 14, 120)) * 86400 + work_tod(r);
    if (!open) {
      int64_t aday = end_day + rng_range(r, 14, 120);
      if (aday <= today - 1 && rng_pm(r, 620)) {
        pl.has_award = 1;
        pl.award_t = aday * 86400 + work_tod(r);
        int64_t dday = aday - rng_range(r, 0, 7);
        pl.decided_t = (dday > end_day ? dday : end_day + 1) * 86400;
        int64_t cday = aday + rng_range(r, 5, 45);
        if (cday <= today - 1 && rng_pm(r, 500) && !(pl.has_plan && pl.has_amend)) {
          pl.has_contract = 1;
          pl.contract_t = cday * 86400 + work_tod(r);
        }
      } else {
        int64_t cday = end_day + rng_range(r, 1, 60);
        if (cday <= today - 1 && rng_pm(r, 60)) {
          pl.has_cancel = 1;
          pl.cancel_t = cday * 86400 + work_tod(r);
        }
      }
    }
  }
  if (pl.planning_only) pl.has_plan = 1;

  /* What: a re-let of a contract the buyer awarded before (its incumbent
   * named), or a new line of work. */
  Past *relet = NULL;
  if (!pl.planning_only && g->npast[bi] && rng_pm(r, 400)) {
    /* one whose contract is running and ends within about a year */
    for (uint32_t k = 0, k0 = rng_below(r, g->npast[bi]); k < g->npast[bi] && !relet; k++) {
      Past *p = &g->past[bi][(k0 + k) % g->npast[bi]];
      if (!p->relet && p->astart_day + 90 < pub_day && pub_day > p->aend_day - 400 && pub_day < p->aend_day + 60)
        relet = p;
    }
    if (relet) relet->relet = 1;
  }
  size_t li = relet ? relet->line : pick_line(g, r, bd->kind);
  const LineDef *ld = &LINES[li];
  const SectorDef *sd = &SECTORS[ld->sector];
  uint32_t nloc = (uint32_t)count_of(city->loc, 8);
  int named = 0;
  Ctx ctx = {bd, NULL, ld->aim, NULL, NULL, NULL, &named, relet ? relet->pick : rng_next(r), ""};
  uint32_t dom_i = rng_below(r, g->ndomains[bd->kind]), loc_i = rng_below(r, nloc),
           site_i = rng_below(r, g->nsites[bd->kind]);
  if (relet) dom_i = relet->dom, loc_i = relet->loc, site_i = relet->site;
  ctx.domain = DOMAINS[bd->kind][dom_i];
  ctx.loc = city->loc[loc_i];
  ctx.site = SITES[bd->kind][site_i];
  ctx.role = ld->sector == S_WORKS ? "contractor" : ld->sector == S_CARE || ld->sector == S_HEALTH ? "provider" : "supplier";
  uint8_t main_code = g->line_code[li];
  const int goods = ld->flags & F_GOODS, works = ld->flags & F_WORKS, fw = ld->flags & F_FRAMEWORK;

  /* How long: the contract starts the month after award. */
  static const int durations[] = {1, 2, 3, 4, 6, 9, 12, 18, 24, 36, 48, 60, 84, 120};
  int nd = 0, months = ld->mmin;
  for (size_t i = 0; i < NELEM(durations); i++) nd += durations[i] >= ld->mmin && durations[i] <= ld->mmax;
  for (uint32_t i = 0, k = rng_below(r, (uint32_t)nd); i < NELEM(durations); i++)
    if (durations[i] >= ld->mmin && durations[i] <= ld->mmax && !k--) {
      months = durations[i];
      break;
    }
  static const int extensions[] = {0, 0, 6, 12, 12, 24};
  int ext_months = works || fw ? 0 : PICK(r, extensions);
  pl.cstart_day = add_months_first(end_day + 30, 1);
  pl.cend_day = add_months_first(pl.cstart_day, months) - 1;
  pl.cmax_day = ext_months ? add_months_first(pl.cstart_day, months + ext_months) - 1 : 0;
  if (pl.has_award) { /* the contract starts after the award, whatever the tender planned */
    int64_t aday = floor_div(pl.award_t, 86400);
    pl.astart_day = aday < pl.cstart_day - 14 ? pl.cstart_day : add_months_first(aday + 14, 1);
    pl.aend_day = add_months_first(pl.astart_day, months) - 1;
    pl.amax_day = ext_months ? add_months_first(pl.astart_day, months + ext_months) - 1 : 0;
  }
  {
    int y, m, d;
    civil_from_days(pl.cstart_day, &y, &m, &d);
    if (m < 4) y--; /* UK financial year starts in April */
    y %= 10000; /* "2026/27", without printf: this runs for every notice */
    ctx.fy[0] = (char)('0' + y / 1000), ctx.fy[1] = (char)('0' + y / 100 % 10);
    put2(ctx.fy + 2, y % 100), ctx.fy[4] = '/', put2(ctx.fy + 5, (y + 1) % 100), ctx.fy[7] = 0;
  }

  /* How much: what the line of work is worth, for the whole term. */
  pl.value = pick_between(r, ld->lo, ld->hi, g->line_steps[li]);
  if (ld->flags & F_ANNUAL) pl.value = pl.value * (uint64_t)months / 12;
  pl.value = round_value(pl.value);
  pl.value0 = pl.value;
  if (pl.has_amend && pl.amend_kind == 1) pl.value0 = round_value(pl.value * (uint64_t)rng_range(r, 70, 90) / 100);
  int has_min = rng_pm(r, 250);
  if (has_min) pl.min_value = round_value(pl.value * (uint64_t)rng_range(r, 40, 80) / 100);
  if (pl.min_value >= pl.value0) has_min = 0;
  int incumbent_won = 0;
  if (pl.has_award) {
    pl.award_value = round_value(pl.value * (uint64_t)rng_range(r, 72, 104) / 100);
    pl.nsup = fw ? (int)rng_range(r, 3, 4) : rng_pm(r, 80) ? (int)rng_range(r, 2, 3) : 1;
    int i0 = 0;
    if (relet && rng_pm(r, 550)) pl.sup[i0++] = relet->sup, incumbent_won = 1;
    int i = i0;
    for (; i < pl.nsup; i++) {
      uint16_t s;
      int dup, tries = 0;
      do {
        s = pick_supplier(g, bi, ld->sector, city->region, pl.value);
        dup = 0;
        for (int j = 0; j < i; j++) dup |= pl.sup[j] == s;
        if (relet && !incumbent_won && s == relet->sup) dup = 1; /* the incumbent lost */
      } while (dup && ++tries < 50);
      if (dup) break; /* a sector with too few firms: fewer suppliers */
      pl.sup[i] = s;
    }
    pl.nsup = i;
    pl.ntenderers = pl.nsup + (int)rng_below(r, 3) + (rng_pm(r, 500) ? (int)rng_below(r, 9) : 0);
    /* (a direct award has one bidder: fixed below, once the method is known) */
  }

  /* How: method, suitability, documents. */
  uint32_t mx = fw ? rng_below(r, 80) : rng_below(r, 100);
  const char *method = mx < 50 ? "open" : mx < 80 ? "selective" : mx < 90 ? "limited" : "direct";
  const int pa23 = pub_day >= g->pa23_day;
  const char *details;
  if (mx < 50) {
    static const char *const any[] = {"Open procedure", "Open procedure", "Below threshold - open competition"};
    details = PICK(r, any);
  } else if (mx < 80) {
    static const char *const old[] = {"Call-off from a framework agreement", "Call-off from a framework agreement",
                                      "Restricted procedure", "Competitive procedure with negotiation",
                                      "Competitive dialogue"};
    static const char *const neu[] = {"Call-off from a framework agreement", "Call-off from a framework agreement",
                                      "Competitive flexible procedure", "Competitive flexible procedure",
                                      "Restricted procedure"};
    details = pa23 ? PICK(r, neu) : PICK(r, old);
    if (fw && !strncmp(details, "Call-off", 8)) details = pa23 ? "Competitive flexible procedure" : "Restricted procedure";
  } else if (mx < 90) {
    static const char *const old[] = {"Negotiated procedure without prior publication",
                                      "Below threshold - request for quotation"};
    static const char *const neu[] = {"Direct award (Procurement Act 2023, section 41)",
                                      "Below threshold - request for quotation"};
    details = pa23 ? PICK(r, neu) : PICK(r, old);
  } else {
    static const char *const any[] = {"Direct award", "Direct award from a framework agreement"};
    details = PICK(r, any);
  }
  if (!strncmp(details, "Below threshold", 15) && pl.value >= 200000) /* over the threshold: a full procedure */
    details = mx < 50 ? "Open procedure" : pa23 ? "Direct award (Procurement Act 2023, section 41)"
                                                : "Negotiated procedure without prior publication";
  int calloff = strstr(details, "framework") != NULL;
  if (mx >= 90 && pl.has_award) pl.ntenderers = pl.nsup;
  int sme = rng_pm(r, pl.value < 250000 ? 850 : pl.value < 5000000 ? 550 : 250);
  int vcse = sme && rng_pm(r, ld->sector == S_CARE ? 400 : 120);
  int docs = rng_pm(r, 500), spec = docs && rng_pm(r, 400);
  char postcode[12];
  int other_pc = rng_pm(r, 300);
  if (other_pc) make_postcode(r, city, postcode);
  int quantity = !(ld->flags & F_QTY) ? 0 : ld->sector == S_IT ? (int)rng_range(r, 2, 200) * 10 : (int)rng_range(r, 2, 40);

  /* Texts: title, description (and its amended version), reference. */
  int y, m, d;
  civil_from_days(pub_day, &y, &m, &d);
  buf_reset(&g->ref);
  buf_addf(&g->ref, "%s-%d-%04u", br->init, y, (unsigned)rng_range(r, 1, 9999));

  buf_reset(&g->raw);
  if (relet) {
    buf_adds(&g->raw, relet->title);
    named = relet->named;
  } else {
    named = 0;
    expand_s(&g->raw, ld->title, &ctx);
  }
  char title_raw[PAST_TITLE];
  size_t tlen = g->raw.len < PAST_TITLE - 1 ? g->raw.len : PAST_TITLE - 1;
  memcpy(title_raw, g->raw.data, tlen), title_raw[tlen] = 0;
  const int title_named = named;
  {
    /* A title that names no place, system or year: the years or the buyer, as
     * real titles often do, so that two buyers' notices read differently. */
    if (!named) {
      uint32_t k = rng_below(r, 4);
      int64_t ey = 0;
      int sy, sm, sdd, ey2, em, ed;
      civil_from_days(pl.cstart_day, &sy, &sm, &sdd);
      civil_from_days(pl.cend_day, &ey2, &em, &ed);
      ey = ey2;
      if (k < 2) {
        buf_addc(&g->raw, ' ');
        add_u64(&g->raw, (uint64_t)sy);
        buf_addc(&g->raw, '-');
        add_u64(&g->raw, (uint64_t)(ey > sy ? ey : sy + 1));
      } else {
        ADDL(&g->raw, " for ");
        buf_adds(&g->raw, bd->name);
      }
    }
  }
  buf_reset(&g->title);
  buf_add_json_str(&g->title, buf_cstr(&g->raw));

  buf_reset(&g->raw);
  expand_s(&g->raw, PICK(r, OPENINGS), &ctx);
  uint32_t nscope = (uint32_t)count_of(sd->scope, 6), s1 = rng_below(r, nscope), s2 = rng_below(r, nscope);
  buf_addc(&g->raw, ' ');
  expand_s(&g->raw, sd->scope[s1], &ctx);
  if (s2 != s1 && rng_pm(r, 600)) {
    buf_addc(&g->raw, ' ');
    expand_s(&g->raw, sd->scope[s2], &ctx);
  }
  if (relet) {
    if (relet->aend_day >= pub_day) {
      buf_addf(&g->raw, " This is a re-procurement: the current contract, held by %s, ends on ", g->sup[relet->sup].name);
      add_human_date(&g->raw, relet->aend_day);
      buf_addc(&g->raw, '.');
    } else {
      buf_addf(&g->raw, " This replaces the previous contract, held by %s, which ended on ", g->sup[relet->sup].name);
      add_human_date(&g->raw, relet->aend_day);
      buf_addc(&g->raw, '.');
    }
  }
  if (fw) {
    buf_adds(&g->raw, " The framework will be divided into lots by value and area; call-off contracts will be awarded by "
                      "direct award or further competition. It will run for ");
  } else {
    if (calloff) buf_addf(&g->raw, " This is a call-off from %s.", count_of(sd->frameworks, 4) ? PICK(r, sd->frameworks) : "a framework agreement");
    ADDL(&g->raw, " The contract will run for ");
  }
  add_months_text(&g->raw, months);
  if (ext_months) {
    ADDL(&g->raw, " with the option to extend for up to a further ");
    add_months_text(&g->raw, ext_months);
  }
  ADDL(&g->raw, ", from ");
  add_human_date(&g->raw, pl.cstart_day);
  buf_addc(&g->raw, '.');
  uint32_t q1 = rng_below(r, NELEM(REQUIREMENTS)), q2 = rng_below(r, NELEM(REQUIREMENTS));
  buf_addc(&g->raw, ' ');
  expand_s(&g->raw, REQUIREMENTS[q1], &ctx);
  if (q2 != q1 && rng_pm(r, 300)) {
    buf_addc(&g->raw, ' ');
    expand_s(&g->raw, REQUIREMENTS[q2], &ctx);
  }
  if (rng_pm(r, 300)) {
    static const char *const sv[] = {"10%", "10%", "15%", "20%"};
    ADDL(&g->raw, " Social value will account for ");
    buf_adds(&g->raw, PICK(r, sv));
    ADDL(&g->raw, " of the evaluation, with a focus on local jobs and skills in ");
    buf_adds(&g->raw, city->name);
    buf_addc(&g->raw, '.');
  }
  if (sme)
    buf_adds(&g->raw, vcse ? " This opportunity is suitable for small and medium-sized enterprises (SMEs) and for "
                             "voluntary, community and social enterprises (VCSEs)."
                           : " This opportunity is suitable for small and medium-sized enterprises (SMEs).");
  ADDL(&g->raw, " Tender documents are available on ");
  buf_adds(&g->raw, portal_for(bd));
  ADDL(&g->raw, " (reference ");
  add_buf(&g->raw, &g->ref);
  ADDL(&g->raw, ").");
  buf_reset(&g->desc0);
  buf_add_json_str(&g->desc0, buf_cstr(&g->raw));
  buf_reset(&g->desc1);
  if (pl.has_amend) {
    if (pl.amend_kind == 0) {
      ADDL(&g->raw, " Update: the closing date has been extended to ");
      add_human_date(&g->raw, end_day);
      buf_addc(&g->raw, '.');
    } else if (pl.amend_kind == 1) {
      ADDL(&g->raw, " Update: the estimated contract value has been revised following market engagement.");
    } else {
      ADDL(&g->raw, " Update: the specification has been clarified in response to supplier questions; "
                    "see the clarification log.");
    }
    buf_add_json_str(&g->desc1, buf_cstr(&g->raw));
  }

  /* Remember the award of a recurring service, supply or framework (not
   * one-off works or studies): a later notice of this buyer may re-let it. */
  if (pl.has_award && (ld->flags & (F_ANNUAL | F_GOODS | F_FRAMEWORK)) && !works) {
    Past *p = &g->past[bi][g->past_next[bi]];
    g->past_next[bi] = (uint8_t)((g->past_next[bi] + 1) % NPAST);
    if (g->npast[bi] < NPAST) g->npast[bi]++;
    p->line = (uint16_t)li, p->sup = pl.sup[0];
    p->astart_day = pl.astart_day, p->aend_day = pl.aend_day;
    memcpy(p->title, title_raw, PAST_TITLE);
    p->dom = (uint8_t)dom_i, p->loc = (uint8_t)loc_i, p->site = (uint8_t)site_i;
    p->named = (uint8_t)title_named, p->pick = ctx.pick, p->relet = 0;
  }
  /* The parts of the tender object every release shares, after "status". */
  Buf *c = &g->common;
  buf_reset(c);
  ADDL(c, ",\"classification\":");
  add_str(c, g, g->codes[main_code].obj);
  ADDL(c, ",\"items\":[{\"id\":\"1\"");
  if (quantity) {
    ADDL(c, ",\"quantity\":");
    add_u64(c, (uint64_t)quantity);
    ADDL(c, ",\"unit\":{\"name\":\"Each\"}");
  }
  ADDL(c, ",\"deliveryAddresses\":[{\"region\":");
  add_str(c, g, br->region);
  ADDL(c, ",\"postalCode\":");
  if (other_pc) buf_add_json_str(c, postcode);
  else add_str(c, g, br->postcode);
  ADDL(c, ",\"countryName\":\"United Kingdom\"}]}]");
  ADDL(c, ",\"procurementMethod\":");
  buf_add_json_str(c, method);
  ADDL(c, ",\"procurementMethodDetails\":");
  buf_add_json_str(c, details);
  ADDL(c, ",\"mainProcurementCategory\":");
  buf_add_json_str(c, goods ? "goods" : works ? "works" : "services");
  ADDL(c, ",\"contractPeriod\":");
  add_period(c, pl.cstart_day * 86400, pl.cend_day * 86400 + 86399, pl.cmax_day ? pl.cmax_day * 86400 + 86399 : 0);
  ADDL(c, ",\"suitability\":{\"sme\":");
  if (sme) ADDL(c, "true"); else ADDL(c, "false");
  ADDL(c, ",\"vcse\":");
  if (vcse) ADDL(c, "true"); else ADDL(c, "false");
  buf_addc(c, '}');
  if (!pl.planning_only) {
    ADDL(c, ",\"datePublished\":");
    add_date(c, pl.pub_t);
  }
  if (docs && !pl.planning_only) {
    char url[256];
    Buf *rf = &g->ref;
    ADDL(c, ",\"documents\":[{\"id\":\"1\",\"documentType\":\"tenderNotice\",\"title\":\"Contract notice\",\"url\":");
    snprintf(url, sizeof url, "https://www.%s" DEMO_TLD "/procurement/opportunities/%s", bd->domain, buf_cstr(rf));
    buf_add_json_str(c, url);
    ADDL(c, ",\"datePublished\":");
    add_date(c, pl.pub_t);
    ADDL(c, ",\"format\":\"text/html\",\"language\":\"en\"}");
    if (spec) {
      ADDL(c, ",{\"id\":\"2\",\"documentType\":\"technicalSpecifications\",\"title\":\"Specification\",\"url\":");
      snprintf(url, sizeof url, "https://www.%s" DEMO_TLD "/procurement/opportunities/%s/specification.pdf", bd->domain,
               buf_cstr(rf));
      buf_add_json_str(c, url);
      ADDL(c, ",\"datePublished\":");
      add_date(c, pl.pub_t);
      ADDL(c, ",\"format\":\"application/pdf\",\"language\":\"en\"}");
    }
    buf_addc(c, ']');
  }

  /* The amendment record. */
  Buf *am = &g->amend;
  buf_reset(am);
  if (pl.has_amend) {
    static const char *const why[] = {"Deadline extended in response to clarification questions from suppliers",
                                      "Estimated value revised following market engagement",
                                      "Specification clarified in response to supplier questions"};
    ADDL(am, ",\"amendments\":[{\"id\":\"1\",\"date\":");
    add_date(am, pl.amend_t);
    ADDL(am, ",\"rationale\":");
    buf_add_json_str(am, why[pl.amend_kind]);
    buf_addc(am, '}');
    buf_addc(am, ']');
  }

  char nid[20];
  nid_text(mix64(g->counter++ ^ g->key), nid);

  /* The releases, in date order. */
  enum { REL_PLAN, REL_TENDER, REL_UPDATE, REL_AWARD, REL_CONTRACT, REL_CANCEL };
  int seq[5], n = 0;
  if (pl.has_plan) seq[n++] = REL_PLAN;
  if (!pl.planning_only) seq[n++] = REL_TENDER;
  if (pl.has_amend) seq[n++] = REL_UPDATE;
  if (pl.has_award) seq[n++] = REL_AWARD;
  if (pl.has_contract) seq[n++] = REL_CONTRACT;
  if (pl.has_cancel) seq[n++] = REL_CANCEL;

  for (int k = 0; k < n; k++) {
    int kind = seq[k];
    static const char *const tags[] = {"planning", "tender", "tenderUpdate", "award", "contract", "tenderCancellation"};
    int64_t when = kind == REL_PLAN ? pl.plan_t : kind == REL_TENDER ? pl.pub_t : kind == REL_UPDATE ? pl.amend_t
                 : kind == REL_AWARD ? pl.award_t : kind == REL_CONTRACT ? pl.contract_t : pl.cancel_t;
    int amended = pl.has_amend && kind >= REL_UPDATE;
    int with_award = kind == REL_AWARD || kind == REL_CONTRACT;

    ADDL(out, "{\"ocid\":");
    add_str(out, g, g->prefix);
    buf_adds(out, nid);
    ADDL(out, "\",\"id\":\"");
    buf_adds(out, nid);
    buf_addc(out, '-');
    add_u64(out, (uint64_t)k + 1);
    ADDL(out, "\",\"date\":");
    add_date(out, when);
    ADDL(out, ",\"tag\":[\"");
    buf_adds(out, tags[kind]);
    ADDL(out, "\"],\"initiationType\":\"tender\",\"language\":\"en\",\"parties\":[");
    add_str(out, g, br->party);
    if (with_award)
      for (int i = 0; i < pl.nsup; i++) {
        buf_addc(out, ',');
        add_str(out, g, g->sup[pl.sup[i]].party);
      }
    ADDL(out, "],\"buyer\":");
    add_str(out, g, br->ref);

    if (kind == REL_PLAN) {
      uint64_t budget = round_value(pl.value * 105 / 100);
      int fy, fm, fd;
      civil_from_days(floor_div(pl.plan_t, 86400), &fy, &fm, &fd);
      if (fm < 4) fy--; /* UK financial year starts in April */
      buf_reset(&g->raw);
      expand_s(&g->raw, PICK(r, PLANNING_RATIONALES), &ctx);
      ADDL(out, ",\"planning\":{\"rationale\":");
      buf_add_json_str(out, buf_cstr(&g->raw));
      ADDL(out, ",\"budget\":{\"id\":\"");
      buf_addf(out, "%d-%02d", fy, (fy + 1) % 100);
      ADDL(out, "\",\"description\":");
      buf_reset(&g->raw);
      buf_addf(&g->raw, "%s %d/%02d", sd->budget, fy, (fy + 1) % 100);
      buf_add_json_str(out, buf_cstr(&g->raw));
      ADDL(out, ",\"amount\":");
      add_money(out, budget);
      ADDL(out, "}}");
    }

    ADDL(out, ",\"tender\":{\"id\":");
    buf_add_json_str(out, buf_cstr(&g->ref));
    if (with_award) { /* award and contract releases say only what changed */
      ADDL(out, ",\"status\":\"complete\",\"numberOfTenderers\":");
      add_u64(out, (uint64_t)pl.ntenderers);
      buf_addc(out, '}');
      goto tender_done;
    }
    ADDL(out, ",\"title\":");
    add_buf(out, &g->title);
    ADDL(out, ",\"description\":");
    add_buf(out, amended ? &g->desc1 : &g->desc0);
    ADDL(out, ",\"status\":");
    if (kind == REL_PLAN) ADDL(out, "\"planned\"");
    else if (kind == REL_CANCEL) ADDL(out, "\"cancelled\"");
    else ADDL(out, "\"active\"");
    add_buf(out, c);
    ADDL(out, ",\"value\":");
    add_money(out, amended ? pl.value : pl.value0);
    if (has_min) {
      ADDL(out, ",\"minValue\":");
      add_money(out, pl.min_value);
    }
    if (kind != REL_PLAN) {
      ADDL(out, ",\"tenderPeriod\":{\"startDate\":");
      add_date(out, pl.pub_t);
      ADDL(out, ",\"endDate\":");
      add_date(out, amended ? pl.end_t : pl.end0_t);
      buf_addc(out, '}');
    }
    if (amended) add_buf(out, am);
    buf_addc(out, '}');
  tender_done:

    if (kind == REL_AWARD) {
      ADDL(out, ",\"awards\":[{\"id\":\"");
      buf_adds(out, nid);
      ADDL(out, "-award-1\",\"title\":");
      add_buf(out, &g->title);
      ADDL(out, ",\"status\":\"active\",\"date\":");
      add_date(out, pl.decided_t);
      ADDL(out, ",\"datePublished\":");
      add_date(out, pl.award_t);
      ADDL(out, ",\"value\":");
      add_money(out, pl.award_value);
      ADDL(out, ",\"suppliers\":[");
      for (int i = 0; i < pl.nsup; i++) {
        if (i) buf_addc(out, ',');
        add_str(out, g, g->sup[pl.sup[i]].ref);
      }
      ADDL(out, "],\"contractPeriod\":");
      add_period(out, pl.astart_day * 86400, pl.aend_day * 86400 + 86399, 0);
      ADDL(out, "}]");
    }
    if (kind == REL_CONTRACT) {
      ADDL(out, ",\"contracts\":[{\"id\":\"");
      buf_adds(out, nid);
      ADDL(out, "-contract-1\",\"awardID\":\"");
      buf_adds(out, nid);
      ADDL(out, "-award-1\",\"status\":\"active\",\"period\":");
      add_period(out, pl.astart_day * 86400, pl.aend_day * 86400 + 86399,
                 pl.amax_day ? pl.amax_day * 86400 + 86399 : 0);
      ADDL(out, ",\"value\":");
      add_money(out, pl.award_value);
      ADDL(out, ",\"dateSigned\":");
      add_date(out, pl.contract_t - 86400);
      buf_addc(out, '}');
      buf_addc(out, ']');
    }
    ADDL(out, "}\n");
  }
  return (size_t)n;
}
