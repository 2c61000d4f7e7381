include tools/xenstored/sources.mk
XS_UNIT_SRCS := $(XENSTORED_LIB_SRCS) tools/xenstored/testing.c

UNIT_TESTS += xs_store xs_watch xs_tx xs_limits xs_ring xs_options
xs_store_SRCS := $(XS_UNIT_SRCS) tests/unit/xs_store.c
xs_store_CFLAGS := $(XENSTORED_CFLAGS)
xs_watch_SRCS := $(XS_UNIT_SRCS) tests/unit/xs_watch.c
xs_watch_CFLAGS := $(XENSTORED_CFLAGS)
xs_tx_SRCS := $(XS_UNIT_SRCS) tests/unit/xs_tx.c
xs_tx_CFLAGS := $(XENSTORED_CFLAGS)
xs_limits_SRCS := $(XS_UNIT_SRCS) tests/unit/xs_limits.c
xs_limits_CFLAGS := $(XENSTORED_CFLAGS)
xs_ring_SRCS := $(XS_UNIT_SRCS) tests/unit/xs_ring.c
xs_ring_CFLAGS := $(XENSTORED_CFLAGS)
xs_options_SRCS := $(XENSTORED_LIB_SRCS) tools/xenstored/options.c tests/unit/xs_options.c
xs_options_CFLAGS := $(XENSTORED_CFLAGS)
