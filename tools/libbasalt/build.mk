# libbasalt: the toolstack's xl.cfg parser (a static library) and the
# basalt-xlcfg command that checks a config and prints its domain.
# Included by the top-level Makefile.

LIBBASALT_MAIN := tools/libbasalt/basalt_xlcfg.c
LIBBASALT_SRCS := $(filter-out $(LIBBASALT_MAIN),$(wildcard tools/libbasalt/*.c))
LIBBASALT_OBJS := $(patsubst tools/%.c,$(BUILD)/tools/%.o,$(LIBBASALT_SRCS))
LIBBASALT_HDRS := $(wildcard tools/libbasalt/*.h tools/libbasalt/include/basalt/*.h)

$(BUILD)/tools/libbasalt/%.o: tools/libbasalt/%.c $(LIBBASALT_HDRS) mk/flags.mk
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Itools/libbasalt/include -c -o $@ $<

$(BUILD)/tools/libbasalt.a: $(LIBBASALT_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tools/basalt-xlcfg: $(BUILD)/tools/libbasalt/basalt_xlcfg.o $(BUILD)/tools/libbasalt.a
	$(HOSTCC) -o $@ $^ $(HOST_LDFLAGS)

TOOLS_TARGETS += $(BUILD)/tools/libbasalt.a $(BUILD)/tools/basalt-xlcfg
