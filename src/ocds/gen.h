/* gen.h -- deterministic, realistic OCDS release generator for demo data and
 * benchmarks: real public bodies of the North of England at their head
 * offices (councils, NHS trusts and ICBs, universities, police and fire,
 * combined authorities, housing associations) buying across sectors
 * (construction, care, health, facilities, transport, education,
 * professional services, IT, energy) with values that fit what is bought,
 * deadlines around "now", amendments, awards to invented firms (regulars of
 * each buyer, incumbents of re-let contracts), SME/VCSE flags.
 *
 * The same seed, now and options give byte-identical output. Each generated
 * notice (ocid) has one to four releases (planning, tender, amendment, award,
 * contract) in date order; on average about two. Output is OCDS 1.1 release
 * JSON that validates against the official release schema. */
#ifndef GEN_H
#define GEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/buf.h"

typedef struct {
  uint64_t seed;     /* default 1 */
  time_t now;        /* dates are spread around this instant */
  const char *ocid_prefix; /* default "ocds-ph4xq1" */
} GenOptions;

typedef struct Gen Gen;

Gen *gen_new(const GenOptions *opt);
/* Appends every release of the next notice to out, each as one line of compact
 * JSON followed by '\n' (JSON Lines). Returns how many releases were appended
 * (>= 1). Never fails; the sequence is unbounded. */
size_t gen_next_notice(Gen *g, Buf *out);
void gen_free(Gen *g);

#endif
