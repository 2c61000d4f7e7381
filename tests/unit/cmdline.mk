UNIT_TESTS += cmdline
cmdline_SRCS := hv/lib/cmdline.c hv/lib/parse.c tests/unit/test_cmdline.c
