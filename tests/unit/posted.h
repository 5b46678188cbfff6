/* posted.h -- 30 notices as the portal builds them for buyers who post on it
 * (JSON Lines, one release each): every other one has a private buyer (its
 * party classified POWERHOUSE-SECTOR private; the others public), every third
 * is a sub-contract of ocds-sector-00 (a parent related process). 15 private,
 * 10 sub-contracts, 5 both. For the tests that compare engines on them. */
#ifndef TESTS_POSTED_H
#define TESTS_POSTED_H

#include "base/buf.h"

static inline void posted_notices(Buf *b) {
  for (int i = 0; i < 30; i++)
    buf_addf(b,
             "{\"ocid\":\"ocds-sector-%02d\",\"id\":\"r\",\"date\":\"2026-%02d-10T09:00:00Z\",\"buyer\":{\"id\":\"b\"},"
             "\"parties\":[{\"id\":\"b\",\"name\":\"Buyer %d\",\"roles\":[\"buyer\"],\"details\":{\"classifications\":"
             "[{\"scheme\":\"POWERHOUSE-SECTOR\",\"id\":\"%s\"}]}}],\"tender\":{\"title\":\"Software support %d\","
             "\"status\":\"active\",\"tenderPeriod\":{\"endDate\":\"2027-01-%02dT12:00:00Z\"}}%s}\n",
             i, 1 + i % 11, i, i % 2 ? "private" : "public", i, 1 + i,
             i % 3 ? "" : ",\"relatedProcesses\":[{\"id\":\"1\",\"relationship\":[\"parent\"],\"scheme\":\"ocid\","
                          "\"identifier\":\"ocds-sector-00\"}]");
}

#endif
