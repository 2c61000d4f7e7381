// SPDX-License-Identifier: MIT
/* The domain shuts down with SHUTDOWN_watchdog. */
#define SHUTDOWN_REASON SHUTDOWN_watchdog
#include "shutdown.h"
