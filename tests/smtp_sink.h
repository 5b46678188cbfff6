/* smtp_sink.h -- the mail tests' side of tests/smtp_sink.py: start a real
 * SMTP server (aiosmtpd) on loopback in a child process, read its port, read
 * the messages it wrote, stop it. Tests run from the repository's root.
 *
 * The sink runs under Debian's /usr/bin/python3, where python3-aiosmtpd is
 * installed (a python3 earlier on PATH, e.g. pyenv's, would not see it). A
 * sink that cannot start is a test FAILURE, never a skip: `make test`
 * installs the package through scripts/deps.sh. */
#ifndef SMTP_SINK_H
#define SMTP_SINK_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define SINK_PYTHON "/usr/bin/python3"
#define SINK_SCRIPT "tests/smtp_sink.py"

typedef struct {
  pid_t pid;
  int in_fd; /* the sink's stdin: closing it stops the sink */
  int port;
  char dir[256];
} Sink;

/* Starts the sink writing into dir with up to three more arguments (NULL ends).
 * 0 ok; -1 with why filled. */
static inline int sink_start(Sink *k, const char *dir, const char *opt1, const char *opt2, const char *opt3,
                             char *why, size_t why_len) {
  int in[2], out[2];
  memset(k, 0, sizeof *k);
  snprintf(k->dir, sizeof k->dir, "%s", dir);
  if (pipe(in) != 0 || pipe(out) != 0) {
    snprintf(why, why_len, "pipe: %s", strerror(errno));
    return -1;
  }
  const char *argv[] = {SINK_PYTHON, SINK_SCRIPT, dir, opt1, opt2, opt3, NULL};
  k->pid = fork();
  if (k->pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    execv(SINK_PYTHON, (char *const *)argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  k->in_fd = in[1];
  char line[64] = "";
  size_t n = 0;
  struct pollfd pfd = {out[0], POLLIN, 0};
  while (n < sizeof line - 1 && !strchr(line, '\n') && poll(&pfd, 1, 15000) > 0) {
    ssize_t r = read(out[0], line + n, sizeof line - 1 - n);
    if (r <= 0) break;
    n += (size_t)r;
    line[n] = '\0';
  }
  close(out[0]);
  if (strncmp(line, "PORT ", 5) != 0 || (k->port = (int)strtol(line + 5, NULL, 10)) <= 0) {
    snprintf(why, why_len,
             "the SMTP sink (%s %s) did not start: is python3-aiosmtpd installed? (./scripts/deps.sh)", SINK_PYTHON,
             SINK_SCRIPT);
    close(k->in_fd);
    kill(k->pid, SIGTERM);
    waitpid(k->pid, NULL, 0);
    k->pid = 0;
    return -1;
  }
  return 0;
}

static inline void sink_stop(Sink *k) {
  if (k->pid <= 0) return;
  close(k->in_fd);
  kill(k->pid, SIGTERM);
  waitpid(k->pid, NULL, 0);
  k->pid = 0;
}

/* The whole of a file (malloc'd, NUL-terminated), NULL when absent. */
static inline char *sink_slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, len = 0;
  char *s = malloc(cap);
  size_t r;
  while ((r = fread(s + len, 1, cap - len - 1, f)) > 0) {
    len += r;
    if (cap - len < 2) s = realloc(s, cap *= 2);
  }
  fclose(f);
  s[len] = '\0';
  return s;
}

/* Message n (from 1) the sink received: ext "eml" or "env". */
static inline char *sink_message(const Sink *k, int n, const char *ext) {
  char path[512];
  snprintf(path, sizeof path, "%s/%04d.%s", k->dir, n, ext);
  return sink_slurp(path);
}

/* A loopback port nothing listens on (bound, then closed). */
#include <netinet/in.h>
#include <sys/socket.h>
static inline int sink_dead_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t l = sizeof a;
  bind(fd, (struct sockaddr *)&a, sizeof a);
  getsockname(fd, (struct sockaddr *)&a, &l);
  close(fd);
  return ntohs(a.sin_port);
}

/* A fresh temporary folder under /tmp named for the test (into out). */
static inline void sink_tmpdir(char *out, size_t n, const char *name) {
  snprintf(out, n, "/tmp/ph-%s-XXXXXX", name);
  if (!mkdtemp(out)) {
    perror("mkdtemp");
    exit(1);
  }
}

/* rm -rf of a test's temporary folder. */
static inline void sink_rmdir(const char *dir) {
  char cmd[600];
  if (strncmp(dir, "/tmp/ph-", 8) != 0) return;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "# cannot remove %s\n", dir);
}

#endif
