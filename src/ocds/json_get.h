/* json_get.h -- typed reads of a cJSON tree that never fail: a member of
 * the wanted type, or NULL when the parent is not an object, the member is
 * absent or of another type. For the code that reads OCDS field paths
 * (derive.c, derive_uk.c). */
#ifndef OCDS_JSON_GET_H
#define OCDS_JSON_GET_H

#include <cjson/cJSON.h>

static inline const cJSON *get(const cJSON *o, const char *k) {
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}
static inline const cJSON *get_obj(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return cJSON_IsObject(v) ? v : NULL;
}
static inline const cJSON *get_arr(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return cJSON_IsArray(v) ? v : NULL;
}
static inline const char *get_str(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

#define EACH(it, arr) for (const cJSON *it = (arr) ? (arr)->child : NULL; it; it = it->next)

#endif
