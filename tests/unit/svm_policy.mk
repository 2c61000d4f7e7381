UNIT_TESTS += svm_policy
svm_policy_SRCS := hv/arch/x86/svm/svm_policy.c tests/unit/test_svm_policy.c
svm_policy_CFLAGS := -Ihv/arch/x86/include -Ihv/arch/x86/svm -DCONFIG_DEBUG=0
