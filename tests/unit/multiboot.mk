UNIT_TESTS += multiboot
multiboot_SRCS := hv/arch/x86/boot/multiboot.c tests/unit/test_multiboot.c
