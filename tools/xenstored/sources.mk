# basalt-xenstored sources, shared by tools/xenstored/build.mk and the unit
# tests (tests/unit/xenstored.mk): everything but main() and option parsing.
XENSTORED_LIB_SRCS := $(addprefix tools/xenstored/,db.c node.c path.c \
	perms.c domain.c store.c watch.c transaction.c conn.c request.c state.c \
	log.c transport_socket.c transport_ring.c ring_test.c transport_xen.c)
XENSTORED_HDRS := $(wildcard tools/xenstored/*.h) include/public/io/xs_wire.h
XENSTORED_CFLAGS := -Iinclude -Itools/xenstored -D_GNU_SOURCE
