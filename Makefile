# posta's build. `make` builds every program into $(BUILD)/bin/.
# Each folder src/PROG/ is one program; src/common (libc only), src/sk
# (on skalibs) and src/owf (on libowfat) are the libraries they share.
# Programs link skalibs, except those in OWFAT_PROGS, which link libowfat:
# the two define the same names and never meet in one binary (tools/check-base).

SHELL := /bin/sh
BUILD ?= build
PYTHON ?= /usr/bin/python3
SAN ?=
# make V=1 shows every command
V ?=
Q = $(if $(V),,@)
say = $(if $(V),,@echo '  $(1) $(2)';)

CONF_CC := $(shell head -n 1 conf-cc)
CC := $(firstword $(CONF_CC))
CFLAGS := $(wordlist 2,999,$(CONF_CC)) -I$(BUILD)/gen -Isrc
LDFLAGS :=
ifneq ($(SAN),)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# Programs that need DNS link libowfat instead of skalibs.
OWFAT_PROGS := posta-remote
# Extra libraries of a program: LIBS_prog := ...
LIBS_posta-checkpw := -lcrypt
LIBS_posta-user := -lcrypt
LIBS_posta-tlsd := -ltls
LIBS_posta-remote := -ltls
LIBS_posta-showctl := -ltls -lcrypto

SKALIBS := -Wl,-Bstatic -lskarnet -Wl,-Bdynamic
LIBOWFAT := -Wl,-Bstatic -lowfat -Wl,-Bdynamic

LIBDIRS := common sk owf
PROGS := $(sort $(filter-out $(LIBDIRS),$(notdir $(wildcard src/*))))
BINS := $(addprefix $(BUILD)/bin/,$(PROGS))

obj = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(wildcard src/$(1)/*.c))
COMMON_OBJS := $(call obj,common)
SK_OBJS := $(call obj,sk)
OWF_OBJS := $(call obj,owf)
LIB_common := $(BUILD)/lib/libcommon.a
LIB_sk := $(BUILD)/lib/libsk.a
LIB_owf := $(BUILD)/lib/libowf.a
base = $(if $(filter $(1),$(OWFAT_PROGS) owf),owf,$(if $(filter $(1),common),common,sk))
SYSLIBS_sk := $(SKALIBS)
SYSLIBS_owf := $(LIBOWFAT)
SYSLIBS_common :=
LIBCHAIN_sk := $(LIB_sk) $(LIB_common)
LIBCHAIN_owf := $(LIB_owf) $(LIB_common)
LIBCHAIN_common := $(LIB_common)

GEN := $(BUILD)/gen/conf.h

.PHONY: all deps check check-unit check-asan run run-setup install bench bench-deps bench-quick fuzz clean tests
.DELETE_ON_ERROR:

all: $(BINS)

# --- generated configuration ------------------------------------------------
$(BUILD)/gen/conf.h: conf-home conf-split conf-users tools/gen-conf
	@mkdir -p $(@D)
	tools/gen-conf > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/svc_templates.h: tools/gen-svc $(shell find svc -type f 2>/dev/null)
	@mkdir -p $(@D)
	tools/gen-svc > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/posta-setup/setup_svc.o: $(BUILD)/gen/svc_templates.h

# posta-setup writes DIR/dovecot/dovecot.conf from dovecot/ (doc/mailhost.md)
$(BUILD)/gen/dovecot_templates.h: tools/gen-svc $(shell find dovecot -type f 2>/dev/null)
	@mkdir -p $(@D)
	tools/gen-svc dovecot dovecot_templates > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/posta-setup/setup_dovecot.o: $(BUILD)/gen/dovecot_templates.h

$(BUILD)/owfat-headers: tools/check-base
	@mkdir -p $(@D)
	(dpkg -L libowfat-dev 2>/dev/null | grep '^/usr/include/.*\.h$$' || true) > $@.tmp && mv $@.tmp $@

# --- objects and libraries ----------------------------------------------------
$(BUILD)/obj/%.o: src/%.c $(GEN)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS) -MD -MP -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/unit/%.c $(GEN)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS) -MD -MP -c -o $@ $<

$(LIB_common): $(COMMON_OBJS) $(BUILD)/owfat-headers
	@mkdir -p $(@D)
	@tools/check-base common $(BUILD)/owfat-headers $(COMMON_OBJS:.o=.d)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $(COMMON_OBJS)
$(LIB_sk): $(SK_OBJS) $(BUILD)/owfat-headers
	@mkdir -p $(@D)
	@tools/check-base sk $(BUILD)/owfat-headers $(SK_OBJS:.o=.d)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $(SK_OBJS)
$(LIB_owf): $(OWF_OBJS) $(BUILD)/owfat-headers
	@mkdir -p $(@D)
	@tools/check-base owf $(BUILD)/owfat-headers $(OWF_OBJS:.o=.d)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $(OWF_OBJS)

# --- programs -----------------------------------------------------------------
# A program that runs another's code in-process: OBJS_prog := its objects.
# posta-lspawn's child delivers with posta-local's code (no exec per message).
nomain = $(filter-out $(BUILD)/obj/$(1)/$(1).o,$(call obj,$(1)))
OBJS_posta-lspawn = $(call nomain,posta-local)
# posta-injectd runs posta-queue's write path for every message it takes.
OBJS_posta-injectd = $(call nomain,posta-queue)
# posta-showctl checks a setting with the code of the program that reads it.
OBJS_posta-showctl = $(addprefix $(BUILD)/obj/,posta-send/retrysched.o posta-remote/smtproutes.o \
	posta-remote/tlsdest.o posta-remote/ipme.o posta-remote/ipaddr.o posta-tlsd/tlsd_conf.o)
define prog_rule
$(BUILD)/bin/$(1): $(call obj,$(1)) $(OBJS_$(1)) $(LIBCHAIN_$(call base,$(1))) $(BUILD)/owfat-headers
	@mkdir -p $$(@D)
	@tools/check-base $(call base,$(1)) $(BUILD)/owfat-headers $(patsubst %.o,%.d,$(call obj,$(1)) $(OBJS_$(1)))
	$(call say,LD,$$@)$(CC) $(LDFLAGS) -o $$@ $(call obj,$(1)) $(OBJS_$(1)) $(LIBCHAIN_$(call base,$(1))) $(SYSLIBS_$(call base,$(1))) $(LIBS_$(1))
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

# --- unit tests: tests/unit/test_M.c tests module M (src/D/M.c) -------------
# A test (or a fuzz harness, tests/fuzz/fuzz.mk) names its module M by its
# basename alone, so no two folders may have a module of the same name:
# each program's main file src/P/P.c aside, every src/*/*.c has its own.
SRCS := $(wildcard src/*/*.c)
MODULES := $(filter-out $(foreach p,$(PROGS),src/$(p)/$(p).c),$(SRCS))
MODNAMES := $(notdir $(MODULES))
MODDUPS := $(sort $(foreach n,$(MODNAMES),$(if $(word 2,$(filter $(n),$(MODNAMES))),$(n))))
ifneq ($(MODDUPS),)
$(error posta: two modules share a name, a test of it could mean either: $(filter $(addprefix %/,$(MODDUPS)),$(MODULES)))
endif

# What a test of a module of folder D links, besides its own object:
#   moddir M    D, the folder of src/D/M.c ("" when there is none)
#   modobjs D   D's objects but D's main file, and those D borrows (OBJS_D)
#   modlibs D   the libraries of D's base (common, sk or owf), ours first
modfile = $(filter %/$(1).c,$(SRCS))
moddir = $(patsubst src/%/,%,$(dir $(call modfile,$(1))))
modobjs = $(call nomain,$(1)) $(OBJS_$(1))
modlibs = $(LIBCHAIN_$(call base,$(1))) $(SYSLIBS_$(call base,$(1)))
moddeps = $(patsubst %.o,%.d,$(call nomain,$(1)))

# unit_rule TEST D: build/tests/TEST from TEST.o, the module's folder's
# objects and libraries, and cmocka; D is "" when the test names no module.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
define unit_rule
$(BUILD)/tests/$(1): $(BUILD)/obj/tests/$(1).o $(call modobjs,$(2)) $(LIBCHAIN_$(call base,$(2))) $(BUILD)/owfat-headers
	@mkdir -p $$(@D)
	@test -n "$(2)" || { echo "posta: tests/unit/$(1).c: no module src/*/$(1:test_%=%).c to test" >&2; exit 100; }
	@tools/check-base $(call base,$(2)) $(BUILD)/owfat-headers $(BUILD)/obj/tests/$(1).d $(call moddeps,$(2))
	$(call say,LD,$$@)$(CC) $(LDFLAGS) -o $$@ $(BUILD)/obj/tests/$(1).o $(call modobjs,$(2)) $(call modlibs,$(2)) -lcmocka $(LIBS_$(2))
endef
unit_name = $(basename $(notdir $(1)))
$(foreach t,$(UNIT_SRCS),$(eval $(call unit_rule,$(call unit_name,$(t)),$(call moddir,$(patsubst test_%,%,$(call unit_name,$(t)))))))

tests: $(UNIT_BINS) $(BINS)

# --- fuzzing: make fuzz, make fuzz-smoke, make faults (tests/fuzz/fuzz.mk) ----
include tests/fuzz/fuzz.mk

# --- dependencies -------------------------------------------------------------
# Packages that building, running and testing need; bench and fuzz add theirs.
# dovecot-imapd and dovecot-pop3d: IMAP and POP3 over posta's mailboxes
# (doc/mailhost.md). On a machine with systemd the package starts Debian's
# own Dovecot (/etc/dovecot, ports 143, 110, 993, 995); posta's Dovecot is
# a private instance (DIR/dovecot/dovecot.conf, its own base_dir), the tests
# run it in a network namespace of their own and make run on 127.0.0.1:2143
# and 2110, so neither meets it; a mail host disables it (doc/mailhost.md).
DEPS := gcc make libc6-dev skalibs-dev libowfat-dev libcmocka-dev s6 execline \
	ucspi-tcp-ipv6 python3 swaks dnsmasq-base iproute2 strace util-linux \
	procps openssl python3-aiosmtpd libtls-dev libssl-dev libcrypt-dev ca-certificates \
	libnet-ssleay-perl libio-socket-ssl-perl dovecot-imapd dovecot-pop3d
deps:
	@tools/deps $(DEPS)

# --- tests --------------------------------------------------------------------
# Every test runs twice: against the normal build, then against programs
# built with -fsanitize=address,undefined; any sanitizer report fails.
# The builds run one job per core unless make was given -j (a plain
# `make check` built serially: three builds of every object, 4 minutes).
JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))
check: deps
	$(MAKE) $(JOBS) tests
	$(MAKE) $(JOBS) BUILD=build-asan SAN=1 tests
	$(MAKE) $(JOBS) fuzz-smoke
	$(PYTHON) tests/run.py --build $(BUILD) --build-asan build-asan

check-unit: tests
	$(PYTHON) tests/run.py --build $(BUILD) --unit-only

# --- the demo -----------------------------------------------------------------
run: deps
	$(MAKE) all
	tools/demo $(BUILD) run

run-setup: all
	tools/demo $(BUILD) setup

install: deps
	$(MAKE) all
	$(BUILD)/bin/posta-setup $(shell head -n 1 conf-home)
	$(BUILD)/bin/posta-setup -c $(shell head -n 1 conf-home)

# --- the benchmark -------------------------------------------------------------
# bench/bench (doc/benchmark.md); BENCH_PEER=postfix adds Postfix as the peer,
# BENCH_N, BENCH_RUNS, BENCH_ONLY... change the load. Postfix's package (for
# smtp-source and the peer) is in BENCH_DEPS, debconf told "No configuration"
# first; bench/bench stops and disables its system service (nothing of it may
# listen on port 25). The text report and the SVG chart go to BUILD/bench/.
BENCH_DEPS := linux-perf strace procps iproute2 util-linux python3 postfix
bench-deps: deps
	@dpkg-query -W -f='$${Status}\n' postfix 2>/dev/null | grep -q 'ok installed' || \
	  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections 2>/dev/null || :
	@tools/deps $(BENCH_DEPS)

bench: bench-deps
	$(MAKE) all
	$(PYTHON) bench/bench --build $(BUILD) --out $(BUILD)/bench/bench

bench-quick: bench-deps
	$(MAKE) all
	$(PYTHON) bench/bench --quick --build $(BUILD) --out $(BUILD)/bench/bench-quick

clean:
	rm -rf $(BUILD) build-asan

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
