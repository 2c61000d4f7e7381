UNIT_TESTS += x86_emulate
x86_emulate_SRCS := hv/arch/x86/emul/decode.c hv/arch/x86/emul/emulate.c \
	hv/arch/x86/emul/flags.c hv/arch/x86/emul/string.c \
	tests/unit/test_x86_emulate.c tests/unit/test_x86_emulate_alu.c \
	tests/unit/test_x86_emulate_lengths.c
x86_emulate_CFLAGS := -Ihv/arch/x86/include
