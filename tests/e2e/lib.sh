# lib.sh -- TAP helpers for end-to-end tests written in bash.
#   ok STATUS NAME      passes when STATUS is 0
#   is GOT WANT NAME    passes when the strings are equal
#   like GOT REGEX NAME passes when GOT matches the extended regex
#   done_testing        prints the plan; exit status says whether all passed
#   newdb NAME          a new empty store; prints its --db URL
#   sql URL QUERY       runs SQL on the store behind URL; rows as sqlite3 prints them
#   cleanup_db          drops the stores newdb made (the EXIT trap calls it)
#   skip NAME WHY       a test that does not apply to this backend
# $PH is the binary under test ($POWERHOUSE_BIN, default ./powerhouse);
# $SHARED the shared data folder; $T a fresh temporary folder removed at exit.
# $BACKEND ($POWERHOUSE_BACKEND): sqlite (default) or postgres, which needs a
# running server whose socket folder is $POWERHOUSE_PG_DIR (scripts/pg.sh).
PH=${POWERHOUSE_BIN:-./powerhouse}
SHARED=${POWERHOUSE_SHARED:-../shared}
DEV=$SHARED/data/ocds/dev
T=$(mktemp -d /tmp/ph-e2e-XXXXXX)
BACKEND=${POWERHOUSE_BACKEND:-sqlite}
PGBIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
_dbs=""
newdb() {
  if [ "$BACKEND" = postgres ]; then
    local name="t$$_$1"
    "$PGBIN/createdb" -h "$POWERHOUSE_PG_DIR" "$name" || { echo "# cannot create database $name" >&2; return 1; }
    _dbs="$_dbs $name"
    echo "postgresql:///$name?host=$POWERHOUSE_PG_DIR"
  else
    echo "sqlite:$T/$1.db"
  fi
}
sql() {
  case $1 in
    sqlite:*) sqlite3 "${1#sqlite:}" "$2" ;;
    postgres*) "$PGBIN/psql" "$1" -XAtq -F'|' -c "$2" ;;
    *) sqlite3 "$1" "$2" ;;
  esac
}
cleanup_db() {
  for d in $_dbs; do "$PGBIN/dropdb" -h "$POWERHOUSE_PG_DIR" --if-exists "$d" 2>/dev/null; done
  _dbs=""
}
trap 'cleanup_db; rm -rf "$T"' EXIT
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
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
