/* gen.c -- deterministic, realistic OCDS 1.1 releases for the demo portal and
 * the ingest benchmark (see gen.h).
 *
 * Where the data comes from:
 *   - buyers: a hand-written table of ~160 real public bodies in the North East,
 *     North West and Yorkshire and the Humber (councils, NHS trusts and ICBs,
 *     universities and colleges, police and fire, combined authorities,
 *     housing associations), 15 invented private companies, and 8 buyers
 *     outside the North. Names, towns and postcode districts are real;
 *     identifiers, street addresses, postcode units, contacts and document
 *     URLs are illustrative, not looked up.
 *   - suppliers: 2,000 invented firms whose names are made from word parts
 *     ("Pennine Data Labs Ltd"), built from a fixed seed so the same firms
 *     appear whatever opt->seed is.
 *   - notices: one of 15 lines of work tech firms bid on, each with titles and
 *     their CPV codes, phrases for the description, value caps; dates around
 *     opt->now.
 *
 * Invariants:
 *   - Only the PRNG below (splitmix64 seeding xoshiro256**) drives choices; no
 *     rand(), time(), locale or floating point, so the same seed, now and
 *     prefix give byte-identical output on any platform.
 *   - Every release date of a notice falls on its own UTC day, strictly later
 *     than the previous one, and no later than the day before `now`; open
 *     tenders close 1-60 days after `now`, closed ones up to three years before.
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

enum { R_NE, R_NW, R_YH, R_WM, R_EM, R_SW, R_EE, R_SE, R_LON, R_SCO, R_WAL, R_COUNT };
static const char *const REGION_NAMES[R_COUNT] = {
    "North East", "North West", "Yorkshire and the Humber", "West Midlands", "East Midlands", "South West",
    "East of England", "South East", "London", "Scotland", "Wales"};

typedef struct {
  const char *name;
  uint8_t region, size; /* size: weight as a home for suppliers, 0 = none */
  const char *phone;    /* dialling code */
  const char *pc[6];    /* real postcode districts of the town */
} City;

enum {
  C_LEEDS, C_MANCHESTER, C_SALFORD, C_NEWCASTLE, C_SHEFFIELD, C_LIVERPOOL, C_BRADFORD, C_SUNDERLAND, C_HULL,
  C_YORK, C_PRESTON, C_DURHAM, C_MIDDLESBROUGH, C_GATESHEAD, C_HUDDERSFIELD, C_HALIFAX, C_WAKEFIELD, C_BARNSLEY,
  C_DONCASTER, C_ROTHERHAM, C_STOCKPORT, C_BOLTON, C_WIGAN, C_OLDHAM, C_ROCHDALE, C_BURY, C_ASHTON, C_STRETFORD,
  C_BLACKPOOL, C_BLACKBURN, C_LANCASTER, C_WARRINGTON, C_CHESTER, C_SANDBACH, C_BIRKENHEAD, C_BOOTLE, C_STHELENS,
  C_HUYTON, C_WIDNES, C_CARLISLE, C_KENDAL, C_DARLINGTON, C_HARTLEPOOL, C_STOCKTON, C_REDCAR, C_MORPETH,
  C_NSHIELDS, C_SSHIELDS, C_BEVERLEY, C_NORTHALLERTON, C_SCUNTHORPE, C_GRIMSBY, C_HARROGATE, C_ORMSKIRK,
  C_BIRMINGHAM, C_NOTTINGHAM, C_BRISTOL, C_CAMBRIDGE, C_MAIDSTONE, C_LONDON, C_EDINBURGH, C_CARDIFF, C_COUNT
};

static const City CITIES[C_COUNT] = {
    [C_LEEDS] = {"Leeds", R_YH, 30, "0113", {"LS1", "LS2", "LS6", "LS9", "LS10", "LS11"}},
    [C_MANCHESTER] = {"Manchester", R_NW, 34, "0161", {"M1", "M2", "M4", "M12", "M13", "M15"}},
    [C_SALFORD] = {"Salford", R_NW, 10, "0161", {"M3", "M5", "M6", "M50"}},
    [C_NEWCASTLE] = {"Newcastle upon Tyne", R_NE, 24, "0191", {"NE1", "NE2", "NE4", "NE6", "NE7"}},
    [C_SHEFFIELD] = {"Sheffield", R_YH, 18, "0114", {"S1", "S2", "S3", "S10", "S11"}},
    [C_LIVERPOOL] = {"Liverpool", R_NW, 18, "0151", {"L1", "L2", "L3", "L7", "L8"}},
    [C_BRADFORD] = {"Bradford", R_YH, 8, "01274", {"BD1", "BD3", "BD5", "BD7"}},
    [C_SUNDERLAND] = {"Sunderland", R_NE, 8, "0191", {"SR1", "SR2", "SR3", "SR5"}},
    [C_HULL] = {"Hull", R_YH, 8, "01482", {"HU1", "HU2", "HU3", "HU6"}},
    [C_YORK] = {"York", R_YH, 10, "01904", {"YO1", "YO10", "YO24", "YO31"}},
    [C_PRESTON] = {"Preston", R_NW, 6, "01772", {"PR1", "PR2", "PR5"}},
    [C_DURHAM] = {"Durham", R_NE, 5, "0191", {"DH1"}},
    [C_MIDDLESBROUGH] = {"Middlesbrough", R_NE, 6, "01642", {"TS1", "TS2", "TS4", "TS5"}},
    [C_GATESHEAD] = {"Gateshead", R_NE, 4, "0191", {"NE8", "NE9", "NE10"}},
    [C_HUDDERSFIELD] = {"Huddersfield", R_YH, 5, "01484", {"HD1", "HD2", "HD3"}},
    [C_HALIFAX] = {"Halifax", R_YH, 4, "01422", {"HX1", "HX2", "HX3"}},
    [C_WAKEFIELD] = {"Wakefield", R_YH, 4, "01924", {"WF1", "WF2"}},
    [C_BARNSLEY] = {"Barnsley", R_YH, 3, "01226", {"S70", "S71", "S75"}},
    [C_DONCASTER] = {"Doncaster", R_YH, 4, "01302", {"DN1", "DN2", "DN4"}},
    [C_ROTHERHAM] = {"Rotherham", R_YH, 3, "01709", {"S60", "S65"}},
    [C_STOCKPORT] = {"Stockport", R_NW, 6, "0161", {"SK1", "SK2", "SK4"}},
    [C_BOLTON] = {"Bolton", R_NW, 4, "01204", {"BL1", "BL3"}},
    [C_WIGAN] = {"Wigan", R_NW, 3, "01942", {"WN1", "WN3"}},
    [C_OLDHAM] = {"Oldham", R_NW, 3, "0161", {"OL1", "OL4", "OL8"}},
    [C_ROCHDALE] = {"Rochdale", R_NW, 2, "01706", {"OL16", "OL11"}},
    [C_BURY] = {"Bury", R_NW, 2, "0161", {"BL9"}},
    [C_ASHTON] = {"Ashton-under-Lyne", R_NW, 2, "0161", {"OL6", "OL7"}},
    [C_STRETFORD] = {"Stretford", R_NW, 2, "0161", {"M32"}},
    [C_BLACKPOOL] = {"Blackpool", R_NW, 3, "01253", {"FY1", "FY3"}},
    [C_BLACKBURN] = {"Blackburn", R_NW, 3, "01254", {"BB1", "BB2"}},
    [C_LANCASTER] = {"Lancaster", R_NW, 4, "01524", {"LA1"}},
    [C_WARRINGTON] = {"Warrington", R_NW, 6, "01925", {"WA1", "WA2"}},
    [C_CHESTER] = {"Chester", R_NW, 4, "01244", {"CH1", "CH2"}},
    [C_SANDBACH] = {"Sandbach", R_NW, 1, "01270", {"CW11"}},
    [C_BIRKENHEAD] = {"Birkenhead", R_NW, 2, "0151", {"CH41"}},
    [C_BOOTLE] = {"Bootle", R_NW, 1, "0151", {"L20"}},
    [C_STHELENS] = {"St Helens", R_NW, 2, "01744", {"WA10", "WA9"}},
    [C_HUYTON] = {"Huyton", R_NW, 1, "0151", {"L36"}},
    [C_WIDNES] = {"Widnes", R_NW, 1, "0151", {"WA8"}},
    [C_CARLISLE] = {"Carlisle", R_NW, 2, "01228", {"CA1", "CA2", "CA3"}},
    [C_KENDAL] = {"Kendal", R_NW, 2, "01539", {"LA9"}},
    [C_DARLINGTON] = {"Darlington", R_NE, 3, "01325", {"DL1", "DL3"}},
    [C_HARTLEPOOL] = {"Hartlepool", R_NE, 2, "01429", {"TS24", "TS26"}},
    [C_STOCKTON] = {"Stockton-on-Tees", R_NE, 3, "01642", {"TS18", "TS19"}},
    [C_REDCAR] = {"Redcar", R_NE, 1, "01642", {"TS10"}},
    [C_MORPETH] = {"Morpeth", R_NE, 1, "01670", {"NE61"}},
    [C_NSHIELDS] = {"North Shields", R_NE, 2, "0191", {"NE29", "NE30"}},
    [C_SSHIELDS] = {"South Shields", R_NE, 1, "0191", {"NE33", "NE34"}},
    [C_BEVERLEY] = {"Beverley", R_YH, 1, "01482", {"HU17"}},
    [C_NORTHALLERTON] = {"Northallerton", R_YH, 1, "01609", {"DL6", "DL7"}},
    [C_SCUNTHORPE] = {"Scunthorpe", R_YH, 1, "01724", {"DN15", "DN16"}},
    [C_GRIMSBY] = {"Grimsby", R_YH, 1, "01472", {"DN31", "DN32"}},
    [C_HARROGATE] = {"Harrogate", R_YH, 3, "01423", {"HG1", "HG2"}},
    [C_ORMSKIRK] = {"Ormskirk", R_NW, 1, "01695", {"L39"}},
    [C_BIRMINGHAM] = {"Birmingham", R_WM, 8, "0121", {"B1", "B2", "B3", "B4"}},
    [C_NOTTINGHAM] = {"Nottingham", R_EM, 5, "0115", {"NG1", "NG2", "NG7"}},
    [C_BRISTOL] = {"Bristol", R_SW, 6, "0117", {"BS1", "BS2", "BS8"}},
    [C_CAMBRIDGE] = {"Cambridge", R_EE, 4, "01223", {"CB1", "CB2", "CB4"}},
    [C_MAIDSTONE] = {"Maidstone", R_SE, 2, "01622", {"ME14", "ME15"}},
    [C_LONDON] = {"London", R_LON, 40, "020", {"EC1V", "EC2A", "SE1", "WC1N", "E1", "N1"}},
    [C_EDINBURGH] = {"Edinburgh", R_SCO, 4, "0131", {"EH1", "EH2", "EH3"}},
    [C_CARDIFF] = {"Cardiff", R_WAL, 3, "029", {"CF10", "CF11"}},
};

static int city_npc(const City *c) {
  int n = 0;
  while (n < 6 && c->pc[n]) n++;
  return n;
}

/* A full postcode in the city: district + sector digit + two unit letters
 * (the letters real unit codes use). */
static void make_postcode(Rng *r, const City *c, char out[12]) {
  static const char L[] = "ABDEFGHJLNPQRSTUWXYZ";
  const char *d = c->pc[rng_below(r, (uint32_t)city_npc(c))];
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
static const char *const BUILDINGS[] = {"Innovation Centre", "The Digital Exchange", "Enterprise House",
                                        "Science Park",      "Tech Hub",             "Media Centre",
                                        "Mill House",        "The Foundry",          "Northern Works"};
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

enum { K_COUNCIL, K_NHS, K_EDU, K_POLICE, K_CA, K_HOUSING, K_PRIVATE, K_CENTRAL, K_COUNT };
#define KM(k) (1u << (k))
#define K_ALL 0xffu

typedef struct {
  const char *name;
  uint8_t kind, city, weight;
  const char *scheme, *id;
  const char *domain; /* web domain; NHS bodies' mail goes to nhs.net */
} BuyerDef;

static const BuyerDef BUYERS[] = {
    /* Councils: North East */
    {"Newcastle City Council", K_COUNCIL, C_NEWCASTLE, 8, "GB-LAE", "NET", "newcastle.gov.uk"},
    {"Sunderland City Council", K_COUNCIL, C_SUNDERLAND, 5, "GB-LAE", "SND", "sunderland.gov.uk"},
    {"Gateshead Council", K_COUNCIL, C_GATESHEAD, 4, "GB-LAE", "GAT", "gateshead.gov.uk"},
    {"North Tyneside Council", K_COUNCIL, C_NSHIELDS, 3, "GB-LAE", "NTY", "northtyneside.gov.uk"},
    {"South Tyneside Council", K_COUNCIL, C_SSHIELDS, 3, "GB-LAE", "STY", "southtyneside.gov.uk"},
    {"Northumberland County Council", K_COUNCIL, C_MORPETH, 4, "GB-LAE", "NBL", "northumberland.gov.uk"},
    {"Durham County Council", K_COUNCIL, C_DURHAM, 5, "GB-LAE", "DUR", "durham.gov.uk"},
    {"Darlington Borough Council", K_COUNCIL, C_DARLINGTON, 2, "GB-LAE", "DAL", "darlington.gov.uk"},
    {"Hartlepool Borough Council", K_COUNCIL, C_HARTLEPOOL, 2, "GB-LAE", "HPL", "hartlepool.gov.uk"},
    {"Middlesbrough Council", K_COUNCIL, C_MIDDLESBROUGH, 3, "GB-LAE", "MDB", "middlesbrough.gov.uk"},
    {"Redcar and Cleveland Borough Council", K_COUNCIL, C_REDCAR, 2, "GB-LAE", "RCC", "redcar-cleveland.gov.uk"},
    {"Stockton-on-Tees Borough Council", K_COUNCIL, C_STOCKTON, 3, "GB-LAE", "STT", "stockton.gov.uk"},
    /* Councils: North West */
    {"Manchester City Council", K_COUNCIL, C_MANCHESTER, 9, "GB-LAE", "MAN", "manchester.gov.uk"},
    {"Salford City Council", K_COUNCIL, C_SALFORD, 5, "GB-LAE", "SLF", "salford.gov.uk"},
    {"Trafford Council", K_COUNCIL, C_STRETFORD, 3, "GB-LAE", "TRF", "trafford.gov.uk"},
    {"Stockport Metropolitan Borough Council", K_COUNCIL, C_STOCKPORT, 3, "GB-LAE", "SKP", "stockport.gov.uk"},
    {"Tameside Metropolitan Borough Council", K_COUNCIL, C_ASHTON, 3, "GB-LAE", "TAM", "tameside.gov.uk"},
    {"Oldham Council", K_COUNCIL, C_OLDHAM, 3, "GB-LAE", "OLD", "oldham.gov.uk"},
    {"Rochdale Borough Council", K_COUNCIL, C_ROCHDALE, 2, "GB-LAE", "RCH", "rochdale.gov.uk"},
    {"Bury Council", K_COUNCIL, C_BURY, 2, "GB-LAE", "BUR", "bury.gov.uk"},
    {"Bolton Council", K_COUNCIL, C_BOLTON, 3, "GB-LAE", "BOL", "bolton.gov.uk"},
    {"Wigan Council", K_COUNCIL, C_WIGAN, 3, "GB-LAE", "WGN", "wigan.gov.uk"},
    {"Liverpool City Council", K_COUNCIL, C_LIVERPOOL, 8, "GB-LAE", "LIV", "liverpool.gov.uk"},
    {"Sefton Council", K_COUNCIL, C_BOOTLE, 3, "GB-LAE", "SFT", "sefton.gov.uk"},
    {"Knowsley Council", K_COUNCIL, C_HUYTON, 2, "GB-LAE", "KWL", "knowsley.gov.uk"},
    {"St Helens Borough Council", K_COUNCIL, C_STHELENS, 2, "GB-LAE", "SHN", "sthelens.gov.uk"},
    {"Wirral Council", K_COUNCIL, C_BIRKENHEAD, 3, "GB-LAE", "WRL", "wirral.gov.uk"},
    {"Lancashire County Council", K_COUNCIL, C_PRESTON, 7, "GB-LAE", "LAN", "lancashire.gov.uk"},
    {"Blackpool Council", K_COUNCIL, C_BLACKPOOL, 3, "GB-LAE", "BPL", "blackpool.gov.uk"},
    {"Blackburn with Darwen Borough Council", K_COUNCIL, C_BLACKBURN, 2, "GB-LAE", "BBD", "blackburn.gov.uk"},
    {"Preston City Council", K_COUNCIL, C_PRESTON, 2, "GB-LAE", "PRE", "preston.gov.uk"},
    {"Lancaster City Council", K_COUNCIL, C_LANCASTER, 2, "GB-LAE", "LAC", "lancaster.gov.uk"},
    {"Cheshire East Council", K_COUNCIL, C_SANDBACH, 4, "GB-LAE", "CHE", "cheshireeast.gov.uk"},
    {"Cheshire West and Chester Council", K_COUNCIL, C_CHESTER, 4, "GB-LAE", "CHW", "cheshirewestandchester.gov.uk"},
    {"Warrington Borough Council", K_COUNCIL, C_WARRINGTON, 3, "GB-LAE", "WRT", "warrington.gov.uk"},
    {"Halton Borough Council", K_COUNCIL, C_WIDNES, 2, "GB-LAE", "HAL", "halton.gov.uk"},
    {"Cumberland Council", K_COUNCIL, C_CARLISLE, 3, "GB-LAE", "CMB", "cumberland.gov.uk"},
    {"Westmorland and Furness Council", K_COUNCIL, C_KENDAL, 2, "GB-LAE", "WMF", "westmorlandandfurness.gov.uk"},
    /* Councils: Yorkshire and the Humber */
    {"Leeds City Council", K_COUNCIL, C_LEEDS, 9, "GB-LAE", "LDS", "leeds.gov.uk"},
    {"City of Bradford Metropolitan District Council", K_COUNCIL, C_BRADFORD, 6, "GB-LAE", "BRD", "bradford.gov.uk"},
    {"Sheffield City Council", K_COUNCIL, C_SHEFFIELD, 8, "GB-LAE", "SHF", "sheffield.gov.uk"},
    {"Kirklees Council", K_COUNCIL, C_HUDDERSFIELD, 4, "GB-LAE", "KIR", "kirklees.gov.uk"},
    {"Calderdale Council", K_COUNCIL, C_HALIFAX, 3, "GB-LAE", "CLD", "calderdale.gov.uk"},
    {"Wakefield Council", K_COUNCIL, C_WAKEFIELD, 3, "GB-LAE", "WKF", "wakefield.gov.uk"},
    {"Barnsley Metropolitan Borough Council", K_COUNCIL, C_BARNSLEY, 3, "GB-LAE", "BNS", "barnsley.gov.uk"},
    {"City of Doncaster Council", K_COUNCIL, C_DONCASTER, 3, "GB-LAE", "DNC", "doncaster.gov.uk"},
    {"Rotherham Metropolitan Borough Council", K_COUNCIL, C_ROTHERHAM, 3, "GB-LAE", "ROT", "rotherham.gov.uk"},
    {"Hull City Council", K_COUNCIL, C_HULL, 5, "GB-LAE", "KHL", "hull.gov.uk"},
    {"East Riding of Yorkshire Council", K_COUNCIL, C_BEVERLEY, 3, "GB-LAE", "ERY", "eastriding.gov.uk"},
    {"North Yorkshire Council", K_COUNCIL, C_NORTHALLERTON, 5, "GB-LAE", "NYK", "northyorks.gov.uk"},
    {"City of York Council", K_COUNCIL, C_YORK, 4, "GB-LAE", "YOR", "york.gov.uk"},
    {"North Lincolnshire Council", K_COUNCIL, C_SCUNTHORPE, 2, "GB-LAE", "NLN", "northlincs.gov.uk"},
    {"North East Lincolnshire Council", K_COUNCIL, C_GRIMSBY, 2, "GB-LAE", "NEL", "nelincs.gov.uk"},
    /* Combined authorities and transport bodies */
    {"West Yorkshire Combined Authority", K_CA, C_LEEDS, 5, "GB-LAE", "WYCA", "westyorks-ca.gov.uk"},
    {"Greater Manchester Combined Authority", K_CA, C_MANCHESTER, 5, "GB-LAE", "GMCA", "greatermanchester-ca.gov.uk"},
    {"Liverpool City Region Combined Authority", K_CA, C_LIVERPOOL, 4, "GB-LAE", "LCRCA", "liverpoolcityregion-ca.gov.uk"},
    {"South Yorkshire Mayoral Combined Authority", K_CA, C_SHEFFIELD, 3, "GB-LAE", "SYMCA", "southyorkshire-ca.gov.uk"},
    {"North East Combined Authority", K_CA, C_NEWCASTLE, 3, "GB-LAE", "NECA", "northeast-ca.gov.uk"},
    {"Tees Valley Combined Authority", K_CA, C_STOCKTON, 2, "GB-LAE", "TVCA", "teesvalley-ca.gov.uk"},
    {"York and North Yorkshire Combined Authority", K_CA, C_YORK, 2, "GB-LAE", "YNYCA", "yorknorthyorks-ca.gov.uk"},
    {"Transport for Greater Manchester", K_CA, C_MANCHESTER, 4, "GB-GOR", "PB1173", "tfgm.com"},
    {"Nexus (Tyne and Wear Passenger Transport Executive)", K_CA, C_NEWCASTLE, 2, "GB-GOR", "PB1184", "nexus.org.uk"},
    {"Merseytravel", K_CA, C_LIVERPOOL, 2, "GB-GOR", "PB1179", "merseytravel.gov.uk"},
    {"Transport for the North", K_CA, C_MANCHESTER, 2, "GB-GOR", "PB1402", "transportforthenorth.com"},
    /* Police, fire and rescue */
    {"West Yorkshire Police", K_POLICE, C_WAKEFIELD, 4, "GB-GOR", "PB1281", "westyorkshire.police.uk"},
    {"Greater Manchester Police", K_POLICE, C_MANCHESTER, 4, "GB-GOR", "PB1266", "gmp.police.uk"},
    {"Northumbria Police", K_POLICE, C_NEWCASTLE, 3, "GB-GOR", "PB1274", "northumbria.police.uk"},
    {"Merseyside Police", K_POLICE, C_LIVERPOOL, 3, "GB-GOR", "PB1270", "merseyside.police.uk"},
    {"South Yorkshire Police", K_POLICE, C_SHEFFIELD, 3, "GB-GOR", "PB1277", "southyorks.police.uk"},
    {"Lancashire Constabulary", K_POLICE, C_PRESTON, 2, "GB-GOR", "PB1268", "lancashire.police.uk"},
    {"Cumbria Constabulary", K_POLICE, C_CARLISLE, 1, "GB-GOR", "PB1260", "cumbria.police.uk"},
    {"Durham Constabulary", K_POLICE, C_DURHAM, 1, "GB-GOR", "PB1262", "durham.police.uk"},
    {"Cleveland Police", K_POLICE, C_MIDDLESBROUGH, 1, "GB-GOR", "PB1258", "cleveland.police.uk"},
    {"Humberside Police", K_POLICE, C_HULL, 2, "GB-GOR", "PB1267", "humberside.police.uk"},
    {"North Yorkshire Police", K_POLICE, C_NORTHALLERTON, 1, "GB-GOR", "PB1273", "northyorkshire.police.uk"},
    {"Cheshire Constabulary", K_POLICE, C_WARRINGTON, 2, "GB-GOR", "PB1257", "cheshire.police.uk"},
    {"West Yorkshire Fire and Rescue Service", K_POLICE, C_WAKEFIELD, 2, "GB-GOR", "PB1331", "westyorksfire.gov.uk"},
    {"Greater Manchester Fire and Rescue Service", K_POLICE, C_MANCHESTER, 2, "GB-GOR", "PB1315", "manchesterfire.gov.uk"},
    {"Tyne and Wear Fire and Rescue Service", K_POLICE, C_NEWCASTLE, 1, "GB-GOR", "PB1329", "twfire.gov.uk"},
    /* NHS trusts and integrated care boards (ODS codes) */
    {"Leeds Teaching Hospitals NHS Trust", K_NHS, C_LEEDS, 6, "GB-NHS", "RR8", "leedsth.nhs.uk"},
    {"Manchester University NHS Foundation Trust", K_NHS, C_MANCHESTER, 6, "GB-NHS", "R0A", "mft.nhs.uk"},
    {"The Newcastle upon Tyne Hospitals NHS Foundation Trust", K_NHS, C_NEWCASTLE, 5, "GB-NHS", "RTD", "newcastle-hospitals.nhs.uk"},
    {"Sheffield Teaching Hospitals NHS Foundation Trust", K_NHS, C_SHEFFIELD, 4, "GB-NHS", "RHQ", "sth.nhs.uk"},
    {"Liverpool University Hospitals NHS Foundation Trust", K_NHS, C_LIVERPOOL, 4, "GB-NHS", "REM", "liverpoolft.nhs.uk"},
    {"Bradford Teaching Hospitals NHS Foundation Trust", K_NHS, C_BRADFORD, 3, "GB-NHS", "RAE", "bradfordhospitals.nhs.uk"},
    {"South Tees Hospitals NHS Foundation Trust", K_NHS, C_MIDDLESBROUGH, 3, "GB-NHS", "RTR", "southtees.nhs.uk"},
    {"Northumbria Healthcare NHS Foundation Trust", K_NHS, C_NSHIELDS, 3, "GB-NHS", "RTF", "northumbria.nhs.uk"},
    {"Hull University Teaching Hospitals NHS Trust", K_NHS, C_HULL, 3, "GB-NHS", "RWA", "hey.nhs.uk"},
    {"York and Scarborough Teaching Hospitals NHS Foundation Trust", K_NHS, C_YORK, 3, "GB-NHS", "RCB", "yorkhospitals.nhs.uk"},
    {"Lancashire Teaching Hospitals NHS Foundation Trust", K_NHS, C_PRESTON, 3, "GB-NHS", "RXN", "lancsteachinghospitals.nhs.uk"},
    {"Northern Care Alliance NHS Foundation Trust", K_NHS, C_SALFORD, 3, "GB-NHS", "RM3", "northerncarealliance.nhs.uk"},
    {"Alder Hey Children's NHS Foundation Trust", K_NHS, C_LIVERPOOL, 2, "GB-NHS", "RBS", "alderhey.nhs.uk"},
    {"Sheffield Children's NHS Foundation Trust", K_NHS, C_SHEFFIELD, 2, "GB-NHS", "RCU", "sheffieldchildrens.nhs.uk"},
    {"Leeds and York Partnership NHS Foundation Trust", K_NHS, C_LEEDS, 2, "GB-NHS", "RGD", "leedsandyorkpft.nhs.uk"},
    {"Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust", K_NHS, C_NEWCASTLE, 2, "GB-NHS", "RX4", "cntw.nhs.uk"},
    {"Mersey Care NHS Foundation Trust", K_NHS, C_LIVERPOOL, 2, "GB-NHS", "RW4", "merseycare.nhs.uk"},
    {"Greater Manchester Mental Health NHS Foundation Trust", K_NHS, C_MANCHESTER, 2, "GB-NHS", "RXV", "gmmh.nhs.uk"},
    {"South Tyneside and Sunderland NHS Foundation Trust", K_NHS, C_SUNDERLAND, 2, "GB-NHS", "R0B", "stsft.nhs.uk"},
    {"Gateshead Health NHS Foundation Trust", K_NHS, C_GATESHEAD, 2, "GB-NHS", "RR7", "gatesheadhealth.nhs.uk"},
    {"Stockport NHS Foundation Trust", K_NHS, C_STOCKPORT, 2, "GB-NHS", "RWJ", "stockport.nhs.uk"},
    {"The Christie NHS Foundation Trust", K_NHS, C_MANCHESTER, 2, "GB-NHS", "RBV", "christie.nhs.uk"},
    {"North West Ambulance Service NHS Trust", K_NHS, C_BOLTON, 2, "GB-NHS", "RX7", "nwas.nhs.uk"},
    {"Yorkshire Ambulance Service NHS Trust", K_NHS, C_WAKEFIELD, 2, "GB-NHS", "RX8", "yas.nhs.uk"},
    {"North East Ambulance Service NHS Foundation Trust", K_NHS, C_NEWCASTLE, 2, "GB-NHS", "RX6", "neas.nhs.uk"},
    {"NHS West Yorkshire Integrated Care Board", K_NHS, C_WAKEFIELD, 3, "GB-NHS", "QWO", "westyorkshire.icb.nhs.uk"},
    {"NHS Greater Manchester Integrated Care Board", K_NHS, C_MANCHESTER, 3, "GB-NHS", "QOP", "gmintegratedcare.org.uk"},
    {"NHS North East and North Cumbria Integrated Care Board", K_NHS, C_NEWCASTLE, 3, "GB-NHS", "QHM", "northeastnorthcumbria.nhs.uk"},
    {"NHS Cheshire and Merseyside Integrated Care Board", K_NHS, C_LIVERPOOL, 3, "GB-NHS", "QYG", "cheshireandmerseyside.nhs.uk"},
    {"NHS South Yorkshire Integrated Care Board", K_NHS, C_SHEFFIELD, 2, "GB-NHS", "QF7", "southyorkshire.icb.nhs.uk"},
    {"NHS Humber and North Yorkshire Integrated Care Board", K_NHS, C_HULL, 2, "GB-NHS", "QOQ", "humberandnorthyorkshire.org.uk"},
    {"NHS Lancashire and South Cumbria Integrated Care Board", K_NHS, C_PRESTON, 2, "GB-NHS", "QE1", "lancashireandsouthcumbria.icb.nhs.uk"},
    /* Universities and colleges (UK Register of Learning Providers) */
    {"University of Leeds", K_EDU, C_LEEDS, 4, "GB-UKPRN", "10007795", "leeds.ac.uk"},
    {"University of Manchester", K_EDU, C_MANCHESTER, 4, "GB-UKPRN", "10007798", "manchester.ac.uk"},
    {"Newcastle University", K_EDU, C_NEWCASTLE, 3, "GB-UKPRN", "10007799", "ncl.ac.uk"},
    {"University of Sheffield", K_EDU, C_SHEFFIELD, 3, "GB-UKPRN", "10007157", "sheffield.ac.uk"},
    {"University of Liverpool", K_EDU, C_LIVERPOOL, 3, "GB-UKPRN", "10007140", "liverpool.ac.uk"},
    {"University of York", K_EDU, C_YORK, 2, "GB-UKPRN", "10007167", "york.ac.uk"},
    {"Durham University", K_EDU, C_DURHAM, 2, "GB-UKPRN", "10007143", "durham.ac.uk"},
    {"Lancaster University", K_EDU, C_LANCASTER, 2, "GB-UKPRN", "10007768", "lancaster.ac.uk"},
    {"Leeds Beckett University", K_EDU, C_LEEDS, 2, "GB-UKPRN", "10003861", "leedsbeckett.ac.uk"},
    {"Manchester Metropolitan University", K_EDU, C_MANCHESTER, 2, "GB-UKPRN", "10004180", "mmu.ac.uk"},
    {"Sheffield Hallam University", K_EDU, C_SHEFFIELD, 2, "GB-UKPRN", "10005790", "shu.ac.uk"},
    {"Northumbria University", K_EDU, C_NEWCASTLE, 2, "GB-UKPRN", "10001282", "northumbria.ac.uk"},
    {"University of Sunderland", K_EDU, C_SUNDERLAND, 1, "GB-UKPRN", "10007159", "sunderland.ac.uk"},
    {"Teesside University", K_EDU, C_MIDDLESBROUGH, 1, "GB-UKPRN", "10007161", "tees.ac.uk"},
    {"University of Hull", K_EDU, C_HULL, 1, "GB-UKPRN", "10007149", "hull.ac.uk"},
    {"University of Bradford", K_EDU, C_BRADFORD, 1, "GB-UKPRN", "10007785", "bradford.ac.uk"},
    {"University of Huddersfield", K_EDU, C_HUDDERSFIELD, 1, "GB-UKPRN", "10007148", "hud.ac.uk"},
    {"University of Salford", K_EDU, C_SALFORD, 1, "GB-UKPRN", "10007156", "salford.ac.uk"},
    {"Liverpool John Moores University", K_EDU, C_LIVERPOOL, 2, "GB-UKPRN", "10003957", "ljmu.ac.uk"},
    {"University of Central Lancashire", K_EDU, C_PRESTON, 1, "GB-UKPRN", "10007141", "uclan.ac.uk"},
    {"Edge Hill University", K_EDU, C_ORMSKIRK, 1, "GB-UKPRN", "10007823", "edgehill.ac.uk"},
    {"University of Bolton", K_EDU, C_BOLTON, 1, "GB-UKPRN", "10006841", "bolton.ac.uk"},
    {"York St John University", K_EDU, C_YORK, 1, "GB-UKPRN", "10007713", "yorksj.ac.uk"},
    {"Leeds Trinity University", K_EDU, C_LEEDS, 1, "GB-UKPRN", "10003863", "leedstrinity.ac.uk"},
    {"Leeds City College", K_EDU, C_LEEDS, 1, "GB-UKPRN", "10003855", "leedscitycollege.ac.uk"},
    {"The Manchester College", K_EDU, C_MANCHESTER, 1, "GB-UKPRN", "10004112", "tmc.ac.uk"},
    {"Newcastle College", K_EDU, C_NEWCASTLE, 1, "GB-UKPRN", "10004599", "ncl-coll.ac.uk"},
    {"The Sheffield College", K_EDU, C_SHEFFIELD, 1, "GB-UKPRN", "10005788", "sheffcol.ac.uk"},
    /* Housing associations (Mutuals Public Register / Companies House) */
    {"Incommunities Group", K_HOUSING, C_BRADFORD, 2, "GB-MPR", "30163R", "incommunities.co.uk"},
    {"Thirteen Group", K_HOUSING, C_STOCKTON, 2, "GB-MPR", "31289R", "thirteengroup.co.uk"},
    {"Karbon Homes", K_HOUSING, C_NEWCASTLE, 2, "GB-MPR", "29811R", "karbonhomes.co.uk"},
    {"Gentoo Group", K_HOUSING, C_SUNDERLAND, 2, "GB-MPR", "29654R", "gentoogroup.com"},
    {"Yorkshire Housing", K_HOUSING, C_LEEDS, 2, "GB-MPR", "29842R", "yorkshirehousing.co.uk"},
    {"Together Housing Group", K_HOUSING, C_HALIFAX, 1, "GB-MPR", "30412R", "togetherhousing.co.uk"},
    {"Onward Homes", K_HOUSING, C_LIVERPOOL, 1, "GB-MPR", "30988R", "onward.co.uk"},
    {"Torus", K_HOUSING, C_STHELENS, 1, "GB-MPR", "31051R", "torus.co.uk"},
    {"Jigsaw Homes Group", K_HOUSING, C_ASHTON, 1, "GB-MPR", "30377R", "jigsawhomes.org.uk"},
    {"Great Places Housing Group", K_HOUSING, C_MANCHESTER, 1, "GB-MPR", "28902R", "greatplaces.org.uk"},
    {"Livv Housing Group", K_HOUSING, C_HUYTON, 1, "GB-MPR", "30011R", "livvhousinggroup.org.uk"},
    {"Home Group", K_HOUSING, C_NEWCASTLE, 2, "GB-COH", "02885181", "homegroup.org.uk"},
    {"Bernicia Group", K_HOUSING, C_NSHIELDS, 1, "GB-MPR", "29775R", "bernicia.com"},
    {"Believe Housing", K_HOUSING, C_DURHAM, 1, "GB-MPR", "30701R", "believehousing.co.uk"},
    {"Leeds Federated Housing Association", K_HOUSING, C_LEEDS, 1, "GB-MPR", "17823R", "leedsfed.co.uk"},
    /* Private companies (invented) */
    {"Humber Energy Networks plc", K_PRIVATE, C_HULL, 2, "GB-COH", "09214337", "humberenergynetworks.co.uk"},
    {"Pennine Water Services Ltd", K_PRIVATE, C_BRADFORD, 2, "GB-COH", "07741902", "penninewaterservices.co.uk"},
    {"Mersey Freight and Logistics Ltd", K_PRIVATE, C_LIVERPOOL, 1, "GB-COH", "05388214", "merseyfreight.co.uk"},
    {"Tyneside Offshore Engineering Ltd", K_PRIVATE, C_NEWCASTLE, 1, "GB-COH", "06620451", "tynesideoffshore.co.uk"},
    {"Calder Valley Foods plc", K_PRIVATE, C_HALIFAX, 1, "GB-COH", "04471290", "caldervalleyfoods.co.uk"},
    {"Wearside Automotive Components Ltd", K_PRIVATE, C_SUNDERLAND, 1, "GB-COH", "08153376", "wearsideautomotive.co.uk"},
    {"Ribble Valley Insurance Group plc", K_PRIVATE, C_PRESTON, 1, "GB-COH", "03917745", "ribblevalleyinsurance.co.uk"},
    {"Moorside Retail Group plc", K_PRIVATE, C_LEEDS, 2, "GB-COH", "10388127", "moorsideretail.co.uk"},
    {"Ridings Rail Services Ltd", K_PRIVATE, C_YORK, 1, "GB-COH", "11290458", "ridingsrail.co.uk"},
    {"Teesside Chemical Processing Ltd", K_PRIVATE, C_MIDDLESBROUGH, 1, "GB-COH", "06902218", "teessidechemical.co.uk"},
    {"Irwell Studios Ltd", K_PRIVATE, C_SALFORD, 1, "GB-COH", "12004776", "irwellstudios.co.uk"},
    {"Don Valley Precision Steel Ltd", K_PRIVATE, C_SHEFFIELD, 1, "GB-COH", "05122893", "donvalleysteel.co.uk"},
    {"Cheviot Bank plc", K_PRIVATE, C_NEWCASTLE, 2, "GB-COH", "02741165", "cheviotbank.co.uk"},
    {"Wharfedale Care Homes Ltd", K_PRIVATE, C_HARROGATE, 1, "GB-COH", "09877310", "wharfedalecare.co.uk"},
    {"Lune Estuary Energy Ltd", K_PRIVATE, C_LANCASTER, 1, "GB-COH", "13145529", "luneestuaryenergy.co.uk"},
    /* Outside the North */
    {"Birmingham City Council", K_COUNCIL, C_BIRMINGHAM, 2, "GB-LAE", "BIR", "birmingham.gov.uk"},
    {"Nottingham City Council", K_COUNCIL, C_NOTTINGHAM, 1, "GB-LAE", "NGM", "nottinghamcity.gov.uk"},
    {"Bristol City Council", K_COUNCIL, C_BRISTOL, 1, "GB-LAE", "BST", "bristol.gov.uk"},
    {"Cambridgeshire County Council", K_COUNCIL, C_CAMBRIDGE, 1, "GB-LAE", "CAM", "cambridgeshire.gov.uk"},
    {"Kent County Council", K_COUNCIL, C_MAIDSTONE, 1, "GB-LAE", "KEN", "kent.gov.uk"},
    {"London Borough of Camden", K_COUNCIL, C_LONDON, 1, "GB-LAE", "CMD", "camden.gov.uk"},
    {"Cabinet Office", K_CENTRAL, C_LONDON, 1, "GB-GOR", "D2", "gov.uk"},
    {"Department for Education", K_CENTRAL, C_LONDON, 1, "GB-GOR", "D6", "gov.uk"},
};

enum { NBUYERS = NELEM(BUYERS) };

/* What each kind of buyer builds systems for ("%d" in phrases). */
static const char *const DOMAINS[K_COUNT][24] = {
    [K_COUNCIL] = {"adult social care", "children's services", "housing repairs", "council tax and business rates",
                   "revenues and benefits", "highways", "waste and recycling",
                   "planning and building control", "licensing", "school admissions", "parking enforcement",
                   "libraries", "environmental health", "electoral registration", "bereavement services",
                   "customer contact", "public health", "SEND transport", "HR and payroll", "finance and procurement",
                   "property and estates", "youth justice", NULL},
    [K_NHS] = {"patient flow", "outpatient booking", "theatre scheduling", "pharmacy stock control",
               "patient records", "maternity", "radiology reporting", "pathology results",
               "staff rostering", "estates and facilities", "clinical coding", "community nursing", "virtual wards",
               "patient communications", "HR and payroll", "finance and procurement", NULL},
    [K_EDU] = {"student records", "research data", "timetabling", "admissions", "library services",
               "estates", "alumni relations", "virtual learning environment", "student wellbeing", "HR and payroll",
               "finance and procurement", "lecture capture", NULL},
    [K_POLICE] = {"digital evidence", "case files", "command and control", "crime recording",
                  "body-worn video", "fleet", "duty planning", "custody records", "community safety",
                  "HR and payroll", NULL},
    [K_CA] = {"bus franchising", "transport data", "concessionary travel", "adult skills", "active travel",
              "journey planning", "economic intelligence", "grants", "smart ticketing",
              "net zero programme", NULL},
    [K_HOUSING] = {"tenancy management", "responsive repairs", "rent collection", "damp and mould reporting",
                   "customer service", "planned maintenance", "income collection", "property assets", "lettings",
                   "anti-social behaviour", NULL},
    [K_PRIVATE] = {"fleet telematics", "customer service", "warehousing", "field service",
                   "e-commerce", "finance", "HR and payroll", "asset tracking", "energy", "supply chain",
                   NULL},
    [K_CENTRAL] = {"grants", "casework", "digital identity", "HR and payroll", "finance",
                   "correspondence handling", "data sharing", NULL},
};

/* Where buyers publish tender documents (said in the description). */
static const char *portal_for(const BuyerDef *b) {
  switch (b->kind) {
  case K_NHS: return "Atamis";
  case K_EDU: return "In-Tend";
  case K_HOUSING: return "Delta eSourcing";
  case K_POLICE: return "BlueLight e-tendering";
  case K_PRIVATE: return "the company's supplier portal";
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

/* ----------------------------------------------------- lines of work -- */

typedef struct {
  const char *cpv, *title, *aim; /* aim completes "... a supplier to %a." */
} TitleDef;

typedef struct {
  uint16_t weight, kinds;
  uint8_t max_band; /* highest value band (see BANDS) */
  TitleDef titles[10];
  const char *addl[6];  /* candidate additional classifications */
  const char *scope[7]; /* sentences */
} SvcDef;

static const SvcDef SERVICES[] = {
    {12, K_ALL, 10,
     {{"72262000", "New %d system", "design, build and support a new system for %d"},
      {"72262000", "Replacement %d system", "replace the existing %d system with a modern, cloud-based solution"},
      {"72230000", "Development of a new %d digital service", "develop and host an accessible online service for %d"},
      {"72212000", "%D mobile app development", "design and build a mobile app for %d, for iOS and Android"},
      {"72230000", "Online self-service portal: %d", "build an online portal so that people can self-serve for %d"},
      {"72212517", "Low-code development partner for %d", "provide low-code development capacity for %d"},
      {"72230000", "Bespoke software development: %d", "provide agile software development capacity for %d"},
      {"72227000", "%D system integration and API development", "connect its %d systems through secure, documented APIs"}},
     {"72263000", "72227000", "72254000", "72230000"},
     {"The work covers discovery, user research, service design, agile development, testing and transition to live support.",
      "The supplier will work in multidisciplinary teams alongside in-house developers and follow the GOV.UK Service Standard.",
      "The solution must integrate with existing line-of-business systems through open APIs and meet WCAG 2.2 AA.",
      "Source code will be owned by %B and published under an open licence where appropriate.",
      "Several hundred staff are expected to use the new system every day."}},
    {8, K_ALL, 9,
     {{"72220000", "Digital transformation partner", "support a programme of digital transformation across the organisation"},
      {"72221000", "Discovery: %d", "carry out a discovery into how digital technology can improve %d"},
      {"72220000", "Alpha and beta development of %d services", "take new %d services through alpha and beta"},
      {"79411000", "User research and service design for %d", "redesign %d services around the needs of users"},
      {"72220000", "Digital, data and technology (DDaT) capability support", "help build in-house digital, data and technology capability"},
      {"72224000", "Agile delivery team for %d", "provide a multidisciplinary agile team to deliver %d improvements"},
      {"79411000", "Digital strategy and roadmap", "develop a digital strategy and a costed three-year roadmap"}},
     {"79411000", "72221000", "72224000", "72220000"},
     {"The team is expected to include a delivery manager, user researcher, service designer, business analyst and developers.",
      "Work will be delivered in phases (discovery, alpha, beta) with a service assessment at the end of each phase.",
      "Knowledge transfer to permanent staff is a core requirement.",
      "Outcomes will be measured against agreed key performance indicators reviewed monthly."}},
    {7, K_ALL, 11,
     {{"72510000", "Cloud hosting and managed services", "provide secure, resilient cloud hosting for business-critical applications"},
      {"72510000", "Migration of %d systems to public cloud", "migrate its %d systems to public cloud and manage them thereafter"},
      {"72514000", "Microsoft Azure managed service", "manage, secure and optimise its Microsoft Azure estate"},
      {"72514000", "Amazon Web Services hosting and support", "host, support and optimise its applications on Amazon Web Services"},
      {"72500000", "Data centre exit and cloud migration", "exit its existing data centre and move workloads to the cloud"},
      {"72910000", "Backup and disaster recovery service", "deliver a fully managed backup and disaster recovery service"},
      {"72317000", "Infrastructure as a service (IaaS)", "provide infrastructure as a service for its hosted applications"},
      {"72415000", "Managed hosting for %d applications", "host and support its %d applications"}},
     {"72317000", "72910000", "72514000", "72400000"},
     {"All data must be held in UK data centres and processed in line with UK GDPR.",
      "The service must be certified to ISO/IEC 27001 and aligned with the NCSC Cloud Security Principles.",
      "Availability of at least 99.9% is required, with 24/7 monitoring and incident response.",
      "The supplier will be expected to optimise cloud spend and report on its carbon impact.",
      "Around 250 virtual servers and 400 TB of storage are in scope."}},
    {7, K_ALL, 8,
     {{"72590000", "Security operations centre (SOC) as a service", "provide continuous monitoring, threat detection and incident response"},
      {"72820000", "Penetration testing and IT health check", "test the security of its networks and applications and support remediation"},
      {"48730000", "Managed detection and response solution", "detect and respond to threats across its devices and servers"},
      {"48730000", "Security information and event management (SIEM) solution", "supply and operate a security information and event management solution"},
      {"72150000", "Cyber Essentials Plus assessment and remediation", "assess its readiness for Cyber Essentials Plus and fix the gaps"},
      {"48732000", "Email security and data loss prevention", "protect users and data from phishing, ransomware and data loss"},
      {"72810000", "Independent cyber security audit", "carry out an independent audit of its cyber security controls"},
      {"48760000", "Endpoint protection licences", "supply and support endpoint protection for its devices"}},
     {"72590000", "72820000", "48730000", "72810000"},
     {"Suppliers must hold Cyber Essentials Plus and staff must be cleared to at least BPSS.",
      "Testing must be carried out by CHECK or CREST accredited testers.",
      "The service must provide 24/7 monitoring with a 30-minute response to critical incidents.",
      "Around 6,000 endpoints and 300 servers are in scope.",
      "Reporting must be aligned with the NCSC Cyber Assessment Framework."}},
    {4, KM(K_COUNCIL) | KM(K_HOUSING) | KM(K_NHS), 10,
     {{"85300000", "Telecare and community alarm service", "help vulnerable people live safely and independently at home"},
      {"85000000", "Technology enabled care (TEC) service", "introduce proactive, technology enabled care"},
      {"32500000", "Analogue to digital telecare switchover", "move telecare users to digital alarms before the analogue telephone network is switched off"},
      {"79711000", "Telecare monitoring and response service", "provide a 24/7 alarm monitoring and mobile response service"},
      {"33196200", "Falls detection and lifeline alarm equipment", "supply falls detectors, lifeline alarms and peripheral sensors"},
      {"85323000", "Remote monitoring for people living at home", "monitor the wellbeing of people living at home and alert carers early"},
      {"85320000", "Assistive technology service for adult social care", "provide assessment, installation and support for assistive technology"}},
     {"79711000", "33196200", "32500000", "85312400"},
     {"The service currently supports around 9,000 connected users across %p and the surrounding area.",
      "The alarm receiving centre must meet the TEC Services Association Quality Standards Framework.",
      "All new equipment must work over digital (IP) connections ahead of the national PSTN switch-off.",
      "The supplier will install, maintain and recover equipment and respond to alarm calls within agreed times.",
      "Data from devices should be available to care teams through a secure dashboard."}},
    {4, KM(K_COUNCIL) | KM(K_CA) | KM(K_EDU) | KM(K_HOUSING) | KM(K_PRIVATE), 8,
     {{"32441000", "Smart city sensor network for %p", "deploy and operate a network of connected sensors across %p"},
      {"38430000", "Air quality monitoring sensors and data platform", "measure air quality in real time and publish the data"},
      {"32412000", "LoRaWAN network and Internet of Things platform", "build an open Internet of Things network and platform for partners across %p"},
      {"48614000", "Smart bin sensors and route optimisation", "use fill-level sensors to plan collection routes and reduce costs"},
      {"38430000", "Damp, mould and environmental sensors", "monitor humidity and temperature in homes to prevent damp and mould"},
      {"34970000", "Traffic and footfall counting sensors", "count traffic, cyclists and pedestrians across %p"},
      {"32441000", "Flood and river level monitoring sensors", "monitor river levels and surface water to give early warning of flooding"},
      {"72300000", "IoT data platform and dashboards", "bring data from connected devices together in one platform"}},
     {"32441000", "48614000", "72300000", "38221000", "32412000"},
     {"Data must be published as open data under the Open Government Licence where possible.",
      "The solution should use open standards and avoid lock-in to a single device manufacturer.",
      "Initially around 500 sensors will be deployed, with the option to scale further.",
      "The supplier will be responsible for installation, calibration, maintenance and battery replacement.",
      "Sensor data must be available through a documented API."}},
    {7, K_ALL, 9,
     {{"72316000", "Data platform and analytics service", "bring its data together in a modern, secure analytics platform"},
      {"72320000", "Data warehouse modernisation", "replace its on-premises data warehouse with a modern cloud platform"},
      {"48482000", "Business intelligence and dashboards for %d", "replace legacy %d reporting with self-service dashboards"},
      {"72322000", "Master data management solution", "create a single, trusted view of people, places and properties"},
      {"72316000", "Data engineering and data science support", "provide data engineering and data science capacity"},
      {"72300000", "Open data portal", "publish its data openly through a modern open data portal"},
      {"72322000", "%D data and insight platform", "use data and insight to improve %d"},
      {"48610000", "Database licensing and support", "supply and support its database licences"},
      {"72330000", "Data migration and cleansing for %d", "migrate and cleanse data from legacy %d systems"}},
     {"72316000", "72322000", "48482000", "72310000", "72330000"},
     {"The platform must support role-based access control, auditing and data protection impact assessments.",
      "Around 40 source systems will be integrated over the life of the contract.",
      "The supplier will train analysts so that dashboards can be maintained in-house.",
      "Where health data is processed, the supplier must meet the Data Security and Protection Toolkit standards.",
      "Data should be modelled using open standards to support sharing with partner organisations."}},
    {7, K_ALL, 6,
     {{"72413000", "Website redesign and content management system", "redesign its website around the tasks users most need to complete"},
      {"72413000", "Corporate website rebuild", "deliver a fast, accessible and secure website on an open-source content management system"},
      {"72420000", "Intranet replacement", "replace its staff intranet"},
      {"72421000", "%D online forms and web content", "move %d forms and content online"},
      {"72413000", "Accessibility audit and website improvements", "audit its websites against accessibility standards and fix the issues found"},
      {"72415000", "Website hosting, support and maintenance", "provide ongoing hosting, support and development for its website"},
      {"72420000", "Drupal website support and development", "support and develop its Drupal website"},
      {"72420000", "WordPress website development", "build and support a new WordPress website"}},
     {"72415000", "72413000", "79822500", "72212224"},
     {"The website must meet WCAG 2.2 AA and the Public Sector Bodies Accessibility Regulations 2018.",
      "The current site has around 3,000 pages and 1.2 million visits a year.",
      "Content editors must be able to publish without technical support.",
      "Hosting must offer 99.9% availability and a tested disaster recovery plan.",
      "User research and analytics will inform the information architecture."}},
    {7, K_ALL, 11,
     {{"72720000", "Wide area network (WAN) replacement", "replace its ageing wide area network with a secure, resilient managed service"},
      {"32420000", "Wi-Fi refresh across %p sites", "replace Wi-Fi access points and controllers across its sites"},
      {"32420000", "Local area network switching refresh", "replace its local area network switches and cabling where needed"},
      {"72720000", "SD-WAN managed service", "provide a software-defined wide area network as a managed service"},
      {"32412000", "Full fibre connectivity for public buildings", "connect its sites across %p with gigabit-capable fibre"},
      {"64210000", "Public access Wi-Fi service", "provide free public Wi-Fi in its buildings"},
      {"64227000", "Telephony and unified communications replacement", "move to cloud-based telephony and unified communications"},
      {"32412100", "5G and mobile connectivity pilot", "trial 5G and private mobile networks at selected sites"},
      {"32424000", "Network infrastructure upgrade", "upgrade its core network infrastructure"}},
     {"32424000", "72700000", "72720000", "45314300", "32428000"},
     {"Around 180 sites are in scope, from large offices to small community buildings.",
      "The solution must support PSN or HSCN connectivity where required.",
      "The supplier must provide a fully managed service with proactive monitoring and a four-hour fix for critical faults.",
      "Installation work must be scheduled to minimise disruption to frontline services.",
      "Equipment must be supported for at least seven years."}},
    {8, K_ALL, 9,
     {{"72253000", "IT service desk and end user support", "provide responsive, user-focused IT support to staff"},
      {"72611000", "Managed IT support service", "support and maintain its devices and infrastructure"},
      {"72253000", "Out-of-hours IT support", "provide IT support outside office hours, at weekends and on bank holidays"},
      {"72253200", "Third-line support for %d systems", "provide specialist third-line support for its %d systems"},
      {"51610000", "Device deployment and desk-side support", "deploy new devices and provide desk-side support"},
      {"50312000", "Maintenance of computer equipment", "maintain and repair its computer equipment"},
      {"72267000", "Software maintenance and support", "maintain and support its business applications"}},
     {"72611000", "72253200", "50312000", "72250000"},
     {"Around 4,500 users across multiple sites will be supported.",
      "The service desk must follow ITIL 4 practice and report monthly against agreed service levels.",
      "First-time fix rate and user satisfaction will be key performance indicators.",
      "The supplier must be able to support Microsoft 365, Intune and Windows 11.",
      "TUPE may apply to this contract."}},
    {8, K_ALL, 10,
     {{"30213100", "Supply of laptops and docking stations", "supply laptops and docking stations for staff"},
      {"30213000", "End user device refresh", "refresh its end user devices over the next three years"},
      {"30213100", "Chromebooks for learners", "supply and manage Chromebooks for learners"},
      {"30213200", "Rugged tablets for mobile workers", "supply rugged tablets for staff working in the field"},
      {"30231000", "Monitors and peripherals", "supply monitors, keyboards, headsets and other peripherals"},
      {"48820000", "Server and storage hardware refresh", "replace its server and storage hardware"},
      {"30232110", "Multi-function printers and managed print", "supply multi-function printers and a managed print service"},
      {"30237000", "Computer accessories and consumables", "supply computer accessories and consumables"}},
     {"30200000", "30237000", "30231000", "51610000"},
     {"Devices must come with a minimum four-year warranty and be TCO Certified where available.",
      "The supplier will image, asset tag and deliver devices ready for use.",
      "Old devices must be securely wiped and recycled in line with the WEEE Regulations.",
      "Approximately 2,500 devices are expected to be ordered in the first year.",
      "Delivery will be to multiple sites across %p."}},
    {9, K_ALL, 11,
     {{"48000000", "%D software licences and support", "renew licences and support for its %d software"},
      {"48810000", "Replacement %d software (SaaS)", "replace its %d software with a modern software-as-a-service solution"},
      {"48445000", "Customer relationship management (CRM) platform", "implement a customer relationship management platform"},
      {"48311100", "Electronic document and records management system", "implement an electronic document and records management system"},
      {"48451000", "Enterprise resource planning (ERP) system", "replace its finance, HR and procurement systems with a single ERP system"},
      {"48517000", "Microsoft Enterprise Agreement renewal", "renew and rationalise its Microsoft licences"},
      {"48331000", "Project and portfolio management software", "supply project and portfolio management software"},
      {"48332000", "Workforce scheduling software", "supply workforce scheduling and rostering software"},
      {"48490000", "E-procurement and contract management system", "supply an e-procurement and contract management system"}},
     {"72263000", "72268000", "48000000", "72265000"},
     {"The solution must be hosted in the UK and available 99.5% of the time during core hours.",
      "Implementation, data migration, training and ongoing support are included.",
      "The contract includes licences for around 1,800 named users.",
      "The supplier must provide a clear product roadmap and regular releases.",
      "Single sign-on with Microsoft Entra ID is required."}},
    {5, K_ALL, 6,
     {{"80533100", "Digital skills training for staff", "improve the digital skills and confidence of its workforce"},
      {"80511000", "Data literacy training programme", "help staff understand, use and question data"},
      {"80533100", "Cyber security awareness training", "train all staff to recognise and report cyber threats"},
      {"80511000", "Agile and product management training", "train staff in agile delivery and product management"},
      {"80420000", "E-learning platform and course content", "deliver engaging online learning available to all staff"},
      {"80533000", "Microsoft 365 adoption and training", "help staff make the most of Microsoft 365"},
      {"80500000", "Digital inclusion programme", "help people get online and use digital services safely"},
      {"80531200", "Technical training for IT staff", "provide accredited training for technical and digital staff"}},
     {"80420000", "80533000", "80500000", "80521000"},
     {"Training will be delivered through a mix of online and face-to-face sessions in %p.",
      "Around 1,200 learners are expected in the first year.",
      "Courses should lead to recognised industry certifications where appropriate.",
      "The supplier will report on attendance, completion and learner feedback.",
      "Content must be accessible and available in alternative formats."}},
    {5, K_ALL, 9,
     {{"79999100", "Records scanning and digitisation", "digitise paper records and make them searchable"},
      {"79342000", "Digital marketing and campaign support", "plan and run digital marketing campaigns"},
      {"79310000", "Customer insight research", "understand the needs and experiences of the people it serves"},
      {"79512000", "Contact centre technology and overflow service", "provide contact centre technology and handle overflow calls"},
      {"79421000", "Programme management for %d transformation", "manage a programme of %d transformation"},
      {"79411000", "Technology and digital advisory services", "get independent advice on technology choices and investment"},
      {"79995100", "Digital archiving service", "preserve its digital records for the long term"},
      {"79330000", "Statistical analysis and modelling", "provide statistical analysis and demand modelling"}},
     {"79000000", "79410000", "72220000"},
     {"Around two million pages are expected to be processed in the first year.",
      "The supplier must hold ISO 9001 and ISO/IEC 27001 certification.",
      "Findings must be presented in plain English with clear recommendations.",
      "Work will be commissioned through statements of work under a call-off arrangement.",
      "Personal data must be handled in line with UK GDPR and the Data Protection Act 2018."}},
    {4, KM(K_NHS) | KM(K_COUNCIL), 10,
     {{"85100000", "Remote patient monitoring service", "help patients manage long-term conditions at home"},
      {"48814000", "Virtual ward technology platform", "support virtual wards with remote monitoring technology"},
      {"85100000", "Online consultation platform", "give patients faster, more convenient access to services"},
      {"85100000", "Digital mental health support service", "provide digital mental health support for people waiting for treatment"},
      {"48180000", "Patient engagement portal", "let patients view appointments and letters and message their care team online"},
      {"85323000", "Digital community health service", "reduce avoidable hospital admissions through digital community care"},
      {"48814000", "Electronic prescribing and medicines administration", "implement electronic prescribing and medicines administration"},
      {"72212180", "Clinical system development and integration", "support clinicians with timely, joined-up information"}},
     {"48814000", "85100000", "72212180", "33195000"},
     {"The solution must comply with the DCB0129 and DCB0160 clinical safety standards.",
      "Integration with the shared care record and NHS login is required.",
      "The supplier must meet the Data Security and Protection Toolkit standards.",
      "Clinical outcomes and patient experience will be reported monthly.",
      "The service is expected to support around 3,000 patients at any one time."}},
};

enum { NSERVICES = NELEM(SERVICES) };

/* Value bands in pounds: many small contracts, few large (a weight per band,
 * out of 1000). Integer maths only, so the skew is identical everywhere. */
static const struct {
  uint32_t lo, hi, w;
} BANDS[] = {
    {5000, 10000, 150},        {10000, 25000, 180},       {25000, 50000, 160},     {50000, 100000, 140},
    {100000, 250000, 130},     {250000, 500000, 90},      {500000, 1000000, 65},   {1000000, 2500000, 40},
    {2500000, 5000000, 22},    {5000000, 10000000, 12},   {10000000, 25000000, 7}, {25000000, 50000000, 4},
};

static const char *const OPENINGS[] = {
    "%B is seeking a suitably experienced supplier to %a.",
    "%B invites tenders from suitably qualified organisations to %a.",
    "%B wishes to appoint a supplier to %a.",
    "%B requires a delivery partner to %a.",
};

static const char *const REQUIREMENTS[] = {
    "Bidders must demonstrate experience of delivering similar contracts.",
    "Suppliers must comply with the Modern Slavery Act 2015 and pay at least the Real Living Wage.",
    "Clarification questions must be submitted at least seven days before the closing date.",
    "An online supplier engagement session will be held during the tender period.",
    "%B reserves the right not to award a contract.",
    "Prices must be submitted in pounds sterling, excluding VAT.",
    "Bidders must provide a carbon reduction plan in line with PPN 06/21.",
    "Bidders must hold, or commit to obtaining, Cyber Essentials certification.",
};

static const char *const FRAMEWORKS[] = {
    "Crown Commercial Service G-Cloud 14",
    "Crown Commercial Service Digital Outcomes 6",
    "Crown Commercial Service Technology Services 3",
    "Crown Commercial Service Network Services 3",
    "YPO ICT Solutions",
    "ESPO Technology Services",
};

/* A framework the buyer could plausibly call off from. */
static const char *framework_for(Rng *r, const BuyerDef *b) {
  if (rng_pm(r, 500)) {
    if (b->kind == K_NHS) return rng_pm(r, 500) ? "NHS Shared Business Services Digital Workplace Solutions"
                                                : "HealthTrust Europe ICT Solutions";
    if (b->kind == K_HOUSING) return "Procurement for Housing ICT";
    if (CITIES[b->city].region == R_NE) return "NEPO Digital Services";
  }
  return PICK(r, FRAMEWORKS);
}

static const char *const PLANNING_RATIONALES[] = {
    "Early market engagement: %B plans to %a and invites suppliers to respond to a request for information.",
    "Prior information notice. %B intends to %a; a formal procurement is expected to follow.",
    "%B is planning to %a and would like to hear from interested suppliers before going to tender.",
};

/* ---------------------------------------------------------- suppliers -- */

static const char *const SUP_PLACE[] = {
    "Pennine",     "Tyne",        "Aire Valley", "Wear",        "Mersey",      "Humber",      "Calder",
    "Dales",       "Moorland",    "Ridings",     "Northern",    "Irwell",      "Don Valley",  "Ouse",
    "Tees",        "Lune",        "Wharfe",      "Ribble",      "Kielder",     "Cheviot",     "Bowland",
    "Holme",       "Brontë",      "Roseberry",   "Hadrian",     "Lindisfarne", "Castlegate",  "Kirkstall",
    "Ancoats",     "Ouseburn",    "Baltic",      "Quayside",    "Red Rose",    "White Rose",  "Millstone",
    "Gritstone",   "Heather",     "Fellside",    "Beck",        "Ghyll",       "Wold",        "Spurn",
    "Swaledale",   "Wensleydale", "Nidd",        "Derwent",     "Coquet",      "Eden",        "Kinder",
    "Saddleworth", "Pendle",      "Rivington",   "Bridgewater", "Canalside",   "Viaduct",     "Forge",
    "Foundry",     "Loom",        "Spindle",     "Shuttle",     "Ginnel",      "Snicket",     "Kestrel",
    "Curlew",      "Heron",       "Lapwing",     "Osprey",      "Puffin",      "Merlin",      "Otter",
    "Hepworth & Lister", "Oldroyd & Shaw", "Ackroyd", "Sutcliffe", "Barraclough", "Thwaite", "O'Connor",
    "Armitage",    "Fairclough",  "Dobson",      "Robson",      "Milburn",     "Tenfoot",     "Northern Lights",
};
static const char *const SUP_CORE[] = {
    "Data",    "Cloud",      "Digital",  "Software",   "Systems",  "Networks", "Analytics", "Cyber",
    "Code",    "Tech",       "IT",       "Web",        "Apps",     "Telecare", "Sensors",   "Connect",
    "Logic",   "Bytes",      "Compute",  "Secure",     "Insight",  "Interactive", "Infrastructure",
    "Health Tech", "Smart Places", "Learning"};
static const char *const SUP_TAIL[] = {"", " Labs", " Solutions", " Consulting", " Services", " Studio",
                                       " Partners", " Group"};
static const char *const SUP_SUFFIX[] = {"Ltd", "Ltd", "Limited", "Ltd", "LLP", "Co-operative", "CIC", "plc", ""};

enum { NSUPPLIERS = 2000, SUP_POOL_SEED = 0x50574852 /* fixed: the firms don't depend on opt->seed */ };

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
  uint8_t region, large;
} SupR;

typedef struct {
  Str obj; /* {"scheme":"CPV","id":"...","description":"..."} */
  const char *code;
} CodeR;

typedef struct {
  uint8_t main[10], addl[6], nt, na, nscope;
} SvcR;

struct Gen {
  Rng rng;
  uint64_t key, counter;
  int64_t now, today, pa23_day;
  Buf pool; /* all pre-rendered JSON */
  Str prefix; /* "\"ocds-ph4xq1-": opening quote + escaped prefix + '-' */
  BuyerR buyers[NBUYERS];
  uint32_t buyer_cum[NBUYERS], buyer_total;
  uint8_t ndomains[K_COUNT];
  SupR sup[NSUPPLIERS];
  uint16_t *by_scale[2], n_by_scale[2];        /* supplier indexes by large */
  uint16_t *by_region[R_COUNT][2], n_by_region[R_COUNT][2];
  CodeR codes[160];
  size_t ncodes;
  SvcR svc[NSERVICES];
  uint32_t svc_total;
  /* per-notice scratch */
  Buf raw, title, desc0, desc1, ref, common, plan_tender, amend, awardb, partiesx;
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
    if (c == 0xC3 && (unsigned char)s[1] >= 0xA8 && (unsigned char)s[1] <= 0xAB) out[n++] = 'e', s++; /* è..ë */
    else if (c >= 'A' && c <= 'Z') out[n++] = (char)(c - 'A' + 'a');
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
  add_kv(b, "region", REGION_NAMES[c->region]);
  buf_addc(b, ',');
  add_kv(b, "postalCode", postcode);
  ADDL(b, ",\"countryName\":\"United Kingdom\"}");
}

static void render_buyer(Gen *g, Rng *r, size_t i) {
  const BuyerDef *d = &BUYERS[i];
  const City *c = &CITIES[d->city];
  BuyerR *br = &g->buyers[i];
  char postcode[12], phone[20], street[96], email[128], pid[64];
  make_postcode(r, c, postcode);
  make_phone(r, c, phone);
  static const char *const council_bldg[] = {"Civic Centre", "Town Hall", "Civic Hall", "County Hall"};
  switch (d->kind) {
  case K_COUNCIL: snprintf(street, sizeof street, "%s, %s", PICK(r, council_bldg), PICK(r, STREETS)); break;
  case K_NHS: snprintf(street, sizeof street, "Trust Headquarters, %s", PICK(r, STREETS)); break;
  case K_EDU: snprintf(street, sizeof street, "Procurement Office, %s", PICK(r, STREETS)); break;
  default: snprintf(street, sizeof street, "%u %s", (unsigned)rng_range(r, 1, 120), PICK(r, STREETS)); break;
  }
  static const char *const teams[] = {"Procurement Team", "Commercial Services", "Digital Procurement",
                                      "ICT Procurement", "Strategic Procurement"};
  static const char *const boxes[] = {"procurement", "commercial", "digital.procurement", "ict.procurement",
                                      "strategic.procurement"};
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
  render_address(b, street, c, postcode);
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
  buf_add_json_str(b, REGION_NAMES[c->region]);
  br->region = pool_end(g, br->region);
  br->postcode = pool_mark(g);
  buf_add_json_str(b, postcode);
  br->postcode = pool_end(g, br->postcode);
}

static int gcd(uint32_t a, uint32_t b) {
  while (b) {
    uint32_t t = a % b;
    a = b, b = t;
  }
  return (int)a;
}

static void render_suppliers(Gen *g) {
  Rng r;
  rng_seed(&r, SUP_POOL_SEED);
  /* Cities weighted by size: suppliers cluster in the big cities. */
  uint32_t cum[C_COUNT], total = 0;
  for (int c = 0; c < C_COUNT; c++) cum[c] = total += CITIES[c].size;

  const uint32_t np = NELEM(SUP_PLACE), nc = NELEM(SUP_CORE), nt = NELEM(SUP_TAIL), ns = NELEM(SUP_SUFFIX);
  const uint32_t ncomb = np * nc * nt * ns;
  uint32_t stride = 104729; /* a prime; walk the combinations without repeats */
  while (gcd(stride, ncomb) != 1) stride += 2;

  for (uint32_t i = 0; i < NSUPPLIERS; i++) {
    uint32_t k = (uint32_t)(((uint64_t)i * stride + 7919) % ncomb);
    const char *place = SUP_PLACE[k % np], *core = SUP_CORE[k / np % nc];
    const char *tail = SUP_TAIL[k / np / nc % nt], *suffix = SUP_SUFFIX[k / np / nc / nt];
    char name[128], pid[40], num[16], street[96], email[128], s[96], phone[20], postcode[12];
    snprintf(name, sizeof name, "%s %s%s%s%s", place, core, tail, *suffix ? " " : "", suffix);
    int vcse = !strcmp(suffix, "CIC") || !strcmp(suffix, "Co-operative");
    int large = !strcmp(suffix, "plc") || (!vcse && rng_pm(&r, 90));

    uint32_t pick = rng_below(&r, total), c = 0;
    while (cum[c] <= pick) c++;
    const City *city = &CITIES[c];
    if (city->region == R_SCO) /* Scottish companies: SC + 6 digits */
      snprintf(num, sizeof num, "SC%06u", (unsigned)(100000 + (i * 7717u) % 800000));
    else
      snprintf(num, sizeof num, "%08u", (unsigned)(4000000 + (i * 4999u) % 9000000));
    snprintf(pid, sizeof pid, "GB-COH-%s", num);
    make_postcode(&r, city, postcode);
    make_phone(&r, city, phone);
    if (rng_pm(&r, 400))
      snprintf(street, sizeof street, "Unit %u, %s, %s", (unsigned)rng_range(&r, 1, 40), PICK(&r, BUILDINGS),
               PICK(&r, STREETS));
    else
      snprintf(street, sizeof street, "%u %s", (unsigned)rng_range(&r, 1, 200), PICK(&r, STREETS));
    char ps[64], cs[32];
    slug(place, ps, sizeof ps), slug(core, cs, sizeof cs);
    snprintf(s, sizeof s, "%s%s", ps, cs);
    static const char *const mbox[] = {"hello", "info", "bids", "tenders", "enquiries"};
    static const char *const tlds[] = {"co.uk", "co.uk", "com", "io", "uk"};
    const char *tld = tlds[rng_below(&r, NELEM(tlds))];
    snprintf(email, sizeof email, "%s@%s.%s" DEMO_TLD, PICK(&r, mbox), s, tld);

    SupR *sr = &g->sup[i];
    sr->region = city->region;
    sr->large = (uint8_t)large;
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
  for (int l = 0; l < 2; l++) {
    g->by_scale[l] = xcalloc(NSUPPLIERS, sizeof(uint16_t));
    for (int rg = 0; rg < R_COUNT; rg++) g->by_region[rg][l] = xcalloc(NSUPPLIERS, sizeof(uint16_t));
  }
  for (uint16_t i = 0; i < NSUPPLIERS; i++) {
    int l = g->sup[i].large, rg = g->sup[i].region;
    g->by_scale[l][g->n_by_scale[l]++] = i;
    g->by_region[rg][l][g->n_by_region[rg][l]++] = i;
  }
}

static uint8_t code_index(Gen *g, const char *code) {
  for (size_t i = 0; i < g->ncodes; i++)
    if (!strcmp(g->codes[i].code, code)) return (uint8_t)i;
  if (g->ncodes == NELEM(g->codes)) abort(); /* the table above outgrew codes[]: a programming error */
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
  for (int k = 0; k < K_COUNT; k++)
    while (g->ndomains[k] < NELEM(DOMAINS[k]) && DOMAINS[k][g->ndomains[k]]) g->ndomains[k]++;
  render_suppliers(g);
  for (size_t i = 0; i < NSERVICES; i++) {
    const SvcDef *d = &SERVICES[i];
    SvcR *s2 = &g->svc[i];
    for (; s2->nt < NELEM(d->titles) && d->titles[s2->nt].cpv; s2->nt++)
      s2->main[s2->nt] = code_index(g, d->titles[s2->nt].cpv);
    for (; s2->na < NELEM(d->addl) && d->addl[s2->na]; s2->na++) s2->addl[s2->na] = code_index(g, d->addl[s2->na]);
    while (s2->nscope < NELEM(d->scope) && d->scope[s2->nscope]) s2->nscope++;
    g->svc_total += d->weight;
  }
  return g;
}

void gen_free(Gen *g) {
  if (!g) return;
  buf_release(&g->pool);
  for (int l = 0; l < 2; l++) {
    free(g->by_scale[l]);
    for (int rg = 0; rg < R_COUNT; rg++) free(g->by_region[rg][l]);
  }
  Buf *bufs[] = {&g->raw, &g->title, &g->desc0, &g->desc1, &g->ref, &g->common, &g->plan_tender,
                 &g->amend, &g->awardb, &g->partiesx};
  for (size_t i = 0; i < NELEM(bufs); i++) buf_release(bufs[i]);
  free(g);
}

/* ------------------------------------------------------------- notices -- */

typedef struct {
  const BuyerDef *buyer;
  const char *domain, *aim;
} Ctx;

/* Expands %B (buyer), %p (town), %d (domain), %D (domain, capitalised),
 * %a (the aim, itself expanded) into raw text. */
static void expand(Buf *b, const char *t, const Ctx *c) {
  for (const char *p = t; *p; p++) {
    if (*p != '%' || !p[1]) {
      const char *q = strchr(p, '%');
      size_t n = q ? (size_t)(q - p) : strlen(p);
      if (!n) n = 1;
      buf_add(b, p, n);
      p += n - 1;
      continue;
    }
    switch (*++p) {
    case 'B': buf_adds(b, c->buyer->name); break;
    case 'p': buf_adds(b, CITIES[c->buyer->city].name); break;
    case 'd': buf_adds(b, c->domain); break;
    case 'D':
      buf_addc(b, (char)(c->domain[0] >= 'a' && c->domain[0] <= 'z' ? c->domain[0] - 32 : c->domain[0]));
      buf_adds(b, c->domain + 1);
      break;
    case 'a': expand(b, c->aim, c); break;
    default: buf_addc(b, '%'), buf_addc(b, *p); break;
    }
  }
}

static void add_human_date(Buf *b, int64_t day) {
  int y, m, d;
  civil_from_days(day, &y, &m, &d);
  buf_addf(b, "%d %s %d", d, MONTH_NAMES[m - 1], y);
}

static void add_months_text(Buf *b, int months) {
  static const char *const years[] = {"", "one year", "two years", "three years", "four years", "five years"};
  if (months % 12 == 0 && months / 12 <= 5) buf_adds(b, years[months / 12]);
  else buf_addf(b, "%d months", months);
}

static uint64_t round_value(uint64_t v) {
  uint64_t q = v < 100000 ? 500 : v < 1000000 ? 5000 : 50000;
  v = (v + q / 2) / q * q;
  return v < 5000 ? 5000 : v;
}

static uint64_t pick_value(Rng *r, int max_band) {
  for (;;) {
    uint32_t x = rng_below(r, 1000), acc = 0;
    size_t i = 0;
    while (i + 1 < NELEM(BANDS) && x >= acc + BANDS[i].w) acc += BANDS[i++].w;
    if ((int)i > max_band) continue;
    return round_value((uint64_t)rng_range(r, BANDS[i].lo, BANDS[i].hi));
  }
}

static uint16_t pick_supplier(Gen *g, int region, uint64_t value) {
  Rng *r = &g->rng;
  unsigned pm_large = value > 2500000 ? 650 : value > 500000 ? 250 : 50;
  int l = rng_pm(r, pm_large);
  if (rng_pm(r, 550) && g->n_by_region[region][l])
    return g->by_region[region][l][rng_below(r, g->n_by_region[region][l])];
  return g->by_scale[l][rng_below(r, g->n_by_scale[l])];
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

size_t gen_next_notice(Gen *g, Buf *out) {
  Rng *r = &g->rng;
  Plan pl;
  memset(&pl, 0, sizeof pl);
  const int64_t today = g->today;

  /* Who buys what. */
  uint32_t x = rng_below(r, g->buyer_total);
  size_t bi = 0;
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
  size_t si;
  do {
    uint32_t y = rng_below(r, g->svc_total), acc = 0;
    for (si = 0; si + 1 < NSERVICES && y >= acc + SERVICES[si].weight; si++) acc += SERVICES[si].weight;
  } while (!(SERVICES[si].kinds & KM(bd->kind)));
  const SvcDef *sd = &SERVICES[si];
  const SvcR *sr = &g->svc[si];
  uint32_t ti = rng_below(r, sr->nt);
  Ctx ctx = {bd, DOMAINS[bd->kind][rng_below(r, g->ndomains[bd->kind])], NULL};
  ctx.aim = sd->titles[ti].aim;
  uint8_t main_code = sr->main[ti];
  const char *main_cpv = g->codes[main_code].code;
  int goods = !strncmp(main_cpv, "30", 2) || !strncmp(main_cpv, "32", 2) || !strncmp(main_cpv, "48", 2);

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
  static const int durations[] = {6, 12, 12, 18, 24, 24, 36, 36, 48, 60};
  static const int extensions[] = {0, 0, 6, 12, 12, 24};
  int months = PICK(r, durations), ext_months = PICK(r, extensions);
  pl.cstart_day = add_months_first(end_day + 30, 1);
  pl.cend_day = add_months_first(pl.cstart_day, months) - 1;
  pl.cmax_day = ext_months ? add_months_first(pl.cstart_day, months + ext_months) - 1 : 0;
  if (pl.has_award) { /* the contract starts after the award, whatever the tender planned */
    int64_t aday = floor_div(pl.award_t, 86400);
    pl.astart_day = aday < pl.cstart_day - 14 ? pl.cstart_day : add_months_first(aday + 14, 1);
    pl.aend_day = add_months_first(pl.astart_day, months) - 1;
    pl.amax_day = ext_months ? add_months_first(pl.astart_day, months + ext_months) - 1 : 0;
  }

  /* How much. */
  pl.value = pick_value(r, sd->max_band);
  pl.value0 = pl.value;
  if (pl.has_amend && pl.amend_kind == 1) pl.value0 = round_value(pl.value * (uint64_t)rng_range(r, 70, 90) / 100);
  int has_min = rng_pm(r, 250);
  if (has_min) pl.min_value = round_value(pl.value * (uint64_t)rng_range(r, 40, 80) / 100);
  if (pl.min_value >= pl.value0) has_min = 0;
  if (pl.has_award) {
    pl.award_value = round_value(pl.value * (uint64_t)rng_range(r, 72, 104) / 100);
    pl.nsup = rng_pm(r, 120) ? (int)rng_range(r, 2, 4) : 1;
    for (int i = 0; i < pl.nsup; i++) {
      uint16_t s;
      int dup;
      do {
        s = pick_supplier(g, city->region, pl.value);
        dup = 0;
        for (int j = 0; j < i; j++) dup |= pl.sup[j] == s;
      } while (dup);
      pl.sup[i] = s;
    }
    pl.ntenderers = pl.nsup + (int)rng_below(r, 3) + (rng_pm(r, 500) ? (int)rng_below(r, 9) : 0);
    /* (a direct award has one bidder: fixed below, once the method is known) */
  }

  /* How: method, suitability, documents. */
  uint32_t mx = rng_below(r, 100);
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
  int framework = strstr(details, "framework") != NULL;
  if (mx >= 90 && pl.has_award) pl.ntenderers = pl.nsup;
  int sme = rng_pm(r, pl.value < 250000 ? 850 : pl.value < 5000000 ? 550 : 250);
  int vcse = sme && rng_pm(r, 150);
  int docs = rng_pm(r, 500), spec = docs && rng_pm(r, 400);
  int n_addl = sr->na && rng_pm(r, 350) ? 1 + (int)rng_below(r, 2) : 0;
  uint8_t addl[2] = {0, 0};
  for (int i = 0; i < n_addl; i++) {
    addl[i] = sr->addl[rng_below(r, sr->na)];
    if (addl[i] == main_code || (i == 1 && addl[1] == addl[0])) n_addl = i; /* keep it distinct; stop here */
  }
  char postcode[12];
  int other_pc = rng_pm(r, 300);
  if (other_pc) make_postcode(r, city, postcode);
  int quantity = goods && !strncmp(main_cpv, "30", 2) ? (int)rng_range(r, 2, 200) * 10 : 0;

  /* Texts: title, description (and its amended version), reference. */
  int y, m, d;
  civil_from_days(pub_day, &y, &m, &d);
  buf_reset(&g->ref);
  buf_addf(&g->ref, "%s-%d-%04u", br->init, y, (unsigned)rng_range(r, 1, 9999));

  buf_reset(&g->raw);
  expand(&g->raw, sd->titles[ti].title, &ctx);
  buf_reset(&g->title);
  buf_add_json_str(&g->title, buf_cstr(&g->raw));

  buf_reset(&g->raw);
  expand(&g->raw, PICK(r, OPENINGS), &ctx);
  uint32_t s1 = rng_below(r, sr->nscope), s2 = rng_below(r, sr->nscope);
  buf_addc(&g->raw, ' ');
  expand(&g->raw, sd->scope[s1], &ctx);
  if (s2 != s1 && rng_pm(r, 600)) {
    buf_addc(&g->raw, ' ');
    expand(&g->raw, sd->scope[s2], &ctx);
  }
  if (framework) buf_addf(&g->raw, " This is a call-off from the %s framework.", framework_for(r, bd));
  ADDL(&g->raw, " The contract will run for ");
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
  expand(&g->raw, REQUIREMENTS[q1], &ctx);
  if (q2 != q1 && rng_pm(r, 300)) {
    buf_addc(&g->raw, ' ');
    expand(&g->raw, REQUIREMENTS[q2], &ctx);
  }
  if (rng_pm(r, 300)) {
    static const char *const sv[] = {"10%", "10%", "15%", "20%"};
    buf_addf(&g->raw, " Social value will account for %s of the evaluation, with a focus on local jobs and skills in %s.",
             PICK(r, sv), city->name);
  }
  if (sme)
    buf_adds(&g->raw, vcse ? " This opportunity is suitable for small and medium-sized enterprises (SMEs) and for "
                             "voluntary, community and social enterprises (VCSEs)."
                           : " This opportunity is suitable for small and medium-sized enterprises (SMEs).");
  buf_addf(&g->raw, " Tender documents are available on %s (reference %s).", portal_for(bd), buf_cstr(&g->ref));
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

  /* The parts of the tender object every release shares, after "status". */
  Buf *c = &g->common;
  buf_reset(c);
  ADDL(c, ",\"classification\":");
  add_str(c, g, g->codes[main_code].obj);
  ADDL(c, ",\"items\":[{\"id\":\"1\"");
  if (n_addl) {
    ADDL(c, ",\"additionalClassifications\":[");
    for (int i = 0; i < n_addl; i++) {
      if (i) buf_addc(c, ',');
      add_str(c, g, g->codes[addl[i]].obj);
    }
    buf_addc(c, ']');
  }
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
  buf_add_json_str(c, goods ? "goods" : "services");
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
      expand(&g->raw, PICK(r, PLANNING_RATIONALES), &ctx);
      ADDL(out, ",\"planning\":{\"rationale\":");
      buf_add_json_str(out, buf_cstr(&g->raw));
      ADDL(out, ",\"budget\":{\"id\":\"");
      buf_addf(out, "%d-%02d", fy, (fy + 1) % 100);
      ADDL(out, "\",\"description\":");
      buf_reset(&g->raw);
      buf_addf(&g->raw, "Digital and technology budget %d/%02d", fy, (fy + 1) % 100);
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
