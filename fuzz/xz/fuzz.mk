# libFuzzer target for the xz decoder and bzImage parser (clang only),
# seeded with small xz(1) streams made by fuzz/xz/mkseeds.sh, plus the host
# timing program bench-xz-speed (Debian's kernel, ours against liblzma).
# Wired by the top Makefile's `-include fuzz/*/fuzz.mk`.
XZ_SRCS := hv/common/xz/crc.c hv/common/xz/lzma2.c hv/common/xz/bcj_x86.c \
	hv/common/xz/stream.c hv/common/bzimage.c
XZ_HDRS := hv/include/basalt/xz.h hv/include/basalt/bzimage.h \
	hv/common/xz/xz_private.h
XZ_FUZZ := $(BUILD)/fuzz/xz
XZ_FUZZ_SECONDS ?= 60
$(XZ_FUZZ): fuzz/xz/fuzz_xz.c $(XZ_SRCS) $(XZ_HDRS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(WARN_FLAGS) -Ihv/include -DHOST_TEST=1 \
		-o $@ fuzz/xz/fuzz_xz.c $(XZ_SRCS)

.PHONY: xz-fuzz
xz-fuzz: $(XZ_FUZZ)
	@mkdir -p $(BUILD)/fuzz/xz-corpus
	./fuzz/xz/mkseeds.sh $(BUILD)/fuzz/xz-corpus
	$(XZ_FUZZ) -max_total_time=$(XZ_FUZZ_SECONDS) -max_len=16384 \
		-artifact_prefix=$(BUILD)/fuzz/xz- $(BUILD)/fuzz/xz-corpus

fuzz: xz-fuzz

# Host speed of the decoder with the hypervisor's code-generation flags
# (no SSE, -O2) against liblzma on Debian's kernel: one line of MB/s.
XZ_SPEED := $(BUILD)/bench/xz_speed
XZ_SPEED_RUNS ?= 5
XZ_SPEED_CFLAGS := -std=gnu11 -O2 -g -mno-sse -mno-mmx -mno-sse2 -mno-avx \
	-mno-red-zone -fno-strict-aliasing -fno-omit-frame-pointer
XZ_SPEED_OBJS := $(patsubst %.c,$(BUILD)/bench/obj/%.o,$(XZ_SRCS))
$(XZ_SPEED_OBJS): $(BUILD)/bench/obj/%.o: %.c $(XZ_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(XZ_SPEED_CFLAGS) -ffreestanding $(WARN_FLAGS) -Ihv/include -c $< -o $@
$(XZ_SPEED): bench/xz_speed.c $(XZ_SPEED_OBJS)
	$(HOSTCC) -std=gnu11 -O2 -g $(WARN_FLAGS) -Ihv/include -o $@ $^ -llzma

.PHONY: bench-xz-speed
bench-xz-speed: $(XZ_SPEED)
	@$(XZ_SPEED) "$$(./scripts/fetch-linux.sh)" $(XZ_SPEED_RUNS)
