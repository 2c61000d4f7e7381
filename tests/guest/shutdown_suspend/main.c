// SPDX-License-Identifier: MIT
/* The domain shuts down with SHUTDOWN_suspend. */
#define SHUTDOWN_REASON SHUTDOWN_suspend
#include "shutdown.h"
