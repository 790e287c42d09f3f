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
RT_LIBS := -lcsv -ljq -lpcre2-8 -lseccomp -lnats -lm -pthread

ifdef SANITIZE
BUILD ?= build/asan
RT_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
RT_LDFLAGS := -fsanitize=address,undefined
else
BUILD ?= build/rel
RT_LDFLAGS :=
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

$(BUILD)/lib $(BUILD)/tools $(BUILD)/bin $(BUILD)/unit:
	mkdir -p $@

.SECONDARY:

# Install what is missing (Debian 12 packages), saying what.
deps-build:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh build test

units: $(UNITS)

check: deps-test all units
	@tests/run $(BUILD)

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
