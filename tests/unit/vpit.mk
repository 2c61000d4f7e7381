UNIT_TESTS += vpit
vpit_SRCS := hv/arch/x86/hvm/vpit.c tests/unit/test_vpit.c
vpit_CFLAGS := -Ihv/arch/x86/include
