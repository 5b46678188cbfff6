/* test_posting.c -- the rules of posting.h: every field's shape and limit as
 * the readers see them (at the boundary: the limit passes, one more fails),
 * the words of the issues, the round trip through posting_to_json, the check
 * before publishing (stages, deadlines, the Procurement Act's minimum
 * periods), amendments merged onto the current posting, and the readers of
 * cancellations, awards, contracts, questions and answers. */
#include "model/posting.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "../tap.h"
#include "base/buf.h"
#include "base/date.h"

/* ---- helpers ---- */

static PostingIssues issues;
static Posting post;
static Buf built = BUF_INIT, built_list = BUF_INIT; /* what body_with and list_of return */

/* Parses json into post (released first); returns posting_parse's result. */
static int parse(const char *json) {
  posting_release(&post);
  memset(&issues, 0, sizeof issues);
  return posting_parse(json, strlen(json), &post, &issues);
}

/* "field: message" of the issues, joined by " | "; "ok" when none. */
static const char *said_of(const PostingIssues *is) {
  static char out[4096];
  size_t o = 0;
  out[0] = 0;
  for (size_t i = 0; i < is->n && o < sizeof out; i++)
    o += (size_t)snprintf(out + o, sizeof out - o, "%s%s: %s", i ? " | " : "", is->items[i].field,
                          is->items[i].message);
  return is->n ? out : "ok";
}

static const char *said(void) { return said_of(&issues); }

/* Parses json and says what the readers said. */
static const char *read1(const char *json) {
  parse(json);
  return said();
}

/* {"key": "<n copies of unit>"} -- or with lot set, {"lots": [{key: ...}]} at
 * index lot (earlier lots titled "x"). static. */
static const char *body_with(const char *key, const char *unit, size_t n, int lot) {
  Buf b = built, s = BUF_INIT;
  for (size_t i = 0; i < n; i++) buf_adds(&s, unit);
  buf_reset(&b);
  if (lot < 0) {
    buf_addf(&b, "{\"%s\":", key);
  } else {
    buf_adds(&b, "{\"lots\":[");
    for (int i = 0; i < lot; i++) buf_adds(&b, "{\"title\":\"x\"},");
    buf_addf(&b, "{\"%s\":", key);
  }
  buf_add_json_str(&b, buf_cstr(&s));
  buf_adds(&b, lot < 0 ? "}" : "}]}");
  buf_release(&s);
  built = b;
  return buf_cstr(&built);
}

/* {"key": [ n copies of item ]} */
static const char *list_of(const char *key, const char *item, size_t n) {
  Buf *b = &built_list;
  buf_reset(b);
  buf_addf(b, "{\"%s\":[", key);
  for (size_t i = 0; i < n; i++) buf_addf(b, "%s%s", i ? "," : "", item);
  buf_adds(b, "]}");
  return buf_cstr(b);
}

static int64_t when(const char *s) {
  time_t t = 0;
  date_parse(s, &t);
  return (int64_t)t;
}

/* ---- vocabularies, issues, field ids ---- */

static void test_vocabularies(void) {
  PostingStage s;
  Procedure p;
  ApplyRoute a;
  is_str(posting_stage_name(POSTING_PIPELINE), "pipeline", "stage name");
  ok(posting_stage_parse("engagement", &s) == 0 && s == POSTING_ENGAGEMENT, "stage parse");
  is_int(posting_stage_parse("Tender", &s), -1, "stage parse is case-sensitive");
  is_str(procedure_name(PROCEDURE_NONE), "", "procedure NONE has no name");
  is_str(procedure_name(PROCEDURE_LIMITED), "limited", "procedure name");
  ok(procedure_parse("selective", &p) == 0 && p == PROCEDURE_SELECTIVE, "procedure parse");
  is_int(procedure_parse("", &p), -1, "empty procedure is unknown");
  is_str(apply_route_name(APPLY_EMAIL), "email", "apply route name");
  ok(apply_route_parse("note", &a) == 0 && a == APPLY_NOTE, "apply route parse");
  is_int(apply_route_parse(NULL, &a), -1, "NULL apply route is unknown");
}

static void test_issues(void) {
  PostingIssues is = {0};
  for (int i = 0; i < POSTING_MAX_ISSUES + 3; i++) posting_issue(&is, i == 0, "title", "issue %d", i);
  is_int(is.n, POSTING_MAX_ISSUES, "issues beyond the limit are not kept");
  is_int(is.dropped, 3, "but they are counted");
  is_int(posting_errors(&is), POSTING_MAX_ISSUES - 1 + 3, "errors: kept non-warnings plus the dropped");
  is_str(is.items[5].message, "issue 5", "the message is formatted");
  char id[64];
  posting_field_id("lots[2].title", id, sizeof id);
  is_str(id, "lots-2-title", "field id of a lot's field");
  posting_field_id("criteria[0]", id, sizeof id);
  is_str(id, "criteria-0", "a trailing '-' is dropped");
  posting_field_id("value.amount", id, sizeof id);
  is_str(id, "value-amount", "'.' becomes '-'");
  posting_field_id("lots[12].cpv[3]", id, 8);
  is_str(id, "lots-12", "cut to the room given");
}

/* ---- reading: strings ---- */

static void test_strings(void) {
  is_str(read1("{}"), "ok", "an empty object reads");
  ok(post.stage == POSTING_TENDER && !strcmp(post.currency, "GBP") && !post.title, "defaults: tender, GBP, no title");
  parse("{\"title\": \"  Road gritting \\t\\n\"}");
  is_str(post.title, "Road gritting", "strings are trimmed");
  parse("{\"title\": \"   \"}");
  ok(post.title == NULL && issues.n == 0, "white space only is not given");
  parse("{\"title\": \"\"}");
  ok(post.title == NULL && issues.n == 0, "an empty string is not given");
  parse("{\"title\": null}");
  ok(post.title == NULL && issues.n == 0, "null is not given");
  parse("{\"description\": \"One\\r\\n\\r\\n- two\\n- three\\r\\n\"}");
  is_str(post.description, "One\n\n- two\n- three", "\\r\\n becomes \\n in a long text");
  is_str(read1("{\"title\": \"a\\nb\"}"), "title: Title must be one line", "a line break in a title");
  is_str(read1("{\"rationale\": \"a\\r\\nb\"}"), "rationale: Rationale must be one line", "\\r\\n in a short text");
  is_str(read1("{\"description\": \"a\\rb\"}"), "description: Description must not include control characters",
         "a lone \\r in a long text");
  is_str(read1("{\"title\": \"a\\tb\"}"), "title: Title must not include control characters", "a tab inside");
  is_str(read1("{\"title\": \"a\\u0001b\"}"), "title: Title must not include control characters", "U+0001");
  is_str(read1("{\"title\": \"a\\u007fb\"}"), "title: Title must not include control characters", "DEL");
  is_str(read1("{\"title\": \"a\\u0085b\"}"), "title: Title must not include control characters", "C1 NEL");
  is_str(read1("{\"title\": \"a\xC3(b\"}"),
         "title: Title must not include characters that are not text (invalid UTF-8)", "invalid UTF-8");
  is_str(read1("{\"title\": \"caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x9A\x80\"}"), "ok", "UTF-8 text is fine");
  is_str(read1("{\"engagement\": \"Day one\\nDay two\"}"), "ok", "line breaks in the engagement");
  is_str(post.engagement, "Day one\nDay two", "kept");
  is_str(read1("{\"title\": 5}"), "title: Title must be text", "a number for a title");
  is_str(read1("{\"description\": [\"x\"]}"), "description: Description must be text", "a list for a description");
  is_str(read1("{\"contact\": {\"name\": true}}"), "contact.name: Contact name must be text", "nested wrong type");
}

static void test_limits(void) {
  is_str(read1(body_with("title", "a", POSTING_TITLE_MAX, -1)), "ok", "a title of 300 bytes");
  is_str(read1(body_with("title", "a", POSTING_TITLE_MAX + 1, -1)), "title: Title must be 300 characters or fewer",
         "a title of 301 bytes");
  is_str(read1(body_with("title", "\xC3\xA9", POSTING_TITLE_MAX / 2 + 1, -1)),
         "title: Title must be 300 characters or fewer", "the limits count bytes");
  is_str(read1(body_with("description", "a", POSTING_TEXT_MAX, -1)), "ok", "a description of 20000");
  is_str(read1(body_with("description", "a", POSTING_TEXT_MAX + 1, -1)),
         "description: Description must be 20000 characters or fewer", "a description of 20001");
  is_str(read1(body_with("rationale", "a", POSTING_SHORT_MAX, -1)), "ok", "a rationale of 1000");
  is_str(read1(body_with("rationale", "a", POSTING_SHORT_MAX + 1, -1)),
         "rationale: Rationale must be 1000 characters or fewer", "a rationale of 1001");
  is_str(read1(body_with("extension", "a", POSTING_SHORT_MAX + 1, -1)),
         "extension: Options to extend must be 1000 characters or fewer", "extension of 1001");
  is_str(read1(body_with("reservedCounty", "a", POSTING_SHORT_MAX + 1, -1)),
         "reservedCounty: Reserved county must be 1000 characters or fewer", "reserved county of 1001");
  is_str(read1(body_with("engagement", "a", POSTING_TEXT_MAX + 1, -1)),
         "engagement: Market engagement must be 20000 characters or fewer", "engagement of 20001");
  is_str(read1(body_with("title", "a", POSTING_TITLE_MAX, 3)), "ok", "lot 4's title of 300");
  is_str(read1(body_with("title", "a", POSTING_TITLE_MAX + 1, 3)),
         "lots[3].title: Lot 4 title must be 300 characters or fewer", "lot 4's title of 301");
  is_str(read1(body_with("description", "a", POSTING_TEXT_MAX + 1, 0)),
         "lots[0].description: Lot 1 description must be 20000 characters or fewer", "a lot description of 20001");

  is_str(read1(list_of("cpv", "\"72000000\"", POSTING_MAX_CPV)), "ok", "20 CPV codes (duplicates)");
  is_int(post.n_cpv, 1, "duplicates dropped");
  is_str(read1(list_of("cpv", "\"72000000\"", POSTING_MAX_CPV + 1)), "cpv: Give 20 CPV codes or fewer", "21 codes");
  is_str(read1(list_of("regions", "\"TLE\"", POSTING_MAX_REGIONS)), "ok", "20 regions");
  is_str(read1(list_of("regions", "\"TLE\"", POSTING_MAX_REGIONS + 1)), "regions: Give 20 regions or fewer",
         "21 regions");
  is_str(read1(list_of("postcodes", "\"LS1 4DY\"", POSTING_MAX_POSTCODES)), "ok", "20 postcodes");
  is_str(read1(list_of("postcodes", "\"LS1 4DY\"", POSTING_MAX_POSTCODES + 1)),
         "postcodes: Give 20 postcodes or fewer", "21 postcodes");
  is_str(read1(list_of("lots", "{\"title\":\"x\"}", POSTING_MAX_LOTS)), "ok", "50 lots");
  is_int(post.n_lots, 50, "all kept");
  is_str(read1(list_of("lots", "{}", POSTING_MAX_LOTS + 1)), "lots: Give 50 lots or fewer", "51 lots");
  is_str(read1(list_of("criteria", "{\"name\":\"x\",\"weight\":5}", POSTING_MAX_CRITERIA)), "ok", "20 criteria");
  is_str(read1(list_of("criteria", "{}", POSTING_MAX_CRITERIA + 1)), "criteria: Give 20 criteria or fewer",
         "21 criteria");
  Buf b = BUF_INIT;
  buf_adds(&b, "{\"lots\":[{\"cpv\":[");
  for (int i = 0; i <= POSTING_MAX_CPV; i++) buf_adds(&b, i ? ",\"45000000\"" : "\"45000000\"");
  buf_adds(&b, "]}]}");
  is_str(read1(buf_cstr(&b)), "lots[0].cpv: Give 20 CPV codes or fewer", "21 CPV codes in a lot");
  buf_release(&b);

  /* the body */
  char *big = malloc(POSTING_JSON_MAX + 1);
  memset(big, ' ', POSTING_JSON_MAX + 1);
  big[0] = '{';
  big[POSTING_JSON_MAX - 1] = '}';
  posting_release(&post);
  memset(&issues, 0, sizeof issues);
  is_int(posting_parse(big, POSTING_JSON_MAX, &post, &issues), 0, "a body of 256 KB");
  is_int(posting_parse(big, POSTING_JSON_MAX + 1, &post, &issues), -1, "a body of 256 KB and a byte");
  is_str(said(), ": The notice must be 256 KB or smaller", "says so, with field \"\"");
  free(big);
  is_str(read1("[1]"), ": The notice must be a JSON object", "a list is not a notice");
  is_str(read1("{\"title\":"), ": The notice must be a JSON object", "broken JSON");
  posting_release(&post);
  memset(&issues, 0, sizeof issues);
  is_int(posting_parse(NULL, 0, &post, &issues), -1, "no text");
}

/* ---- reading: codes ---- */

static void test_codes(void) {
  parse("{\"cpv\": [\"72000000-5\", \" 45000000 \", \"72000000\"]}");
  ok(post.n_cpv == 2 && !strcmp(post.cpv[0], "72000000") && !strcmp(post.cpv[1], "45000000"),
     "CPV codes normalised, the check digit dropped, duplicates dropped");
  is_str(read1("{\"cpv\": [\"72000000\", \"12345678\"]}"),
         "cpv[1]: CPV code 12345678 is not a CPV code; pick one from the list", "an unknown code");
  is_str(read1("{\"cpv\": [\"software\"]}"), "cpv[0]: Enter a CPV code as 8 digits, like 72000000",
         "not a code at all");
  is_str(read1("{\"cpv\": [7]}"), "cpv[0]: CPV code 1 must be text", "a number in the list");
  is_str(read1("{\"cpv\": \"72000000\"}"), "cpv: CPV codes must be a list", "a string for the list");
  is_str(read1("{\"lots\": [{\"cpv\": [\"11111111\"]}]}"),
         "lots[0].cpv[0]: CPV code 11111111 is not a CPV code; pick one from the list", "a lot's unknown code");

  parse("{\"regions\": [\"tle42\", \"TLC\", \" tln \", \"TLE42\", \"tlm7\"]}");
  ok(post.n_regions == 4 && !strcmp(post.regions[0], "TLE42") && !strcmp(post.regions[1], "TLC") &&
         !strcmp(post.regions[2], "TLN") && !strcmp(post.regions[3], "TLM7"),
     "regions upper-cased, duplicates dropped");
  const char *bad_region = "regions[0]: Enter a region as an ITL code, like TLE or TLE42";
  is_str(read1("{\"regions\": [\"TLZ\"]}"), bad_region, "TLZ is not an ITL1 region");
  is_str(read1("{\"regions\": [\"TLB\"]}"), bad_region, "TLB is not one either");
  is_str(read1("{\"regions\": [\"TL\"]}"), bad_region, "too short");
  is_str(read1("{\"regions\": [\"TLE421\"]}"), bad_region, "six characters");
  is_str(read1("{\"regions\": [\"TLE-4\"]}"), bad_region, "punctuation");
  is_str(read1("{\"regions\": [\"UKE\"]}"), bad_region, "NUTS codes are not ITL codes");

  parse("{\"postcodes\": [\"ls14dy\", \"SW1A 1AA\", \"m1 1ae\", \"B33 8TH\", \"CR2 6XH\", \"DN55 1PT\", "
        "\"w1a0ax\", \"EC1A  1BB\"]}");
  is_int(post.n_postcodes, 8, "eight postcodes");
  const char *want[] = {"LS1 4DY", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB"};
  for (size_t i = 0; i < post.n_postcodes && i < 8; i++) is_str(post.postcodes[i], want[i], "postcode %zu", i);
  const char *bad_pc = "postcodes[0]: Enter a postcode in the correct format, like LS1 4DY";
  is_str(read1("{\"postcodes\": [\"LS1\"]}"), bad_pc, "an outward code alone");
  is_str(read1("{\"postcodes\": [\"1LS 4DY\"]}"), bad_pc, "a digit first");
  is_str(read1("{\"postcodes\": [\"LS1 4D\"]}"), bad_pc, "a short inward code");
  is_str(read1("{\"postcodes\": [\"LSS1 4DY\"]}"), bad_pc, "three letters");
  is_str(read1("{\"postcodes\": [\"LS123 4DY\"]}"), bad_pc, "three digits");
  is_str(read1("{\"postcodes\": [\"LS1-4DY\"]}"), bad_pc, "a dash");
}

/* ---- reading: dates, values, choices ---- */

static void test_dates(void) {
  parse("{\"deadline\": \"2027-03-01T12:00:00Z\", \"enquiryDeadline\": \"2027-02-20T12:00:00+01:00\"}");
  ok(post.deadline == when("2027-03-01T12:00:00Z"), "a deadline in UTC");
  ok(post.enquiry_deadline == when("2027-02-20T11:00:00Z"), "an offset is applied");
  is_str(read1("{\"deadline\": \"2027-03-01T12:00:00\"}"),
         "deadline: Include the time zone in the deadline, like 2027-03-01T12:00:00Z or 2027-03-01T12:00:00+01:00",
         "a deadline without a zone");
  const char *enter = "deadline: Enter a deadline as a date and time, like 2027-03-01T12:00:00Z";
  is_str(read1("{\"deadline\": \"2027-03-01\"}"), enter, "a date alone");
  is_str(read1("{\"deadline\": \"next Tuesday\"}"), enter, "words");
  is_str(read1("{\"deadline\": \"2027-02-30T12:00:00Z\"}"), enter, "30 February");
  is_str(read1("{\"deadline\": 1800000000}"), enter, "a number");
  is_str(read1("{\"enquiryDeadline\": \"2027-03-01T25:00Z\"}"),
         "enquiryDeadline: Enter an enquiry deadline as a date and time, like 2027-03-01T12:00:00Z", "hour 25");
  parse("{\"contractStart\": \"2028-02-29\", \"contractEnd\": \"2030-12-31\"}");
  ok(!strcmp(post.start, "2028-02-29") && !strcmp(post.end, "2030-12-31"), "contract dates, a leap day");
  is_str(read1("{\"contractStart\": \"2027-02-29\"}"),
         "contractStart: Contract start date must be a real date, like 2027-04-01", "29 February 2027");
  is_str(read1("{\"contractEnd\": \"2027-4-1\"}"),
         "contractEnd: Contract end date must be a real date, like 2027-04-01", "digits missing");
  is_str(read1("{\"contractEnd\": \"2027-04-01T00:00:00Z\"}"),
         "contractEnd: Contract end date must be a real date, like 2027-04-01", "a date and time");
  is_str(read1("{\"expected\": \"2027-03\"}"), "ok", "expected as a month");
  is_str(read1("{\"expected\": \"2027-03-15\"}"), "ok", "expected as a date");
  const char *bad_exp = "expected: Enter when you expect to tender as a month or a date, like 2027-03 or 2027-03-15";
  is_str(read1("{\"expected\": \"2027-13\"}"), bad_exp, "month 13");
  is_str(read1("{\"expected\": \"2027-02-30\"}"), bad_exp, "30 February");
  is_str(read1("{\"expected\": \"spring\"}"), bad_exp, "words");
}

static void test_values(void) {
  parse("{\"value\": {\"amount\": 250000}}");
  ok(post.has_value && post.value_min == 250000 && post.value_max == 250000 && !strcmp(post.currency, "GBP"),
     "one amount: min == max, GBP");
  parse("{\"value\": {\"min\": 100000.5, \"max\": 200000, \"currency\": \"eur\"}}");
  ok(post.has_value && post.value_min == 100000.5 && post.value_max == 200000 && !strcmp(post.currency, "EUR"),
     "a range, the currency upper-cased");
  is_str(read1("{\"value\": {\"amount\": 1e12}}"), "ok", "the largest amount");
  is_str(read1("{\"value\": {\"amount\": 0}}"), "ok", "nothing is an amount");
  is_str(read1("{\"value\": {\"amount\": 1000000000001}}"),
         "value.amount: Value amount must be a number from 0 to 1,000,000,000,000", "one more");
  is_str(read1("{\"value\": {\"amount\": -1}}"),
         "value.amount: Value amount must be a number from 0 to 1,000,000,000,000", "negative");
  is_str(read1("{\"value\": {\"amount\": 1e999}}"),
         "value.amount: Value amount must be a number from 0 to 1,000,000,000,000", "infinite");
  is_str(read1("{\"value\": {\"amount\": \"200k\"}}"), "value.amount: Value amount must be a number", "text");
  is_str(read1("{\"value\": {\"amount\": 5, \"min\": 1, \"max\": 9}}"),
         "value: Give an amount, or a minimum and a maximum, not both", "both forms");
  is_str(read1("{\"value\": {\"min\": 1}}"), "value: Give both a minimum and a maximum, or one amount", "min alone");
  is_str(read1("{\"value\": {\"currency\": \"GBP\"}}"), "value.amount: Value must have an amount", "no amount");
  is_str(read1("{\"value\": {\"amount\": 5, \"currency\": \"GB\"}}"),
         "value.currency: Currency must be a 3-letter code, like GBP", "two letters");
  is_str(read1("{\"value\": {\"amount\": 5, \"currency\": \"\xC2\xA3\"}}"),
         "value.currency: Currency must be a 3-letter code, like GBP", "a pound sign");
  is_str(read1("{\"value\": 5}"), "value: Value must be a JSON object", "a bare number");
  parse("{\"value\": {\"amount\": 10, \"currency\": \"EUR\"}, \"lots\": [{\"value\": {\"amount\": 4, \"currency\": "
        "\"EUR\"}}, {\"value\": {\"amount\": 6}}]}");
  is_str(said(), "lots[1].value.currency: Lot 2 currency must be the notice's currency (EUR)",
         "a lot's value in another currency (GBP by default)");
  ok(post.lots[0].has_value && post.lots[0].value == 4 && !post.lots[1].has_value, "the lot in EUR is kept");
  is_str(read1("{\"lots\": [{\"value\": {\"min\": 1, \"max\": 2}}]}"),
         "lots[0].value.min: Unknown field | lots[0].value.max: Unknown field | lots[0].value.amount: Lot 1 value must "
         "have an amount",
         "a lot's value has no range");
}

static void test_choices(void) {
  parse("{\"stage\": \"pipeline\", \"procedure\": \"limited\", \"reserved\": \"vcse\", \"sme\": true, \"vcse\": "
        "false}");
  ok(post.stage == POSTING_PIPELINE && post.procedure == PROCEDURE_LIMITED && !strcmp(post.reserved, "vcse") &&
         post.sme == 1 && post.vcse == 0,
     "stage, procedure, reserved, sme, vcse");
  is_str(read1("{\"stage\": \"award\"}"),
         "stage: Choose what the notice is for: tender, pipeline or engagement", "an unknown stage");
  is_str(read1("{\"procedure\": \"Open\"}"), "procedure: Choose a procedure: open, selective or limited",
         "procedures are lower case");
  is_str(read1("{\"reserved\": \"charity\"}"), "reserved: Choose who the contract is reserved for: sme or vcse",
         "an unknown reservation");
  is_str(read1("{\"sme\": \"yes\"}"), "sme: Suitable for SMEs must be true or false", "sme as text");
  is_str(read1("{\"vcse\": 1}"), "vcse: Suitable for VCSEs must be true or false", "vcse as a number");
  parse("{\"criteria\": [{\"name\": \"Price\", \"weight\": 60}, {\"name\": \"Quality\"}]}");
  ok(post.n_criteria == 2 && post.criteria[0].weight == 60 && post.criteria[1].weight == 0, "criteria and weights");
  const char *w = "criteria[0].weight: Criterion 1 weight must be a whole number from 1 to 100";
  is_str(read1("{\"criteria\": [{\"name\": \"Price\", \"weight\": 0}]}"), w, "weight 0");
  is_str(read1("{\"criteria\": [{\"name\": \"Price\", \"weight\": 101}]}"), w, "weight 101");
  is_str(read1("{\"criteria\": [{\"name\": \"Price\", \"weight\": 50.5}]}"), w, "weight 50.5");
  is_str(read1("{\"criteria\": [{\"name\": \"Price\", \"weight\": \"50\"}]}"), w, "weight as text");
  is_str(read1("{\"criteria\": [{\"name\": \"Price\", \"weight\": 100}]}"), "ok", "weight 100");
  is_str(read1("{\"criteria\": [\"Price\"]}"), "criteria[0]: Criterion 1 must be a JSON object", "a bare name");
  is_str(read1("{\"lots\": [null]}"), "lots[0]: Lot 1 must be a JSON object", "a null lot");
}

static void test_apply_contact(void) {
  parse("{\"apply\": {\"route\": \"link\", \"to\": \"https://tenders.example.gov.uk/t/42?x=1\"}}");
  ok(post.apply == APPLY_LINK && !strcmp(post.apply_to, "https://tenders.example.gov.uk/t/42?x=1"), "a link");
  is_str(read1("{\"apply\": {\"route\": \"link\", \"to\": \"http://example.com:8080/a\"}}"), "ok", "http and a port");
  const char *bad = "apply.to: Enter a link that starts with https:// or http://, like https://example.com/tender";
  is_str(read1("{\"apply\": {\"route\": \"link\", \"to\": \"ftp://example.com\"}}"), bad, "ftp");
  is_str(read1("{\"apply\": {\"route\": \"link\", \"to\": \"https://\"}}"), bad, "no host");
  is_str(read1("{\"apply\": {\"route\": \"link\", \"to\": \"https:///path\"}}"), bad, "an empty host");
  is_str(read1("{\"apply\": {\"route\": \"link\", \"to\": \"https://exa mple.com\"}}"), bad, "a space");
  is_str(read1("{\"apply\": {\"route\": \"link\", \"to\": \"https://me@evil.example\"}}"), bad, "a user part");
  is_str(read1("{\"apply\": {\"route\": \"link\", \"to\": \"example.com\"}}"), bad, "no scheme");
  parse("{\"apply\": {\"route\": \"email\", \"to\": \" Bids@Council.GOV.uk \"}}");
  ok(post.apply == APPLY_EMAIL && !strcmp(post.apply_to, "bids@council.gov.uk"), "an email address, lower-cased");
  is_str(read1("{\"apply\": {\"route\": \"email\", \"to\": \"bids at council\"}}"),
         "apply.to: Enter an email address in the correct format, like name@example.com", "not an email address");
  parse("{\"apply\": {\"route\": \"note\", \"to\": \"Post three copies to the Town Hall\"}}");
  ok(post.apply == APPLY_NOTE && !strcmp(post.apply_to, "Post three copies to the Town Hall"), "a note");
  is_str(read1("{\"apply\": {\"route\": \"fax\"}}"), "apply.route: Choose how suppliers apply: link, email or note",
         "an unknown route");
  is_str(read1(body_with("apply", "x", 1, -1)), "apply: How to apply must be a JSON object", "apply as text");
  parse("{\"contact\": {\"name\": \"Sam Lee\", \"email\": \"SAM@example.org\", \"phone\": \"+44 (0)113 496 0000\"}}");
  ok(!strcmp(post.contact_name, "Sam Lee") && !strcmp(post.contact_email, "sam@example.org") &&
         !strcmp(post.contact_phone, "+44 (0)113 496 0000"),
     "a contact");
  is_str(read1("{\"contact\": {\"email\": \"sam@\"}}"),
         "contact.email: Enter an email address in the correct format, like name@example.com", "a bad contact email");
  is_str(read1("{\"contact\": {\"phone\": \"call reception\"}}"),
         "contact.phone: Enter a telephone number, like 01632 960 001 or +44 808 157 0192", "a phone number in words");
  is_str(read1("{\"relatedOcid\": \"ocds-h6vhtk-04f1a2\"}"), "ok", "a related ocid");
  is_str(read1("{\"relatedOcid\": \"ocds h6vhtk\"}"),
         "relatedOcid: Enter the related contract's OCID without spaces, like ocds-h6vhtk-04f1a2", "with a space");
}

static void test_unknown(void) {
  is_str(read1("{\"titel\": \"x\"}"), "titel: Unknown field", "a misspelt key");
  is_str(read1("{\"draft\": true}"), "ok", "draft is skipped");
  is_str(read1("{\"lots\": [{\"titel\": \"x\"}]}"), "lots[0].titel: Unknown field", "in a lot");
  is_str(read1("{\"value\": {\"amont\": 5, \"amount\": 5}}"), "value.amont: Unknown field", "in the value");
  is_str(read1("{\"contact\": {\"fax\": \"1\"}}"), "contact.fax: Unknown field", "in the contact");
  is_str(read1("{\"apply\": {\"url\": \"1\"}}"), "apply.url: Unknown field", "in apply");
  is_str(read1("{\"criteria\": [{\"nom\": \"x\"}]}"), "criteria[0].nom: Unknown field", "in a criterion");
  is_str(read1("{\"a<b>\\n\": 1}"), "a?b??: Unknown field", "a key with odd characters is shown safely");
  is_str(read1("{\"title\": \"a\", \"title\": \"b\"}"), "title: This field is given twice", "a key given twice");
  is_str(post.title, "a", "the first is read");
  is_int(parse("{\"titel\": \"x\", \"sme\": 3, \"cpv\": [\"1\"]}"), -1, "issues: -1");
  is_int(issues.n, 3, "every issue at once");
}

/* ---- the round trip ---- */

static const char RICH[] =
    "{\"stage\":\"tender\",\"title\":\"Highways maintenance 2027\u2013 2030\","
    "\"description\":\"Planned and reactive work.\\n\\n- Gritting\\n- Potholes \\\"and\\\" kerbs\","
    "\"cpv\":[\"45000000\",\"90910000-9\"],\"value\":{\"min\":1500000.25,\"max\":2000000},"
    "\"procedure\":\"open\",\"deadline\":\"2027-04-20T12:00:00+01:00\",\"enquiryDeadline\":\"2027-04-10T17:00:00Z\","
    "\"contractStart\":\"2027-07-01\",\"contractEnd\":\"2030-06-30\",\"extension\":\"Two further years\","
    "\"regions\":[\"TLE42\",\"TLE\"],\"postcodes\":[\"ls14dy\"],"
    "\"lots\":[{\"title\":\"North\",\"description\":\"Line one\\nLine two\",\"value\":{\"amount\":900000.1},"
    "\"cpv\":[\"45000000\"]},{\"title\":\"South\"}],"
    "\"sme\":true,\"vcse\":true,\"reserved\":\"sme\",\"reservedCounty\":\"West Yorkshire\","
    "\"criteria\":[{\"name\":\"Price\",\"weight\":40},{\"name\":\"Quality\",\"weight\":60},{\"name\":\"Social value\"}],"
    "\"apply\":{\"route\":\"link\",\"to\":\"https://example.gov.uk/bid\"},"
    "\"contact\":{\"name\":\"Jo Bloggs\",\"email\":\"jo@example.gov.uk\",\"phone\":\"0113 496 0000\"},"
    "\"relatedOcid\":\"ocds-abc123-1\",\"draft\":true}";

static const char PIPELINE[] =
    "{\"stage\":\"pipeline\",\"title\":\"Care homes\",\"description\":\"x\",\"value\":{\"amount\":0.1,"
    "\"currency\":\"EUR\"},\"lots\":[{\"value\":{\"amount\":3e-7,\"currency\":\"EUR\"}}],\"expected\":\"2027-09\","
    "\"procedure\":\"limited\",\"rationale\":\"Only one provider\",\"apply\":{\"to\":\"Ask us\"}}";

static const char ENGAGEMENT[] =
    "{\"stage\":\"engagement\",\"title\":\"\xE5\xB8\x82\xE5\xA0\xB4 event\",\"engagement\":\"Tuesday 10am\\nTown "
    "Hall\",\"contact\":{\"email\":\"a@b.co\"},\"criteria\":[{\"name\":\"x\"}]}";

static void round_trip(const char *json, const char *name) {
  Posting a, b;
  PostingIssues is = {0};
  posting_init(&a);
  posting_init(&b);
  is_int(posting_parse(json, strlen(json), &a, &is), 0, "%s: reads without issues", name);
  char *text = posting_to_json(&a);
  is_int(posting_parse(text, strlen(text), &b, &is), 0, "%s: its JSON reads without issues", name);
  ok(posting_equal(&a, &b), "%s: and gives back an equal posting", name);
  char *again = posting_to_json(&b);
  is_str(again, text, "%s: the same JSON again", name);
  Posting c;
  posting_copy(&c, &a);
  ok(posting_equal(&a, &c), "%s: a copy is equal", name);
  posting_release(&a);
  ok(posting_equal(&b, &c), "%s: and owns its strings", name);
  posting_release(&b);
  posting_release(&c);
  free(text);
  free(again);
}

static void test_round_trip(void) {
  round_trip(RICH, "rich tender");
  round_trip(PIPELINE, "pipeline");
  round_trip(ENGAGEMENT, "engagement");
  round_trip("{}", "empty");
  parse(RICH);
  char *text = posting_to_json(&post);
  ok(strstr(text, "\"deadline\":\"2027-04-20T11:00:00Z\""), "the deadline is written in UTC");
  ok(strstr(text, "\"postcodes\":[\"LS1 4DY\"]"), "normalised values are written");
  ok(strstr(text, "\"cpv\":[\"45000000\",\"90910000\"]"), "CPV codes without check digits");
  ok(!strstr(text, "draft"), "draft is not written");
  free(text);
  posting_release(&post);
  text = posting_to_json(&post);
  is_str(text, "{\"stage\":\"tender\"}", "an empty posting: only its stage");
  free(text);
  Posting a, b;
  posting_init(&a);
  posting_init(&b);
  ok(posting_equal(&a, &b), "two empty postings are equal");
  a.sme = 1;
  ok(!posting_equal(&a, &b), "sme differs");
  a.sme = 0;
  a.title = xstrdup("x");
  ok(!posting_equal(&a, &b), "a title differs from none");
  posting_release(&a);
}

/* ---- posting_check ---- */

static time_t NOW; /* 2027-03-02T12:00:00Z, set by test_check */

/* Reads json (which must read cleanly) and checks it. */
static const char *check1(const char *json, int is_private) {
  is_int(parse(json), 0, "reads: %.60s", json);
  memset(&issues, 0, sizeof issues);
  posting_check(&post, is_private, NOW, &issues);
  return said();
}

static const char TENDER[] = "\"title\":\"T\",\"description\":\"D\",\"cpv\":[\"72000000\"],"
                             "\"apply\":{\"route\":\"email\",\"to\":\"a@b.co\"}";

static const char *tender(const char *more) {
  static char b[2048];
  snprintf(b, sizeof b, "{%s%s%s}", TENDER, *more ? "," : "", more);
  return b;
}

static void test_check(void) {
  NOW = (time_t)when("2027-03-02T12:00:00Z");
  is_str(check1(tender("\"deadline\":\"2027-05-01T12:00:00Z\",\"procedure\":\"open\""), 0), "ok",
         "a complete open tender");
  is_str(check1("{}", 0),
         "title: Enter a title | description: Enter a description | cpv: Choose at least one CPV code | deadline: "
         "Enter a deadline | apply.route: Choose how suppliers apply: a link, an email address or a note",
         "an empty tender");
  is_int(posting_errors(&issues), 5, "five errors");
  is_str(check1("{\"stage\":\"pipeline\"}", 0),
         "title: Enter a title | description: Enter a description | expected: Enter when you expect to tender, like "
         "2027-03",
         "an empty pipeline notice");
  is_str(check1("{\"stage\":\"engagement\"}", 0),
         "title: Enter a title | description: Enter a description | engagement: Describe the market engagement: the "
         "event or the questionnaire",
         "an empty engagement notice");
  is_str(check1("{\"stage\":\"pipeline\",\"title\":\"T\",\"description\":\"D\",\"expected\":\"2027-06\"}", 0), "ok",
         "a pipeline notice needs no deadline nor CPV");
  is_str(check1("{\"title\":\"T\",\"description\":\"D\",\"cpv\":[\"72000000\"],\"deadline\":\"2027-05-01T12:00:00Z\","
                "\"apply\":{\"route\":\"link\"}}",
                0),
         "apply.to: Enter the link where suppliers apply", "a route without where");
  is_str(check1(tender("\"deadline\":\"2027-03-02T12:00:00Z\""), 0), "deadline: The deadline must be in the future",
         "a deadline now");
  is_str(check1(tender("\"deadline\":\"2027-03-02T12:00:01Z\""), 0), "ok", "a second later, with no procedure");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"enquiryDeadline\":\"2027-04-01T12:00:00Z\""), 0),
         "enquiryDeadline: The enquiry deadline must be before the deadline", "enquiries close with the deadline");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"enquiryDeadline\":\"2027-03-01T12:00:00Z\""), 0),
         "enquiryDeadline: The enquiry deadline must be in the future", "enquiries closed already");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"enquiryDeadline\":\"2027-03-31T12:00:00Z\""), 0), "ok",
         "enquiries close the day before");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"contractStart\":\"2027-06-01\",\"contractEnd\":"
                       "\"2027-06-01\""),
                0),
         "contractEnd: The contract end date must be after the start date", "end on the start date");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"contractStart\":\"2027-06-01\",\"contractEnd\":"
                       "\"2027-06-02\""),
                0),
         "ok", "end the day after");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"value\":{\"min\":5,\"max\":4}"), 0),
         "value.max: The maximum value must be at least the minimum", "min above max");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"value\":{\"min\":5,\"max\":5}"), 0), "ok",
         "min equal to max");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"criteria\":[{\"name\":\"a\",\"weight\":60},{\"name\":"
                       "\"b\",\"weight\":30},{\"name\":\"c\"}]"),
                0),
         "criteria: The criteria's weights must add up to 100; they add up to 90", "weights of 90");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"criteria\":[{\"name\":\"a\",\"weight\":60},{\"name\":"
                       "\"b\",\"weight\":40}]"),
                0),
         "ok", "weights of 100");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"criteria\":[{\"name\":\"a\"},{\"weight\":100}]"), 0),
         "criteria[1].name: Enter a name for criterion 2", "a criterion without a name; no weights is fine");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"lots\":[{\"title\":\"a\"},{\"description\":\"b\"}]"), 0),
         "lots[1].title: Enter a title for lot 2", "a lot without a title");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"procedure\":\"limited\""), 0),
         "rationale: Explain why you are using a limited procedure (a direct award)", "limited without a rationale");
  is_str(check1(tender("\"deadline\":\"2027-04-01T12:00:00Z\",\"procedure\":\"limited\",\"rationale\":\"Only one\""),
                0),
         "ok", "limited with a rationale, and no minimum period");

  /* minimum periods: 25 days open, 10 selective, counted from now */
  const char *open_msg = "deadline: The deadline must be at least 25 days from today for an open procedure (the "
                         "Procurement Act 2023); the earliest is 27 March 2027 at midday";
  is_str(check1(tender("\"procedure\":\"open\",\"deadline\":\"2027-03-27T11:59:59Z\""), 0), open_msg,
         "open: a second short of 25 days");
  is_int(posting_errors(&issues), 1, "an error for a public buyer");
  is_str(check1(tender("\"procedure\":\"open\",\"deadline\":\"2027-03-27T11:59:59Z\""), 1), open_msg,
         "the same words for a private buyer");
  ok(issues.n == 1 && issues.items[0].warning && posting_errors(&issues) == 0, "but a warning");
  is_str(check1(tender("\"procedure\":\"open\",\"deadline\":\"2027-03-27T12:00:00Z\""), 0), "ok", "open: 25 days");
  is_str(check1(tender("\"procedure\":\"selective\",\"deadline\":\"2027-03-12T11:00:00Z\""), 0),
         "deadline: The deadline must be at least 10 days from today for a selective procedure (the Procurement Act "
         "2023); the earliest is 12 March 2027 at midday",
         "selective: an hour short of 10 days");
  is_str(check1(tender("\"procedure\":\"selective\",\"deadline\":\"2027-03-12T12:00:00Z\""), 0), "ok",
         "selective: 10 days");
  /* the earliest is said in UK time: in summer time an hour ahead */
  memset(&issues, 0, sizeof issues);
  parse(tender("\"procedure\":\"open\",\"deadline\":\"2027-05-01T12:00:00Z\""));
  posting_check(&post, 0, (time_t)when("2027-04-10T08:30:00Z"), &issues);
  is_str(said(),
         "deadline: The deadline must be at least 25 days from today for an open procedure (the Procurement Act "
         "2023); the earliest is 5 May 2027 at 9:30am",
         "the earliest in British Summer Time");
  memset(&issues, 0, sizeof issues);
  is_int(posting_check(&post, 0, (time_t)when("2027-05-02T08:30:00Z"), &issues), 1,
         "a past deadline: one error (no minimum period on top)");
}

/* ---- amendments ---- */

static const cJSON *json_of(const char *text) {
  static cJSON *last;
  cJSON_Delete(last);
  last = text ? cJSON_Parse(text) : NULL;
  return last;
}

static void test_amendment(void) {
  Posting base, p;
  char *why = NULL;
  posting_init(&base);
  PostingIssues is = {0};
  posting_parse(RICH, strlen(RICH), &base, &is);
  posting_init(&p);
  memset(&is, 0, sizeof is);
  is_int(posting_amendment_from_json(json_of("{\"rationale\":\"More time\",\"deadline\":\"2027-05-20T12:00:00Z\","
                                             "\"title\":\"Highways 2027\"}"),
                                     &base, &p, &why, &is),
         0, "an amendment at the top level");
  is_str(why, "More time", "its reason");
  ok(p.deadline == when("2027-05-20T12:00:00Z") && !strcmp(p.title, "Highways 2027"), "the fields given replace");
  ok(p.n_lots == 2 && !strcmp(p.description, base.description) && p.value_max == 2000000 && p.sme,
     "the rest is kept from the base");
  ok(p.rationale == NULL, "the reason is not the procedure's rationale");
  p.deadline = base.deadline;
  free(p.title);
  p.title = xstrdup(base.title);
  ok(posting_equal(&p, &base), "nothing else changed");
  free(why);

  is_int(posting_amendment_from_json(json_of("{\"rationale\":\"Fewer lots\",\"notice\":{\"lots\":null,\"rationale\":"
                                             "\"Only one\",\"title\":\"New\"}}"),
                                     &base, &p, &why, &is),
         0, "the notice form");
  ok(p.n_lots == 0 && !strcmp(p.rationale, "Only one") && !strcmp(p.title, "New") && p.n_cpv == 2,
     "null clears, the procedure's rationale can change, the rest kept");
  is_str(why, "Fewer lots", "its reason");
  free(why);

  memset(&is, 0, sizeof is);
  is_int(posting_amendment_from_json(json_of("{\"title\":\"x\"}"), &base, &p, &why, &is), -1, "no reason");
  ok(is.n == 1 && !strcmp(is.items[0].field, "rationale") &&
         !strcmp(is.items[0].message, "Enter the reason for the change"),
     "says so");
  ok(why == NULL, "no reason given back");
  memset(&is, 0, sizeof is);
  is_int(posting_amendment_from_json(json_of("{\"rationale\":\"  \",\"notice\":{},\"title\":\"x\"}"), &base, &p, &why,
                                     &is),
         -1, "a blank reason, and a field beside the notice");
  is_int(is.n, 2, "two issues");
  ok(!strcmp(is.items[1].field, "title") && !strcmp(is.items[1].message, "Unknown field"),
     "fields beside \"notice\" are unknown");
  memset(&is, 0, sizeof is);
  is_int(posting_amendment_from_json(json_of("{\"rationale\":\"r\",\"title\":\"Only\"}"), NULL, &p, &why, &is), 0,
         "without a base");
  ok(!strcmp(p.title, "Only") && p.n_lots == 0, "only what is given");
  free(why);
  memset(&is, 0, sizeof is);
  is_int(posting_amendment_from_json(json_of("[]"), &base, &p, &why, &is), -1, "not an object");
  is_int(posting_amendment_from_json(json_of("{\"rationale\":\"r\",\"notice\":5}"), &base, &p, &why, &is), -1,
         "a notice that is not an object");
  free(why);
  posting_release(&p);
  posting_release(&base);
}

/* ---- cancellations, awards, contracts, questions, answers ---- */

static void test_cancel(void) {
  char *reason = NULL;
  PostingIssues is = {0};
  is_int(posting_cancel_from_json(json_of("{\"reason\":\" No longer needed \"}"), &reason, &is), 0, "a cancellation");
  is_str(reason, "No longer needed", "its reason, trimmed");
  free(reason);
  is_int(posting_cancel_from_json(json_of("{}"), &reason, &is), -1, "no reason");
  is_str(is.items[0].message, "Enter the reason for cancelling", "says so");
  memset(&is, 0, sizeof is);
  is_int(posting_cancel_from_json(json_of(body_with("reason", "a", POSTING_SHORT_MAX, -1)), &reason, &is), 0,
         "a reason of 1000");
  free(reason);
  memset(&is, 0, sizeof is);
  is_int(posting_cancel_from_json(json_of(body_with("reason", "a", POSTING_SHORT_MAX + 1, -1)), &reason, &is), -1,
         "a reason of 1001");
  is_str(is.items[0].message, "Reason must be 1000 characters or fewer", "says so");
  ok(reason == NULL, "nothing given back");
  memset(&is, 0, sizeof is);
  is_int(posting_cancel_from_json(json_of("{\"reason\":\"x\",\"why\":1}"), &reason, &is), -1, "an unknown field");
  free(reason);
}

static void test_award(void) {
  PostingAward a;
  PostingIssues is = {0};
  is_int(posting_award_from_json(
             json_of("{\"suppliers\":[{\"name\":\"Acme Ltd\",\"identifier\":\"GB-COH-01234567\",\"postcode\":\"ls14dy\","
                     "\"sme\":true},{\"name\":\"Beta\"}],\"value\":{\"amount\":120000,\"currency\":\"gbp\"},"
                     "\"date\":\"2027-05-01\",\"standstillEnd\":\"2027-05-12\",\"lot\":\"2\"}"),
             &a, &is),
         0, "an award");
  ok(a.n_suppliers == 2 && !strcmp(a.suppliers[0].name, "Acme Ltd") &&
         !strcmp(a.suppliers[0].identifier, "GB-COH-01234567") && !strcmp(a.suppliers[0].postcode, "LS1 4DY") &&
         a.suppliers[0].sme == 1,
     "the first supplier");
  ok(a.suppliers[1].sme == -1 && !a.suppliers[1].identifier && !a.suppliers[1].postcode, "sme not said: -1");
  ok(a.has_value && a.value == 120000 && !strcmp(a.currency, "GBP"), "the value");
  ok(!strcmp(a.date, "2027-05-01") && !strcmp(a.standstill_end, "2027-05-12") && !strcmp(a.lot, "2"),
     "dates and the lot");
  posting_award_release(&a);
  is_int(posting_award_from_json(json_of("{\"suppliers\":[{\"name\":\"A\",\"sme\":false}],\"date\":\"2027-05-01\","
                                         "\"lot\":3}"),
                                 &a, &is),
         0, "a lot as a number");
  ok(!strcmp(a.lot, "3") && a.suppliers[0].sme == 0 && !a.has_value, "read as text; sme false");
  posting_award_release(&a);
  is_int(posting_award_from_json(json_of("{\"suppliers\":[{\"name\":\"A\"}],\"date\":\"2027-05-01\"}"), &a, &is), 0,
         "the whole notice");
  ok(a.lot == NULL, "no lot");
  posting_award_release(&a);

  is_int(posting_award_from_json(json_of("{}"), &a, &is), -1, "an empty award");
  is_str(said_of(&is), "suppliers: Add at least one supplier | date: Enter the award decision date", "says what is missing");
  posting_award_release(&a);
  memset(&is, 0, sizeof is);
  is_int(posting_award_from_json(json_of("{\"suppliers\":[],\"date\":\"2027-05-01\"}"), &a, &is), -1, "no suppliers");
  posting_award_release(&a);
  memset(&is, 0, sizeof is);
  is_int(posting_award_from_json(json_of(list_of("suppliers", "{\"name\":\"x\"}", POSTING_MAX_SUPPLIERS)), &a, &is), -1,
         "20 suppliers (no date)");
  is_str(said_of(&is), "date: Enter the award decision date", "20 suppliers are fine");
  posting_award_release(&a);
  memset(&is, 0, sizeof is);
  is_int(posting_award_from_json(json_of(list_of("suppliers", "{\"name\":\"x\"}", POSTING_MAX_SUPPLIERS + 1)), &a, &is),
         -1, "21 suppliers");
  ok(!strcmp(is.items[0].message, "Give 20 suppliers or fewer"), "too many suppliers");
  posting_award_release(&a);
  memset(&is, 0, sizeof is);
  is_int(posting_award_from_json(
             json_of("{\"suppliers\":[{\"identifier\":\"GB COH\",\"postcode\":\"nowhere\",\"sme\":\"y\"}],\"date\":"
                     "\"2027-05-01\",\"standstillEnd\":\"2027-04-30\",\"lot\":\"0\"}"),
             &a, &is),
         -1, "a bad award");
  is_str(said_of(&is),
         "suppliers[0].name: Enter the name of supplier 1 | suppliers[0].identifier: Enter the supplier's identifier "
         "without spaces, like GB-COH-01234567 | suppliers[0].postcode: Enter a postcode in the correct format, like "
         "LS1 4DY | suppliers[0].sme: Supplier 1 SME must be true or false | standstillEnd: The standstill period must "
         "not end before the award decision date | lot: Lot must be a lot's number, from 1 to 50",
         "says everything wrong");
  posting_award_release(&a);
  memset(&is, 0, sizeof is);
  is_int(posting_award_from_json(json_of("{\"suppliers\":[{\"name\":\"A\"}],\"date\":\"2027-13-01\",\"lot\":51}"), &a,
                                 &is),
         -1, "a bad date, lot 51");
  is_str(said_of(&is),
         "date: Award decision date must be a real date, like 2027-04-01 | lot: Lot must be a whole number from 1 to 50",
         "says so");
  posting_award_release(&a);
}

static void test_contract(void) {
  PostingContract c;
  PostingIssues is = {0};
  is_int(posting_contract_from_json(json_of("{\"signed\":\"2027-06-01\",\"value\":{\"amount\":99.5,\"currency\":"
                                            "\"EUR\"},\"start\":\"2027-07-01\",\"end\":\"2029-06-30\",\"award\":2}"),
                                    &c, &is),
         0, "a contract");
  ok(!strcmp(c.signed_date, "2027-06-01") && c.has_value && c.value == 99.5 && !strcmp(c.currency, "EUR") &&
         !strcmp(c.start, "2027-07-01") && !strcmp(c.end, "2029-06-30") && c.award == 2,
     "all of it");
  is_int(posting_contract_from_json(json_of("{\"signed\":\"2027-06-01\"}"), &c, &is), 0, "just the date");
  ok(c.award == 0 && !c.has_value && !strcmp(c.currency, "GBP") && !c.start[0], "the latest award, no value");
  is_int(posting_contract_from_json(json_of("{\"start\":\"2027-07-01\",\"end\":\"2027-07-01\",\"award\":-1,"
                                            "\"value\":{\"amount\":-5}}"),
                                    &c, &is),
         -1, "a bad contract");
  is_str(said_of(&is),
         "signed: Enter the date the contract was signed | value.amount: Value amount must be a number from 0 to "
         "1,000,000,000,000 | end: The contract end date must be after the start date | award: Award must be a whole "
         "number from 0 to 1000000",
         "says everything wrong");
  memset(&is, 0, sizeof is);
  is_int(posting_contract_from_json(json_of("{\"signed\":\"1 June\",\"extra\":1}"), &c, &is), -1, "bad date, extra");
  is_str(said_of(&is), "extra: Unknown field | signed: Date the contract was signed must be a real date, like 2027-04-01",
         "says so");
}

static void test_questions(void) {
  char *q = NULL, *a = NULL;
  PostingIssues is = {0};
  is_int(posting_question_from_json(json_of("{\"question\":\"Is TUPE likely?\\r\\nThanks\"}"), &q, &is), 0,
         "a question");
  is_str(q, "Is TUPE likely?\nThanks", "line breaks normalised");
  free(q);
  is_int(posting_question_from_json(json_of(body_with("question", "a", POSTING_QUESTION_MAX, -1)), &q, &is), 0,
         "4000 bytes");
  free(q);
  is_int(posting_question_from_json(json_of(body_with("question", "a", POSTING_QUESTION_MAX + 1, -1)), &q, &is), -1,
         "4001 bytes");
  is_str(said_of(&is), "question: Question must be 4000 characters or fewer", "says so");
  memset(&is, 0, sizeof is);
  is_int(posting_question_from_json(json_of("{\"question\":\"\"}"), &q, &is), -1, "an empty question");
  is_str(said_of(&is), "question: Enter your question", "says so");
  memset(&is, 0, sizeof is);
  is_int(posting_answer_from_json(json_of("{\"answer\":\"Yes.\",\"question\":\"Is TUPE likely?\"}"), &a, &q, &is), 0,
         "an answer");
  ok(!strcmp(a, "Yes.") && !strcmp(q, "Is TUPE likely?"), "answer and edited question");
  free(a);
  free(q);
  is_int(posting_answer_from_json(json_of("{\"answer\":\"Yes.\"}"), &a, &q, &is), 0, "the question as it was");
  ok(q == NULL, "no edit");
  free(a);
  is_int(posting_answer_from_json(json_of("{\"question\":\"Q\"}"), &a, &q, &is), -1, "no answer");
  is_str(said_of(&is), "answer: Enter an answer", "says so");
  free(a);
  free(q);
  memset(&is, 0, sizeof is);
  is_int(posting_answer_from_json(json_of("\"Yes\""), &a, &q, &is), -1, "not an object");
  is_str(said_of(&is), ": The body must be a JSON object", "says so");
  json_of(NULL);
}

int main(void) {
  posting_init(&post);
  test_vocabularies();
  test_issues();
  test_strings();
  test_limits();
  test_codes();
  test_dates();
  test_values();
  test_choices();
  test_apply_contact();
  test_unknown();
  test_round_trip();
  test_check();
  test_amendment();
  test_cancel();
  test_award();
  test_contract();
  test_questions();
  posting_release(&post);
  buf_release(&built);
  buf_release(&built_list);
  return done_testing();
}
