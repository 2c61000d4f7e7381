# libFuzzer target for the x86 decoder/emulator (clang only). Not included by
# the top Makefile yet: the lead wires it as `-include fuzz/*/fuzz.mk`.
X86EMUL_FUZZ := $(BUILD)/fuzz/x86-emulate
X86EMUL_FUZZ_SECONDS ?= 60
X86EMUL_SRCS := $(wildcard hv/arch/x86/emul/*.c)
$(X86EMUL_FUZZ): fuzz/x86_emulate/fuzz_x86_emulate.c $(X86EMUL_SRCS) \
		hv/arch/x86/include/asm/x86_emulate.h hv/arch/x86/emul/emul.h
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(WARN_FLAGS) -Ihv/include -Ihv/arch/x86/include \
		-o $@ fuzz/x86_emulate/fuzz_x86_emulate.c $(X86EMUL_SRCS)

.PHONY: x86-emulate-fuzz
x86-emulate-fuzz: $(X86EMUL_FUZZ)
	@mkdir -p $(BUILD)/fuzz/x86-emulate-corpus
	$(X86EMUL_FUZZ) -max_total_time=$(X86EMUL_FUZZ_SECONDS) -max_len=256 \
		-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/x86-emulate-corpus

fuzz: x86-emulate-fuzz
