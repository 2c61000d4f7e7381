UNIT_TESTS += range
range_SRCS := hv/common/mm/range.c tests/unit/test_range.c
