// SPDX-License-Identifier: MIT
/* The domain shuts down with SHUTDOWN_soft_reset. */
#define SHUTDOWN_REASON SHUTDOWN_soft_reset
#include "shutdown.h"
