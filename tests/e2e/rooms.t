#!/usr/bin/env bash
# rooms.t -- the rules between rooms that a grep can check (ARCHITECTURE.md,
# "Rules between rooms" 1 and 2): includes run one way. base/ includes only
# base/; model/ only base/ and model/; store/ only those and itself (never
# search/, ocds/, ingest/ or web/: it executes a model/query.h Query and
# answers in model/hits.h results); notify/ never web/ or cli/. Mail headers
# are written only in notify/. Each check names the offending lines when it
# fails.
. "$(dirname "$0")/lib.sh"
src=$(dirname "$0")/../../src

includes() { grep -rEn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src/$1" | grep -vE "\"($2)/"; }

bad=$(includes base 'base')
is "$bad" "" "base/ includes only base/"
bad=$(includes model 'base|model')
is "$bad" "" "model/ includes only base/ and model/"
bad=$(includes store 'base|model|store')
is "$bad" "" "store/ includes only base/, model/ and store/ (never search/, ocds/, ingest/, web/)"
bad=$(includes notify 'base|model|store|search|notify')
is "$bad" "" "notify/ includes only base/, model/, store/, search/ and itself (never web/ or cli/)"
# Rule 2: mail headers are built only in notify/ (mail.c), never by hand elsewhere.
bad=$(grep -rEn '"[^"]*(Subject|Message-ID|MIME-Version|Content-Transfer-Encoding): ' "$src" | grep -v "/src/notify/")
is "$bad" "" "mail headers are written only in notify/"
# The check itself: a file that breaks the rule is seen.
mkdir -p "$T/src/store"
printf '#include "search/query.h"\n' >"$T/src/store/x.c"
bad=$(src=$T/src includes store 'base|model|store')
like "$bad" 'search/query.h' "the check sees a store file that includes search/"
done_testing
