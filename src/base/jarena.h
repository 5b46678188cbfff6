/* jarena.h -- cJSON memory from per-batch arenas.
 *
 * Ingest parses thousands of releases per batch into cJSON trees of ~100 small
 * allocations each and frees them a batch later on another thread; measured,
 * malloc and free were 40% of the reader's time and 11% of the writer's. With
 * jarena, a thread can make cJSON allocate from an arena (bump allocation),
 * and the whole batch is released at once with jarena_free.
 *
 * jarena_install() sets cJSON's allocation hooks for the whole process; it must
 * run before the first cJSON allocation (main() calls it) and is idempotent.
 * Every block then carries a 16-byte header saying where it came from, so
 * cJSON_Delete on arena nodes is a no-op and on heap nodes a free(). Memory
 * that cJSON hands out (cJSON_Print*) must be released with cJSON_free, never
 * free(). Freed blocks are pooled for reuse (at most 48 MB) and stay
 * allocated for the life of the process. */
#ifndef JARENA_H
#define JARENA_H

#include <stddef.h>

typedef struct JArena JArena;

void jarena_install(void);
JArena *jarena_new(void);
/* Frees every block of a (trees allocated from it become invalid). NULL is fine. */
void jarena_free(JArena *a);
/* The calling thread's cJSON allocations come from a from now on (NULL: the
 * heap); returns the arena they came from before. */
JArena *jarena_use(JArena *a);
/* Bytes handed out from a so far. */
size_t jarena_used(const JArena *a);

#endif
