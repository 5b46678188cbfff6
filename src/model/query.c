/* query.c -- the names model/query.h gives the stages of a procurement (the
 * stage= filter). The same names as ocds/derive_uk.c stores in
 * notice_detail.stage; a name not listed there matches nothing. */
#include "model/query.h"

#include <string.h>

const char *const query_stage_names[QUERY_N_STAGES] = {
    "pipeline",     "engagement", "planned",     "tender", "transparency", "award",
    "contract",     "performance", "change",     "terminated", "dynamic-market", "payments",
};

int query_stage_find(const char *name) {
  for (int i = 0; i < QUERY_N_STAGES; i++)
    if (name && strcmp(name, query_stage_names[i]) == 0) return i;
  return -1;
}
