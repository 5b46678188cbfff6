/* pg_orgs.c -- the organisations aggregate (store/orgs.h) on PostgreSQL.
 * Organisations are written with the notices that name them (pg_notices.c);
 * this file reads them. */
#include "store/pg_impl.h"

static int pg_org_get(void *impl, long long id, Org *o, Err *err) {
  Pg *p = impl;
  Params ps = {.n = 0};
  p_int(&ps, id);
  PGresult *r = run(p, Q_ORG_GET, &ps, err, "cannot read an organisation");
  if (!r) return ERR_DB;
  int found = PQntuples(r) > 0;
  if (found) read_org(r, 0, 0, o);
  PQclear(r);
  return found;
}

const StoreOrgOps store_pg_org_ops = {
    .org_get = pg_org_get,
};
