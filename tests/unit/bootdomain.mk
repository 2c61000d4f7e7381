UNIT_TESTS += bootdomain
bootdomain_SRCS := hv/common/bootdomain_parse.c hv/lib/parse.c tests/unit/test_bootdomain.c
bootdomain_CFLAGS := -Ihv/arch/x86/include -DCONFIG_DEBUG=0
