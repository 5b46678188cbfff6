/* blobs.c -- content-addressed files for documents (blobs.h). */
#include "store/blobs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/crypto.h"

static int is_hash(const char *s) {
  if (!s || strlen(s) != BLOB_HEX) return 0;
  for (const char *p = s; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
  return 1;
}

int blob_path(const char *dir, const char *sha, char *out, size_t cap) {
  if (!is_hash(sha)) return -1;
  int n = snprintf(out, cap, "%s/%.2s/%s", dir, sha, sha);
  return n > 0 && (size_t)n < cap ? 0 : -1;
}

static int make_dir(const char *path, Err *err) {
  if (mkdir(path, 0750) == 0 || errno == EEXIST) return 0;
  return err_set(err, ERR_IO, "cannot make the folder %s: %s", path, strerror(errno));
}

int blob_put(const char *dir, const void *data, size_t size, char sha[BLOB_HEX + 1], Err *err) {
  crypto_sha256_hex(data, size, sha);
  char path[4096], sub[4096], tmp[4200];
  if (strlen(dir) > 3900 || blob_path(dir, sha, path, sizeof path))
    return err_set(err, ERR_IO, "the document folder's path is too long");
  snprintf(sub, sizeof sub, "%s/%.2s", dir, sha);
  struct stat sb;
  if (stat(path, &sb) == 0 && (size_t)sb.st_size == size) return 0; /* stored already */
  int rc = make_dir(dir, err);
  if (rc || (rc = make_dir(sub, err))) return rc;
  /* a unique temporary name per thread too: the pid and the hash are not enough */
  static _Atomic unsigned long seq;
  snprintf(tmp, sizeof tmp, "%s.%ld.%lu.tmp", path, (long)getpid(), ++seq);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return err_set(err, ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
  const char *p = data;
  size_t left = size;
  while (left) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      rc = err_set(err, ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
      break;
    }
    p += w;
    left -= (size_t)w;
  }
  if (!rc && fsync(fd) != 0) rc = err_set(err, ERR_IO, "cannot flush %s: %s", tmp, strerror(errno));
  if (close(fd) != 0 && !rc) rc = err_set(err, ERR_IO, "cannot close %s: %s", tmp, strerror(errno));
  if (!rc && rename(tmp, path) != 0) rc = err_set(err, ERR_IO, "cannot rename %s: %s", tmp, strerror(errno));
  if (rc) unlink(tmp);
  return rc;
}
