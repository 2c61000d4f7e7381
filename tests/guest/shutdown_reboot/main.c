// SPDX-License-Identifier: MIT
/* The domain shuts down with SHUTDOWN_reboot. */
#define SHUTDOWN_REASON SHUTDOWN_reboot
#include "shutdown.h"
