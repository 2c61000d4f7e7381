UNIT_TESTS += buddy
buddy_SRCS := hv/common/mm/buddy.c tests/unit/test_buddy.c
