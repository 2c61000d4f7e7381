/* SPDX-License-Identifier: MIT */
/*
 * A throwaway multiboot program that prints the firmware's ACPI tables in
 * hex on COM1 and exits QEMU, so the host parser's unit tests can run on the
 * exact bytes real firmware produces. 32-bit, no paging: tables must sit
 * below 4 GiB, which they do on QEMU's PC machines.
 */
#include <stdint.h>

#define COM1      0x3F8
#define EXIT_PORT 0xF4
#define MAX_SEEN  64

void dump_main(void);

static uintptr_t seen[MAX_SEEN];
static unsigned int nseen;

/* Hide the constant from GCC, which warns about fixed low addresses. */
static const volatile uint8_t *phys(uintptr_t addr)
{
	__asm__("" : "+r"(addr));
	return (const volatile uint8_t *)addr;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc_serial(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

static void puts_serial(const char *s)
{
	while (*s)
		putc_serial(*s++);
}

static void puthex(uint32_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = digits - 1; i >= 0; i--)
		putc_serial(hex[(v >> (i * 4)) & 0xF]);
}

static uint32_t rd32(const volatile uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const volatile uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const volatile uint8_t *p, uint32_t n)
{
	uint8_t s = 0;
	while (n--)
		s += *p++;
	return s;
}

/* "TABLE <name> <hexaddr> <hexlen>" then 32 bytes a line, then "END". */
static void emit(const char *name, uintptr_t addr, uint32_t len)
{
	const volatile uint8_t *p = phys(addr);

	puts_serial("TABLE ");
	puts_serial(name);
	putc_serial(' ');
	puthex(addr, 8);
	putc_serial(' ');
	puthex(len, 8);
	putc_serial('\n');
	for (uint32_t i = 0; i < len; i++) {
		puthex(p[i], 2);
		if ((i & 31) == 31 || i + 1 == len)
			putc_serial('\n');
	}
	puts_serial("END\n");
}

static int already_seen(uintptr_t addr)
{
	for (unsigned int i = 0; i < nseen; i++)
		if (seen[i] == addr)
			return 1;
	if (nseen < MAX_SEEN)
		seen[nseen++] = addr;
	return 0;
}

static void dump_table(uint64_t addr64);

/* The FADT points at the DSDT and FACS, which no root table lists. */
static void follow_fadt(const volatile uint8_t *f, uint32_t len)
{
	uint64_t dsdt = rd32(f + 40), facs = rd32(f + 36);

	if (len >= 148 && rd64(f + 140))
		dsdt = rd64(f + 140);
	if (len >= 140 && rd64(f + 132))
		facs = rd64(f + 132);
	if (dsdt)
		dump_table(dsdt);
	if (facs)
		dump_table(facs);
}

static void dump_table(uint64_t addr64)
{
	char name[5];
	const volatile uint8_t *t;
	uint32_t len;

	if (addr64 == 0 || addr64 >= 0xFFFFF000u) {
		puts_serial("SKIP high or null table\n");
		return;
	}
	if (already_seen((uintptr_t)addr64))
		return;
	t = phys((uintptr_t)addr64);
	for (int i = 0; i < 4; i++)
		name[i] = (char)t[i];
	name[4] = 0;
	len = rd32(t + 4);
	if (len < 8 || len > (1u << 20)) {
		puts_serial("SKIP bad length\n");
		return;
	}
	emit(name, (uintptr_t)addr64, len);
	if (name[0] == 'F' && name[1] == 'A' && name[2] == 'C' && name[3] == 'P')
		follow_fadt(t, len);
}

static void dump_root(uint64_t addr, unsigned int entry_size)
{
	const volatile uint8_t *t = phys((uintptr_t)addr);
	uint32_t len;

	dump_table(addr);
	len = rd32(t + 4);
	for (uint32_t off = 36; off + entry_size <= len; off += entry_size)
		dump_table(entry_size == 8 ? rd64(t + off) : rd32(t + off));
}

static int is_rsdp(const volatile uint8_t *p)
{
	static const char sig[] = "RSD PTR ";
	for (int i = 0; i < 8; i++)
		if (p[i] != (uint8_t)sig[i])
			return 0;
	if (sum(p, 20))
		return 0;
	return p[15] < 2 || sum(p, rd32(p + 20)) == 0;
}

static uintptr_t find_rsdp(void)
{
	const volatile uint8_t *bda = phys(0x40E);
	uintptr_t ebda = (uintptr_t)(bda[0] | bda[1] << 8) << 4;

	if (ebda)
		for (uintptr_t a = ebda; a < ebda + 1024; a += 16)
			if (is_rsdp(phys(a)))
				return a;
	for (uintptr_t a = 0xE0000; a < 0x100000; a += 16)
		if (is_rsdp(phys(a)))
			return a;
	return 0;
}

void dump_main(void)
{
	uintptr_t rsdp;

	outb(COM1 + 1, 0x00);  /* no interrupts */
	outb(COM1 + 3, 0x80);  /* DLAB */
	outb(COM1 + 0, 0x01);  /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);  /* 8N1 */
	outb(COM1 + 2, 0xC7);  /* FIFO on */
	puts_serial("ACPIDUMP BEGIN\n");

	rsdp = find_rsdp();
	if (!rsdp) {
		puts_serial("NO RSDP\n");
	} else {
		const volatile uint8_t *p = phys(rsdp);
		uint8_t rev = p[15];

		emit("rsdp", rsdp, rev >= 2 ? rd32(p + 20) : 20);
		if (rd32(p + 16))
			dump_root(rd32(p + 16), 4);
		if (rev >= 2 && rd64(p + 24))
			dump_root(rd64(p + 24), 8);
	}
	puts_serial("ACPIDUMP DONE\n");
	/* isa-debug-exit: QEMU exits with status (0 << 1) | 1 = 1. */
	outl(EXIT_PORT, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}
