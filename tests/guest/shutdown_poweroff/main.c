// SPDX-License-Identifier: MIT
/* The domain shuts down with SHUTDOWN_poweroff. */
#define SHUTDOWN_REASON SHUTDOWN_poweroff
#include "shutdown.h"
