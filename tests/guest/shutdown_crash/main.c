// SPDX-License-Identifier: MIT
/* The domain shuts down with SHUTDOWN_crash. */
#define SHUTDOWN_REASON SHUTDOWN_crash
#include "shutdown.h"
