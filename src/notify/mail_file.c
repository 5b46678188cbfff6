/* mail_file.c -- a built message into DIR/<id>.eml, atomically (temp file,
 * fsync, rename; see mail_file.h). mkstemp already creates the file 0600;
 * fchmod says so again in case a umask or platform thinks otherwise. */
#include "notify/mail_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"

/* mkdir -p with mode 0700 for every folder it creates. */
static int make_dir(const char *dir, Err *err) {
  struct stat st;
  if (stat(dir, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return 0;
    return err_set(err, ERR_IO, "mail folder '%s' exists and is not a folder", dir);
  }
  Buf path = BUF_INIT;
  buf_adds(&path, dir);
  int rc = 0;
  for (size_t i = 1; i <= path.len && rc == 0; i++) {
    if (i < path.len && path.data[i] != '/') continue;
    char c = path.data[i];
    path.data[i] = '\0';
    if (mkdir(path.data, 0700) != 0 && errno != EEXIST)
      rc = err_set(err, ERR_IO, "cannot create mail folder '%s': %s", path.data, strerror(errno));
    path.data[i] = c;
  }
  buf_release(&path);
  return rc;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int mail_file_write(const char *dir, long long id, const char *msg, size_t len, Err *err) {
  if (!dir || !*dir) return err_set(err, ERR_USAGE, "no mail folder given");
  if (id < 0) return err_set(err, ERR_USAGE, "mail id %lld is negative", id);
  int rc = make_dir(dir, err);
  if (rc) return rc;
  Buf tmp = BUF_INIT, final = BUF_INIT;
  buf_addf(&tmp, "%s/.%lld.eml.XXXXXX", dir, id);
  buf_addf(&final, "%s/%lld.eml", dir, id);
  int fd = mkstemp(tmp.data);
  if (fd < 0) {
    rc = err_set(err, ERR_IO, "cannot create a file in mail folder '%s': %s", dir, strerror(errno));
    goto out;
  }
  if (fchmod(fd, 0600) != 0 || write_all(fd, msg, len) != 0 || fsync(fd) != 0) {
    rc = err_set(err, ERR_IO, "cannot write '%s': %s", tmp.data, strerror(errno));
    close(fd);
    unlink(tmp.data);
    goto out;
  }
  if (close(fd) != 0 || rename(tmp.data, final.data) != 0) {
    rc = err_set(err, ERR_IO, "cannot write '%s': %s", final.data, strerror(errno));
    unlink(tmp.data);
    goto out;
  }
out:
  buf_release(&tmp);
  buf_release(&final);
  return rc;
}
