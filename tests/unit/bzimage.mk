UNIT_TESTS += bzimage
bzimage_SRCS := hv/common/bzimage.c hv/common/pvh_elf.c hv/common/xz/crc.c hv/common/xz/lzma2.c hv/common/xz/bcj_x86.c hv/common/xz/stream.c tests/unit/test_bzimage.c
bzimage_CFLAGS := -DBASALT_TOP='"$(CURDIR)"'
bzimage_LIBS := -llzma
