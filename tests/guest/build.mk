# Guest test kernels: tests/guest/<name>/*.c linked with the runtime into
# build/guest/<name>.elf, plus a TEST_MUTATE build of each (every verdict
# inverted) in build/guest/mutant/. The top-level Makefile includes this
# fragment; `make guest-tests` builds them all. Bitness comes from the
# manifest ("bits: 32"); the rest is 64-bit.

GUEST_DIR   := tests/guest
GUEST_OUT   := $(BUILD)/guest
GUEST_NAMES := $(sort $(patsubst $(GUEST_DIR)/%/main.c,%,$(wildcard $(GUEST_DIR)/*/main.c)))
GUEST_32    := $(shell awk '/^test /{n=$$2} /^[ \t]*bits:[ \t]*32/{print n}' $(GUEST_DIR)/manifest.txt)
GUEST_RT_SRCS := $(wildcard $(GUEST_DIR)/runtime/*.c $(GUEST_DIR)/runtime/*.S)
GUEST_HDRS  := $(wildcard $(GUEST_DIR)/runtime/*.h $(GUEST_DIR)/common/*.h include/public/*.h include/public/*/*.h include/public/*/*/*.h)

GUEST_CFLAGS := -std=gnu11 -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-fno-pie -fno-pic -mno-red-zone -mno-sse -mno-mmx -mno-sse2 -mno-avx \
	-mno-80387 -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fno-delete-null-pointer-checks -O2 -g \
	-Iinclude -I$(GUEST_DIR)/runtime -I$(GUEST_DIR)/common $(WARN_FLAGS)
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--fatal-warnings \
	-T $(GUEST_DIR)/runtime/link.ld

# $(1): variant dir (64, 32, 64m, 32m); $(2): -m64/-m32 [-DTEST_MUTATE]
define GUEST_VARIANT
$(GUEST_OUT)/obj/$(1)/%.c.o: $(GUEST_DIR)/%.c $(GUEST_HDRS) $(GUEST_DIR)/build.mk
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$@"
	@$(CC) $(2) $(GUEST_CFLAGS) -c $$< -o $$@
$(GUEST_OUT)/obj/$(1)/%.S.o: $(GUEST_DIR)/%.S $(GUEST_HDRS) $(GUEST_DIR)/build.mk
	@mkdir -p $$(dir $$@)
	@echo "  AS      $$@"
	@$(CC) $(2) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $$< -o $$@
GUEST_RT_OBJS_$(1) := $(patsubst $(GUEST_DIR)/%,$(GUEST_OUT)/obj/$(1)/%.o,$(GUEST_RT_SRCS))
endef

$(eval $(call GUEST_VARIANT,64,-m64 -mcmodel=small))
$(eval $(call GUEST_VARIANT,32,-m32 -march=i686))
$(eval $(call GUEST_VARIANT,64m,-m64 -mcmodel=small -DTEST_MUTATE))
$(eval $(call GUEST_VARIANT,32m,-m32 -march=i686 -DTEST_MUTATE))

# $(1): test name; $(2): 64 or 32
define GUEST_TEST
$(GUEST_OUT)/$(1).elf: $(patsubst $(GUEST_DIR)/%,$(GUEST_OUT)/obj/$(2)/%.o,$(wildcard $(GUEST_DIR)/$(1)/*.c)) $$(GUEST_RT_OBJS_$(2)) $(GUEST_DIR)/runtime/link.ld
	@echo "  LD      $$@"
	@$(CC) -m$(2) $(GUEST_LDFLAGS) -o $$@ $$(filter %.o,$$^)
$(GUEST_OUT)/mutant/$(1).elf: $(patsubst $(GUEST_DIR)/%,$(GUEST_OUT)/obj/$(2)m/%.o,$(wildcard $(GUEST_DIR)/$(1)/*.c)) $$(GUEST_RT_OBJS_$(2)m) $(GUEST_DIR)/runtime/link.ld
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	@$(CC) -m$(2) $(GUEST_LDFLAGS) -o $$@ $$(filter %.o,$$^)
endef

$(foreach t,$(GUEST_NAMES),$(eval $(call GUEST_TEST,$(t),$(if $(filter $(t),$(GUEST_32)),32,64))))

GUEST_TESTS_ELFS := $(foreach t,$(GUEST_NAMES),$(GUEST_OUT)/$(t).elf $(GUEST_OUT)/mutant/$(t).elf)

.PHONY: guest-tests
guest-tests: $(GUEST_TESTS_ELFS)
