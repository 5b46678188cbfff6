/* date.c -- see date.h. Calendar arithmetic after Howard Hinnant's
 * days_from_civil / civil_from_days (public domain algorithms); UK time from
 * the summer time rule in date.h, by the same arithmetic. */
#include "base/date.h"


long long date_days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);                       /* [0, 399] */
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
  return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d) {
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (long long)yoe + era * 400 + (*m <= 2);
}

static int leap(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned month_days(long long y, unsigned m) {
  static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n decimal digits at *p into *v, advancing *p. */
static int digits(const char **p, int n, int *v) {
  int x = 0;
  for (int i = 0; i < n; i++) {
    unsigned char c = (unsigned char)(*p)[i];
    if (c < '0' || c > '9') return -1;
    x = x * 10 + (c - '0');
  }
  *p += n;
  *v = x;
  return 0;
}

static int parse(const char *s, time_t *out, int unzoned_ok) {
  int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
  const char *p = s;
  if (!s) return -1;
  if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
      digits(&p, 2, &d))
    return -1;
  if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > month_days(y, (unsigned)mo)) return -1;
  if (*p) {
    if (*p != 'T' && *p != 't' && *p != ' ') return -1;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi)) return -1;
    if (*p == ':') {
      p++;
      if (digits(&p, 2, &se)) return -1;
      if (*p == '.' || *p == ',') {
        p++;
        if (*p < '0' || *p > '9') return -1;
        while (*p >= '0' && *p <= '9') p++;
      }
    }
    if (h > 23 || mi > 59 || se > 60) return -1;
    if (*p == 'Z' || *p == 'z') {
      p++;
    } else if (*p == '+' || *p == '-') {
      sign = *p++ == '-' ? -1 : 1;
      if (digits(&p, 2, &oh)) return -1;
      if (*p == ':') p++;
      if (digits(&p, 2, &om) || oh > 23 || om > 59) return -1;
    } else if (!unzoned_ok) {
      return -1; /* no zone: the instant is unknown */
    }
    if (*p) return -1;
  }
  long long t = date_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL + h * 3600LL +
                mi * 60LL + se - sign * (oh * 3600LL + om * 60LL);
  *out = (time_t)t;
  return 0;
}

int date_parse(const char *s, time_t *out) { return parse(s, out, 0); }

int date_parse_unzoned(const char *s, time_t *out) { return parse(s, out, 1); }

static void put2(char *p, unsigned v) {
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
}

void date_format(time_t t, char out[DATE_LEN]) {
  long long s = (long long)t, days = s / 86400, rem = s % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  long long y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999) {
    out[0] = 0;
    return;
  }
  /* by hand: snprintf is slow and gcc cannot see the fields' ranges */
  put2(out, (unsigned)(y / 100));
  put2(out + 2, (unsigned)(y % 100));
  out[4] = '-';
  put2(out + 5, m);
  out[7] = '-';
  put2(out + 8, d);
  out[10] = 'T';
  put2(out + 11, (unsigned)(rem / 3600));
  out[13] = ':';
  put2(out + 14, (unsigned)(rem / 60 % 60));
  out[16] = ':';
  put2(out + 17, (unsigned)(rem % 60));
  out[19] = 'Z';
  out[20] = 0;
}

int date_norm(const char *s, char out[DATE_LEN]) {
  time_t t;
  if (date_parse(s, &t)) {
    out[0] = 0;
    return -1;
  }
  date_format(t, out);
  return out[0] ? 0 : -1;
}

/* floor(a / b) and the remainder in [0, b) for b > 0 (C's / truncates). */
static long long floor_div(long long a, long long b, long long *rem) {
  long long q = a / b, r = a % b;
  if (r < 0) {
    r += b;
    q--;
  }
  if (rem) *rem = r;
  return q;
}

/* Day number of the last Sunday of month m (March or October) in year y. */
static long long last_sunday(long long y, unsigned m) {
  long long last = date_days_from_civil(y, m, 31); /* both months have 31 days */
  long long wd;                                    /* 0 Sunday .. 6 Saturday */
  floor_div(last + 4, 7, &wd);                     /* 1970-01-01 was a Thursday */
  return last - wd;
}

int date_uk_offset(time_t t) {
  long long s = (long long)t, y;
  unsigned m, d;
  civil_from_days(floor_div(s, 86400, NULL), &y, &m, &d);
  /* the changes are in March and October, far from New Year: the UTC year is the UK year */
  long long start = last_sunday(y, 3) * 86400 + 3600, end = last_sunday(y, 10) * 86400 + 3600;
  return s >= start && s < end ? 3600 : 0;
}

long long date_uk_day(time_t t) {
  return floor_div((long long)t + date_uk_offset(t), 86400, NULL);
}

time_t date_uk_next_midnight(time_t t) {
  long long next = (date_uk_day(t) + 1) * 86400; /* UTC midnight of the next day's date */
  /* UK midnight of that date is next - offset, and the offset there is the
   * one at UTC midnight: no change falls between 23:00 and 00:00 UTC */
  return (time_t)(next - date_uk_offset((time_t)next));
}

void date_uk_civil(time_t t, DateCivil *out) {
  long long rem, days = floor_div((long long)t + date_uk_offset(t), 86400, &rem);
  civil_from_days(days, &out->y, &out->m, &out->d);
  out->hour = (unsigned)(rem / 3600);
  out->minute = (unsigned)(rem / 60 % 60);
  out->second = (unsigned)(rem % 60);
}

const char *date_month_name(unsigned m) {
  static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
  return m >= 1 && m <= 12 ? months[m - 1] : "";
}

void date_uk_words(Buf *out, time_t t) {
  DateCivil c;
  date_uk_civil(t, &c);
  buf_addf(out, "%u %s %lld, %u:%02u%s", c.d, date_month_name(c.m), c.y, c.hour % 12 ? c.hour % 12 : 12, c.minute,
           c.hour < 12 ? "am" : "pm");
}
