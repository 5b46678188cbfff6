/* orgs.h -- the organisations aggregate of the store (store.h): buyers and
 * suppliers, one row per organisation key (store/org_key.h), written with the
 * notices that name them (store/notices.h) and read by row id (the buyer
 * filter and pages link to it). Accounts and memberships will sit beside it.
 * Backends: sqlite_orgs.c, pg_orgs.c. */
#ifndef STORE_ORGS_H
#define STORE_ORGS_H

#include "base/err.h"
#include "model/notice.h"
#include "store/store.h"

/* An organisation by row id: 1 found, 0 not. */
int store_org_get(Store *st, long long id, Org *out, Err *err);

#endif
