# The hypervisor image. Two variants from the same sources:
#   build/basalt.elf       the hypervisor
#   build/test/basalt.elf  test build: poisons free memory, fault keys
# Each is linked twice: the first link's symbols become the table that
# stack traces use, placed last so the second link moves no code.

BASALT_VERSION := 0.1.0
HV_SRCS_C := $(sort $(wildcard hv/arch/x86/*.c hv/arch/x86/boot/*.c \
	hv/arch/x86/hvm/*.c hv/arch/x86/svm/*.c hv/arch/x86/emul/*.c \
	hv/common/*.c hv/common/mm/*.c hv/common/xz/*.c hv/lib/*.c hv/drivers/*.c \
	hv/drivers/acpi/*.c))
HV_SRCS_S := $(sort $(wildcard hv/arch/x86/*.S hv/arch/x86/boot/*.S \
	hv/arch/x86/svm/*.S))
HV_INCLUDES := -Ihv/include -Ihv/arch/x86/include -Iinclude -I$(BUILD)/include
HV_LDS := hv/arch/x86/basalt.lds

HV_ELF := $(BUILD)/basalt.elf
HV_TEST_ELF := $(BUILD)/test/basalt.elf

$(BUILD)/include/basalt/version.h: FORCE
	@mkdir -p $(dir $@)
	@v='#define BASALT_VERSION "$(BASALT_VERSION)"'; \
	 b="#define BASALT_BUILD_INFO \"$$(git describe --always --dirty 2>/dev/null || echo unknown), $$($(CC) -dumpfullversion 2>/dev/null || echo cc)\""; \
	 printf '%s\n%s\n' "$$v" "$$b" > $@.tmp; \
	 cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

# $(1): output dir, $(2): extra CFLAGS
define hv_variant
$(1)_OBJS := $$(patsubst %.c,$(1)/obj/%.o,$$(HV_SRCS_C)) \
	     $$(patsubst %.S,$(1)/obj/%.o,$$(HV_SRCS_S))

$(1)/obj/%.o: %.c $(BUILD)/include/basalt/version.h mk/flags.mk
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$@"
	@$$(CC) $$(HV_CFLAGS) $(2) $$(HV_INCLUDES) -MMD -MP -c $$< -o $$@

$(1)/obj/%.o: %.S mk/flags.mk
	@mkdir -p $$(dir $$@)
	@echo "  AS      $$@"
	@$$(CC) $$(HV_ASFLAGS) $(2) $$(HV_INCLUDES) -MMD -MP -c $$< -o $$@

$(1)/symbols0.S:
	@mkdir -p $$(dir $$@)
	@python3 scripts/gen-symbols.py > $$@

$(1)/%.o: $(1)/%.S
	@$$(CC) $$(HV_ASFLAGS) -c $$< -o $$@

$(1)/basalt-pass1: $$($(1)_OBJS) $(1)/symbols0.o $(HV_LDS)
	@echo "  LD      $$@"
	@$$(LD) $$(HV_LDFLAGS) -T $(HV_LDS) -o $$@ $$($(1)_OBJS) $(1)/symbols0.o

$(1)/symbols1.S: $(1)/basalt-pass1 scripts/gen-symbols.py
	@$$(NM) -n -S $$< > $(1)/pass1.nm
	@python3 scripts/gen-symbols.py $(1)/pass1.nm > $$@

$(1)/basalt-syms: $$($(1)_OBJS) $(1)/symbols1.o $(HV_LDS)
	@echo "  LD      $$@"
	@$$(LD) $$(HV_LDFLAGS) -T $(HV_LDS) -o $$@ $$($(1)_OBJS) $(1)/symbols1.o
	@$$(NM) -n $(1)/basalt-pass1 | grep -i ' t ' > $(1)/pass1.t
	@$$(NM) -n $$@ | grep -i ' t ' > $(1)/pass2.t
	@cmp -s $(1)/pass1.t $(1)/pass2.t || \
	  { echo "symbol table moved code between link passes"; exit 1; }

$(1)/basalt.elf: $(1)/basalt-syms
	@echo "  ELF32   $$@"
	@$$(OBJCOPY) -O elf32-i386 --strip-debug $$< $$@

-include $$($(1)_OBJS:.o=.d)
endef

LD ?= ld
$(eval $(call hv_variant,$(BUILD),-DCONFIG_TEST=0))
$(eval $(call hv_variant,$(BUILD)/test,-DCONFIG_TEST=1))
# What `make bench` measures: no assertions, no lock debugging.
$(eval $(call hv_variant,$(BUILD)/release,-DCONFIG_TEST=0 -DNDEBUG -UCONFIG_DEBUG -DCONFIG_DEBUG=0))
HV_RELEASE_ELF := $(BUILD)/release/basalt.elf
