/* notice_json.h -- a Notice as the portal's JSON (the shape the CLI `show`
 * command and the JSON API print). Writes into a Buf; no I/O. Unknown values
 * are null; flags are true/false/null. */
#ifndef NOTICE_JSON_H
#define NOTICE_JSON_H

#include "base/buf.h"
#include "model/notice.h"

void notice_json(const Notice *n, Buf *out);

#endif
