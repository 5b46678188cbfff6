/* export.c -- see export.h. Three parts: the release schema's rules as a table
 * and the normaliser that walks a release along it; the package writer (JSON
 * text assembled around cJSON_PrintUnformatted of each normalised tree); CSV.
 *
 * The normaliser only descends through fields the table knows, so its depth is
 * that of the schema (under 10 levels) whatever the input; the duplicate check
 * compares whole array items by a structural hash first, so a large array
 * costs O(n log n), not O(n^2).
 *
 * Record packages also correct one thing of merge's output: see
 * fix_versioned_details (the versioned release schema versions
 * parties[].details as a whole; merge_versioned versions
 * the fields inside it). */
#include "ocds/export.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"
#include "base/utf8.h"
#include "ocds/merge.h"

#define T_STR EXPORT_T_STR
#define T_NUM EXPORT_T_NUM
#define T_INT EXPORT_T_INT
#define T_BOOL EXPORT_T_BOOL
#define T_OBJ EXPORT_T_OBJ
#define T_ARR EXPORT_T_ARR
#define T_NULL EXPORT_T_NULL
#define F_URI EXPORT_F_URI
#define F_DATETIME EXPORT_F_DATETIME
#define F_UNIQUE EXPORT_F_UNIQUE
#define F_MINITEMS EXPORT_F_MINITEMS
#define F_MINLEN EXPORT_F_MINLEN
#define F_REQUIRED EXPORT_F_REQUIRED

/* ---- the rules of release-schema.json (OCDS 1.1.5), one row per property of
 * each definition, rows of a definition together. Generated once from the
 * schema; test_export.c derives the same table from the schema file and fails
 * on any difference. Codelists are the schema's closed enums (null left out:
 * T_NULL says whether null is allowed). ---- */

/* clang-format off */
static const char *const codes_release_tag[] = {
    "planning", "planningUpdate", "tender", "tenderAmendment", "tenderUpdate",
    "tenderCancellation", "award", "awardUpdate", "awardCancellation", "contract",
    "contractUpdate", "contractAmendment", "implementation", "implementationUpdate",
    "contractTermination", "compiled", NULL
};
static const char *const codes_release_initiationtype[] = {"tender", NULL};
static const char *const codes_tender_status[] = {
    "planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn", NULL
};
static const char *const codes_tender_procurementmethod[] = {
    "open", "selective", "limited", "direct", NULL
};
static const char *const codes_tender_mainprocurementcategory[] = {
    "goods", "works", "services", NULL
};
static const char *const codes_award_status[] = {
    "pending", "active", "cancelled", "unsuccessful", NULL
};
static const char *const codes_contract_status[] = {
    "pending", "active", "cancelled", "terminated", NULL
};
static const char *const codes_milestone_status[] = {
    "scheduled", "met", "notMet", "partiallyMet", NULL
};
static const char *const codes_value_currency[] = {
    "ADP", "AED", "AFA", "AFN", "ALK", "ALL", "AMD", "ANG", "AOA", "AOK", "AON", "AOR", "ARA",
    "ARP", "ARS", "ARY", "ATS", "AUD", "AWG", "AYM", "AZM", "AZN", "BAD", "BAM", "BBD", "BDT",
    "BEC", "BEF", "BEL", "BGJ", "BGK", "BGL", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOP",
    "BOV", "BRB", "BRC", "BRE", "BRL", "BRN", "BRR", "BSD", "BTN", "BUK", "BWP", "BYB", "BYN",
    "BYR", "BZD", "CAD", "CDF", "CHC", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU",
    "CRC", "CSD", "CSJ", "CSK", "CUC", "CUP", "CVE", "CYP", "CZK", "DDM", "DEM", "DJF", "DKK",
    "DOP", "DZD", "ECS", "ECV", "EEK", "EGP", "ERN", "ESA", "ESB", "ESP", "ETB", "EUR", "FIM",
    "FJD", "FKP", "FRF", "GBP", "GEK", "GEL", "GHC", "GHP", "GHS", "GIP", "GMD", "GNE", "GNF",
    "GNS", "GQE", "GRD", "GTQ", "GWE", "GWP", "GYD", "HKD", "HNL", "HRD", "HRK", "HTG", "HUF",
    "IDR", "IEP", "ILP", "ILR", "ILS", "INR", "IQD", "IRR", "ISJ", "ISK", "ITL", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAJ", "LAK", "LBP",
    "LKR", "LRD", "LSL", "LSM", "LTL", "LTT", "LUC", "LUF", "LUL", "LVL", "LVR", "LYD", "MAD",
    "MDL", "MGA", "MGF", "MKD", "MLF", "MMK", "MNT", "MOP", "MRO", "MRU", "MTL", "MTP", "MUR",
    "MVQ", "MVR", "MWK", "MXN", "MXP", "MXV", "MYR", "MZE", "MZM", "MZN", "NAD", "NGN", "NIC",
    "NIO", "NLG", "NOK", "NPR", "NZD", "OMR", "PAB", "PEH", "PEI", "PEN", "PES", "PGK", "PHP",
    "PKR", "PLN", "PLZ", "PTE", "PYG", "QAR", "RHD", "ROK", "ROL", "RON", "RSD", "RUB", "RUR",
    "RWF", "SAR", "SBD", "SCR", "SDD", "SDG", "SDP", "SEK", "SGD", "SHP", "SIT", "SKK", "SLL",
    "SOS", "SRD", "SRG", "SSP", "STD", "STN", "SUR", "SVC", "SYP", "SZL", "THB", "TJR", "TJS",
    "TMM", "TMT", "TND", "TOP", "TPE", "TRL", "TRY", "TTD", "TWD", "TZS", "UAH", "UAK", "UGS",
    "UGW", "UGX", "USD", "USN", "USS", "UYI", "UYN", "UYP", "UYU", "UYW", "UZS", "VEB", "VEF",
    "VES", "VNC", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD",
    "XDR", "XEU", "XFO", "XFU", "XOF", "XPD", "XPF", "XPT", "XRE", "XSU", "XTS", "XUA", "XXX",
    "YDD", "YER", "YUD", "YUM", "YUN", "ZAL", "ZAR", "ZMK", "ZMW", "ZRN", "ZRZ", "ZWC", "ZWD",
    "ZWL", "ZWN", "ZWR", NULL
};
/* clang-format on */
static const ExportRule rules[] = {
    {"Release", "ocid", T_STR, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Release", "id", T_STR, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Release", "date", T_STR, 0, F_DATETIME | F_REQUIRED, NULL, NULL},
    {"Release", "tag", T_ARR, T_STR, F_MINITEMS | F_REQUIRED, NULL, codes_release_tag},
    {"Release", "initiationType", T_STR, 0, F_REQUIRED, NULL, codes_release_initiationtype},
    {"Release", "parties", T_ARR, T_OBJ, F_UNIQUE, "Organization", NULL},
    {"Release", "buyer", T_OBJ, 0, 0, "OrganizationReference", NULL},
    {"Release", "planning", T_OBJ, 0, 0, "Planning", NULL},
    {"Release", "tender", T_OBJ, 0, 0, "Tender", NULL},
    {"Release", "awards", T_ARR, T_OBJ, F_UNIQUE, "Award", NULL},
    {"Release", "contracts", T_ARR, T_OBJ, F_UNIQUE, "Contract", NULL},
    {"Release", "language", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Release", "relatedProcesses", T_ARR, T_OBJ, F_UNIQUE, "RelatedProcess", NULL},
    {"Planning", "rationale", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Planning", "budget", T_OBJ, 0, 0, "Budget", NULL},
    {"Planning", "documents", T_ARR, T_OBJ, 0, "Document", NULL},
    {"Planning", "milestones", T_ARR, T_OBJ, 0, "Milestone", NULL},
    {"Tender", "id", T_STR | T_INT, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Tender", "title", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "description", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "status", T_STR | T_NULL, 0, 0, NULL, codes_tender_status},
    {"Tender", "procuringEntity", T_OBJ, 0, 0, "OrganizationReference", NULL},
    {"Tender", "items", T_ARR, T_OBJ, F_UNIQUE, "Item", NULL},
    {"Tender", "value", T_OBJ, 0, 0, "Value", NULL},
    {"Tender", "minValue", T_OBJ, 0, 0, "Value", NULL},
    {"Tender", "procurementMethod", T_STR | T_NULL, 0, 0, NULL, codes_tender_procurementmethod},
    {"Tender", "procurementMethodDetails", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "procurementMethodRationale", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "mainProcurementCategory", T_STR | T_NULL, 0, 0, NULL, codes_tender_mainprocurementcategory},
    {"Tender", "additionalProcurementCategories", T_ARR | T_NULL, T_STR, 0, NULL, NULL},
    {"Tender", "awardCriteria", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "awardCriteriaDetails", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "submissionMethod", T_ARR | T_NULL, T_STR, 0, NULL, NULL},
    {"Tender", "submissionMethodDetails", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "tenderPeriod", T_OBJ, 0, 0, "Period", NULL},
    {"Tender", "enquiryPeriod", T_OBJ, 0, 0, "Period", NULL},
    {"Tender", "hasEnquiries", T_BOOL | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "eligibilityCriteria", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "awardPeriod", T_OBJ, 0, 0, "Period", NULL},
    {"Tender", "contractPeriod", T_OBJ, 0, 0, "Period", NULL},
    {"Tender", "numberOfTenderers", T_INT | T_NULL, 0, 0, NULL, NULL},
    {"Tender", "tenderers", T_ARR, T_OBJ, F_UNIQUE, "OrganizationReference", NULL},
    {"Tender", "documents", T_ARR, T_OBJ, 0, "Document", NULL},
    {"Tender", "milestones", T_ARR, T_OBJ, 0, "Milestone", NULL},
    {"Tender", "amendments", T_ARR, T_OBJ, 0, "Amendment", NULL},
    {"Tender", "amendment", T_OBJ, 0, 0, "Amendment", NULL},
    {"Award", "id", T_STR | T_INT, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Award", "title", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Award", "description", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Award", "status", T_STR | T_NULL, 0, 0, NULL, codes_award_status},
    {"Award", "date", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Award", "value", T_OBJ, 0, 0, "Value", NULL},
    {"Award", "suppliers", T_ARR, T_OBJ, F_UNIQUE, "OrganizationReference", NULL},
    {"Award", "items", T_ARR, T_OBJ, F_UNIQUE | F_MINITEMS, "Item", NULL},
    {"Award", "contractPeriod", T_OBJ, 0, 0, "Period", NULL},
    {"Award", "documents", T_ARR, T_OBJ, F_UNIQUE, "Document", NULL},
    {"Award", "amendments", T_ARR, T_OBJ, 0, "Amendment", NULL},
    {"Award", "amendment", T_OBJ, 0, 0, "Amendment", NULL},
    {"Contract", "id", T_STR | T_INT, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Contract", "awardID", T_STR | T_INT, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Contract", "title", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Contract", "description", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Contract", "status", T_STR | T_NULL, 0, 0, NULL, codes_contract_status},
    {"Contract", "period", T_OBJ, 0, 0, "Period", NULL},
    {"Contract", "value", T_OBJ, 0, 0, "Value", NULL},
    {"Contract", "items", T_ARR, T_OBJ, F_UNIQUE | F_MINITEMS, "Item", NULL},
    {"Contract", "dateSigned", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Contract", "documents", T_ARR, T_OBJ, F_UNIQUE, "Document", NULL},
    {"Contract", "implementation", T_OBJ, 0, 0, "Implementation", NULL},
    {"Contract", "relatedProcesses", T_ARR, T_OBJ, F_UNIQUE, "RelatedProcess", NULL},
    {"Contract", "milestones", T_ARR, T_OBJ, 0, "Milestone", NULL},
    {"Contract", "amendments", T_ARR, T_OBJ, 0, "Amendment", NULL},
    {"Contract", "amendment", T_OBJ, 0, 0, "Amendment", NULL},
    {"Implementation", "transactions", T_ARR, T_OBJ, F_UNIQUE, "Transaction", NULL},
    {"Implementation", "milestones", T_ARR, T_OBJ, F_UNIQUE, "Milestone", NULL},
    {"Implementation", "documents", T_ARR, T_OBJ, F_UNIQUE, "Document", NULL},
    {"Milestone", "id", T_STR | T_INT, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Milestone", "title", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Milestone", "type", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Milestone", "description", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Milestone", "code", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Milestone", "dueDate", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Milestone", "dateMet", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Milestone", "dateModified", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Milestone", "status", T_STR | T_NULL, 0, 0, NULL, codes_milestone_status},
    {"Milestone", "documents", T_ARR, T_OBJ, F_UNIQUE, "Document", NULL},
    {"Document", "id", T_STR | T_INT, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Document", "documentType", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Document", "title", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Document", "description", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Document", "url", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Document", "datePublished", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Document", "dateModified", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Document", "format", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Document", "language", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Budget", "id", T_STR | T_INT | T_NULL, 0, 0, NULL, NULL},
    {"Budget", "description", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Budget", "amount", T_OBJ, 0, 0, "Value", NULL},
    {"Budget", "project", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Budget", "projectID", T_STR | T_INT | T_NULL, 0, 0, NULL, NULL},
    {"Budget", "uri", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Budget", "source", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Transaction", "id", T_STR | T_INT, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Transaction", "source", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Transaction", "date", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Transaction", "value", T_OBJ, 0, 0, "Value", NULL},
    {"Transaction", "payer", T_OBJ, 0, 0, "OrganizationReference", NULL},
    {"Transaction", "payee", T_OBJ, 0, 0, "OrganizationReference", NULL},
    {"Transaction", "uri", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Transaction", "amount", T_OBJ, 0, 0, "Value", NULL},
    {"Transaction", "providerOrganization", T_OBJ, 0, 0, "Identifier", NULL},
    {"Transaction", "receiverOrganization", T_OBJ, 0, 0, "Identifier", NULL},
    {"OrganizationReference", "name", T_STR | T_NULL, 0, F_MINLEN, NULL, NULL},
    {"OrganizationReference", "id", T_STR | T_INT, 0, 0, NULL, NULL},
    {"OrganizationReference", "identifier", T_OBJ, 0, 0, "Identifier", NULL},
    {"OrganizationReference", "address", T_OBJ, 0, 0, "Address", NULL},
    {"OrganizationReference", "additionalIdentifiers", T_ARR, T_OBJ, F_UNIQUE, "Identifier", NULL},
    {"OrganizationReference", "contactPoint", T_OBJ, 0, 0, "ContactPoint", NULL},
    {"Organization", "name", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Organization", "id", T_STR, 0, 0, NULL, NULL},
    {"Organization", "identifier", T_OBJ, 0, 0, "Identifier", NULL},
    {"Organization", "additionalIdentifiers", T_ARR, T_OBJ, F_UNIQUE, "Identifier", NULL},
    {"Organization", "address", T_OBJ, 0, 0, "Address", NULL},
    {"Organization", "contactPoint", T_OBJ, 0, 0, "ContactPoint", NULL},
    {"Organization", "roles", T_ARR | T_NULL, T_STR, 0, NULL, NULL},
    {"Organization", "details", T_OBJ | T_NULL, 0, 0, NULL, NULL},
    {"Item", "id", T_STR | T_INT, 0, F_MINLEN | F_REQUIRED, NULL, NULL},
    {"Item", "description", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Item", "classification", T_OBJ, 0, 0, "Classification", NULL},
    {"Item", "additionalClassifications", T_ARR, T_OBJ, F_UNIQUE, "Classification", NULL},
    {"Item", "quantity", T_NUM | T_NULL, 0, 0, NULL, NULL},
    {"Item", "unit", T_OBJ, 0, 0, "Item.unit", NULL},
    {"Amendment", "date", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Amendment", "rationale", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Amendment", "id", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Amendment", "description", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Amendment", "amendsReleaseID", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Amendment", "releaseID", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Amendment", "changes", T_ARR, T_OBJ, 0, "Amendment.changes", NULL},
    {"Classification", "scheme", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Classification", "id", T_STR | T_INT | T_NULL, 0, 0, NULL, NULL},
    {"Classification", "description", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Classification", "uri", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Identifier", "scheme", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Identifier", "id", T_STR | T_INT | T_NULL, 0, 0, NULL, NULL},
    {"Identifier", "legalName", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Identifier", "uri", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Address", "streetAddress", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Address", "locality", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Address", "region", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Address", "postalCode", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Address", "countryName", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"ContactPoint", "name", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"ContactPoint", "email", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"ContactPoint", "telephone", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"ContactPoint", "faxNumber", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"ContactPoint", "url", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Value", "amount", T_NUM | T_NULL, 0, 0, NULL, NULL},
    {"Value", "currency", T_STR | T_NULL, 0, 0, NULL, codes_value_currency},
    {"Period", "startDate", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Period", "endDate", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Period", "maxExtentDate", T_STR | T_NULL, 0, F_DATETIME, NULL, NULL},
    {"Period", "durationInDays", T_INT | T_NULL, 0, 0, NULL, NULL},
    {"RelatedProcess", "id", T_STR, 0, 0, NULL, NULL},
    {"RelatedProcess", "relationship", T_ARR | T_NULL, T_STR, 0, NULL, NULL},
    {"RelatedProcess", "title", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"RelatedProcess", "scheme", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"RelatedProcess", "identifier", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"RelatedProcess", "uri", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Item.unit", "scheme", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Item.unit", "id", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Item.unit", "name", T_STR | T_NULL, 0, 0, NULL, NULL},
    {"Item.unit", "value", T_OBJ, 0, 0, "Value", NULL},
    {"Item.unit", "uri", T_STR | T_NULL, 0, F_URI, NULL, NULL},
    {"Amendment.changes", "property", T_STR, 0, 0, NULL, NULL},
    {"Amendment.changes", "former_value", T_STR | T_NUM | T_INT | T_ARR | T_OBJ | T_NULL, 0, 0, NULL, NULL},
};

#define N_RULES (sizeof rules / sizeof *rules)

const ExportRule *export_rules(size_t *n) {
  *n = N_RULES;
  return rules;
}

/* For each row with a ref, the rows [first, end) of that definition. */
typedef struct {
  unsigned short first, end;
} Range;
static Range ref_range[N_RULES], root_range;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static Range def_range(const char *def) {
  size_t i = 0;
  while (i < N_RULES && strcmp(rules[i].def, def)) i++;
  Range r = {(unsigned short)i, (unsigned short)i};
  while (i < N_RULES && strcmp(rules[i].def, def) == 0) i++;
  r.end = (unsigned short)i;
  return r;
}

static void build_index(void) {
  root_range = def_range("Release");
  for (size_t i = 0; i < N_RULES; i++)
    if (rules[i].ref) ref_range[i] = def_range(rules[i].ref);
}

/* ---- small helpers ---- */

static int is_integral(double d) { return isfinite(d) && d == floor(d); }

static unsigned jtype(const cJSON *v) {
  if (cJSON_IsString(v)) return T_STR;
  if (cJSON_IsNumber(v)) return is_integral(v->valuedouble) ? T_NUM | T_INT : T_NUM;
  if (cJSON_IsBool(v)) return T_BOOL;
  if (cJSON_IsObject(v)) return T_OBJ;
  if (cJSON_IsArray(v)) return T_ARR;
  if (cJSON_IsNull(v)) return T_NULL;
  return 0;
}

/* A whole string that is a JSON number (RFC 8259 grammar) and finite. */
static int json_number(const char *s, double *out) {
  const char *p = s;
  if (*p == '-') p++;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (*p >= '0' && *p <= '9') p++;
  else
    return 0;
  if (*p == '.') {
    if (!(*++p >= '0' && *p <= '9')) return 0;
    while (*p >= '0' && *p <= '9') p++;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!(*p >= '0' && *p <= '9')) return 0;
    while (*p >= '0' && *p <= '9') p++;
  }
  if (*p) return 0;
  double d = strtod(s, NULL);
  if (!isfinite(d)) return 0;
  *out = d;
  return 1;
}

static int is_hex(int c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_unreserved(int c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
static int is_subdelim(int c) { return c && strchr("!$&'()*+,;=", c) != NULL; }
static int is_pchar(int c) { return is_unreserved(c) || is_subdelim(c) || c == ':' || c == '@'; }

/* ---- URIs (RFC 3986) ---- */

/* Length of the scheme and its ':' at s, or 0 when s does not start with one. */
static size_t scheme_len(const char *s) {
  if (!is_alpha((unsigned char)s[0])) return 0;
  size_t i = 1;
  while (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
         s[i] == '.')
    i++;
  return s[i] == ':' ? i + 1 : 0;
}

/* Advances over chars of class ok() or %XX; returns the end. */
static const char *span(const char *p, const char *end, int (*ok)(int)) {
  while (p < end) {
    if (*p == '%' && end - p >= 3 && is_hex((unsigned char)p[1]) && is_hex((unsigned char)p[2]))
      p += 3;
    else if (ok((unsigned char)*p))
      p++;
    else
      break;
  }
  return p;
}

static int is_userinfo(int c) { return is_unreserved(c) || is_subdelim(c) || c == ':'; }
static int is_regname(int c) { return is_unreserved(c) || is_subdelim(c); }
static int is_path(int c) { return is_pchar(c) || c == '/'; }
static int is_query(int c) { return is_pchar(c) || c == '/' || c == '?'; }
static int is_future(int c) { return is_unreserved(c) || is_subdelim(c) || c == ':'; }

/* IPv6address of RFC 3986 3.2.2 (hex groups, one "::" at most, an IPv4 tail). */
static int ipv6_valid(const char *p, const char *end) {
  int groups = 0, gap = 0;
  if (end - p >= 2 && p[0] == ':' && p[1] == ':')
    gap = 1, p += 2;
  else if (p < end && *p == ':')
    return 0;
  while (p < end) {
    const char *q = p;
    while (q < end && is_hex((unsigned char)*q) && q - p < 5) q++;
    if (q < end && *q == '.') { /* IPv4 tail: four decimal octets */
      int parts = 0;
      while (p < end) {
        int v = 0, nd = 0;
        while (p < end && is_digit((unsigned char)*p) && nd < 4) v = v * 10 + (*p++ - '0'), nd++;
        if (!nd || v > 255 || (nd > 1 && p[-nd] == '0')) return 0;
        parts++;
        if (p < end && *p == '.' && parts < 4)
          p++;
        else
          break;
      }
      if (p != end || parts != 4) return 0;
      groups += 2;
      break;
    }
    if (q == p || q - p > 4) return 0;
    groups++;
    p = q;
    if (p == end) break;
    if (*p != ':') return 0;
    p++;
    if (p < end && *p == ':') {
      if (gap) return 0;
      gap = 1, p++;
    } else if (p == end) {
      return 0;
    }
  }
  return gap ? groups <= 7 : groups == 8;
}

int export_uri_valid(const char *s) {
  size_t n = scheme_len(s);
  if (!n) return 0;
  const char *p = s + n, *end = s + strlen(s);
  if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
    p += 2;
    const char *a = p;
    while (a < end && *a != '/' && *a != '?' && *a != '#') a++; /* authority is [p, a) */
    const char *at = memchr(p, '@', (size_t)(a - p));
    if (at) {
      if (span(p, at, is_userinfo) != at) return 0;
      p = at + 1;
    }
    if (p < a && *p == '[') {
      const char *close = memchr(p, ']', (size_t)(a - p));
      if (!close) return 0;
      if (p[1] == 'v' || p[1] == 'V') {
        const char *h = p + 2, *dot = h;
        while (dot < close && is_hex((unsigned char)*dot)) dot++;
        if (dot == h || dot >= close || *dot != '.' || dot + 1 == close) return 0;
        for (const char *c = dot + 1; c < close; c++)
          if (!is_future((unsigned char)*c)) return 0;
      } else if (!ipv6_valid(p + 1, close)) {
        return 0;
      }
      p = close + 1;
    } else {
      p = span(p, a, is_regname);
    }
    if (p < a && *p == ':')
      for (p++; p < a && is_digit((unsigned char)*p);) p++;
    if (p != a) return 0;
    p = span(p, end, is_path);
  } else if (p < end && *p == '/') {
    p = span(p, end, is_path);
  } else {
    const char *q = span(p, end, is_pchar);
    if (q == p) return 0; /* path-empty: JSON Schema validators reject "mailto:" */
    p = span(q, end, is_path);
  }
  if (p < end && *p == '?') p = span(p + 1, end, is_query);
  if (p < end && *p == '#') p = span(p + 1, end, is_query);
  return p == end;
}

/* s with the characters a URI cannot hold percent-encoded (RFC 3987 3.1) and
 * surrounding white space removed; NULL when that does not give a valid URI
 * (no scheme, a bad port, ...). Caller frees. */
static char *uri_fix(const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  size_t len = strlen(s);
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n')) len--;
  size_t n = scheme_len(s);
  if (!n || n >= len) return NULL;
  /* The authority, where '[' ']' may delimit an IP literal, ends at / ? # */
  size_t auth_end = n;
  if (len - n >= 2 && s[n] == '/' && s[n + 1] == '/') {
    auth_end = n + 2;
    while (auth_end < len && s[auth_end] != '/' && s[auth_end] != '?' && s[auth_end] != '#') auth_end++;
  }
  Buf b = BUF_INIT;
  int hash_seen = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    int keep;
    if (c == '%')
      keep = i + 2 < len && is_hex((unsigned char)s[i + 1]) && is_hex((unsigned char)s[i + 2]);
    else if (c == '#')
      keep = !hash_seen, hash_seen = 1;
    else if (c == '[' || c == ']')
      keep = i < auth_end;
    else
      keep = is_unreserved(c) || is_subdelim(c) || c == ':' || c == '/' || c == '?' || c == '@';
    if (keep) {
      buf_addc(&b, (char)c);
    } else {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      buf_add(&b, e, 3);
    }
  }
  char *out = buf_detach(&b, NULL);
  if (!export_uri_valid(out)) {
    free(out);
    return NULL;
  }
  return out;
}

/* ---- date-times ---- */

/* An RFC 3339 date-time as JSON Schema's `format: date-time` wants it:
 * YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM), valid fields, no leap second. */
static int rfc3339(const char *s) {
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";
  size_t i;
  for (i = 0; shape[i]; i++) {
    char c = s[i];
    if (shape[i] == 'd'   ? !is_digit((unsigned char)c)
        : shape[i] == 'T' ? (c != 'T' && c != 't')
                          : c != shape[i])
      return 0;
  }
  if (s[17] == '6') return 0; /* second 60 */
  const char *p = s + i;
  if (*p == '.') {
    if (!is_digit((unsigned char)*++p)) return 0;
    while (is_digit((unsigned char)*p)) p++;
  }
  if (*p == 'Z' || *p == 'z')
    p++;
  else if ((*p == '+' || *p == '-') && is_digit((unsigned char)p[1]) && is_digit((unsigned char)p[2]) &&
           p[3] == ':' && is_digit((unsigned char)p[4]) && is_digit((unsigned char)p[5]))
    p += 6;
  else
    return 0;
  time_t t;
  return *p == 0 && date_parse(s, &t) == 0;
}

/* ---- the normaliser ---- */

typedef struct {
  ExportStats *st;
  uint64_t changes;
  int missing; /* a required field is missing somewhere */
} Norm;

#define COUNT(z, field)                                                                                      \
  do {                                                                                                       \
    (z)->changes++;                                                                                          \
    if ((z)->st) (z)->st->field++;                                                                           \
  } while (0)

static void drop(cJSON *parent, cJSON *item) { cJSON_Delete(cJSON_DetachItemViaPointer(parent, item)); }

/* Puts repl where item is (with item's key, if any) and frees item. */
static cJSON *replace(cJSON *parent, cJSON *item, cJSON *repl) {
  if (!repl) abort(); /* cJSON_Create* fails only out of memory */
  if (item->string) {
    repl->string = item->string;
    repl->type |= item->type & cJSON_StringIsConst;
    item->string = NULL;
    item->type &= ~cJSON_StringIsConst;
  }
  cJSON_ReplaceItemViaPointer(parent, item, repl);
  return repl;
}

static cJSON *replace_string(cJSON *parent, cJSON *item, const char *s) {
  return replace(parent, item, cJSON_CreateString(s));
}

/* Brings v (a child of parent) to a type in allowed: returns v, its
 * replacement, or NULL when it was dropped. */
static cJSON *fix_type(Norm *z, cJSON *parent, cJSON *v, unsigned allowed) {
  unsigned t = jtype(v);
  double d;
  if (t & allowed) return v;
  if (t == T_NULL) {
    drop(parent, v);
    COUNT(z, nulls_dropped);
    return NULL;
  }
  if ((t & T_NUM) && (allowed & T_STR)) {
    char *s = cJSON_PrintUnformatted(v);
    if (!s) abort();
    v = replace_string(parent, v, s);
    cJSON_free(s);
    COUNT(z, types_converted);
    return v;
  }
  if (t == T_STR && (allowed & (T_NUM | T_INT)) && json_number(v->valuestring, &d) &&
      ((allowed & T_NUM) || is_integral(d))) {
    COUNT(z, types_converted);
    return replace(parent, v, cJSON_CreateNumber(d));
  }
  if (t == T_STR && (allowed & T_BOOL) &&
      (!strcmp(v->valuestring, "true") || !strcmp(v->valuestring, "false"))) {
    COUNT(z, types_converted);
    return replace(parent, v, cJSON_CreateBool(v->valuestring[0] == 't'));
  }
  drop(parent, v);
  COUNT(z, invalid_dropped);
  return NULL;
}

/* The value checks of a string: non-empty, codelist, URI, date-time. */
static void fix_string(Norm *z, cJSON *parent, cJSON *v, unsigned flags, const char *const *codes) {
  const char *s = v->valuestring;
  if ((flags & F_MINLEN) && !*s) {
    drop(parent, v);
    COUNT(z, empty_dropped);
    return;
  }
  if (codes) {
    const char *const *c;
    for (c = codes; *c; c++)
      if (strcmp(*c, s) == 0) return;
    for (c = codes; *c; c++)
      if (strcasecmp(*c, s) == 0) {
        replace_string(parent, v, *c);
        COUNT(z, codes_recased);
        return;
      }
    drop(parent, v);
    COUNT(z, invalid_dropped);
    return;
  }
  if ((flags & F_URI) && !export_uri_valid(s)) {
    char *fixed = uri_fix(s);
    if (fixed) {
      replace_string(parent, v, fixed);
      COUNT(z, uris_encoded);
      free(fixed);
    } else {
      drop(parent, v);
      COUNT(z, invalid_dropped);
    }
    return;
  }
  if ((flags & F_DATETIME) && !rfc3339(s)) {
    char norm[DATE_LEN];
    if (date_norm(s, norm) == 0) {
      replace_string(parent, v, norm);
      COUNT(z, dates_normalised);
    } else {
      drop(parent, v);
      COUNT(z, invalid_dropped);
    }
  }
}

/* Hashes for duplicate checks. Seeded per process, so that nobody can craft
 * two different releases that collide and make one vanish from an export. */
static uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

static uint64_t hash_seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;
static void seed_init(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  hash_seed =
      mix((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)(uintptr_t)&ts ^ (uint64_t)getpid());
}

static uint64_t hash_bytes(const char *s, size_t n, uint64_t seed) {
  uint64_t h = seed, k;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    memcpy(&k, s + i, 8);
    h = mix(h ^ mix(k + 0x9e3779b97f4a7c15ULL));
  }
  k = 0;
  memcpy(&k, s + i, n - i);
  return mix(h ^ mix(k ^ ((uint64_t)n << 56)));
}

/* A hash of a JSON value that equal values (as cJSON_Compare and JSON Schema's
 * uniqueItems see them: object members in any order) share. */
static uint64_t jhash(const cJSON *v, uint64_t seed) {
  uint64_t h;
  double d;
  switch (v->type & 0xff) {
    case cJSON_NULL: return mix(seed ^ 1);
    case cJSON_False: return mix(seed ^ 2);
    case cJSON_True: return mix(seed ^ 3);
    case cJSON_Number:
      d = v->valuedouble == 0 ? 0 : v->valuedouble;
      memcpy(&h, &d, sizeof h);
      return mix(mix(h ^ seed) ^ 4);
    case cJSON_String: return mix(hash_bytes(v->valuestring, strlen(v->valuestring), seed) ^ 5);
    case cJSON_Array:
      h = mix(seed ^ 6);
      for (const cJSON *c = v->child; c; c = c->next) h = mix(h * 31 + jhash(c, seed));
      return h;
    case cJSON_Object:
      h = mix(seed ^ 7);
      for (const cJSON *c = v->child; c; c = c->next)
        h += mix(hash_bytes(c->string ? c->string : "", c->string ? strlen(c->string) : 0, seed) ^
                 (jhash(c, seed) * 3));
      return mix(h);
    default: return mix(seed ^ 8);
  }
}

typedef struct {
  uint64_t h;
  size_t pos;
  cJSON *item;
} Hashed;

static int cmp_hashed(const void *a, const void *b) {
  const Hashed *x = a, *y = b;
  if (x->h != y->h) return x->h < y->h ? -1 : 1;
  return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Drops later exact copies of earlier items of arr. */
static void dedupe(Norm *z, cJSON *arr) {
  size_t n = 0;
  for (cJSON *c = arr->child; c; c = c->next) n++;
  if (n < 2) return;
  Hashed *v = xmalloc(n * sizeof *v);
  unsigned char *dup = xcalloc(n, 1);
  size_t i = 0;
  for (cJSON *c = arr->child; c; c = c->next, i++) v[i] = (Hashed){jhash(c, 0), i, c}; /* confirmed below */
  qsort(v, n, sizeof *v, cmp_hashed);
  for (size_t a = 0, b; a < n; a = b) {
    for (b = a + 1; b < n && v[b].h == v[a].h; b++) {
      for (size_t k = a; k < b; k++)
        if (!dup[v[k].pos] && cJSON_Compare(v[k].item, v[b].item, 1)) {
          dup[v[b].pos] = 1;
          break;
        }
    }
  }
  for (i = 0; i < n; i++)
    if (dup[v[i].pos]) {
      drop(arr, v[i].item);
      COUNT(z, duplicates_dropped);
    }
  free(dup);
  free(v);
}

static void norm_object(Norm *z, cJSON *obj, Range range);

static cJSON *wrap_in_array(cJSON *parent, cJSON *v) {
  cJSON *arr = cJSON_CreateArray(), *inner = cJSON_Duplicate(v, 1);
  if (!arr || !inner) abort();
  if (inner->string && !(inner->type & cJSON_StringIsConst)) cJSON_free(inner->string);
  inner->string = NULL;
  inner->type &= ~cJSON_StringIsConst;
  cJSON_AddItemToArray(arr, inner);
  return replace(parent, v, arr);
}

/* Checks member v of parent against rule ri. */
static void norm_member(Norm *z, cJSON *parent, cJSON *v, size_t ri) {
  const ExportRule *r = &rules[ri];
  unsigned t = jtype(v);
  if (!(t & r->types) && (r->types & T_ARR) && (t & r->item_types) && t != T_NULL) {
    v = wrap_in_array(parent, v);
    COUNT(z, types_converted);
  }
  if (!(v = fix_type(z, parent, v, r->types))) return;
  if (cJSON_IsString(v)) {
    fix_string(z, parent, v, r->flags, r->codes);
  } else if (cJSON_IsObject(v)) {
    if (r->ref) norm_object(z, v, ref_range[ri]);
  } else if (cJSON_IsArray(v)) {
    for (cJSON *it = v->child, *next; it; it = next) {
      next = it->next;
      cJSON *x = fix_type(z, v, it, r->item_types);
      if (!x) continue;
      if (cJSON_IsString(x))
        fix_string(z, v, x, 0, r->codes);
      else if (cJSON_IsObject(x) && r->ref)
        norm_object(z, x, ref_range[ri]);
    }
    if (r->flags & F_UNIQUE) dedupe(z, v);
    if ((r->flags & F_MINITEMS) && !v->child) {
      drop(parent, v);
      COUNT(z, empty_dropped);
    }
  }
}

static void norm_object(Norm *z, cJSON *obj, Range range) {
  for (cJSON *m = obj->child, *next; m; m = next) {
    next = m->next;
    if (!m->string) continue;
    for (size_t i = range.first; i < range.end; i++)
      if (strcmp(rules[i].field, m->string) == 0) {
        norm_member(z, obj, m, i);
        break;
      }
  }
  for (size_t i = range.first; i < range.end; i++)
    if ((rules[i].flags & F_REQUIRED) && !cJSON_GetObjectItemCaseSensitive(obj, rules[i].field))
      z->missing = 1;
}

/* A contract must name its award (`awardID` is required). Paraguay's DNCP
 * publishes each contract amendment as a contract of its own with a null
 * awardID and `extendsContractID` naming the contract it amends: such a
 * contract takes the awardID of that contract (following a chain of
 * amendments) -- the publisher's own link, followed, not a guess. Runs before
 * the walk, which then checks the copied value like any other. */
static void derive_award_ids(Norm *z, cJSON *release) {
  cJSON *contracts = cJSON_GetObjectItemCaseSensitive(release, "contracts"), *c;
  if (!cJSON_IsArray(contracts)) return;
  cJSON_ArrayForEach(c, contracts) {
    cJSON *own = cJSON_GetObjectItemCaseSensitive(c, "awardID");
    if (!cJSON_IsObject(c) || (own && !cJSON_IsNull(own))) continue;
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(c, "extendsContractID"), *parent, *aid = NULL;
    for (int hops = 0; cJSON_IsString(ext) && hops < 8 && !aid; hops++) {
      const cJSON *found = NULL;
      cJSON_ArrayForEach(parent, contracts) {
        const cJSON *pid = cJSON_GetObjectItemCaseSensitive(parent, "id");
        if (parent != c && cJSON_IsString(pid) && strcmp(pid->valuestring, ext->valuestring) == 0)
          found = parent;
      }
      if (!found) break;
      const cJSON *a = cJSON_GetObjectItemCaseSensitive(found, "awardID");
      if (cJSON_IsString(a) || cJSON_IsNumber(a)) aid = a;
      ext = cJSON_GetObjectItemCaseSensitive(found, "extendsContractID");
    }
    if (!aid) continue;
    cJSON *copy = cJSON_Duplicate(aid, 1);
    if (!copy) abort();
    if (own) cJSON_DeleteItemFromObjectCaseSensitive(c, "awardID");
    cJSON_AddItemToObject(c, "awardID", copy);
    COUNT(z, awardids_derived);
  }
}

uint64_t export_normalise_release(cJSON *release, ExportStats *st) {
  pthread_once(&index_once, build_index);
  Norm z = {st, 0, 0};
  if (!cJSON_IsObject(release)) return 0;
  derive_award_ids(&z, release);
  norm_object(&z, release, root_range);
  if (z.missing && st) st->missing_required++;
  return z.changes;
}

static void stats_add(ExportStats *to, const ExportStats *from) {
  to->releases += from->releases;
  to->nulls_dropped += from->nulls_dropped;
  to->types_converted += from->types_converted;
  to->codes_recased += from->codes_recased;
  to->uris_encoded += from->uris_encoded;
  to->dates_normalised += from->dates_normalised;
  to->duplicates_dropped += from->duplicates_dropped;
  to->empty_dropped += from->empty_dropped;
  to->invalid_dropped += from->invalid_dropped;
  to->awardids_derived += from->awardids_derived;
  to->missing_required += from->missing_required;
}

/* ---- the writer ---- */

int export_sink_file(void *ctx, const char *data, size_t len, Err *err) {
  if (fwrite(data, 1, len, (FILE *)ctx) != len)
    return err_set(err, ERR_IO, "cannot write the export: %s", strerror(errno));
  return 0;
}

void export_writer_init_buf(ExportWriter *w, Buf *out) {
  memset(w, 0, sizeof *w);
  buf_init(&w->own);
  w->out = out;
}

void export_writer_init_sink(ExportWriter *w, ExportSink sink, void *ctx) {
  memset(w, 0, sizeof *w);
  buf_init(&w->own);
  w->out = &w->own;
  w->sink = sink;
  w->sink_ctx = ctx;
}

void export_writer_release(ExportWriter *w) {
  buf_release(&w->own);
  free(w->seen);
  w->seen = NULL;
  w->seen_cap = 0;
}

static int flush(ExportWriter *w, int force, Err *err) {
  if (!w->sink || !w->out->len || (!force && w->out->len < EXPORT_FLUSH_AT)) return 0;
  int rc = w->sink(w->sink_ctx, w->out->data, w->out->len, err);
  buf_reset(w->out);
  if (rc < 0) {
    w->state = -1;
    return rc;
  }
  return 0;
}

static uint64_t item_hash(const cJSON *tree, const char *text) {
  pthread_once(&seed_once, seed_init);
  uint64_t h = tree ? jhash(tree, hash_seed) : hash_bytes(text, strlen(text), hash_seed);
  return h ? h : 1;
}

/* 1 when h was not in the set (and now is), 0 when it was. */
static int seen_add(ExportWriter *w, uint64_t h) {
  if ((w->n + 1) * 2 > w->seen_cap) {
    size_t cap = w->seen_cap ? w->seen_cap * 2 : 1024;
    uint64_t *t = xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < w->seen_cap; i++)
      if (w->seen[i]) {
        size_t j = w->seen[i] & (cap - 1);
        while (t[j]) j = (j + 1) & (cap - 1);
        t[j] = w->seen[i];
      }
    free(w->seen);
    w->seen = t;
    w->seen_cap = cap;
  }
  size_t j = h & (w->seen_cap - 1);
  while (w->seen[j]) {
    if (w->seen[j] == h) return 0;
    j = (j + 1) & (w->seen_cap - 1);
  }
  w->seen[j] = h;
  return 1;
}

/* Checks one metadata string; a URI that only needs percent-encoding (a
 * query string as typed, a space) is encoded into *fixed (caller frees). */
static int meta_string(const char *what, const char *v, int required, int uri, char **fixed, Err *err) {
  if (!v || !*v) return required ? err_set(err, ERR_USAGE, "export: the package %s is required", what) : 0;
  if (utf8_check(v, strlen(v), NULL))
    return err_set(err, ERR_USAGE, "export: the package %s is not UTF-8", what);
  if (uri && !export_uri_valid(v) && !(*fixed = uri_fix(v)))
    return err_set(err, ERR_USAGE, "export: the package %s '%.200s' is not an absolute URI", what, v);
  return 0;
}

static void add_member(Buf *b, const char *key, const char *value) {
  buf_addc(b, ',');
  buf_add_json_str(b, key);
  buf_addc(b, ':');
  buf_add_json_str(b, value);
}

int export_writer_begin(ExportWriter *w, ExportKind kind, const ExportMeta *meta, Err *err) {
  int rc;
  char date[DATE_LEN];
  char *fixed[4] = {NULL, NULL, NULL, NULL}; /* uri, publisher uri, license, policy */
  if (w->state != 0) return err_set(err, ERR_USAGE, "export: the package was already begun");
  if (kind != EXPORT_RELEASE_PACKAGE && kind != EXPORT_RECORD_PACKAGE)
    return err_set(err, ERR_USAGE, "export: unknown package kind %d", (int)kind);
  if ((rc = meta_string("uri", meta->uri, 1, 1, &fixed[0], err)) ||
      (rc = meta_string("publisher name", meta->publisher_name, 1, 0, NULL, err)) ||
      (rc = meta_string("publisher uri", meta->publisher_uri, 0, 1, &fixed[1], err)) ||
      (rc = meta_string("license", meta->license, 0, 1, &fixed[2], err)) ||
      (rc = meta_string("publication policy", meta->publication_policy, 0, 1, &fixed[3], err)))
    goto out;
  if (!meta->published_date) {
    date_format(time(NULL), date);
  } else if (strlen(meta->published_date) < sizeof date && rfc3339(meta->published_date)) {
    snprintf(date, sizeof date, "%s", meta->published_date);
  } else if (date_norm(meta->published_date, date) != 0) {
    rc = err_set(err, ERR_USAGE, "export: the published date '%.100s' is not an RFC 3339 date-time",
                 meta->published_date);
    goto out;
  }
  const char *uri = fixed[0] ? fixed[0] : meta->uri;
  const char *pub_uri = fixed[1] ? fixed[1] : meta->publisher_uri;
  const char *license = fixed[2] ? fixed[2] : meta->license;
  const char *policy = fixed[3] ? fixed[3] : meta->publication_policy;
  Buf *b = w->out;
  buf_adds(b, "{\"uri\":");
  buf_add_json_str(b, uri);
  add_member(b, "version", "1.1");
  add_member(b, "publishedDate", date);
  buf_adds(b, ",\"publisher\":{\"name\":");
  buf_add_json_str(b, meta->publisher_name);
  if (pub_uri && *pub_uri) add_member(b, "uri", pub_uri);
  buf_addc(b, '}');
  if (license && *license) add_member(b, "license", license);
  if (policy && *policy) add_member(b, "publicationPolicy", policy);
  if (meta->extensions && meta->extensions[0]) {
    buf_adds(b, ",\"extensions\":[");
    for (size_t i = 0; meta->extensions[i]; i++) {
      if (i) buf_addc(b, ',');
      buf_add_json_str(b, meta->extensions[i]);
    }
    buf_addc(b, ']');
  }
  buf_adds(b, kind == EXPORT_RELEASE_PACKAGE ? ",\"releases\":[" : ",\"records\":[");
  w->kind = kind;
  w->state = 1;
  rc = flush(w, 0, err);
out:
  for (int i = 0; i < 4; i++) free(fixed[i]);
  return rc;
}

static int check_open(ExportWriter *w, ExportKind kind, Err *err) {
  if (w->state != 1)
    return err_set(err, ERR_USAGE, "export: %s",
                   w->state < 0 ? "an earlier write failed" : "the package is not open");
  if (w->kind != kind)
    return err_set(err, ERR_USAGE, "export: a %s does not hold %s",
                   w->kind == EXPORT_RELEASE_PACKAGE ? "release package" : "record package",
                   kind == EXPORT_RELEASE_PACKAGE ? "releases" : "records");
  return 0;
}

/* Appends item text (or counts it as a duplicate: by the tree's structural
 * hash when there is a tree, as JSON Schema compares, else by the text), then
 * flushes if due. */
static int write_item(ExportWriter *w, const cJSON *tree, const char *text, const ExportStats *st, Err *err) {
  size_t len = strlen(text);
  if (!seen_add(w, item_hash(tree, text))) {
    w->stats.duplicates_dropped++;
    return 0;
  }
  if (w->n++) buf_addc(w->out, ',');
  buf_add(w->out, text, len);
  stats_add(&w->stats, st);
  return flush(w, 0, err);
}

int export_writer_add_release(ExportWriter *w, const cJSON *release, Err *err) {
  int rc;
  if ((rc = check_open(w, EXPORT_RELEASE_PACKAGE, err))) return rc;
  if (!cJSON_IsObject(release)) return err_set(err, ERR_OCDS, "export: a release must be a JSON object");
  ExportStats st = {0};
  cJSON *copy = cJSON_Duplicate(release, 1);
  if (!copy) return err_set(err, ERR_NOMEM, "export: out of memory");
  export_normalise_release(copy, &st);
  st.releases = 1;
  char *text = cJSON_PrintUnformatted(copy);
  if (!text) {
    cJSON_Delete(copy);
    return err_set(err, ERR_NOMEM, "export: out of memory printing a release");
  }
  rc = write_item(w, copy, text, &st, err);
  cJSON_Delete(copy);
  cJSON_free(text);
  return rc;
}

typedef struct {
  cJSON *tree;
  time_t t;
  const char *date;
  size_t pos;
} Dated;

static int cmp_dated(const void *a, const void *b) {
  const Dated *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  int c = strcmp(x->date, y->date);
  return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* merge_versioned versions the fields inside parties[].details one by one;
 * the 1.1.5 versioned release schema versions `details` (an object the release
 * schema gives no properties) as a whole: [{releaseID, releaseDate, releaseTag,
 * value: {...}}]. That history is rebuilt here by merging the releases one at
 * a time (merge_into, the order merge uses) and recording each party's details
 * whenever they change (a null value when they are removed), as merge does
 * for any other versioned value. A party without an id came from one release
 * (merge never matches it): its details are put back together from the
 * per-field versions (collapse). */
typedef struct {
  char *id; /* a copy: the compiled release may drop the party */
  cJSON *hist, *last;
} PartyHist;

/* Party id -> a pointer-sized value (a node, or an index + 1), open
 * addressing; keys borrowed. */
typedef struct {
  const char **key;
  uintptr_t *val;
  size_t cap, n;
} IdMap;

static size_t idmap_slot(const IdMap *m, const char *k) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *k; k++) h = (h ^ (unsigned char)*k) * 1099511628211ull;
  return (size_t)h & (m->cap - 1);
}

static uintptr_t idmap_get(const IdMap *m, const char *k) {
  if (!m->n) return 0;
  for (size_t j = idmap_slot(m, k); m->key[j]; j = (j + 1) & (m->cap - 1))
    if (!strcmp(m->key[j], k)) return m->val[j];
  return 0;
}

static void idmap_put(IdMap *m, const char *k, uintptr_t v) {
  if (2 * (m->n + 1) > m->cap) {
    IdMap g = {NULL, NULL, m->cap ? 2 * m->cap : 64, 0};
    g.key = xcalloc(g.cap, sizeof *g.key);
    g.val = xcalloc(g.cap, sizeof *g.val);
    for (size_t i = 0; i < m->cap; i++)
      if (m->key[i]) idmap_put(&g, m->key[i], m->val[i]);
    free(m->key);
    free(m->val);
    *m = g;
  }
  size_t j = idmap_slot(m, k);
  for (; m->key[j]; j = (j + 1) & (m->cap - 1))
    if (!strcmp(m->key[j], k)) {
      m->val[j] = v;
      return;
    }
  m->key[j] = k;
  m->val[j] = v;
  m->n++;
}

static void idmap_reset(IdMap *m) {
  free(m->key);
  free(m->val);
  memset(m, 0, sizeof *m);
}

static int same_value(const cJSON *a, const cJSON *b) { return a && b ? cJSON_Compare(a, b, 1) : a == b; }

/* For a party without an id (merge never matches it, so all its versions come
 * from the one release that carried it): the details value rebuilt from the
 * per-field versions, and that release's version keys in *ver. NULL when x
 * has versions from more than one release or is not shaped as merge writes. */
static int is_version(const cJSON *v) {
  int n = 0;
  for (const cJSON *m = v->child; m; m = m->next, n++)
    if (!m->string || (strcmp(m->string, "releaseID") && strcmp(m->string, "releaseDate") &&
                       strcmp(m->string, "releaseTag") && strcmp(m->string, "value")))
      return 0;
  return n == 4;
}

static int same_release(const cJSON *v, const cJSON *w) {
  return same_value(cJSON_GetObjectItemCaseSensitive(v, "releaseID"),
                    cJSON_GetObjectItemCaseSensitive(w, "releaseID")) &&
         same_value(cJSON_GetObjectItemCaseSensitive(v, "releaseDate"),
                    cJSON_GetObjectItemCaseSensitive(w, "releaseDate"));
}

static cJSON *collapse(const cJSON *x, const cJSON **ver, int depth) {
  cJSON *out = NULL;
  if (depth > 32) return NULL;
  if (cJSON_IsArray(x) && cJSON_IsObject(x->child) && is_version(x->child)) { /* a list of versions */
    if (x->child->next || (*ver && !same_release(x->child, *ver))) return NULL;
    *ver = x->child;
    return cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(x->child, "value"), 1);
  }
  if (!cJSON_IsArray(x) && !cJSON_IsObject(x)) return cJSON_Duplicate(x, 1); /* a plain id */
  if (!(out = cJSON_IsArray(x) ? cJSON_CreateArray() : cJSON_CreateObject())) abort();
  for (const cJSON *m = x->child; m; m = m->next) {
    cJSON *val = collapse(m, ver, depth + 1);
    if (!val) {
      cJSON_Delete(out);
      return NULL;
    }
    if (cJSON_IsArray(x))
      cJSON_AddItemToArray(out, val);
    else
      cJSON_AddItemToObject(out, m->string, val);
  }
  return out;
}

/* Records party cp's details in its history when they changed with release rel. */
static void party_check(PartyHist **h, size_t *nh, IdMap *hists, const cJSON *cp, const cJSON *rel) {
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(cp, "id");
  if (!cJSON_IsString(id)) return;
  const cJSON *cur = cJSON_GetObjectItemCaseSensitive(cp, "details");
  size_t i = idmap_get(hists, id->valuestring);
  if (i-- == 0) {
    i = (*nh)++;
    *h = xrealloc(*h, *nh * sizeof **h);
    (*h)[i] = (PartyHist){xstrdup(id->valuestring), cJSON_CreateArray(), NULL};
    if (!(*h)[i].hist) abort();
    idmap_put(hists, (*h)[i].id, i + 1);
  }
  PartyHist *p = &(*h)[i];
  if (same_value(cur, p->last)) return;
  cJSON *ver = cJSON_CreateObject();
  const cJSON *rid = cJSON_GetObjectItemCaseSensitive(rel, "id");
  const cJSON *rdate = cJSON_GetObjectItemCaseSensitive(rel, "date");
  const cJSON *rtag = cJSON_GetObjectItemCaseSensitive(rel, "tag");
  if (!ver) abort();
  cJSON_AddItemToObject(ver, "releaseID", rid ? cJSON_Duplicate(rid, 1) : cJSON_CreateNull());
  cJSON_AddItemToObject(ver, "releaseDate", rdate ? cJSON_Duplicate(rdate, 1) : cJSON_CreateNull());
  cJSON_AddItemToObject(ver, "releaseTag", rtag ? cJSON_Duplicate(rtag, 1) : cJSON_CreateNull());
  cJSON_AddItemToObject(ver, "value", cur ? cJSON_Duplicate(cur, 1) : cJSON_CreateNull());
  cJSON_AddItemToArray(p->hist, ver);
  cJSON_Delete(p->last);
  p->last = cur ? cJSON_Duplicate(cur, 1) : NULL;
}

/* Linear in the releases: the compiled release grows one release at a time
 * (merge_compiler_add keeps its tables), and after each release only the
 * parties it names can have new details -- unless its `parties` is not an
 * array of objects with string ids (null, another shape, a numeric id), when
 * every party is looked at (the array was replaced, or its ids read another
 * way). Parties are found by id in maps: the compiled parties (new ones are
 * appended after the last seen) and the histories. */
static int fix_versioned_details(cJSON *versioned, const cJSON *const *sorted, size_t n, Err *err) {
  cJSON *vparties = cJSON_GetObjectItemCaseSensitive(versioned, "parties"), *vp;
  int need = 0, rc = 0;
  cJSON_ArrayForEach(vp, vparties) need |= cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(vp, "details"));
  if (!need) return 0;
  MergeCompiler *mc = merge_compiler_new();
  PartyHist *h = NULL;
  size_t nh = 0;
  IdMap hists = {0}, nodes = {0};
  const cJSON *last_seen = NULL, *first = NULL; /* the last compiled party in nodes; the first */
  for (size_t k = 0; k < n && !rc; k++) {
    if ((rc = merge_compiler_add(mc, sorted[k], err))) break;
    const cJSON *cparties = cJSON_GetObjectItemCaseSensitive(merge_compiler_tree(mc), "parties");
    const cJSON *rparties = cJSON_GetObjectItemCaseSensitive(sorted[k], "parties"), *rp, *cp;
    int all = rparties && !cJSON_IsArray(rparties);
    for (rp = cJSON_IsArray(rparties) ? rparties->child : NULL; rp; rp = rp->next) {
      const cJSON *id = cJSON_IsObject(rp) ? cJSON_GetObjectItemCaseSensitive(rp, "id") : NULL;
      if (!cJSON_IsObject(rp) || (id && !cJSON_IsString(id) && !cJSON_IsNull(id))) all = 1;
    }
    /* the compiled parties replaced (new nodes from the first) or gone: map them afresh */
    if (all || !cJSON_IsArray(cparties) || cparties->child != first) {
      idmap_reset(&nodes);
      last_seen = NULL;
    }
    first = cJSON_IsArray(cparties) ? cparties->child : NULL;
    for (cp = last_seen ? last_seen->next : cJSON_IsArray(cparties) ? cparties->child : NULL; cp; cp = cp->next) {
      const cJSON *id = cJSON_GetObjectItemCaseSensitive(cp, "id");
      if (cJSON_IsString(id) && !idmap_get(&nodes, id->valuestring)) idmap_put(&nodes, id->valuestring, (uintptr_t)cp);
      last_seen = cp;
    }
    if (all) {
      cJSON_ArrayForEach(cp, cparties) party_check(&h, &nh, &hists, cp, sorted[k]);
      continue;
    }
    cJSON_ArrayForEach(rp, rparties) {
      const cJSON *id = cJSON_GetObjectItemCaseSensitive(rp, "id");
      if (cJSON_IsString(id) && (cp = (const cJSON *)idmap_get(&nodes, id->valuestring)))
        party_check(&h, &nh, &hists, cp, sorted[k]);
    }
  }
  if (!rc) {
    cJSON_ArrayForEach(vp, vparties) {
      const cJSON *id = cJSON_GetObjectItemCaseSensitive(vp, "id"),
                  *det = cJSON_GetObjectItemCaseSensitive(vp, "details");
      if (!cJSON_IsObject(det)) continue;
      if (!id) {
        const cJSON *ver = NULL;
        cJSON *value = collapse(det, &ver, 0), *hist = cJSON_CreateArray(), *one = cJSON_CreateObject();
        if (!hist || !one) abort();
        if (value && ver) {
          for (const cJSON *m = ver->child; m; m = m->next)
            if (strcmp(m->string, "value")) cJSON_AddItemToObject(one, m->string, cJSON_Duplicate(m, 1));
          cJSON_AddItemToObject(one, "value", value);
          cJSON_AddItemToArray(hist, one);
          cJSON_ReplaceItemInObjectCaseSensitive(vp, "details", hist);
        } else {
          cJSON_Delete(value);
          cJSON_Delete(one);
          cJSON_Delete(hist);
        }
        continue;
      }
      if (!cJSON_IsString(id)) continue;
      size_t i = idmap_get(&hists, id->valuestring);
      if (i-- && h[i].hist && h[i].hist->child) {
        cJSON_ReplaceItemInObjectCaseSensitive(vp, "details", h[i].hist);
        h[i].hist = NULL;
      }
    }
  }
  for (size_t i = 0; i < nh; i++) {
    cJSON_Delete(h[i].hist);
    cJSON_Delete(h[i].last);
    free(h[i].id);
  }
  free(h);
  idmap_reset(&hists);
  idmap_reset(&nodes);
  merge_compiler_free(mc);
  return rc;
}

int export_writer_add_record(ExportWriter *w, const cJSON *const *releases, size_t n, Err *err) {
  int rc;
  if ((rc = check_open(w, EXPORT_RECORD_PACKAGE, err))) return rc;
  if (!n) return err_set(err, ERR_OCDS, "export: a record needs at least one release");
  ExportStats st = {0};
  Dated *d = xcalloc(n, sizeof *d);
  const cJSON **trees = xcalloc(n, sizeof *trees);
  cJSON *compiled = NULL, *versioned = NULL;
  char *text = NULL;
  Buf rec = BUF_INIT;
  Err local = ERR_INIT;
  if (!err) err = &local;
  rc = ERR_OCDS;
  for (size_t i = 0; i < n; i++) {
    if (!cJSON_IsObject(releases[i])) {
      err_set(err, ERR_OCDS, "export: release %zu of the record is not a JSON object", i);
      goto out;
    }
    if (!(d[i].tree = cJSON_Duplicate(releases[i], 1))) {
      rc = err_set(err, ERR_NOMEM, "export: out of memory");
      goto out;
    }
    export_normalise_release(d[i].tree, &st);
    const cJSON *date = cJSON_GetObjectItemCaseSensitive(d[i].tree, "date");
    d[i].date = cJSON_IsString(date) ? date->valuestring : "";
    if (date_parse(d[i].date, &d[i].t)) d[i].t = 0;
    d[i].pos = i;
  }
  qsort(d, n, sizeof *d, cmp_dated);
  for (size_t i = 0; i < n; i++) trees[i] = d[i].tree;
  if (!(compiled = merge_compile(trees, n, err)) || !(versioned = merge_versioned(trees, n, err))) {
    rc = err->code ? err->code : ERR_OCDS;
    err_prefix(err, "export: ");
    goto out;
  }
  if ((rc = fix_versioned_details(versioned, trees, n, err))) {
    err_prefix(err, "export: ");
    goto out;
  }
  export_normalise_release(compiled, NULL); /* arrays merged from several releases may repeat an item */
  st.releases = n;
  const cJSON *ocid = cJSON_GetObjectItemCaseSensitive(compiled, "ocid"); /* merge checked: a string */
  buf_adds(&rec, "{\"ocid\":");
  buf_add_json_str(&rec, cJSON_IsString(ocid) ? ocid->valuestring : "");
  buf_adds(&rec, ",\"releases\":[");
  for (size_t i = 0; i < n; i++) {
    if (!(text = cJSON_PrintUnformatted(trees[i]))) goto nomem;
    if (i) buf_addc(&rec, ',');
    buf_adds(&rec, text);
    cJSON_free(text);
    text = NULL;
  }
  buf_adds(&rec, "],\"compiledRelease\":");
  if (!(text = cJSON_PrintUnformatted(compiled))) goto nomem;
  buf_adds(&rec, text);
  cJSON_free(text);
  buf_adds(&rec, ",\"versionedRelease\":");
  if (!(text = cJSON_PrintUnformatted(versioned))) goto nomem;
  buf_adds(&rec, text);
  cJSON_free(text);
  text = NULL;
  buf_addc(&rec, '}');
  rc = write_item(w, NULL, buf_cstr(&rec), &st, err);
  goto out;
nomem:
  rc = err_set(err, ERR_NOMEM, "export: out of memory printing a record");
out:
  for (size_t i = 0; i < n; i++) cJSON_Delete(d[i].tree);
  free(d);
  free(trees);
  cJSON_Delete(compiled);
  cJSON_Delete(versioned);
  buf_release(&rec);
  return rc;
}

int export_writer_end(ExportWriter *w, Err *err) {
  int rc;
  if (w->state != 1)
    return err_set(err, ERR_USAGE, "export: %s",
                   w->state < 0 ? "an earlier write failed" : "the package is not open");
  buf_adds(w->out, "]}\n");
  w->state = 2;
  if ((rc = flush(w, 1, err))) return rc;
  if (!w->n)
    return err_set(err, ERR_NOTFOUND, "export: nothing to export (a package needs at least one %s)",
                   w->kind == EXPORT_RELEASE_PACKAGE ? "release" : "record");
  return 0;
}

/* ---- one-shot ---- */

static int one_shot(ExportKind kind, const ExportMeta *meta, const cJSON *const *releases, size_t n, Buf *out,
                    ExportStats *st, Err *err) {
  ExportWriter w;
  export_writer_init_buf(&w, out);
  int rc = export_writer_begin(&w, kind, meta, err);
  if (!rc && kind == EXPORT_RECORD_PACKAGE) rc = export_writer_add_record(&w, releases, n, err);
  for (size_t i = 0; !rc && kind == EXPORT_RELEASE_PACKAGE && i < n; i++)
    rc = export_writer_add_release(&w, releases[i], err);
  if (!rc) rc = export_writer_end(&w, err);
  if (!rc && st) stats_add(st, &w.stats);
  export_writer_release(&w);
  return rc;
}

int export_record_package(const ExportMeta *meta, const cJSON *const *releases, size_t n, Buf *out,
                          ExportStats *st, Err *err) {
  return one_shot(EXPORT_RECORD_PACKAGE, meta, releases, n, out, st, err);
}

int export_release_package(const ExportMeta *meta, const cJSON *const *releases, size_t n, Buf *out,
                           ExportStats *st, Err *err) {
  return one_shot(EXPORT_RELEASE_PACKAGE, meta, releases, n, out, st, err);
}

/* ---- CSV ---- */

static const char *const csv_columns[] = {
    "ocid",           "title",        "status",        "buyer",     "buyer_id",  "value",
    "currency",       "min_value",    "deadline",      "published", "updated",   "cpv_main",
    "cpv_main_label", "cpv_all",      "regions",       "sme",       "vcse",      "procurement_method",
    "category",       "awards_count", "awarded_value", "suppliers", "publisher", "url"};

void export_csv_header(Buf *out, unsigned flags) {
  if (flags & EXPORT_CSV_BOM) buf_add(out, "\xEF\xBB\xBF", 3);
  for (size_t i = 0; i < sizeof csv_columns / sizeof *csv_columns; i++) {
    if (i) buf_addc(out, ',');
    buf_adds(out, csv_columns[i]);
  }
  buf_add(out, "\r\n", 2);
}

/* A cell: quoted when it holds a separator (comma or semicolon, the list
 * separator of many locales), a quote, CR, LF or TAB, with quotes doubled.
 * Unless RAW, every place a spreadsheet could start a formula -- the
 * cell's start, and after each comma or semicolon, whatever separator the
 * reader splits on -- gets a ' before = + - @ TAB or CR (OWASP's CSV
 * injection guidance). */
void export_csv_field(Buf *out, const char *s, unsigned flags) {
  if (!s) return;
  int raw = (flags & EXPORT_CSV_RAW) != 0;
  int quote = strpbrk(s, ",;\"\r\n\t") != NULL;
  if (quote) buf_addc(out, '"');
  for (const char *p = s; *p; p++) {
    if (!raw && strchr("=+-@\t\r", *p) && (p == s || p[-1] == ',' || p[-1] == ';')) buf_addc(out, '\'');
    if (*p == '"') buf_addc(out, '"');
    buf_addc(out, *p);
  }
  if (quote) buf_addc(out, '"');
}

/* The shortest fixed-point text that reads back as v ("1250000", "99.5"). */
static void csv_number(Buf *out, double v) {
  char s[64];
  if (!isfinite(v)) return;
  for (int prec = 0; prec <= 9; prec++) {
    snprintf(s, sizeof s, "%.*f", prec, v);
    if (strtod(s, NULL) == v) break;
  }
  if (strtod(s, NULL) != v) snprintf(s, sizeof s, "%.17g", v);
  buf_adds(out, s);
}

static const char *flag_text(Flag f) { return f == FLAG_YES ? "true" : f == FLAG_NO ? "false" : NULL; }

static int award_counts(const NoticeAward *a) {
  return !a->status || (strcmp(a->status, "cancelled") && strcmp(a->status, "unsuccessful"));
}

static int same_str(const char *a, const char *b) { return a && b ? strcmp(a, b) == 0 : a == b; }

/* A ";"-joined list of distinct non-empty strings. */
typedef struct {
  Buf text;
  const char **items;
  size_t n, cap;
} List;

static void list_add(List *l, const char *s) {
  if (!s || !*s) return;
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->items[i], s) == 0) return;
  if (l->n == l->cap) l->items = xrealloc(l->items, (l->cap = l->cap ? 2 * l->cap : 8) * sizeof *l->items);
  l->items[l->n++] = s;
  if (l->text.len) buf_addc(&l->text, ';');
  buf_adds(&l->text, s);
}

static void list_reset(List *l) {
  buf_reset(&l->text);
  l->n = 0;
}

void export_csv_row(const Notice *n, Buf *out, unsigned flags) {
  List list = {BUF_INIT, NULL, 0, 0};
  const NoticeCpv *main_cpv = NULL;
  for (size_t i = 0; i < n->n_cpvs; i++)
    if (n->cpvs[i].kind == 0 && n->cpvs[i].code) {
      main_cpv = &n->cpvs[i];
      break;
    }

  /* Awards that count (not cancelled/unsuccessful), their total when every one
   * has a value in one currency that is the notice's (or the notice has none). */
  size_t counted = 0;
  int summable = 1;
  double total = 0;
  const char *currency = n->currency;
  for (size_t i = 0; i < n->n_awards; i++) {
    const NoticeAward *a = &n->awards[i];
    if (!award_counts(a)) continue;
    if (!counted && !n->currency) currency = a->currency;
    counted++;
    if (!a->has_value || !same_str(a->currency, currency))
      summable = 0;
    else
      total += a->value;
  }
  summable = summable && counted;
  if (!summable) currency = n->currency;

  export_csv_field(out, n->ocid, flags);
  buf_addc(out, ',');
  export_csv_field(out, n->title, flags);
  buf_addc(out, ',');
  buf_adds(out, notice_status_name(n->status));
  buf_addc(out, ',');
  export_csv_field(out, n->buyer.name, flags);
  buf_addc(out, ',');
  export_csv_field(out, n->buyer.id, flags);
  buf_addc(out, ',');
  if (n->has_value) csv_number(out, n->value);
  buf_addc(out, ',');
  export_csv_field(out, currency, flags);
  buf_addc(out, ',');
  if (n->has_min_value) csv_number(out, n->min_value);
  buf_addc(out, ',');
  export_csv_field(out, n->deadline, flags);
  buf_addc(out, ',');
  export_csv_field(out, n->published, flags);
  buf_addc(out, ',');
  export_csv_field(out, n->updated, flags);
  buf_addc(out, ',');
  export_csv_field(out, main_cpv ? main_cpv->code : NULL, flags);
  buf_addc(out, ',');
  export_csv_field(out, main_cpv ? main_cpv->label : NULL, flags);
  buf_addc(out, ',');
  if (main_cpv) list_add(&list, main_cpv->code);
  for (size_t i = 0; i < n->n_cpvs; i++) list_add(&list, n->cpvs[i].code);
  export_csv_field(out, buf_cstr(&list.text), flags);
  buf_addc(out, ',');
  list_reset(&list);
  for (size_t i = 0; i < n->n_regions; i++) list_add(&list, n->regions[i]);
  export_csv_field(out, buf_cstr(&list.text), flags);
  buf_addc(out, ',');
  export_csv_field(out, flag_text(n->sme), flags);
  buf_addc(out, ',');
  export_csv_field(out, flag_text(n->vcse), flags);
  buf_addc(out, ',');
  export_csv_field(out, n->method, flags);
  buf_addc(out, ',');
  export_csv_field(out, n->category, flags);
  buf_addc(out, ',');
  buf_addf(out, "%zu", counted);
  buf_addc(out, ',');
  if (summable) csv_number(out, total);
  buf_addc(out, ',');
  list_reset(&list);
  for (size_t i = 0; i < n->n_awards; i++)
    if (award_counts(&n->awards[i]))
      for (size_t s = 0; s < n->awards[i].n_suppliers; s++) list_add(&list, n->awards[i].suppliers[s].name);
  export_csv_field(out, buf_cstr(&list.text), flags);
  buf_addc(out, ',');
  export_csv_field(out, n->publisher, flags);
  buf_addc(out, ',');
  export_csv_field(out, n->url, flags);
  buf_add(out, "\r\n", 2);
  buf_release(&list.text);
  free(list.items);
}

/* ---- licences ---- */

/* The publishing systems whose data the portal republishes, by the ocid
 * prefix OCDS registers for each (standard.open-contracting.org lists the
 * prefixes; a prefix belongs to one system, so it names the source even when
 * a package's publisher.name varies over the years). The packages' own
 * `license` fields are not kept at ingest, so this table is what the
 * exports, the About page and docs/api.md say; a source not in it has no
 * licence stated. */
static const ExportLicence LICENCES[] = {
    {"ocds-b5fd17-", "Contracts Finder (Cabinet Office, UK)", "Open Government Licence v3.0", EXPORT_OGL_V3_URL, 1},
    {"ocds-h6vhtk-", "Find a Tender (Cabinet Office, UK)", "Open Government Licence v3.0", EXPORT_OGL_V3_URL, 1},
    {"ocds-k50g02-", "Colombia Compra Eficiente", "Open Data Commons Public Domain Dedication and Licence 1.0",
     "https://opendatacommons.org/licenses/pddl/1-0/", 0},
    {"ocds-px0z7d-", "IMPIC (Portugal)", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/",
     0},
    {"ocds-03ad3f-", "DNCP (Paraguay)", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/",
     0},
};

const ExportLicence *export_licences(size_t *n) {
  *n = sizeof LICENCES / sizeof *LICENCES;
  return LICENCES;
}

const ExportLicence *export_licence_of(const char *ocid) {
  if (!ocid) return NULL;
  for (size_t i = 0; i < sizeof LICENCES / sizeof *LICENCES; i++)
    if (!strncmp(ocid, LICENCES[i].prefix, strlen(LICENCES[i].prefix))) return &LICENCES[i];
  return NULL;
}
