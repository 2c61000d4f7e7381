UNIT_TESTS += xz
xz_SRCS := hv/common/xz/crc.c hv/common/xz/lzma2.c hv/common/xz/bcj_x86.c hv/common/xz/stream.c tests/unit/test_xz.c
xz_LIBS := -llzma
