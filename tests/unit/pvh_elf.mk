UNIT_TESTS += pvh_elf
pvh_elf_SRCS := hv/common/pvh_elf.c tests/unit/test_pvh_elf.c
pvh_elf_CFLAGS := -DPVH_SEED_DIR='"$(CURDIR)/fuzz/pvh_elf/seeds"'
