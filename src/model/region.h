/* region.h -- the UK's ITL1 regions (International Territorial Level 1, the
 * successor of NUTS 1; codes TLC..TLN) and the ways procurement data names
 * them: English region names as Contracts Finder writes them, ONS GSS codes,
 * NUTS 2016 / ITL codes at any level, and postcodes. Static tables only; every
 * returned string is a constant ("TLE", "Yorkshire and The Humber"). */
#ifndef REGION_H
#define REGION_H

#include <stddef.h>

typedef struct {
  const char *code; /* "TLE" */
  const char *name; /* "Yorkshire and The Humber" (ONS spelling) */
} Region;

/* All twelve, the northern three first (TLC North East, TLD North West,
 * TLE Yorkshire and The Humber), then TLF..TLN in code order. */
extern const Region region_list[];
extern const size_t region_count;

/* Name of an ITL1 code ("TLE", any case), or NULL when it is not one. */
const char *region_name(const char *code);
/* ITL1 code named by s, or NULL: region names in any case/spacing/punctuation
 * ("Yorkshire and the Humber", "NORTH EAST (ENGLAND)", "East of England",
 * "Greater London", "Scotland"); ONS codes E12000001..E12000009, W92000004,
 * S92000003, N92000002; NUTS 2016 / ITL codes of any level (the whole string:
 * "UKM75", "UKE", "TLE42", "ukc"). NULL for "England", "UK", "UKZZZ", unknown. */
const char *region_from_text(const char *s);
/* ITL1 code of a UK postcode ("LS1 4AP", "ls14ap", or an outward code alone:
 * "M1", "NE1"), by its area (leading letters). NULL for anything that is not
 * postcode-shaped, unknown areas, and the Crown Dependencies (GY, JE, IM),
 * BFPO (BF) and non-geographic (BX) areas. An area that straddles regions maps
 * to the region where most of its people live (see the table in region.c). */
const char *region_from_postcode(const char *pc);
/* Number of postcode areas the table knows (121). */
extern const size_t region_postcode_areas;

#endif
