UNIT_TESTS += heap
heap_SRCS := hv/common/mm/heap.c tests/unit/test_heap.c
