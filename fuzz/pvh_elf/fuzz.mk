# libFuzzer target for the PVH ELF parser (clang only), seeded with the
# gcc-built kernels of fuzz/pvh_elf/seeds (rebuild them with mkseeds.sh).
# Wired by the top Makefile's `-include fuzz/*/fuzz.mk`.
PVH_ELF_FUZZ := $(BUILD)/fuzz/pvh-elf
PVH_ELF_FUZZ_SECONDS ?= 60
$(PVH_ELF_FUZZ): fuzz/pvh_elf/fuzz_pvh_elf.c hv/common/pvh_elf.c hv/include/basalt/pvh_elf.h
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(WARN_FLAGS) -Ihv/include -DHOST_TEST=1 \
		-o $@ fuzz/pvh_elf/fuzz_pvh_elf.c hv/common/pvh_elf.c

.PHONY: pvh-elf-fuzz
pvh-elf-fuzz: $(PVH_ELF_FUZZ)
	@mkdir -p $(BUILD)/fuzz/pvh-elf-corpus
	cp fuzz/pvh_elf/seeds/*.elf $(BUILD)/fuzz/pvh-elf-corpus/
	$(PVH_ELF_FUZZ) -max_total_time=$(PVH_ELF_FUZZ_SECONDS) -max_len=16384 \
		-artifact_prefix=$(BUILD)/fuzz/pvh-elf- $(BUILD)/fuzz/pvh-elf-corpus

fuzz: pvh-elf-fuzz
