/* test_date.c -- ISO 8601 / RFC 3339 parsing and UTC normalisation; UK civil
 * time (the summer time changes to the second, UK midnights in summer and
 * winter, year ends, and the tz database's changes 2020-2030 as an oracle). */
#include "base/date.h"

#include <stdio.h>
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

static time_t at(const char *iso) {
  time_t t = 0;
  if (date_parse(iso, &t)) printf("# cannot parse %s\n", iso);
  return t;
}

/* "YYYY-MM-DD HH:MM:SS" of the UK civil time at t. */
static const char *uk(time_t t) {
  static char out[32];
  DateCivil c;
  date_uk_civil(t, &c);
  snprintf(out, sizeof out, "%04lld-%02u-%02u %02u:%02u:%02u", c.y, c.m, c.d, c.hour, c.minute, c.second);
  return out;
}

/* "YYYY-MM-DDTHH:MM:SSZ" of t, for comparing instants by their text. */
static const char *utc(time_t t) {
  static char out[DATE_LEN];
  date_format(t, out);
  return out;
}

static void uk_time(void) {
  /* spring forward: 2026-03-29, 01:00 GMT becomes 02:00 BST */
  is_int(date_uk_offset(at("2026-03-29T00:59:59Z")), 0, "a second before BST starts: GMT");
  is_int(date_uk_offset(at("2026-03-29T01:00:00Z")), 3600, "BST from 01:00 UTC on the last Sunday of March");
  is_str(uk(at("2026-03-29T00:59:59Z")), "2026-03-29 00:59:59", "a second before: 00:59:59 UK");
  is_str(uk(at("2026-03-29T01:00:00Z")), "2026-03-29 02:00:00", "at the change the clock reads 02:00:00");
  /* fall back: 2026-10-25, 02:00 BST becomes 01:00 GMT */
  is_int(date_uk_offset(at("2026-10-25T00:59:59Z")), 3600, "a second before BST ends: BST");
  is_int(date_uk_offset(at("2026-10-25T01:00:00Z")), 0, "GMT from 01:00 UTC on the last Sunday of October");
  is_str(uk(at("2026-10-25T00:59:59Z")), "2026-10-25 01:59:59", "a second before: 01:59:59 UK");
  is_str(uk(at("2026-10-25T01:00:00Z")), "2026-10-25 01:00:00", "at the change the clock reads 01:00:00 again");
  is_int(date_uk_offset(at("2026-03-28T01:00:00Z")), 0, "the Saturday before the last Sunday of March: GMT");
  is_int(date_uk_offset(at("2026-10-24T01:00:00Z")), 3600, "the Saturday before the last Sunday of October: BST");

  /* midnights: summer (23:00 UTC), winter (00:00 UTC) */
  is_int(date_uk_day(at("2026-06-30T22:59:59Z")), date_days_from_civil(2026, 6, 30), "summer 22:59:59Z is still 30 June in the UK");
  is_int(date_uk_day(at("2026-06-30T23:00:00Z")), date_days_from_civil(2026, 7, 1), "summer 23:00:00Z is 1 July in the UK");
  is_str(uk(at("2026-06-30T23:00:00Z")), "2026-07-01 00:00:00", "... at 00:00:00");
  is_int(date_uk_day(at("2026-12-06T23:59:59Z")), date_days_from_civil(2026, 12, 6), "winter 23:59:59Z is 6 December");
  is_int(date_uk_day(at("2026-12-07T00:00:00Z")), date_days_from_civil(2026, 12, 7), "winter 00:00:00Z is 7 December");
  is_str(uk(at("2026-12-07T12:00:00Z")), "2026-12-07 12:00:00", "winter midday is 12:00 UK");
  is_str(uk(at("2026-06-30T22:59:59Z")), "2026-06-30 23:59:59", "summer 22:59:59Z is 23:59:59 UK");

  is_str(utc(date_uk_next_midnight(at("2026-12-06T12:00:00Z"))), "2026-12-07T00:00:00Z", "next UK midnight in winter: 00:00Z");
  is_str(utc(date_uk_next_midnight(at("2026-12-06T23:59:59Z"))), "2026-12-07T00:00:00Z", "... a second before it");
  is_str(utc(date_uk_next_midnight(at("2026-12-07T00:00:00Z"))), "2026-12-08T00:00:00Z", "... at a midnight: the next one (strictly after)");
  is_str(utc(date_uk_next_midnight(at("2026-06-30T12:00:00Z"))), "2026-06-30T23:00:00Z", "next UK midnight in summer: 23:00Z");
  is_str(utc(date_uk_next_midnight(at("2026-06-30T23:00:00Z"))), "2026-07-01T23:00:00Z", "... at a summer midnight: the next one");
  is_str(utc(date_uk_next_midnight(at("2026-03-28T12:00:00Z"))), "2026-03-29T00:00:00Z", "the night before spring forward: still GMT");
  is_str(utc(date_uk_next_midnight(at("2026-03-29T00:00:00Z"))), "2026-03-29T23:00:00Z", "spring forward day has 23 hours");
  is_str(utc(date_uk_next_midnight(at("2026-10-24T12:00:00Z"))), "2026-10-24T23:00:00Z", "the night before fall back: still BST");
  is_str(utc(date_uk_next_midnight(at("2026-10-24T23:00:00Z"))), "2026-10-26T00:00:00Z", "fall back day has 25 hours");

  /* year ends */
  is_str(uk(at("2026-12-31T23:59:59Z")), "2026-12-31 23:59:59", "last second of 2026 (GMT)");
  is_str(uk(at("2027-01-01T00:00:00Z")), "2027-01-01 00:00:00", "first second of 2027");
  is_str(utc(date_uk_next_midnight(at("2026-12-31T08:00:00Z"))), "2027-01-01T00:00:00Z", "next midnight across New Year");
  is_int(date_uk_day(at("2027-01-01T00:00:00Z")) - date_uk_day(at("2026-12-31T23:59:59Z")), 1, "New Year is the next UK day");
  is_str(uk(at("2028-02-29T23:59:59Z")), "2028-02-29 23:59:59", "leap day 2028");
  is_str(uk(-1), "1969-12-31 23:59:59", "before the epoch, winter");
  is_str(uk(at("1969-07-01T23:30:00Z")), "1969-07-02 00:30:00", "before the epoch, summer (today's rule)");

  /* the tz database's Europe/London changes 2020-2030 (zoneinfo), as an oracle */
  static const long long changes[][2] = {
      {1585443600, 1603587600}, {1616893200, 1635642000}, {1648342800, 1667091600}, {1679792400, 1698541200},
      {1711846800, 1729990800}, {1743296400, 1761440400}, {1774746000, 1792890000}, {1806195600, 1824944400},
      {1837645200, 1856394000}, {1869094800, 1887843600}, {1901149200, 1919293200}};
  int wrong = 0;
  for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
    time_t on = (time_t)changes[i][0], off = (time_t)changes[i][1];
    if (date_uk_offset(on - 1) != 0 || date_uk_offset(on) != 3600 || date_uk_offset(off - 1) != 3600 ||
        date_uk_offset(off) != 0)
      wrong++;
  }
  is_int(wrong, 0, "summer time starts and ends on the tz database's second, 2020-2030");

  /* every hour (and the second before it) 1990-2060: the civil fields, the day
   * number and the next midnight agree with one another */
  int bad_fields = 0, bad_day = 0, bad_next = 0;
  for (long long s = (long long)at("1990-01-01T00:00:00Z"); s < (long long)at("2060-01-01T00:00:00Z"); s += 3600) {
    for (long long t2 = s - 1; t2 <= s; t2++) {
      time_t x = (time_t)t2;
      DateCivil c;
      date_uk_civil(x, &c);
      long long day = date_days_from_civil(c.y, c.m, c.d);
      if (day * 86400 + c.hour * 3600 + c.minute * 60 + c.second - date_uk_offset(x) != t2) bad_fields++;
      if (date_uk_day(x) != day) bad_day++;
      time_t n = date_uk_next_midnight(x);
      DateCivil nc;
      date_uk_civil(n, &nc);
      if (n <= x || n - x > 25 * 3600 || date_uk_day(n) != day + 1 || date_uk_day(n - 1) != day || nc.hour ||
          nc.minute || nc.second)
        bad_next++;
    }
  }
  is_int(bad_fields, 0, "UK fields minus the offset give back the instant, 1990-2060");
  is_int(bad_day, 0, "the UK day number is the UK date's, 1990-2060");
  is_int(bad_next, 0, "the next UK midnight is after, within 25 h, 00:00:00 of the next UK day, 1990-2060");
}

int main(void) {
  time_t t;

  uk_time();

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
  {
    time_t u = 0;
    ok(date_parse("2026-11-05T10:00:00", &u) == -1, "a date-time without a zone is no instant for date_parse");
    ok(date_parse_unzoned("2026-11-05T10:00:00", &u) == 0 && u == 1793872800, "date_parse_unzoned reads it as UTC");
    ok(date_parse_unzoned("2026-11-05T10:00:00+01:00", &u) == 0 && u == 1793869200, "... and a zone still counts");
    ok(date_parse_unzoned("31/03/2017", &u) == -1 && date_parse_unzoned("n/a", &u) == -1,
       "... but what is no date stays no date");
  }
  return done_testing();
}
