/* SPDX-License-Identifier: MIT */
/* 16550 UART on an I/O port: the serial console. */
#ifndef BASALT_DRIVERS_UART_H
#define BASALT_DRIVERS_UART_H

#include <stdbool.h>
#include <stdint.h>

struct uart_config {
	uint16_t port;     /* 0x3f8 for COM1 */
	uint32_t baud;     /* 0: keep what firmware set */
	uint8_t data_bits; /* 5..8 */
	char parity;       /* 'n', 'o', 'e', 'm', 's' */
	uint8_t stop_bits; /* 1 or 2 */
};

void uart_init(const struct uart_config *cfg);
void uart_putc(char c);
/* Returns true and the byte when one has arrived. */
bool uart_getc(uint8_t *c);
/* Parse Xen's "com1=" value: "<baud>[,<data><parity><stop>]" or "auto". */
bool uart_parse_config(const char *value, void *cfg);

#endif /* BASALT_DRIVERS_UART_H */
