/* test_segments_pg.c -- test_segments.c on PostgreSQL: the same steps on a
 * throwaway server (scripts/pg.sh, as test_store_pg.c; skipped when
 * PostgreSQL 15 is not installed), so the change feed, range scans and
 * sequences of the PostgreSQL store (pg_index_changes, pg_index_scan_range)
 * feed the segments. PostgreSQL ranks by its own function, so the reference
 * is not its search but the index built afresh from the same store at each
 * step: the snapshot made by updates and merges must answer as a fresh build
 * does, bit for bit, as well as agree with the model of its segments. */
#define SEGMENTS_PG 1
#include "test_segments.c"
