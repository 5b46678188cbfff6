/* apply.h -- writing a notice from its stored releases: compile them, derive
 * the notice with its documents and history, store it with every derived row.
 * The bulk pipeline (ingest.h) does the same for batches; this is the
 * one-notice form, for a notice whose releases are already stored (a web post,
 * a later command) and for deriving every notice again after the derivation
 * changed. Runs inside the caller's transaction. */
#ifndef APPLY_H
#define APPLY_H

#include <stdio.h>
#include <time.h>

#include "base/err.h"
#include "store/store.h"

/* Compiles ocid's stored releases and stores the notice derived from them.
 * publisher: the source name to record. 0, 1 when ocid has no releases
 * (nothing stored), or <0 with err. */
int apply_notice(Store *st, const char *ocid, const char *publisher, time_t now, Err *err);

/* Derives every notice of the store again, batch notices per transaction,
 * keeping each notice's publisher; *count gets the number done. Progress
 * lines go to progress (NULL: none). 0 or <0 with err (batches before the
 * failing one stay). */
int apply_rederive_all(Store *st, time_t now, size_t batch, FILE *progress, size_t *count, Err *err);

#endif
