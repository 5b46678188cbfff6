/* test_mail_file.c -- mail written to DIR/<id>.eml: the folder created 0700
 * (parents too), the file 0600 and whole, a rewrite of the same id replacing
 * it, no temporary file left behind, refusals. */
#include "notify/mail_file.h"

#include <dirent.h>

#include "../smtp_sink.h"
#include "../tap.h"

static int mode_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* Files in dir other than . and .. */
static int entries(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

int main(void) {
  char root[64], dir[128], path[256];
  Err err = ERR_INIT;
  sink_tmpdir(root, sizeof root, "mailfile");
  snprintf(dir, sizeof dir, "%s/var/mail", root);
  const char msg[] = "Subject: sign in\r\n\r\nhttps://powerhouse.example/signin?t=secret\r\n";
  mode_t old = umask(0);
  is_int(mail_file_write(dir, 42, msg, sizeof msg - 1, &err), 0, "a mail is written into a folder that did not exist");
  umask(old);
  snprintf(path, sizeof path, "%s/42.eml", dir);
  char *got = sink_slurp(path);
  is_str(got, msg, "DIR/<id>.eml holds the message whole");
  free(got);
  is_int(mode_of(path), 0600, "the file is mode 0600 (it holds sign-in links), even with umask 0");
  is_int(mode_of(dir), 0700, "the folder is created mode 0700");
  snprintf(path, sizeof path, "%s/var", root);
  is_int(mode_of(path), 0700, "a missing parent is created mode 0700 too");

  const char again[] = "Subject: second try\r\n\r\nx\r\n";
  is_int(mail_file_write(dir, 42, again, sizeof again - 1, &err), 0, "the same id again");
  snprintf(path, sizeof path, "%s/42.eml", dir);
  got = sink_slurp(path);
  is_str(got, again, "a rewrite replaces the file");
  free(got);
  is_int(mail_file_write(dir, 7, "", 0, &err), 0, "an empty message is written");
  is_int(entries(dir), 2, "two files and no temporary file left behind");

  is_int(mail_file_write(dir, -1, msg, 3, &err), ERR_USAGE, "a negative id is refused");
  is_int(mail_file_write("", 1, msg, 3, &err), ERR_USAGE, "an empty folder name is refused");
  snprintf(path, sizeof path, "%s/42.eml", dir);
  Err e = ERR_INIT;
  is_int(mail_file_write(path, 1, msg, 3, &e), ERR_IO, "a folder that is a file: ERR_IO");
  ok(strstr(e.msg, "42.eml") != NULL, "the error names the path: %s", e.msg);
  if (geteuid() != 0) {
    chmod(dir, 0500);
    is_int(mail_file_write(dir, 9, msg, 3, &e), ERR_IO, "a folder without write permission: ERR_IO");
    chmod(dir, 0700);
  }
  sink_rmdir(root);
  return done_testing();
}
