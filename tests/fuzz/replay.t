#!/usr/bin/env bash
# replay.t -- every libFuzzer target's seed corpus replayed in the ASan+UBSan
# build (build/san/replay/<target>, tests/fuzz/replay.c), one test per corpus
# and one per input that fails; plus the inputs of the attack report that broke
# a target once (../shared/reproducers: fuzz_release's heap-use-after-free,
# through every target that merges or splits releases), the report's ingest
# reproducers (deep nesting, gzip members, trailing data, truncation, byte
# order marks, broken JSON Lines...) through the scanner, and the dev data's
# records through the record splitter. The shared files stay in ../shared;
# `make fuzz` seeds fuzz_scan with the same folder.
# A corpus must replay in under REPLAY_MAX_SECONDS (default 10 s: each takes
# well under 1 s alone; the margin is for a machine shared with other builds).
# Run from the repository root; REPLAY_DIR overrides build/san/replay.
. "$(dirname "$0")/../e2e/lib.sh"
dir=${REPLAY_DIR:-build/san/replay}
max=${REPLAY_MAX_SECONDS:-10}
uaf=$SHARED/reproducers/attack/uaf
attack_ingest=$SHARED/reproducers/attack/ingest

# replay TARGET INPUT...: one test per corpus (or per failing input)
replay() {
  local bin=$dir/$1; shift
  if [ ! -x "$bin" ]; then ok 1 "$1: $bin is built"; return; fi
  local out
  out=$("$bin" "$@")
  [ -n "$out" ] || { ok 1 "$(basename "$bin") $*: the replay printed nothing (crashed itself?)"; return; }
  while read -r verdict what rest; do
    case $verdict in
      pass)
        set -- $rest
        ok 0 "$(basename "$bin"): $what: $1 inputs replayed cleanly ($2 s)"
        awk -v t="$2" -v m="$max" 'BEGIN { exit !(t < m) }'
        ok $? "$(basename "$bin"): $what replays in under $max s" ;;
      *) ok 1 "$(basename "$bin"): $what: $rest" ;;
    esac
  done <<<"$out"
}

targets=$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
for t in $targets; do
  replay "$t" "tests/fuzz/corpus/$t"
done
uaf_inputs="$uaf/fuzz_release-crash-7281010 $uaf/fuzz_crash_original.bin $uaf/uaf_one_release_dupkey.json $uaf/uaf_two_releases.jsonl"
for t in fuzz_release fuzz_merge fuzz_record; do
  replay "$t" $uaf_inputs
done
# every file of the folder is an input (its scripts and outputs too: any bytes will do)
replay fuzz_scan "$attack_ingest"
# real records (the shared data stays in ../shared, never copied into a corpus)
replay fuzz_record "$DEV/paraguay-dncp/records"
done_testing
