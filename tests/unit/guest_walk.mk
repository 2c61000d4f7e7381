UNIT_TESTS += guest_walk
guest_walk_SRCS := hv/common/guest_walk.c tests/unit/test_guest_walk.c
