// SPDX-License-Identifier: MIT
/*
 * 16550 UART driver for the serial console: polled output (the console
 * must work from any context, including a panic) and polled input.
 */
#include <basalt/drivers/uart.h>
#include <basalt/lib/parse.h>
#include <asm/io.h>

#define UART_THR 0 /* transmit holding */
#define UART_RBR 0 /* receive buffer */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LSR_DR   0x01 /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LCR_DLAB 0x80

#define UART_CLOCK 1843200u

static uint16_t uart_port;

void uart_init(const struct uart_config *cfg)
{
	uint8_t lcr = (uint8_t)((cfg->data_bits - 5) & 3);

	uart_port = cfg->port;
	if (cfg->stop_bits == 2)
		lcr |= 1u << 2;
	switch (cfg->parity) {
	case 'o': lcr |= 0x08; break;
	case 'e': lcr |= 0x18; break;
	case 'm': lcr |= 0x28; break;
	case 's': lcr |= 0x38; break;
	default: break;
	}
	outb(uart_port + UART_IER, 0); /* polled: no interrupts */
	if (cfg->baud) {
		uint32_t div = UART_CLOCK / (16 * cfg->baud);
		outb(uart_port + UART_LCR, LCR_DLAB);
		outb(uart_port + UART_DLL, (uint8_t)div);
		outb(uart_port + UART_DLM, (uint8_t)(div >> 8));
	}
	outb(uart_port + UART_LCR, lcr);
	outb(uart_port + UART_FCR, 0x07); /* enable and clear FIFOs */
	outb(uart_port + UART_MCR, 0x03); /* DTR, RTS */
}

void uart_putc(char c)
{
	if (!uart_port)
		return;
	while (!(inb(uart_port + UART_LSR) & LSR_THRE))
		;
	outb(uart_port + UART_THR, (uint8_t)c);
}

bool uart_getc(uint8_t *c)
{
	if (!uart_port || !(inb(uart_port + UART_LSR) & LSR_DR))
		return false;
	*c = inb(uart_port + UART_RBR);
	return true;
}

bool uart_parse_config(const char *value, void *var)
{
	struct uart_config *cfg = var;
	struct uart_config n = *cfg;
	const char *p = value;
	uint64_t baud;

	if (!value || !*value)
		return false;
	if (p[0] == 'a' && p[1] == 'u' && p[2] == 't' && p[3] == 'o') {
		n.baud = 0;
		p += 4;
	} else {
		if (!parse_u64(p, &p, 10, &baud) || baud < 50 || baud > 115200 ||
		    UART_CLOCK / 16 / baud == 0)
			return false;
		n.baud = (uint32_t)baud;
	}
	if (*p == ',') {
		p++;
		if (*p < '5' || *p > '8')
			return false;
		n.data_bits = (uint8_t)(*p++ - '0');
		if (*p != 'n' && *p != 'o' && *p != 'e' && *p != 'm' && *p != 's')
			return false;
		n.parity = *p++;
		if (*p != '1' && *p != '2')
			return false;
		n.stop_bits = (uint8_t)(*p++ - '0');
		/* Xen allows more fields (io base, irq...): not supported yet */
	}
	if (*p)
		return false;
	*cfg = n;
	return true;
}
