UNIT_TESTS += parse
parse_SRCS := hv/lib/parse.c tests/unit/test_parse.c
