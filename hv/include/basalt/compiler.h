/* SPDX-License-Identifier: MIT */
/* Compiler helpers used everywhere in the hypervisor. */
#ifndef BASALT_COMPILER_H
#define BASALT_COMPILER_H

#include <stddef.h>

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define __noreturn    __attribute__((noreturn))
#define __packed      __attribute__((packed))
#define __aligned(n)  __attribute__((aligned(n)))
#define __used        __attribute__((used))
#define __unused      __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __section(s)  __attribute__((section(s)))

/* Boot-only code and data: the pages are freed once boot is complete. */
#define __init     __section(".init.text") __attribute__((cold, noinline))
#define __initdata __section(".init.data")

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)  (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#endif /* BASALT_COMPILER_H */
