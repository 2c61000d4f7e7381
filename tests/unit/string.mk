UNIT_TESTS += string
string_SRCS := hv/lib/string.c tests/unit/test_string.c
# Rename our libc-named symbols so the test can compare with libc.
string_CFLAGS := -include tests/unit/host_rename.h -fno-builtin
