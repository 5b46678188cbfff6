/* test_region.c -- ITL1 regions from names, codes and postcodes (model/region.h). */
#include "model/region.h"

#include <stdio.h>
#include <string.h>

#include "../tap.h"

int main(void) {
  /* the list */
  is_int(region_count, 12, "twelve ITL1 regions");
  is_str(region_list[0].code, "TLC", "North East first");
  is_str(region_list[1].code, "TLD", "North West second");
  is_str(region_list[2].code, "TLE", "Yorkshire third");
  is_str(region_list[11].code, "TLN", "Northern Ireland last");
  {
    int names_ok = 1;
    for (size_t i = 0; i < region_count; i++)
      names_ok &= region_name(region_list[i].code) == region_list[i].name &&
                  region_from_text(region_list[i].name) &&
                  strcmp(region_from_text(region_list[i].name), region_list[i].code) == 0;
    ok(names_ok, "every region's name maps back to its code");
  }
  is_str(region_name("TLE"), "Yorkshire and The Humber", "region_name TLE");
  is_str(region_name("tli"), "London", "region_name is case-insensitive");
  ok(region_name("TLZ") == NULL, "TLZ has no name");
  ok(region_name("TLEE") == NULL, "TLEE has no name");
  ok(region_name("UKE") == NULL, "region_name takes ITL codes only");
  ok(region_name(NULL) == NULL && region_name("") == NULL, "NULL/empty have no name");

  /* Contracts Finder region names */
  is_str(region_from_text("Yorkshire and the Humber"), "TLE", "CF spelling of Yorkshire");
  is_str(region_from_text("Yorkshire and The Humber"), "TLE", "ONS spelling of Yorkshire");
  is_str(region_from_text("  yorkshire   &  the humber "), "TLE", "ampersand, case and spaces");
  is_str(region_from_text("North West"), "TLD", "North West");
  is_str(region_from_text("north-east"), "TLC", "north-east with hyphen");
  is_str(region_from_text("NORTH EAST (ENGLAND)"), "TLC", "NUTS label form");
  is_str(region_from_text("East of England"), "TLH", "East of England");
  is_str(region_from_text("East Midlands"), "TLF", "East Midlands");
  is_str(region_from_text("West Midlands"), "TLG", "West Midlands");
  is_str(region_from_text("London"), "TLI", "London");
  is_str(region_from_text("Greater London"), "TLI", "Greater London");
  is_str(region_from_text("South East"), "TLJ", "South East");
  is_str(region_from_text("South West"), "TLK", "South West");
  is_str(region_from_text("Wales"), "TLL", "Wales");
  is_str(region_from_text("Scotland"), "TLM", "Scotland");
  is_str(region_from_text("Northern Ireland"), "TLN", "Northern Ireland");
  ok(region_from_text("England") == NULL, "England is no region");
  ok(region_from_text("United Kingdom") == NULL, "United Kingdom is no region");
  ok(region_from_text("UK") == NULL, "UK is no region");
  ok(region_from_text("North") == NULL, "North alone is ambiguous");
  ok(region_from_text("Midlands") == NULL, "Midlands alone is ambiguous");
  ok(region_from_text("North East Lincolnshire") == NULL, "a county named like a region is not the region");
  ok(region_from_text("North East 2") == NULL, "digits after a name");
  ok(region_from_text("Londonderry") == NULL, "Londonderry is not London");
  ok(region_from_text("") == NULL && region_from_text("   ") == NULL && region_from_text(NULL) == NULL,
     "empty/blank/NULL");
  ok(region_from_text("Valle del Cauca") == NULL, "a Colombian department is unknown");
  ok(region_from_text("Asunci\xC3\xB3n") == NULL, "non-ASCII text is unknown");

  /* ONS GSS codes */
  static const char *const gss[9] = {"TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK"};
  for (int i = 0; i < 9; i++) {
    char code[32];
    snprintf(code, sizeof code, "E1200000%d", i + 1);
    is_str(region_from_text(code), gss[i], "GSS %s", code);
  }
  is_str(region_from_text("W92000004"), "TLL", "GSS Wales");
  is_str(region_from_text("S92000003"), "TLM", "GSS Scotland");
  is_str(region_from_text("N92000002"), "TLN", "GSS Northern Ireland");
  ok(region_from_text("E92000001") == NULL, "GSS England is no region");
  ok(region_from_text("E12000010") == NULL && region_from_text("E12000000") == NULL, "no such GSS region");

  /* NUTS 2016 / ITL */
  is_str(region_from_text("UKM75"), "TLM", "NUTS3 UKM75 (Edinburgh) -> Scotland");
  is_str(region_from_text("UKE"), "TLE", "NUTS1 UKE");
  is_str(region_from_text("UKE42"), "TLE", "NUTS3 UKE42 (Leeds)");
  is_str(region_from_text("TLE42"), "TLE", "ITL3 TLE42");
  is_str(region_from_text("ukc"), "TLC", "lower-case ukc");
  is_str(region_from_text("UKD3"), "TLD", "NUTS2 UKD3");
  is_str(region_from_text("UKL17"), "TLL", "UKL17 -> Wales");
  is_str(region_from_text("UKN0"), "TLN", "UKN0 -> Northern Ireland");
  is_str(region_from_text(" UKI31 "), "TLI", "surrounding spaces ignored");
  ok(region_from_text("UKZZZ") == NULL, "extra-regio UKZZZ");
  ok(region_from_text("UKB") == NULL && region_from_text("UKO") == NULL, "letters outside C..N");
  ok(region_from_text("UKE421") == NULL, "too long for a NUTS code");
  ok(region_from_text("UKE-4") == NULL, "punctuation inside a code");
  ok(region_from_text("TLC Care Ltd") == NULL, "a code at the start of a name is not a code");

  /* postcodes */
  is_str(region_from_postcode("LS1 4AP"), "TLE", "LS1 4AP Leeds");
  is_str(region_from_postcode("ls14ap"), "TLE", "lower case, no space");
  is_str(region_from_postcode("M1"), "TLD", "outward code M1");
  is_str(region_from_postcode("M11AA"), "TLD", "M1 1AA without space");
  is_str(region_from_postcode("NE1"), "TLC", "NE1");
  is_str(region_from_postcode("S1"), "TLE", "S1 Sheffield");
  is_str(region_from_postcode("S3 8NX"), "TLE", "S3 8NX");
  is_str(region_from_postcode("W1B1PZ"), "TLI", "W1B 1PZ (W1B outward)");
  is_str(region_from_postcode("EC1A 1BB"), "TLI", "EC1A 1BB");
  is_str(region_from_postcode("DL1 5QT"), "TLC", "DL Darlington -> North East");
  is_str(region_from_postcode("B4 7DJ"), "TLG", "B4 Birmingham");
  is_str(region_from_postcode("BT1 1AA"), "TLN", "BT Belfast");
  is_str(region_from_postcode("CF10 1AA"), "TLL", "CF Cardiff");
  is_str(region_from_postcode("EH1 1YZ"), "TLM", "EH Edinburgh");
  is_str(region_from_postcode("YO1 7HH"), "TLE", "YO York");
  is_str(region_from_postcode("CA1 1AA"), "TLD", "CA Carlisle");
  is_str(region_from_postcode("PE1 1AA"), "TLH", "PE Peterborough -> East");
  is_str(region_from_postcode("ZE1 0AA"), "TLM", "ZE Shetland (last in the table)");
  is_str(region_from_postcode("AB10 1AA"), "TLM", "AB Aberdeen (first in the table)");
  ok(region_from_postcode("GY1 1AA") == NULL, "Guernsey is not in the UK");
  ok(region_from_postcode("JE2 3AB") == NULL, "Jersey is not in the UK");
  ok(region_from_postcode("IM1 1AA") == NULL, "Isle of Man is not in the UK");
  ok(region_from_postcode("BF1 2AA") == NULL, "BFPO has no region");
  ok(region_from_postcode("GIR 0AA") == NULL, "GIR 0AA has no region");
  ok(region_from_postcode("8400-357") == NULL, "a Portuguese postcode");
  ok(region_from_postcode("D02 X285") == NULL, "an Irish Eircode");
  ok(region_from_postcode("E91 X2Y3") == NULL, "an Eircode starting like a London area");
  ok(region_from_postcode("M5V 3L9") == NULL, "a Canadian postcode");
  ok(region_from_postcode("QQ1 1AA") == NULL, "unknown area QQ");
  ok(region_from_postcode("LS") == NULL, "letters only");
  ok(region_from_postcode("LS1 4AP extra") == NULL, "trailing text");
  ok(region_from_postcode("LSS1 4AP") == NULL, "three-letter area");
  ok(region_from_postcode("") == NULL && region_from_postcode(NULL) == NULL, "empty/NULL");
  ok(region_from_postcode("L") == NULL, "one letter");
  ok(region_from_postcode("LS1-4AP") == NULL, "hyphen");

  /* every area of the table resolves (so the table is sorted for bsearch) */
  {
    static const char *const all[] = {
        "AB", "AL", "B",  "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH", "CM",
        "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E",  "EC", "EH",
        "EN", "EX", "FK", "FY", "G",  "GL", "GU", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IP",
        "IV", "KA", "KT", "KW", "KY", "L",  "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M",  "ME", "MK", "ML",
        "N",  "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH",
        "RM", "S",  "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA",
        "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W",  "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV",
        "YO", "ZE"};
    size_t n = sizeof all / sizeof *all, hits = 0;
    for (size_t i = 0; i < n; i++) {
      char pc[16];
      snprintf(pc, sizeof pc, "%s1 1AA", all[i]);
      hits += region_from_postcode(pc) != NULL;
    }
    is_int(n, 121, "121 UK postcode areas listed in the test");
    is_int(region_postcode_areas, 121, "121 areas in the table");
    is_int(hits, 121, "every area resolves to a region");
    /* the North's areas */
    const char *north[][2] = {{"DH", "TLC"}, {"NE", "TLC"}, {"SR", "TLC"}, {"TS", "TLC"}, {"DL", "TLC"},
                              {"BB", "TLD"}, {"BL", "TLD"}, {"CA", "TLD"}, {"CH", "TLD"}, {"CW", "TLD"},
                              {"FY", "TLD"}, {"L", "TLD"},  {"LA", "TLD"}, {"M", "TLD"},  {"OL", "TLD"},
                              {"PR", "TLD"}, {"SK", "TLD"}, {"WA", "TLD"}, {"WN", "TLD"}, {"BD", "TLE"},
                              {"DN", "TLE"}, {"HD", "TLE"}, {"HG", "TLE"}, {"HU", "TLE"}, {"HX", "TLE"},
                              {"LS", "TLE"}, {"S", "TLE"},  {"WF", "TLE"}, {"YO", "TLE"}};
    int right = 0;
    for (size_t i = 0; i < sizeof north / sizeof *north; i++) {
      char pc[16];
      snprintf(pc, sizeof pc, "%s2 3BC", north[i][0]);
      const char *r = region_from_postcode(pc);
      if (r && strcmp(r, north[i][1]) == 0) right++;
      else printf("# %s -> %s, want %s\n", pc, r ? r : "(null)", north[i][1]);
    }
    is_int(right, 29, "the 29 northern areas map to NE/NW/Y&H");
  }
  return done_testing();
}
