# lib.sh -- TAP helpers for end-to-end tests written in bash.
#   ok STATUS NAME      passes when STATUS is 0
#   is GOT WANT NAME    passes when the strings are equal
#   like GOT REGEX NAME passes when GOT matches the extended regex
#   done_testing        prints the plan; exit status says whether all passed
# $PH is the binary under test ($POWERHOUSE_BIN, default ./powerhouse);
# $SHARED the shared data folder; $T a fresh temporary folder removed at exit.
PH=${POWERHOUSE_BIN:-./powerhouse}
SHARED=${POWERHOUSE_SHARED:-../shared}
DEV=$SHARED/data/ocds/dev
T=$(mktemp -d /tmp/ph-e2e-XXXXXX)
trap 'rm -rf "$T"' EXIT
_n=0
_fails=0
ok() {
  _n=$((_n + 1))
  if [ "$1" = 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _fails=$((_fails + 1)); fi
}
is() {
  if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   got '$1'"; echo "#   want '$2'"; fi
}
like() {
  if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else ok 1 "$3"; echo "#   '$1'"; echo "#   does not match '$2'"; fi
}
done_testing() {
  echo "1..$_n"
  [ "$_fails" -eq 0 ]
}
sql() { sqlite3 "$1" "$2"; }
