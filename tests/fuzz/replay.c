/* replay.c -- a main() for a libFuzzer target without libFuzzer: feeds every
 * file named on the command line (a folder: every regular file in it, in name
 * order) to LLVMFuzzerTestOneInput, once each, as `make test` does with each
 * seed corpus in the ASan+UBSan build (tests/fuzz/replay.t reads the output).
 *
 *   build/san/replay/fuzz_scan tests/fuzz/corpus/fuzz_scan [FILE|DIR]...
 *
 * Each argument is one corpus. The inputs run in a child process, so a crash,
 * a sanitizer report or a failed check (abort) is pinned to the input that
 * caused it and the rest still run. Output, one line per corpus and one per
 * failing input (the child's own report goes to stderr):
 *   pass CORPUS N SECONDS      N inputs ran cleanly in SECONDS (wall clock)
 *   fail CORPUS/FILE WHY       that input crashed, aborted or exited non-zero
 *   fail CORPUS WHY            the corpus could not be read, or is empty
 * Exit status 1 when anything failed. Each input is a malloc'd copy of exactly
 * its size, as libFuzzer passes it, so reading one byte past it is caught. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_FILE (8u << 20) /* a seed is small; a bigger file is a mistake */

typedef struct {
  char **paths;
  size_t n;
} List;

static int is_regular(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int list_add(List *l, const char *path) {
  char **p = realloc(l->paths, (l->n + 1) * sizeof *p);
  if (!p) return -1;
  l->paths = p;
  if (!(l->paths[l->n] = strdup(path))) return -1;
  l->n++;
  return 0;
}

/* The inputs of one argument: the file itself, or a folder's regular files. */
static int list_inputs(const char *arg, List *l) {
  struct stat sb;
  if (stat(arg, &sb) != 0) return -1;
  if (S_ISREG(sb.st_mode)) return list_add(l, arg);
  if (!S_ISDIR(sb.st_mode)) return -1;
  struct dirent **ents;
  int n = scandir(arg, &ents, NULL, alphasort);
  if (n < 0) return -1;
  int rc = 0;
  for (int i = 0; i < n; i++) {
    char path[4096];
    if (ents[i]->d_name[0] != '.' && rc == 0 &&
        (size_t)snprintf(path, sizeof path, "%s/%s", arg, ents[i]->d_name) < sizeof path && is_regular(path))
      rc = list_add(l, path);
    free(ents[i]);
  }
  free(ents);
  return rc;
}

static int run_one(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  struct stat sb;
  uint8_t *data = NULL;
  size_t len = 0;
  int bad = fstat(fileno(f), &sb) != 0 || sb.st_size < 0 || (uint64_t)sb.st_size > REPLAY_MAX_FILE;
  if (!bad) {
    len = (size_t)sb.st_size;
    /* exactly len bytes (one when empty), so a read past the input is caught */
    bad = !(data = malloc(len ? len : 1)) || fread(data, 1, len, f) != len || fgetc(f) != EOF;
  }
  fclose(f);
  if (!bad) LLVMFuzzerTestOneInput(data, len);
  free(data);
  return bad ? -1 : 0;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs the inputs from *next on in a child; *next (shared) says which one it was
 * at. Returns the child's wait status. */
static int run_child(const List *l, volatile size_t *next) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    for (; *next < l->n; (*next)++)
      if (run_one(l->paths[*next]) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", l->paths[*next]);
        _exit(3);
      }
    exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return status;
}

static int replay(const char *arg, volatile size_t *next) {
  List l = {0};
  int failed = 0;
  if (list_inputs(arg, &l) != 0 || l.n == 0) {
    printf("fail %s %s\n", arg, l.n == 0 ? "no inputs (missing or empty)" : "cannot be read");
    failed = 1;
    goto out;
  }
  double t0 = now();
  *next = 0;
  while (*next < l.n) {
    int status = run_child(&l, next);
    if (status == 0) break;
    if (*next >= l.n) {
      printf("fail %s exit status %d after the last input (a leak?)\n", arg,
             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
      failed = 1;
      break;
    }
    if (WIFSIGNALED(status))
      printf("fail %s killed by signal %d\n", l.paths[*next], WTERMSIG(status));
    else
      printf("fail %s exit status %d\n", l.paths[*next], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    failed = 1;
    (*next)++;
  }
  if (!failed) printf("pass %s %zu %.3f\n", arg, l.n, now() - t0);
out:
  for (size_t i = 0; i < l.n; i++) free(l.paths[i]);
  free(l.paths);
  fflush(stdout);
  return failed;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  volatile size_t *next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (next == MAP_FAILED) return 2;
  int failed = 0;
  for (int i = 1; i < argc; i++) failed |= replay(argv[i], next);
  munmap((void *)next, sizeof *next);
  return failed;
}
