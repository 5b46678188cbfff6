/* test_date.c -- ISO 8601 / RFC 3339 parsing and UTC normalisation. */
#include "base/date.h"

#include <stdlib.h>
#include <string.h>

#include "../tap.h"

static const char *norm(const char *s) {
  static char out[DATE_LEN];
  return date_norm(s, out) == 0 ? out : NULL;
}

static int rejects(const char *s) {
  time_t t = 12345;
  return date_parse(s, &t) == -1 && t == 12345;
}

int main(void) {
  time_t t;

  ok(date_parse("1970-01-01T00:00:00Z", &t) == 0 && t == 0, "epoch parses to 0");
  ok(date_parse("2025-01-23T22:10:19Z", &t) == 0 && t == 1737670219, "Z instant matches the Unix time");
  ok(date_parse("2000-02-29", &t) == 0 && t == 951782400, "date-only is midnight UTC (leap day 2000)");
  ok(date_parse("1969-12-31T23:59:59Z", &t) == 0 && t == -1, "before the epoch is negative");

  is_str(norm("2022-10-20T09:42:13+01:00"), "2022-10-20T08:42:13Z", "+01:00 offset is subtracted");
  is_str(norm("2015-04-29T07:30:00-04:00"), "2015-04-29T11:30:00Z", "-04:00 offset is added");
  is_str(norm("2020-12-31T23:30:00-05:00"), "2021-01-01T04:30:00Z", "offset carries across a year");
  is_str(norm("2021-03-01T00:30:00+01:00"), "2021-02-28T23:30:00Z", "offset borrows across a month");
  is_str(norm("2020-03-01T00:30:00+0100"), "2020-02-29T23:30:00Z", "+HHMM without colon, leap Feb");
  is_str(norm("2020-12-02T00:00:00.000Z"), "2020-12-02T00:00:00Z", "milliseconds are dropped");
  is_str(norm("2022-10-05T15:34:44.1234567Z"), "2022-10-05T15:34:44Z", "7 fractional digits");
  is_str(norm("2025-01-23"), "2025-01-23T00:00:00Z", "date only");
  is_str(norm("2025-01-23t10:00:00z"), "2025-01-23T10:00:00Z", "lower-case t and z (RFC 3339)");
  is_str(norm("2025-01-23 10:00:00Z"), "2025-01-23T10:00:00Z", "space separator (RFC 3339)");
  is_str(norm("2025-01-23T10:00Z"), "2025-01-23T10:00:00Z", "seconds may be left out");
  is_str(norm("2016-12-31T23:59:60Z"), "2017-01-01T00:00:00Z", "leap second counts as the next second");
  is_str(norm("9999-12-31T23:59:59Z"), "9999-12-31T23:59:59Z", "last representable second");
  is_str(norm("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00Z", "year 1");
  is_str(norm("2100-02-28"), "2100-02-28T00:00:00Z", "2100 is not a leap year but the 28th is fine");

  ok(rejects("2025-13-01"), "month 13 rejected");
  ok(rejects("2025-00-01"), "month 0 rejected");
  ok(rejects("2025-02-30"), "Feb 30 rejected");
  ok(rejects("2023-02-29"), "Feb 29 in a common year rejected");
  ok(rejects("2100-02-29"), "Feb 29 2100 rejected (century rule)");
  ok(rejects("2025-04-31"), "April 31 rejected");
  ok(rejects("2025-01-00"), "day 0 rejected");
  ok(rejects("2025-01-23T25:00:00Z"), "hour 25 rejected");
  ok(rejects("2025-01-23T24:00:00Z"), "hour 24 rejected");
  ok(rejects("2025-01-23T10:60:00Z"), "minute 60 rejected");
  ok(rejects("2025-01-23T10:00:61Z"), "second 61 rejected");
  ok(rejects("2025-01-23T10:00:00"), "no zone rejected");
  ok(rejects("2025-01-23T10:00:00+24:00"), "offset 24:00 rejected");
  ok(rejects("2025-01-23T10:00:00+01:60"), "offset minute 60 rejected");
  ok(rejects("2025-01-23T10:00:00+1"), "short offset rejected");
  ok(rejects("2025-01-23T10:00:00.Z"), "fraction without digits rejected");
  ok(rejects("2025-01-23T10:00:00Z "), "trailing space rejected");
  ok(rejects(" 2025-01-23"), "leading space rejected");
  ok(rejects("2025-1-23"), "one-digit month rejected");
  ok(rejects("25-01-23"), "two-digit year rejected");
  ok(rejects("20250123"), "basic format rejected");
  ok(rejects("2025-01-23T"), "dangling T rejected");
  ok(rejects("2025-01-23Tab:cd:efZ"), "letters in time rejected");
  ok(rejects("23/01/2025"), "UK slash date rejected");
  ok(rejects("2025-01-23 10:00 - QOC123 Ipswich"), "title text after a date rejected");
  ok(rejects(""), "empty rejected");
  ok(rejects(NULL), "NULL rejected");
  {
    char out[DATE_LEN] = "x";
    ok(date_norm("2025-02-30", out) == -1 && out[0] == 0, "date_norm of a bad date empties out");
  }

  /* date_format round trips and edge years */
  {
    char out[DATE_LEN];
    date_format(0, out);
    is_str(out, "1970-01-01T00:00:00Z", "format of 0");
    date_format(1737670219, out);
    is_str(out, "2025-01-23T22:10:19Z", "format of a 2025 instant");
    date_format(-1, out);
    is_str(out, "1969-12-31T23:59:59Z", "format of -1");
    date_format((time_t)253402300800LL, out); /* 10000-01-01 */
    is_str(out, "", "year 10000 cannot be formatted");
    ok(date_norm("9999-12-31T23:59:59-01:00", out) == -1, "normalising into year 10000 fails");
    /* every day from 1900 to 2100 round-trips through format and parse */
    int bad = 0;
    for (long long d = date_days_from_civil(1900, 1, 1); d < date_days_from_civil(2101, 1, 1); d++) {
      date_format((time_t)(d * 86400 + 3661), out);
      if (date_parse(out, &t) || t != (time_t)(d * 86400 + 3661)) bad++;
    }
    is_int(bad, 0, "73414 days 1900-2100 round-trip");
  }
  return done_testing();
}
