UNIT_TESTS += sort
sort_SRCS := hv/lib/sort.c tests/unit/test_sort.c
