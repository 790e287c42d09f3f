# rtpipe - small, fast C filters for real-time transaction streams.
# GNU make.  `make` builds, `make check` tests, `make demo` runs the demo,
# `make bench` measures.  The user's CFLAGS/LDFLAGS are kept apart from the
# project's flags, so `make CFLAGS=-O0` keeps every warning.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/rtpipe
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=

RT_CFLAGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wformat=2 -D_DEFAULT_SOURCE -pthread -MMD -MP \
	-iquote lib
RT_LIBS := -lcsv -ljq -lonig -lpcre2-8 -lseccomp -lsqlite3 -lnats -lzstd -lm -pthread

ifdef SANITIZE
BUILD ?= build/asan
RT_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
RT_LDFLAGS := -fsanitize=address,undefined
else
BUILD ?= build/rel
RT_LDFLAGS :=
# assert() checks internal invariants in the sanitizer build; the release
# build leaves them out (hot paths; CFLAGS=-UNDEBUG keeps them).
RT_CFLAGS += -DNDEBUG
endif
ifdef WERROR
RT_CFLAGS += -Werror
endif

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
LIB := $(BUILD)/librtpipe.a
TOOLS := $(patsubst tools/%.c,%,$(wildcard tools/rt-*.c))
BINS := $(TOOLS:%=$(BUILD)/bin/%)
UNIT_SRC := $(wildcard tests/unit/t_*.c)
UNITS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
MANS := $(wildcard man/*.1 man/*.7)

all: deps-build $(BINS)

$(BUILD)/lib/%.o: lib/%.c | $(BUILD)/lib
	$(CC) $(RT_CFLAGS) $(CFLAGS) -c $< -o $@

# The meta-schemas are assembled into metaschema.o (.incbin).
SCHEMA_DATA := $(wildcard schemas/*/*.json schemas/*/*/*.json)
$(BUILD)/lib/metaschema.o: $(SCHEMA_DATA)

$(LIB): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tools/%.o: tools/%.c | $(BUILD)/tools
	$(CC) $(RT_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/bin/%: $(BUILD)/tools/%.o $(LIB) | $(BUILD)/bin
	$(CC) $(RT_LDFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $< $(LIB) $(RT_LIBS)

$(BUILD)/unit/%.o: tests/unit/%.c | $(BUILD)/unit
	$(CC) $(RT_CFLAGS) $(CFLAGS) -iquote tests/unit -c $< -o $@

$(BUILD)/unit/%: $(BUILD)/unit/%.o $(LIB)
	$(CC) $(RT_LDFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $< $(LIB) $(RT_LIBS)

$(BUILD)/lib $(BUILD)/tools $(BUILD)/bin $(BUILD)/unit: | deps-build
	mkdir -p $@

.SECONDARY:

# Install what is missing (Debian 12 packages), saying what.
deps-build:
	@scripts/deps.sh build
deps-test: deps-build
	@scripts/deps.sh test

units: $(UNITS)

check: deps-test all units fuzz-build
	@tests/run $(BUILD)

# Fuzzing: every tests/fuzz/fuzz_*.c is a libFuzzer harness, linked with
# the library built by clang with the same sanitizers into build/fuzz.
# `make fuzz FUZZ_SECONDS=N` runs each for N seconds from its seed corpus
# tests/fuzz/corpus/NAME/ (tests/fuzz/run.sh); make check runs each briefly.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD := build/fuzz
FUZZ_CFLAGS := $(filter-out -fsanitize=% -fno-sanitize-recover=% -DNDEBUG,$(RT_CFLAGS)) \
	-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_LIB_OBJ := $(LIB_SRC:lib/%.c=$(FUZZ_BUILD)/lib/%.o)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_BUILD)/lib/%.o: lib/%.c | $(FUZZ_BUILD)/lib
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(FUZZ_BUILD)/lib/metaschema.o: $(SCHEMA_DATA)
$(FUZZ_BUILD)/librtpipe.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^
# libc comes first: libonig also defines regcomp and regexec (its POSIX
# API), and a harness's own POSIX regexes must be glibc's.
$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_BUILD)/librtpipe.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wl,--as-needed $< \
		$(FUZZ_BUILD)/librtpipe.a -lc $(RT_LIBS) -o $@
$(FUZZ_BUILD)/lib:
	mkdir -p $@

fuzz-build: $(FUZZ_BINS)
fuzz: deps-test fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)
fuzz-check: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) 2

.PHONY: fuzz fuzz-build fuzz-check
-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BINS:=.d)

demo: deps-build $(BINS)
	@BUILD=$(BUILD) examples/demo.sh

bench: deps-build $(BINS)
	@scripts/deps.sh bench
	@BUILD=$(BUILD) bench/run.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7/
	mkdir -p $(DESTDIR)$(SHAREDIR)
	cp -R schemas $(DESTDIR)$(SHAREDIR)/
	chmod -R a+rX,go-w $(DESTDIR)$(SHAREDIR)/schemas

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(notdir $(wildcard man/*.1):%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -f $(notdir $(wildcard man/*.7):%=$(DESTDIR)$(MANDIR)/man7/%)
	rm -rf $(DESTDIR)$(SHAREDIR)/schemas

lint:
	@scripts/deps.sh lint
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -D__GNUC__ \
		-I lib lib tools
	clang-tidy --quiet $(LIB_SRC) $(wildcard tools/*.c) -- \
		-std=c11 -D_DEFAULT_SOURCE -iquote lib 2>/dev/null
	$(if $(MANS),mandoc -Tlint -Wwarning $(MANS))

format:
	clang-format -i lib/*.c lib/*.h tools/*.c tests/unit/*.c tests/unit/*.h

clean:
	rm -rf build

.PHONY: all check demo bench install uninstall lint format clean units \
	deps-build deps-test

-include $(LIB_OBJ:.o=.d) $(BINS:$(BUILD)/bin/%=$(BUILD)/tools/%.d) \
	$(UNITS:%=%.d)
