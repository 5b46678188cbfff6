/* date.h -- ISO 8601 / RFC 3339 date-times, as OCDS publishes them, parsed and
 * normalised to UTC. Pure arithmetic on the proleptic Gregorian calendar: no
 * locale, no TZ environment, no mktime, so the same input gives the same
 * answer on every machine.
 *
 * Accepted forms (and nothing else):
 *   YYYY-MM-DD                                  midnight UTC
 *   YYYY-MM-DDTHH:MM[:SS[.fraction]]<zone>      zone: Z | +HH:MM | -HH:MM | +HHMM | -HHMM
 * 'T' may be 't' or one space, 'Z' may be 'z' (RFC 3339 5.6 allows both). A
 * date-time without a zone is rejected: its instant is unknown. Fields are
 * range-checked (month 1-12, day within its month incl. leap years, hour 0-23,
 * minute 0-59, second 0-60 where a leap second counts as the next second,
 * offset below 24:00); fractional seconds are truncated. Years 0000-9999. */
#ifndef DATE_H
#define DATE_H

#include <time.h>

#include "base/buf.h"

#define DATE_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

/* 0 and *out = seconds since the epoch (UTC); -1 when s is not an accepted
 * date (out untouched). s may be NULL. */
int date_parse(const char *s, time_t *out);
/* As date_parse, and a date-time without a zone is read as UTC. */
int date_parse_unzoned(const char *s, time_t *out);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (UTC) of s into out. 0 ok; -1 (out = "") when
 * s is not an accepted date. */
int date_norm(const char *s, char out[DATE_LEN]);
/* "YYYY-MM-DDTHH:MM:SSZ" of t; out = "" for years outside 0000-9999. */
void date_format(time_t t, char out[DATE_LEN]);
/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
long long date_days_from_civil(long long y, unsigned m, unsigned d);

/* UK civil time (Europe/London), by the rule alone, not the tz database:
 * British Summer Time (UTC+1) from 01:00 UTC on the last Sunday of March to
 * 01:00 UTC on the last Sunday of October, Greenwich Mean Time (UTC+0) the
 * rest of the year. The rule has held since 1996 (EU summer time); instants
 * before then get today's rule too, which is wrong for them but the same
 * answer on every machine. A UK midnight never falls inside a change (both
 * are at 01:00 UTC: 01:00 GMT in March, 02:00 BST in October), so every UK
 * day starts at exactly one instant. */
typedef struct {
  long long y;
  unsigned m, d;          /* month 1-12, day 1-31 */
  unsigned hour, minute;  /* 0-23, 0-59 */
  unsigned second;        /* 0-59 */
} DateCivil;

/* Seconds UK time is ahead of UTC at instant t: 3600 in BST, else 0. */
int date_uk_offset(time_t t);
/* Days since 1970-01-01 of the UK calendar date at instant t: two instants
 * are on the same UK day when their numbers are equal. */
long long date_uk_day(time_t t);
/* The UTC instant of the first UK midnight strictly after t. */
time_t date_uk_next_midnight(time_t t);
/* The UK calendar date and clock time at instant t. */
void date_uk_civil(time_t t, DateCivil *out);
/* "January" .. "December" for m 1..12; "" otherwise. */
const char *date_month_name(unsigned m);
/* Instant t in UK time, as a person reads it: "7 December 2026, 12:00pm"
 * (12:00am is midnight), appended to out (base/buf.h's Buf). */
void date_uk_words(Buf *out, time_t t);

#endif
