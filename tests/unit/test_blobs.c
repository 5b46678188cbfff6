/* test_blobs.c -- documents' files named by their SHA-256 (src/store/blobs.c):
 * the name is the content's hash, in a folder of its first two digits; the
 * bytes read back are the bytes written; the same content twice is one file;
 * a name that is not a hash has no path; a folder that cannot be made is an
 * error, not a crash. */
#include "store/blobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"

static size_t read_all(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) return (size_t)-1;
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

int main(void) {
  char dir[] = "/tmp/ph-blobs-XXXXXX";
  if (!mkdtemp(dir)) return 1;
  char root[64];
  snprintf(root, sizeof root, "%s/files", dir);
  Err err = ERR_INIT;
  char sha[BLOB_HEX + 1], sha2[BLOB_HEX + 1], path[4096], back[64];
  const char *text = "%PDF-1.4\nhello\n";
  is_int(blob_put(root, text, strlen(text), sha, &err), 0, "a file is stored (the folders made as needed)");
  is_str(sha, "76b4a08e9ce95dc471e5c8eff23d8b6a5a29c6cb2d9e6f471dbf9354740fbe31", "its name is its SHA-256");
  is_int(blob_path(root, sha, path, sizeof path), 0, "its path");
  char want[4200];
  snprintf(want, sizeof want, "%s/%.2s/%s", root, sha, sha);
  is_str(path, want, "the path is DIR/first two digits/hash");
  size_t n = read_all(path, back, sizeof back);
  ok(n == strlen(text) && !memcmp(back, text, n), "the bytes read back are the bytes written");
  struct stat a, b;
  stat(path, &a);
  is_int(blob_put(root, text, strlen(text), sha2, &err), 0, "the same content again");
  stat(path, &b);
  ok(!strcmp(sha, sha2) && a.st_ino == b.st_ino, "is the same file, not written again");
  is_int(blob_put(root, "", 0, sha2, &err), 0, "an empty content has a name too");
  is_str(sha2, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "... SHA-256 of nothing");
  is_int(blob_path(root, "../../etc/passwd", path, sizeof path), -1, "a name that is not a hash has no path");
  is_int(blob_path(root, "D1DFA80E6D8F0AB2FF8C7BB1CB2CB5BF1B15A1C9AB7FCDB4C6E5E6C93C2C02A4", path, sizeof path), -1,
         "nor upper-case hex");
  is_int(blob_path(root, sha, path, 10), -1, "nor a path that does not fit");
  Err e2 = ERR_INIT;
  ok(blob_put("/proc/no-such-folder/files", text, strlen(text), sha2, &e2) != 0 && e2.code == ERR_IO,
     "a folder that cannot be made: ERR_IO (%s)", e2.msg);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) return 1;
  return done_testing();
}
