# exhibitor-tls-artifacts: build, test, lint.
#
# make            build build/exhibitor-tls-artifacts (dynamic, against Debian's GnuTLS)
# make test       every test: lint, unit, CLI, sanitizers, interop, static + container contract
# make static     fully static musl binary in build/static/ (scripts/build-static.sh)

PROG      := exhibitor-tls-artifacts
VERSION   := 0.1.0
BUILD     ?= build
CC        ?= cc
PKG_CONFIG ?= pkg-config
ASN1PARSER ?= asn1Parser

CFLAGS    ?= -O2 -g
WARNINGS  := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
             -Wmissing-prototypes -Wvla -Wpointer-arith
ALL_CPPFLAGS = -D_GNU_SOURCE -DPROG_VERSION='"$(VERSION)"' -Isrc -I$(BUILD) $(CPPFLAGS)
ALL_CFLAGS   = -std=c11 $(WARNINGS) $(shell $(PKG_CONFIG) --cflags gnutls libtasn1 jansson yaml-0.1) $(CFLAGS)
LIBS         = $(shell $(PKG_CONFIG) --libs gnutls libtasn1 jansson yaml-0.1) -lpthread
TEST_LIBS    = $(shell $(PKG_CONFIG) --libs cmocka)

LIB_SRCS  := $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
LIB_OBJS  := $(patsubst src/%.c,$(BUILD)/%.o,$(LIB_SRCS)) $(BUILD)/asn1_tab.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all check test unit cli sanitize interop static container-test lint tidy format valgrind \
        bench fuzz docker-image clean

all: $(BUILD)/$(PROG)

$(BUILD)/$(PROG): $(BUILD)/main.o $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/asn1_tab.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The DER structures GnuTLS does not build for us, compiled from their ASN.1 module.
$(BUILD)/asn1_tab.c: src/jks.asn
	@mkdir -p $(dir $@)
	$(ASN1PARSER) -o $@ -n jks_asn1_tab $<

$(BUILD)/asn1_tab.o: $(BUILD)/asn1_tab.c
	$(CC) $(ALL_CPPFLAGS) $(filter-out -W%,$(ALL_CFLAGS)) -w -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) $(wildcard src/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LIBS) $(TEST_LIBS)

# ---- tests ---------------------------------------------------------------------------------

check: test
test: lint unit cli sanitize valgrind fuzz-smoke interop status-test container-test

# JKS fixtures are made by the JDK's keytool at test time, never committed.
$(BUILD)/fixtures/mixed.jks: tests/unit/make-fixtures.sh
	tests/unit/make-fixtures.sh $(BUILD)/fixtures

unit: $(UNIT_BINS) $(BUILD)/fixtures/mixed.jks
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; \
	    JKS_FIXTURES=$(abspath $(BUILD))/fixtures $$t || fail=1; done; exit $$fail

cli: $(BUILD)/$(PROG)
	EXHIBITOR_TLS_ARTIFACTS_BIN=$(abspath $(BUILD))/$(PROG) bats tests/cli

# The unit, CLI and status tests again, built with AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize:
	$(MAKE) BUILD=build/asan CC=clang CFLAGS='$(SAN_FLAGS)' LDFLAGS='-fsanitize=address,undefined' \
	    unit cli status-test

valgrind: $(UNIT_BINS) $(BUILD)/$(PROG) $(BUILD)/fixtures/mixed.jks
	tests/valgrind.sh $(BUILD)

# The default RSA tree, an ECDSA tree, and a tree grown later from the same root.
interop: $(BUILD)/$(PROG)
	EXHIBITOR_TLS_ARTIFACTS_BIN=$(abspath $(BUILD))/$(PROG) tests/interop/run.sh
	EXHIBITOR_TLS_ARTIFACTS_BIN=$(abspath $(BUILD))/$(PROG) INTEROP_GEN_ARGS="--key-type ecdsa-p256" \
	    tests/interop/run.sh
	EXHIBITOR_TLS_ARTIFACTS_BIN=$(abspath $(BUILD))/$(PROG) INTEROP_GEN_ARGS="--key-type ecdsa-p384" \
	    tests/interop/grown-tree.sh

static:
	scripts/build-static.sh

# The static binary passes the same CLI tests as the dynamic one, then the container contract.
container-test: static
	EXHIBITOR_TLS_ARTIFACTS_BIN=$(CURDIR)/build/static/$(PROG) bats tests/cli
	EXHIBITOR_TLS_ARTIFACTS_BIN=$(CURDIR)/build/static/$(PROG) tests/container/run.sh

docker-image:
	docker build --build-arg VERSION=$(VERSION) -t $(PROG):$(VERSION) .

# ---- quality -------------------------------------------------------------------------------

SHELL_FILES = $(wildcard *.sh scripts/*.sh tests/*.sh tests/*/*.sh tests/*/*.bash tests/*/*.bats bench/*.sh) .ci/run

TIDY_FLAGS = -std=c11 -D_GNU_SOURCE -DPROG_VERSION='"$(VERSION)"' -Isrc -I$(BUILD) \
             $(shell $(PKG_CONFIG) --cflags gnutls libtasn1 jansson yaml-0.1)

tidy: $(BUILD)/asn1_tab.c
	clang-tidy --quiet src/*.c -- $(TIDY_FLAGS)

lint: tidy
	clang-format --dry-run --Werror src/*.c src/*.h tests/unit/*.c tests/unit/*.h tests/status/*.c $(wildcard tests/fuzz/*.c)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr --std=c11 -D_GNU_SOURCE -Isrc src tests/unit tests/status
	shellcheck -x $(filter-out %.bats,$(SHELL_FILES))
	shellcheck -x -s bash $(filter %.bats,$(SHELL_FILES))

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h tests/status/*.c $(wildcard tests/fuzz/*.c)

clean:
	rm -rf build

# ---- bench (issue 6) ----------------------------------------------------------------------------
# make bench: one table, this tool against the key-generation floor (GnuTLS alone making the same
# keys) and the alternatives, every figure a median; 7 to 9 minutes on 2 cores. Run counts and
# the rest: BENCH_RUNS, BENCH_GOAL_RUNS, BENCH_EC_RUNS, BENCH_ALT_RUNS, ... (top of bench/run.sh),
# e.g. `make bench BENCH_RUNS=9`.
$(BUILD)/bench/keygen_floor: bench/keygen_floor.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARNINGS) $(shell $(PKG_CONFIG) --cflags gnutls) -O2 \
	    -o $@ $< $(shell $(PKG_CONFIG) --libs gnutls) -lpthread

$(BUILD)/bench/measure: bench/measure.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARNINGS) -O2 -o $@ $<

$(BUILD)/bench/keygen_shim.so: bench/keygen_shim.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARNINGS) $(shell $(PKG_CONFIG) --cflags gnutls) -O2 -fPIC \
	    -shared -o $@ $< -ldl -lpthread

bench: $(BUILD)/$(PROG) $(addprefix $(BUILD)/bench/,keygen_floor measure keygen_shim.so)
	BENCH_BIN=$(abspath $(BUILD)/$(PROG)) BENCH_HELPERS=$(abspath $(BUILD)/bench) bench/run.sh
# ---- end bench ----------------------------------------------------------------------------------

# ---- fuzz (issue 5) -----------------------------------------------------------------------------
# make fuzz: the JKS reader under libFuzzer with ASan and UBSan (clang) for FUZZ_SECONDS (default
# 60), e.g. `make fuzz FUZZ_SECONDS=600`. Seeds are made at run time by keytool and by this tool
# (tests/fuzz/make-seeds.sh); what the fuzzer finds grows in $(FUZZ_BUILD)/corpus, and a crash
# leaves its input as $(FUZZ_BUILD)/crash-*. make fuzz-smoke: the same for 20 s, as `make test`
# runs it.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build/fuzz
FUZZ_CFLAGS  := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer

.PHONY: fuzz-smoke

$(BUILD)/fuzz_jks: tests/fuzz/fuzz_jks.c $(LIB_OBJS) $(wildcard src/*.h)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	    $(LIB_OBJS) $(LIBS)

$(FUZZ_BUILD)/seeds/.made: tests/fuzz/make-seeds.sh | $(BUILD)/$(PROG)
	tests/fuzz/make-seeds.sh $(abspath $(BUILD))/$(PROG) $(FUZZ_BUILD)/seeds
	@touch $@

fuzz: $(FUZZ_BUILD)/seeds/.made
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang CFLAGS='$(FUZZ_CFLAGS)' $(FUZZ_BUILD)/fuzz_jks
	@mkdir -p $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz_jks -max_total_time=$(FUZZ_SECONDS) -dict=tests/fuzz/jks.dict \
	    -artifact_prefix=$(FUZZ_BUILD)/ -print_final_stats=1 $(FUZZ_BUILD)/corpus \
	    $(FUZZ_BUILD)/seeds

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=20
# ---- end fuzz -----------------------------------------------------------------------------------

# ---- status (issue 8) ---------------------------------------------------------------------------
# make status-test: the status sub-command. Unit tests of its HTTP framing, Exhibitor's JSON, the
# verdict and tree discovery (IPv6 and DNS node directories included, from trees made here), then
# the binary against real Jetty servers on 127.0.83.x (tests/status/run.sh, about 30 s).
STATUS_UNIT_BINS := $(patsubst tests/status/%.c,$(BUILD)/tests/status/%,\
                      $(sort $(wildcard tests/status/test_*.c)))

$(BUILD)/tests/status/%: tests/status/%.c $(LIB_OBJS) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LIBS) $(TEST_LIBS)

.PHONY: status-test
status-test: $(BUILD)/$(PROG) $(STATUS_UNIT_BINS)
	rm -rf $(BUILD)/status-trees && mkdir -p $(BUILD)/status-trees
	$(BUILD)/$(PROG) -q -k ecdsa-p256 -d $(BUILD)/status-trees/node \
	    127.0.83.2 fd00::2 master-1.example
	$(BUILD)/$(PROG) -q -k ecdsa-p256 --dir-format address -d $(BUILD)/status-trees/address \
	    127.0.83.2 fd00::2 master-1.example
	@for t in $(STATUS_UNIT_BINS); do echo "== $$t"; \
	    STATUS_TREES=$(abspath $(BUILD))/status-trees $$t || exit 1; done
	EXHIBITOR_TLS_ARTIFACTS_BIN=$(abspath $(BUILD))/$(PROG) tests/status/run.sh
# ---- end status ---------------------------------------------------------------------------------
