UNIT_TESTS += format
format_SRCS := hv/lib/format.c tests/unit/test_format.c
# Rename our libc-named symbols so the test can compare with libc.
format_CFLAGS := -include tests/unit/host_rename.h -fno-builtin
