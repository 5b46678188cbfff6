/* test_jarena.c -- cJSON trees from arenas and from the heap side by side. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../tap.h"
#include "base/jarena.h"

int main(void) {
  jarena_install();
  jarena_install(); /* idempotent */

  cJSON *heap = cJSON_Parse("{\"a\":[1,2,3],\"b\":\"heap\"}");
  ok(heap != NULL, "heap tree parses with the hooks installed");

  JArena *a = jarena_new();
  is_int(jarena_used(a), 0, "a new arena is empty");
  jarena_use(a);
  cJSON *t = cJSON_Parse("{\"ocid\":\"ocds-1\",\"tender\":{\"title\":\"Telecare\",\"items\":[{\"id\":\"1\"}]}}");
  ok(t != NULL, "tree parses into the arena");
  ok(jarena_used(a) > 0, "the arena grew");
  size_t used = jarena_used(a);
  /* a large value goes into a block of its own and still works */
  char *big = malloc(600000);
  memset(big, 'x', 599999);
  big[599999] = 0;
  cJSON *s = cJSON_CreateString(big);
  ok(s && strlen(s->valuestring) == 599999, "a value larger than a block is allocated");
  ok(jarena_used(a) >= used + 600000, "... from the arena");
  cJSON_AddItemToObject(t, "big", s);
  char *printed = cJSON_PrintUnformatted(t);
  ok(printed && strstr(printed, "\"title\":\"Telecare\""), "printing an arena tree works");
  cJSON_free(printed); /* no-op in the arena */
  jarena_use(NULL);

  /* heap and arena nodes mix: a heap copy of an arena subtree */
  cJSON *copy = cJSON_Duplicate(cJSON_GetObjectItem(t, "tender"), 1);
  ok(copy && strcmp(cJSON_GetObjectItem(copy, "title")->valuestring, "Telecare") == 0, "arena subtree copied to the heap");
  cJSON_Delete(t); /* no-op on arena nodes */
  jarena_free(a);  /* every arena block at once */
  ok(strcmp(cJSON_GetObjectItem(copy, "title")->valuestring, "Telecare") == 0, "the heap copy outlives the arena");
  cJSON_Delete(copy);

  char *hp = cJSON_PrintUnformatted(heap);
  is_str(hp, "{\"a\":[1,2,3],\"b\":\"heap\"}", "heap printing unchanged");
  cJSON_free(hp);
  cJSON_Delete(heap);
  jarena_free(NULL);
  free(big);
  return done_testing();
}
