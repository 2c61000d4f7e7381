# Compiler and linker flags, in one place. Every flag has its reason.

CC      ?= gcc
HOSTCC  ?= gcc
OBJCOPY ?= objcopy
NM      ?= nm

# --- Warnings: shared by the hypervisor and host code ---------------------
WARN_FLAGS :=
WARN_FLAGS += -Wall -Wextra -Werror   # every warning is a bug until shown otherwise
WARN_FLAGS += -Wshadow                # a shadowed name hides the variable you meant
WARN_FLAGS += -Wvla                   # no unbounded stack use
WARN_FLAGS += -Wmissing-prototypes    # a non-static function must be declared in a header
WARN_FLAGS += -Wstrict-prototypes     # f() means "any arguments": say (void)
WARN_FLAGS += -Wundef                 # a typo in #if NAME must not silently mean 0
WARN_FLAGS += -Wpointer-arith         # no arithmetic on void *
WARN_FLAGS += -Wformat=2              # printf-style formats are checked literals
WARN_FLAGS += -Wcast-qual             # casting away const hides writes to read-only data
WARN_FLAGS += -Wimplicit-fallthrough  # switch fall-through must be marked
WARN_FLAGS += -Wno-unused-parameter   # hooks and callbacks may ignore parameters
# -Wconversion is not enabled: here it drowns real findings in casts.

# --- The hypervisor: freestanding C11 with GNU extensions ------------------
HV_CFLAGS :=
HV_CFLAGS += -std=gnu11               # C11 plus inline asm and __typeof__
HV_CFLAGS += -ffreestanding           # no hosted library, no builtin assumptions
HV_CFLAGS += -nostdinc -isystem $(shell $(CC) -print-file-name=include) # only the compiler's stdint/stddef/stdarg/stdbool
HV_CFLAGS += -fno-common              # one definition per object
HV_CFLAGS += -fno-pie -fno-pic        # linked at a fixed physical address
HV_CFLAGS += -mcmodel=small           # the image lives below 2 GiB
HV_CFLAGS += -mno-red-zone            # interrupts arrive on the current stack
HV_CFLAGS += -mno-sse -mno-mmx -mno-sse2 -mno-avx -mno-80387 # the FPU belongs to guests
HV_CFLAGS += -fno-stack-protector     # no runtime to report a smashed canary
HV_CFLAGS += -fno-asynchronous-unwind-tables # no unwinder: traces follow frame pointers
HV_CFLAGS += -fno-omit-frame-pointer  # the panic report walks the frame-pointer chain
HV_CFLAGS += -fno-strict-aliasing     # hardware structures are viewed through several types
HV_CFLAGS += -fno-delete-null-pointer-checks # physical page 0 is a real page
HV_CFLAGS += -ffunction-sections -fdata-sections # lets the linker place .init code apart
HV_CFLAGS += -O2 -g                   # optimised, with debug info for gdb and symbols
HV_CFLAGS += $(WARN_FLAGS)

HV_ASFLAGS := -D__ASSEMBLY__ -g

HV_LDFLAGS :=
HV_LDFLAGS += -nostdlib -static       # nothing comes from outside the tree
HV_LDFLAGS += -z max-page-size=0x1000 # page-aligned sections, no 2 MiB padding
HV_LDFLAGS += -z noexecstack          # the image has no executable stack
HV_LDFLAGS += --fatal-warnings        # a linker warning is an error too
HV_LDFLAGS += --no-relax              # same addresses in both link passes

# Assertions are compiled in unless RELEASE=1; lock debugging with DEBUG=1
# (the default, and what `make check` uses).
DEBUG ?= 1
ifeq ($(RELEASE),1)
HV_CFLAGS += -DNDEBUG
endif
HV_CFLAGS += -DCONFIG_DEBUG=$(if $(filter 1,$(DEBUG)),1,0)
# Test builds (build/test/) poison free memory and add fault-injection keys.
HV_TEST_CFLAGS := -DCONFIG_TEST=1

# --- Host code: unit tests and userland tools ------------------------------
HOST_CFLAGS :=
HOST_CFLAGS += -std=gnu11 -O1 -g      # -O1 keeps ASan fast and traces usable
HOST_CFLAGS += -fno-omit-frame-pointer # readable sanitizer reports
HOST_CFLAGS += -fsanitize=address,undefined # memory and UB errors fail the test
HOST_CFLAGS += -fno-sanitize-recover=all # a sanitizer finding stops the program
HOST_CFLAGS += $(WARN_FLAGS)
HOST_LDFLAGS := -fsanitize=address,undefined
