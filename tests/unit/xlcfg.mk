UNIT_TESTS += xlcfg
xlcfg_SRCS := $(filter-out tools/libbasalt/basalt_xlcfg.c,$(wildcard tools/libbasalt/*.c)) tests/unit/test_xlcfg.c
xlcfg_CFLAGS := -Itools/libbasalt/include
UNIT_TESTS += xlcfg_specs
xlcfg_specs_SRCS := $(filter-out tools/libbasalt/basalt_xlcfg.c,$(wildcard tools/libbasalt/*.c)) tests/unit/test_xlcfg_specs.c
xlcfg_specs_CFLAGS := -Itools/libbasalt/include
