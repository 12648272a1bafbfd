# fuzz.mk: libFuzzer harnesses, included by the Makefile.
#
# tests/fuzz/fuzz_M.c fuzzes module M (src/D/M.c), linked as M's unit test
# is: D's objects but D's main file, D's libraries. Everything is built by
# clang with -fsanitize=fuzzer-no-link,address,undefined into $(FUZZ_BUILD),
# apart from the normal and sanitizer builds. A harness may name another
# module (FUZZ_MOD_name).
#
#   make fuzz                 every harness for FUZZ_SECONDS each (default 60)
#   make fuzz FUZZ=smtpd_data  one harness (or several, space-separated)
#   make fuzz-smoke           every harness for a fixed number of runs, every
#                             saved crash input replayed first (make check)
#   make faults               the full fault-injection matrix (slow)

FUZZ_DEPS := clang libclang-rt-14-dev
FUZZ_BUILD ?= build-fuzz
FUZZ_CC := clang -fsanitize=fuzzer-no-link
FUZZ_SECONDS ?= 60
FUZZ ?=

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZ_BINS := $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_NAMES))

# DNS answers as posta-remote consumes them: dnsq's parsers, then plan
FUZZ_MOD_dnsplan := plan
# a whole SMTP client session of posta-remote: smtpc, then txn
FUZZ_MOD_remote_session := txn
# a whole posta-smtpd session
FUZZ_MOD_smtpd_session := smtpd_session

fuzzmod = $(or $(FUZZ_MOD_$(1)),$(1))

$(BUILD)/obj/fuzz/%.o: tests/fuzz/%.c $(GEN)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CFLAGS) -MD -MP -c -o $@ $<

# fuzz_rule NAME D: build/fuzz/fuzz_NAME from its object, the objects of the
# module's folder D (but D's main file) and D's libraries (the Makefile's
# moddir, moddeps, modlibs); D is "" when the harness names no module.
define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): $(BUILD)/obj/fuzz/fuzz_$(1).o $(call nomain,$(2)) $(LIBCHAIN_$(call base,$(2))) $(BUILD)/owfat-headers
	@mkdir -p $$(@D)
	@test -n "$(2)" || { echo "posta: tests/fuzz/fuzz_$(1).c: no module src/*/$(call fuzzmod,$(1)).c to fuzz" >&2; exit 100; }
	@tools/check-base $(call base,$(2)) $(BUILD)/owfat-headers $(BUILD)/obj/fuzz/fuzz_$(1).d $(call moddeps,$(2))
	$(call say,LD,$$@)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $$@ $(BUILD)/obj/fuzz/fuzz_$(1).o $(call nomain,$(2)) $(call modlibs,$(2)) $(LIBS_$(2))
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(n),$(call moddir,$(call fuzzmod,$(n))))))

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-bins faults
fuzz-bins: $(FUZZ_BINS)

fuzz-build:
	@tools/deps $(FUZZ_DEPS)
	$(MAKE) BUILD=$(FUZZ_BUILD) SAN=1 CC='$(FUZZ_CC)' fuzz-bins

fuzz: fuzz-build
	$(PYTHON) tests/fuzz/run.py --build $(FUZZ_BUILD) --seconds $(FUZZ_SECONDS) $(FUZZ)

fuzz-smoke: fuzz-build
	$(PYTHON) tests/fuzz/run.py --build $(FUZZ_BUILD) --smoke

faults: tests
	POSTA_FAULTS=full $(PYTHON) tests/run.py --build $(BUILD) --integration-only -k 'test_fault_*.py'

.PHONY: clean-fuzz
clean: clean-fuzz
clean-fuzz:
	rm -rf $(FUZZ_BUILD)
