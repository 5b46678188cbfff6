/* main.c -- the powerhouse command line: parses the command name and dispatches. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("powerhouse: not yet\n", stderr);
  return 2;
}
