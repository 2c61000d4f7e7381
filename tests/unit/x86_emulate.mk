UNIT_TESTS += x86_emulate
x86_emulate_SRCS := hv/arch/x86/emul/decode.c hv/arch/x86/emul/emulate.c \
	hv/arch/x86/emul/flags.c hv/arch/x86/emul/string.c \
	tests/unit/test_x86_emulate.c tests/unit/test_x86_emulate_alu.c \
	tests/unit/test_x86_emulate_lengths.c
x86_emulate_CFLAGS := -Ihv/arch/x86/include
# The unit rule tracks only hv/include headers: add ours so edits rebuild.
$(BUILD)/unit/x86_emulate: hv/arch/x86/include/asm/x86_emulate.h hv/arch/x86/emul/emul.h
