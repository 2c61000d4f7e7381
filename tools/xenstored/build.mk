# basalt-xenstored: the xenstore daemon (see tools/xenstored/README.md).
# `make tools` builds it; `make fuzz` builds and runs its message fuzzer.
include tools/xenstored/sources.mk

XENSTORED_BIN := $(BUILD)/tools/basalt-xenstored
XENSTORED_SRCS := $(XENSTORED_LIB_SRCS) tools/xenstored/options.c \
	tools/xenstored/main.c

$(XENSTORED_BIN): $(XENSTORED_SRCS) $(XENSTORED_HDRS) tools/xenstored/sources.mk mk/flags.mk
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) $(XENSTORED_CFLAGS) -o $@ $(XENSTORED_SRCS) $(HOST_LDFLAGS)

TOOLS_TARGETS += $(XENSTORED_BIN)

# libFuzzer over the request parser and handlers (clang only).
XENSTORED_FUZZ := $(BUILD)/fuzz/xenstored-msg
XENSTORED_FUZZ_SECONDS ?= 60
$(XENSTORED_FUZZ): tools/xenstored/fuzz/fuzz_msg.c tools/xenstored/testing.c $(XENSTORED_LIB_SRCS) $(XENSTORED_HDRS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(WARN_FLAGS) $(XENSTORED_CFLAGS) \
		-o $@ tools/xenstored/fuzz/fuzz_msg.c tools/xenstored/testing.c \
		$(XENSTORED_LIB_SRCS)

.PHONY: xenstored-fuzz
xenstored-fuzz: $(XENSTORED_FUZZ)
	@mkdir -p $(BUILD)/fuzz/xenstored-corpus
	$(XENSTORED_FUZZ) -max_total_time=$(XENSTORED_FUZZ_SECONDS) \
		-max_len=12000 -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/xenstored-corpus tools/xenstored/fuzz/seeds

fuzz: xenstored-fuzz

# `make bench`: the daemon optimised and without sanitizers (as a
# distribution would ship it), static so that the same binary also runs in
# the Xen dom0 of the side-by-side benchmark, and the load generator.
XENSTORED_REL := $(BUILD)/release/basalt-xenstored
XS_LOAD := $(BUILD)/release/xs-load
XS_REL_CFLAGS := -std=gnu11 -O2 -g $(WARN_FLAGS) -static

$(XENSTORED_REL): $(XENSTORED_SRCS) $(XENSTORED_HDRS) tools/xenstored/sources.mk mk/flags.mk
	@mkdir -p $(dir $@)
	$(HOSTCC) $(XS_REL_CFLAGS) $(XENSTORED_CFLAGS) -o $@ $(XENSTORED_SRCS)

$(XS_LOAD): bench/xenstored/xs_load.c include/public/io/xs_wire.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(XS_REL_CFLAGS) -Iinclude -D_GNU_SOURCE -o $@ $<

.PHONY: bench-xenstored-bins
bench-xenstored-bins: $(XENSTORED_REL) $(XS_LOAD)
