# Basalt: top-level build. `make` builds the hypervisor, `make check` runs
# every test, `make run` boots Basalt in QEMU. See README.md.

.DEFAULT_GOAL := all
BUILD := build

include mk/flags.mk
include mk/hv.mk
include mk/unit.mk
-include $(sort $(wildcard tools/*/build.mk))
include tests/guest/build.mk
-include $(sort $(wildcard fuzz/*/fuzz.mk))

.PHONY: all deps run check unit fuzz bench cloc clean tools

all: $(HV_ELF) tools

tools: $(TOOLS_TARGETS)

deps:
	@./scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all guest-tests
	@./scripts/run-qemu.sh

# `make check`: everything, ending with "N passed, N failed".
check: deps
	@$(MAKE) --no-print-directory all test-builds
	@./scripts/fetch-linux.sh >/dev/null
	@python3 tests/check.py

test-builds: $(HV_TEST_ELF) $(UNIT_BINS) $(TEST_BUILD_TARGETS) guest-tests

unit: $(UNIT_BINS)
	@python3 tests/check.py --only unit

bench: deps all guest-tests $(HV_RELEASE_ELF) bench-xenstored-bins
	@python3 bench/run.py

cloc:
	@./scripts/cloc.sh

clean:
	rm -rf $(BUILD)
