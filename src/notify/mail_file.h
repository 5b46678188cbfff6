/* mail_file.h -- delivery into a folder instead of a mail server: the
 * embedded default when no --smtp is given, so a portal on one machine sends
 * its sign-in links somewhere an administrator (or a test) can read them.
 *
 * Each mail becomes DIR/<id>.eml (id: its outbox row), written whole or not
 * at all: a temporary file in DIR, fsync, then rename, so a reader never sees
 * half a message and a crash leaves at most a stray ".<id>.eml.XXXXXX". The
 * files hold sign-in and reset links, so they are mode 0600 and DIR is
 * created mode 0700 (with any missing parents) when it does not exist.
 * Writing the same id twice replaces the file (a retried delivery). */
#ifndef NOTIFY_MAIL_FILE_H
#define NOTIFY_MAIL_FILE_H

#include <stddef.h>

#include "base/err.h"

/* 0 once DIR/<id>.eml holds msg[0..len); else ERR_IO (or ERR_USAGE for a
 * negative id or an empty dir) saying which path failed and why. */
int mail_file_write(const char *dir, long long id, const char *msg, size_t len, Err *err);

#endif
