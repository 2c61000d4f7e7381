# Host unit tests (cmocka, ASan + UBSan). Each tests/unit/*.mk fragment
# declares its tests:
#   UNIT_TESTS += NAME
#   NAME_SRCS  := hv/lib/x.c tests/unit/test_x.c
#   NAME_CFLAGS := optional extra flags
# and the binary becomes build/unit/NAME.

UNIT_TESTS :=
include $(sort $(wildcard tests/unit/*.mk))

UNIT_BINS := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))
UNIT_CFLAGS := $(HOST_CFLAGS) -Ihv/include -Iinclude -DHOST_TEST=1

define unit_rule
$(BUILD)/unit/$(1): $$($(1)_SRCS) $$(wildcard hv/include/basalt/*.h hv/include/basalt/*/*.h) mk/flags.mk | $(BUILD)/unit
	$$(HOSTCC) $$(UNIT_CFLAGS) $$($(1)_CFLAGS) -o $$@ $$($(1)_SRCS) $$(HOST_LDFLAGS) -lcmocka $$($(1)_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

$(BUILD)/unit:
	mkdir -p $@
