UNIT_TESTS += tlb_policy
tlb_policy_SRCS := hv/common/tlb_policy.c tests/unit/test_tlb_policy.c
