# oko — one Makefile, pkg-config, automatic header dependencies.
#
#   make run       install missing packages, build, create the demo database, serve the UI
#   make check     install missing packages, build, run every test; ends "N passed, N failed"
#   make sanitize  the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make lint      banned functions, every header compiles on its own
#   make fuzz      run each fuzz target for FUZZ_SECONDS (clang + libFuzzer)
#   make bench     benchmarks: throughput and peak memory
#   make e2e       browser tests (headless chromium), screenshots in build/e2e
#   make crash     the crash tests at length: 100 kills of each kind (make check runs 10)
#   make install   the binary, the man page oko(1), /etc/oko/oko.conf (never replaced) and
#                  the systemd unit, under PREFIX (/usr/local) and DESTDIR; make uninstall
#
# Objects go to $(BUILD) (default build/); `make BUILD=build-san SAN=1` is a sanitizer build.

BUILD ?= build
CC ?= cc
PKGS := sqlite3 libpq libzip zlib expat gsl libsodium jansson libmicrohttpd cairo pangocairo xlsxwriter libqpdf
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT ?= -O2
# `make V=1` shows the full compiler command lines.
Q := $(if $(V),,@)
WARN := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wstrict-prototypes -Wvla
CFLAGS_ALL := -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) -g $(WARN) \
	-Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
LDLIBS_ALL := $(PKG_LIBS) -lm -lpthread $(LDLIBS)

ifeq ($(SAN),1)
CFLAGS_ALL += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
OKO := $(BUILD)/oko
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)
EMBED_FILES := $(sort $(wildcard src/db/sql/*.sql) $(wildcard src/web/static/*)) \
	src/model/common-passwords.txt $(wildcard src/model/*.csv)

.PHONY: all deps run check test sanitize lint fuzz bench clean demo e2e crash install uninstall man FORCE
all: $(OKO)

# The version: `git describe` of the checkout, else the file VERSION (a release tarball),
# else main.c's own constant. Written into $(BUILD)/gen/version.h only when it changed, so
# main.o is rebuilt exactly then.
VERSION_STR := $(or $(shell git describe --always --dirty --tags 2>/dev/null),$(shell cat VERSION 2>/dev/null))
$(BUILD)/gen/version.h: FORCE
	@mkdir -p $(dir $@)
	@$(if $(VERSION_STR),echo '#define OKO_VERSION "$(VERSION_STR)"',echo '/* no version known: main.c has its own */') >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/src/main.o: $(BUILD)/gen/version.h

# The man page, from the command table of the binary just built (no configuration file read).
$(BUILD)/oko.1: $(OKO)
	OKO_CONF= $(OKO) help --man >$@.tmp && mv $@.tmp $@
man: $(BUILD)/oko.1

# make install [PREFIX=/usr/local] [DESTDIR=] [BUILD=build]: installs what $(BUILD) holds.
# The configuration goes to /etc/oko (the binary reads /etc/oko/oko.conf whatever PREFIX
# is); an existing oko.conf is kept and the new one lands beside it as oko.conf.dist. The
# unit goes where systemd looks: /lib/systemd/system for PREFIX=/usr (Debian 12), else
# PREFIX/lib/systemd/system.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
SYSUSERSDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/sysusers.d,$(PREFIX)/lib/sysusers.d)
install: $(OKO) $(BUILD)/oko.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SYSCONFDIR)/oko \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 755 $(OKO) $(DESTDIR)$(BINDIR)/oko
	install -m 644 $(BUILD)/oko.1 $(DESTDIR)$(MANDIR)/man1/oko.1
	sed 's|@BINDIR@|$(BINDIR)|g' dist/oko.service >$(BUILD)/oko.service
	install -m 644 $(BUILD)/oko.service $(DESTDIR)$(UNITDIR)/oko.service
	install -m 644 dist/oko.sysusers $(DESTDIR)$(SYSUSERSDIR)/oko.conf
	install -d $(DESTDIR)$(PREFIX)/share/oko/nginx
	install -m 644 dist/nginx/oko.conf $(DESTDIR)$(PREFIX)/share/oko/nginx/oko.conf
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/oko/oko.conf ]; then \
		install -m 644 dist/oko.conf $(DESTDIR)$(SYSCONFDIR)/oko/oko.conf.dist; \
		echo "install: $(DESTDIR)$(SYSCONFDIR)/oko/oko.conf kept; the new one is oko.conf.dist"; \
	else \
		install -m 644 dist/oko.conf $(DESTDIR)$(SYSCONFDIR)/oko/oko.conf; \
	fi

# Leaves /etc/oko/oko.conf if it differs from the shipped one (an administrator's edits).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/oko $(DESTDIR)$(MANDIR)/man1/oko.1 \
		$(DESTDIR)$(UNITDIR)/oko.service $(DESTDIR)$(SYSUSERSDIR)/oko.conf \
		$(DESTDIR)$(PREFIX)/share/oko/nginx/oko.conf \
		$(DESTDIR)$(SYSCONFDIR)/oko/oko.conf.dist
	@if cmp -s dist/oko.conf $(DESTDIR)$(SYSCONFDIR)/oko/oko.conf; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/oko/oko.conf; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/oko/oko.conf ]; then \
		echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/oko/oko.conf kept (edited)"; \
	fi
	rmdir $(DESTDIR)$(SYSCONFDIR)/oko 2>/dev/null || true
	rmdir $(DESTDIR)$(PREFIX)/share/oko/nginx $(DESTDIR)$(PREFIX)/share/oko 2>/dev/null || true

deps:
	@scripts/deps.sh

$(OKO): $(BUILD)/src/main.o $(BUILD)/liboko.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/liboko.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c | $(BUILD)/gen/embedded.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

# Files built into the binary (SQL migrations, web assets, the list of common passwords)
# become C arrays. One run of embed writes both files: a grouped target (&:), or make -j
# ran it once for each and a compile could read the header while the other run rewrote it.
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/gen/embedded.c $(BUILD)/gen/embedded.h &: $(BUILD)/tools/embed $(EMBED_FILES) Makefile
	@mkdir -p $(BUILD)/gen
	$(BUILD)/tools/embed $(BUILD)/gen/embedded $(EMBED_FILES)

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/liboko.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(BUILD)/liboko.a $(LDLIBS_ALL) -lcmocka

# Test tools (fixture makers) used by the black-box tests.
$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/liboko.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(BUILD)/liboko.a $(LDLIBS_ALL)

test: $(OKO) $(UNIT_BIN) $(TOOL_BIN)
	@OKO=$(abspath $(OKO)) BUILD=$(abspath $(BUILD)) tests/run.sh $(UNIT_BIN)

check: deps
	@$(MAKE) -s --no-print-directory all $(UNIT_BIN) $(TOOL_BIN)
	@OKO_TEST_PG=1 $(MAKE) --no-print-directory test

sanitize: deps
	@LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
		$(MAKE) --no-print-directory BUILD=build-san SAN=1 OPT=-O1 test

lint: deps
	@scripts/lint.sh

# Browser tests alone (make check runs them too); screenshots land in $(BUILD)/e2e.
e2e: deps all
	@OKO=$(abspath $(OKO)) E2E_OUT=$(abspath $(BUILD))/e2e bash tests/e2e/run.sh

# The crash tests of make check (tests/cli/t_crash.sh) with 100 kills of each kind.
CRASH_N ?= 100
crash: deps all
	@OKO=$(abspath $(OKO)) BUILD=$(abspath $(BUILD)) CRASH_N=$(CRASH_N) \
		bash tests/cli/t_crash.sh

FUZZ_SECONDS ?= 30
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

bench: deps all
	@OKO=$(abspath $(OKO)) bench/run.sh

DEMO_DB ?= demo.db
# The browser tests' npm packages are not needed to serve the demo (no npm registry).
run:
	@DEPS_E2E=0 scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@OKO=$(abspath $(OKO)) DEMO_DB=$(DEMO_DB) FRESH=$(FRESH) scripts/run.sh

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
