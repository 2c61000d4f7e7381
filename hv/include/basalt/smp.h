/* SPDX-License-Identifier: MIT */
/* What every host CPU runs when it has nothing else to do. */
#ifndef BASALT_SMP_H
#define BASALT_SMP_H

#include <basalt/compiler.h>

/* Run softirqs; halt until an interrupt when there are none. */
__noreturn void cpu_idle_loop(void);

#endif /* BASALT_SMP_H */
