#!/bin/sh
# runtests.sh MODE TEST... -- runs unit test binaries under prove (TAP).
#   MODE opt|san: run as built; valgrind: under valgrind --leak-check=full, failing on leaks.
# Run from the repository root; tests read ../shared through POWERHOUSE_SHARED.
set -u
mode=$1; shift
export POWERHOUSE_SHARED="${POWERHOUSE_SHARED:-$(cd "$(dirname "$0")/.." && pwd)/../shared}"
case $mode in
  valgrind) exec prove -e 'valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99' "$@" ;;
  *) exec prove -e '' "$@" ;;
esac
