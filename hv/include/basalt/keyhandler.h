/* SPDX-License-Identifier: MIT */
/* Debug keys typed on the serial console, with Xen's letters. */
#ifndef BASALT_KEYHANDLER_H
#define BASALT_KEYHANDLER_H

typedef void (*keyhandler_fn)(unsigned char key);

void keyhandler_register(unsigned char key, keyhandler_fn fn, const char *desc);
/* Run the handler for key (softirq context). */
void keyhandler_run(unsigned char key);
/* Register the keys of the core; subsystems add their own. */
void keyhandler_init(void);

#endif /* BASALT_KEYHANDLER_H */
