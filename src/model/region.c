/* region.c -- see region.h. */
#include "model/region.h"

#include <stdlib.h>
#include <string.h>

const Region region_list[] = {
    {"TLC", "North East"},
    {"TLD", "North West"},
    {"TLE", "Yorkshire and The Humber"},
    {"TLF", "East Midlands"},
    {"TLG", "West Midlands"},
    {"TLH", "East of England"},
    {"TLI", "London"},
    {"TLJ", "South East"},
    {"TLK", "South West"},
    {"TLL", "Wales"},
    {"TLM", "Scotland"},
    {"TLN", "Northern Ireland"},
};
const size_t region_count = sizeof region_list / sizeof region_list[0];

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int upper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }
static int is_alpha(int c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* The code for ITL1 letter L (C..N), which is also its index + 'C'. */
static const char *by_letter(int l) {
  l = upper(l);
  return l >= 'C' && l <= 'N' ? region_list[l - 'C'].code : NULL;
}

const char *region_name(const char *code) {
  if (!code || upper(code[0]) != 'T' || upper(code[1]) != 'L' || !code[2] || code[3]) return NULL;
  const char *c = by_letter(code[2]);
  return c ? region_list[c[2] - 'C'].name : NULL;
}

/* "UKE", "UKM75", "TLE42" (the whole of s, n bytes): NUTS 2016 or ITL code. */
static const char *from_nuts(const char *s, size_t n) {
  if (n < 3 || n > 5) return NULL;
  int a = upper(s[0]), b = upper(s[1]);
  if (!((a == 'U' && b == 'K') || (a == 'T' && b == 'L'))) return NULL;
  for (size_t i = 3; i < n; i++)
    if (!is_digit(s[i]) && !is_alpha(s[i])) return NULL;
  return by_letter(s[2]);
}

/* ONS GSS codes of English regions and the three other nations. */
static const char *from_gss(const char *s, size_t n) {
  if (n != 9) return NULL;
  for (size_t i = 1; i < 9; i++)
    if (!is_digit(s[i])) return NULL;
  int c = upper(s[0]);
  if (c == 'E' && memcmp(s + 1, "1200000", 7) == 0 && s[8] >= '1' && s[8] <= '9') {
    static const char letters[] = "CDEFGHIJK"; /* E12000001 North East .. 9 South West */
    return by_letter(letters[s[8] - '1']);
  }
  if (c == 'W' && memcmp(s + 1, "92000004", 8) == 0) return "TLL";
  if (c == 'S' && memcmp(s + 1, "92000003", 8) == 0) return "TLM";
  if (c == 'N' && memcmp(s + 1, "92000002", 8) == 0) return "TLN";
  return NULL;
}

/* Region names after normalisation: lower-case ASCII words, single spaces,
 * without "the", "and", "of", "england", "region". */
static const struct {
  const char *key, *code;
} names[] = {
    {"north east", "TLC"},         {"northeast", "TLC"},
    {"north west", "TLD"},         {"northwest", "TLD"},
    {"yorkshire humber", "TLE"},   {"yorkshire", "TLE"},
    {"yorkshire humberside", "TLE"},
    {"east midlands", "TLF"},      {"west midlands", "TLG"},
    {"east", "TLH"},               {"eastern", "TLH"},
    {"london", "TLI"},             {"greater london", "TLI"},
    {"south east", "TLJ"},         {"southeast", "TLJ"},
    {"south west", "TLK"},         {"southwest", "TLK"},
    {"wales", "TLL"},              {"cymru", "TLL"},
    {"scotland", "TLM"},           {"northern ireland", "TLN"},
};

static int stopword(const char *w, size_t n) {
  static const char *const stop[] = {"the", "and", "of", "england", "region"};
  for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
    if (strlen(stop[i]) == n && memcmp(stop[i], w, n) == 0) return 1;
  return 0;
}

static const char *from_name(const char *s) {
  char key[40], word[24];
  size_t k = 0, w = 0;
  for (const char *p = s;; p++) {
    if (is_alpha(*p)) {
      if (w + 1 >= sizeof word) return NULL; /* no region name has such a word */
      word[w++] = (char)lower(*p);
      continue;
    }
    if (w && !stopword(word, w)) {
      if (k + w + 2 > sizeof key) return NULL;
      if (k) key[k++] = ' ';
      memcpy(key + k, word, w);
      k += w;
    }
    w = 0;
    if (!*p) break;
    /* letters, white space and punctuation only: "North East 2" is not a name */
    if (is_digit(*p) || (unsigned char)*p >= 0x80) return NULL;
  }
  key[k] = 0;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcmp(key, names[i].key) == 0) return names[i].code;
  return NULL;
}

const char *region_from_text(const char *s) {
  if (!s) return NULL;
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
  if (!n) return NULL;
  const char *r = from_nuts(s, n);
  if (!r) r = from_gss(s, n);
  if (!r) r = from_name(s);
  return r;
}

/* Postcode areas -> ITL1, sorted by area for bsearch. 121 UK areas; the
 * Crown Dependencies GY JE IM and BF/BX are deliberately absent (NULL).
 * Areas that straddle a regional border, mapped to where most people live:
 *   CA  Cumbria (NW); a little of Scotland and Northumberland
 *   CH  Chester, Wirral (NW); Flintshire CH5-CH8 is Wales
 *   CR  Croydon (London); CR3, CR6 are Surrey (SE)
 *   DA  Dartford, Gravesend, Swanley (Kent, SE) slightly outnumber Bexley (London)
 *   DE  Derby, Derbyshire (EM); Burton upon Trent DE13-DE15 is Staffordshire (WM)
 *   DL  Darlington, County Durham (NE); DL6-DL11 are North Yorkshire (Y&H)
 *   DN  Doncaster, North Lincolnshire (Y&H); DN21 Lincolnshire, DN22 Notts (EM)
 *   EN  Enfield, Barnet (London); EN6-EN11 Hertfordshire/Essex (East)
 *   GL  Gloucestershire (SW); a few villages in Oxfordshire/Warwickshire
 *   HP  High Wycombe, Aylesbury, Amersham (Bucks, SE) outnumber Hemel/Tring (Herts, East)
 *   HR  Herefordshire (WM); a strip of Powys (Wales)
 *   IG  Ilford, Redbridge (London); IG7-IG10 Essex (East)
 *   KT  Surrey towns KT7-KT24 (SE) outnumber Kingston, Surbiton, Chessington (London)
 *   LA  Lancaster, South Cumbria (NW); LA2 Bentham in North Yorkshire
 *   LL  North Wales (Wales); a little of Shropshire/Cheshire
 *   MK  Milton Keynes (SE); Bedford MK40-MK46 is East
 *   NP  Newport, Monmouthshire (Wales); a little of Herefordshire
 *   OL  Oldham, Rochdale (NW); Todmorden OL14 is West Yorkshire (Y&H)
 *   PE  Peterborough, Cambs, West Norfolk (East); PE9-PE12, PE20-PE25 Lincs/Rutland (EM)
 *   RM  Romford, Havering, Barking (London); Thurrock RM16-RM20 Essex (East)
 *   S   Sheffield, Rotherham, Barnsley (Y&H); Chesterfield, Worksop (EM)
 *   SK  Stockport, East Cheshire (NW); High Peak SK13, SK17, SK22, SK23 (EM)
 *   SM  Sutton (London); SM7 Banstead is Surrey (SE)
 *   SN  Swindon, Wiltshire (SW); SN7 Faringdon is Oxfordshire (SE)
 *   SP  Salisbury, Wiltshire, Dorset (SW); Andover SP10-SP11 Hampshire (SE)
 *   SY  Shrewsbury, Oswestry, Shropshire (WM); SY15-SY25 Powys/Ceredigion (Wales)
 *   TD  Scottish Borders (Scotland); Berwick TD15 Northumberland (NE)
 *   TN  Kent, East Sussex (SE) -- all SE
 *   TS  Teesside (NE); TS9 and parts of TS13 North Yorkshire (Y&H)
 *   TW  Hounslow, Richmond (London); Spelthorne TW15-TW20 Surrey (SE)
 *   UB  Hillingdon, Ealing (London); UB9 partly Bucks (SE)
 *   WD  Watford, Hertfordshire (East); WD3 partly Bucks/London */
typedef struct {
  char area[3];
  char letter; /* ITL1 letter */
} Area;

static const Area areas[] = {
    {"AB", 'M'}, {"AL", 'H'}, {"B", 'G'},  {"BA", 'K'}, {"BB", 'D'}, {"BD", 'E'}, {"BH", 'K'},
    {"BL", 'D'}, {"BN", 'J'}, {"BR", 'I'}, {"BS", 'K'}, {"BT", 'N'}, {"CA", 'D'}, {"CB", 'H'},
    {"CF", 'L'}, {"CH", 'D'}, {"CM", 'H'}, {"CO", 'H'}, {"CR", 'I'}, {"CT", 'J'}, {"CV", 'G'},
    {"CW", 'D'}, {"DA", 'J'}, {"DD", 'M'}, {"DE", 'F'}, {"DG", 'M'}, {"DH", 'C'}, {"DL", 'C'},
    {"DN", 'E'}, {"DT", 'K'}, {"DY", 'G'}, {"E", 'I'},  {"EC", 'I'}, {"EH", 'M'}, {"EN", 'I'},
    {"EX", 'K'}, {"FK", 'M'}, {"FY", 'D'}, {"G", 'M'},  {"GL", 'K'}, {"GU", 'J'}, {"HA", 'I'},
    {"HD", 'E'}, {"HG", 'E'}, {"HP", 'J'}, {"HR", 'G'}, {"HS", 'M'}, {"HU", 'E'}, {"HX", 'E'},
    {"IG", 'I'}, {"IP", 'H'}, {"IV", 'M'}, {"KA", 'M'}, {"KT", 'J'}, {"KW", 'M'}, {"KY", 'M'},
    {"L", 'D'},  {"LA", 'D'}, {"LD", 'L'}, {"LE", 'F'}, {"LL", 'L'}, {"LN", 'F'}, {"LS", 'E'},
    {"LU", 'H'}, {"M", 'D'},  {"ME", 'J'}, {"MK", 'J'}, {"ML", 'M'}, {"N", 'I'},  {"NE", 'C'},
    {"NG", 'F'}, {"NN", 'F'}, {"NP", 'L'}, {"NR", 'H'}, {"NW", 'I'}, {"OL", 'D'}, {"OX", 'J'},
    {"PA", 'M'}, {"PE", 'H'}, {"PH", 'M'}, {"PL", 'K'}, {"PO", 'J'}, {"PR", 'D'}, {"RG", 'J'},
    {"RH", 'J'}, {"RM", 'I'}, {"S", 'E'},  {"SA", 'L'}, {"SE", 'I'}, {"SG", 'H'}, {"SK", 'D'},
    {"SL", 'J'}, {"SM", 'I'}, {"SN", 'K'}, {"SO", 'J'}, {"SP", 'K'}, {"SR", 'C'}, {"SS", 'H'},
    {"ST", 'G'}, {"SW", 'I'}, {"SY", 'G'}, {"TA", 'K'}, {"TD", 'M'}, {"TF", 'G'}, {"TN", 'J'},
    {"TQ", 'K'}, {"TR", 'K'}, {"TS", 'C'}, {"TW", 'I'}, {"UB", 'I'}, {"W", 'I'},  {"WA", 'D'},
    {"WC", 'I'}, {"WD", 'H'}, {"WF", 'E'}, {"WN", 'D'}, {"WR", 'G'}, {"WS", 'G'}, {"WV", 'G'},
    {"YO", 'E'}, {"ZE", 'M'},
};

const size_t region_postcode_areas = sizeof areas / sizeof areas[0];

static int area_cmp(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const Area *)elem)->area);
}

const char *region_from_postcode(const char *pc) {
  char s[12];
  size_t n = 0;
  if (!pc) return NULL;
  for (const char *p = pc; *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') continue;
    if (n + 1 >= sizeof s) return NULL;
    s[n++] = (char)upper(*p);
  }
  s[n] = 0;
  /* inward code (digit letter letter) when there is room for an outward code too */
  if (n >= 5 && is_digit(s[n - 3]) && is_alpha(s[n - 2]) && is_alpha(s[n - 1])) n -= 3;
  /* outward code: A9 A99 A9A AA9 AA99 AA9A */
  size_t a = 0;
  while (a < n && is_alpha(s[a])) a++;
  if (a < 1 || a > 2 || n < a + 1 || n > a + 2 || !is_digit(s[a])) return NULL;
  if (n == a + 2 && !is_digit(s[a + 1]) && !is_alpha(s[a + 1])) return NULL;
  char area[3] = {s[0], a == 2 ? s[1] : 0, 0};
  const Area *hit = bsearch(area, areas, sizeof areas / sizeof areas[0], sizeof areas[0], area_cmp);
  return hit ? by_letter(hit->letter) : NULL;
}
