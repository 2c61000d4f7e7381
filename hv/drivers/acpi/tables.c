/* SPDX-License-Identifier: MIT */
/*
 * Host ACPI table parser: finds the RSDP, walks the XSDT or RSDT and decodes
 * what the hypervisor needs from the MADT, FADT and DSDT. Every byte comes
 * from firmware, so every length and checksum is checked before use and a
 * bad table is reported and skipped rather than trusted.
 */
#include <basalt/acpi.h>
#include <basalt/lib/format.h>
#include <basalt/lib/string.h>

#define ACPI_HDR_LEN        36
#define ACPI_MAX_TABLE_LEN  (1u << 20)  /* larger is corruption, not firmware */
#define ACPI_MAX_ROOT_ENTRIES 256       /* bounds the work a bad root can cause */
#define ACPI_MAX_SSDTS      32
#define RSDP_V1_LEN         20
#define RSDP_V2_LEN         36

#define EBDA_SEG_PTR        0x40E
#define EBDA_SCAN_LEN       1024
#define BIOS_ROM_START      0xE0000
#define BIOS_ROM_LEN        0x20000

/* MADT */
#define MADT_ENTRIES_OFF    44
#define MADT_PCAT_COMPAT    (1u << 0)
#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_ISO            2
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9
#define MADT_CPU_ENABLED    (1u << 0)
#define MADT_CPU_ONLINE_CAP (1u << 1)

/* FADT field offsets (ACPI 6.x, table 5.9) */
#define FADT_DSDT           40
#define FADT_PM1A_CNT       64
#define FADT_PM1B_CNT       68
#define FADT_PM_TMR         76
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_DSDT         140
#define FADT_X_PM1A_CNT     172
#define FADT_X_PM1B_CNT     184
#define FADT_X_PM_TMR       208
#define FADT_SLEEP_CONTROL  244
#define FADT_SLEEP_STATUS   256
#define FADT_TMR_VAL_EXT    (1u << 8)
#define FADT_RESET_REG_SUP  (1u << 10)

#define GAS_LEN             12
#define GAS_SYSTEM_IO       1

/* Parser state shared by the table walkers. */
struct acpi_parser {
	acpi_map_fn map;
	void *ctx;
	acpi_report_fn report;
	struct acpi_info *out;
	unsigned int nssdts;
	const uint8_t *ssdts[ACPI_MAX_SSDTS];
	uint32_t ssdt_lens[ACPI_MAX_SSDTS];
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return sum;
}

/* A printable copy of a 4-byte signature for messages. */
static void sig_text(char out[5], const uint8_t *sig)
{
	for (int i = 0; i < 4; i++)
		out[i] = (sig[i] >= 0x20 && sig[i] < 0x7F) ? (char)sig[i] : '?';
	out[4] = '\0';
}

static bool sig_is(const uint8_t *sig, const char *want)
{
	return memcmp(sig, want, 4) == 0;
}

static void acpi_report(struct acpi_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void acpi_report(struct acpi_parser *p, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (!p->report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->report(p->ctx, msg);
}

/* Report a table as bad and count it. sig may be NULL when unknown. */
static void acpi_reject(struct acpi_parser *p, const uint8_t *sig,
			uint64_t addr, const char *reason)
{
	char name[5] = "????";

	if (sig)
		sig_text(name, sig);
	p->out->bad_tables++;
	acpi_report(p, "ACPI: %s at 0x%llx: %s, table ignored", name,
		    (unsigned long long)addr, reason);
}

/*
 * Map and validate the table at addr: header first, then length bounds,
 * then the whole table and its checksum, and the signature when want is
 * given. Returns the table, or NULL after reporting why.
 */
static const uint8_t *acpi_map_table(struct acpi_parser *p, uint64_t addr,
				     const char *want, uint32_t *len_out)
{
	const uint8_t *hdr, *t;
	uint8_t sig[4];
	uint32_t len;

	if (addr == 0) {
		acpi_reject(p, (const uint8_t *)want, addr, "null address");
		return NULL;
	}
	hdr = p->map(p->ctx, addr, ACPI_HDR_LEN);
	if (!hdr) {
		acpi_reject(p, (const uint8_t *)want, addr,
			    "header not accessible");
		return NULL;
	}
	/* Keep the signature: the second mapping may be elsewhere. */
	memcpy(sig, hdr, 4);
	len = rd32(hdr + 4);
	if (want && !sig_is(sig, want)) {
		acpi_reject(p, sig, addr, "unexpected signature");
		return NULL;
	}
	if (len < ACPI_HDR_LEN || len > ACPI_MAX_TABLE_LEN) {
		acpi_reject(p, sig, addr, "bad length");
		return NULL;
	}
	if (addr + len < addr) {
		acpi_reject(p, sig, addr, "wraps the address space");
		return NULL;
	}
	t = p->map(p->ctx, addr, len);
	if (!t) {
		acpi_reject(p, sig, addr, "not accessible");
		return NULL;
	}
	/* A second read must agree with the header we sized it by. */
	if (!sig_is(t, (const char *)sig) || rd32(t + 4) != len) {
		acpi_reject(p, sig, addr, "header changed");
		return NULL;
	}
	if (checksum(t, len) != 0) {
		acpi_reject(p, sig, addr, "bad checksum");
		return NULL;
	}
	*len_out = len;
	return t;
}

static void gas_decode(struct acpi_gas *g, const uint8_t *raw)
{
	g->space = raw[0];
	g->bit_width = raw[1];
	g->bit_offset = raw[2];
	g->access_size = raw[3];
	g->address = rd64(raw + 4);
}

/* Kinds of MADT entry the parser reads, with their minimum lengths. */
static unsigned int madt_min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC:
		return 8;
	case MADT_IOAPIC:
		return 12;
	case MADT_ISO:
		return 10;
	case MADT_LAPIC_OVERRIDE:
		return 12;
	case MADT_X2APIC:
		return 16;
	default:
		return 2;
	}
}

/* Check the entry list's structure before anything from it is used, so a
 * malformed MADT contributes nothing. Returns the reason, or NULL. */
static const char *madt_check(const uint8_t *t, uint32_t len)
{
	uint32_t off = MADT_ENTRIES_OFF;

	while (off < len) {
		uint8_t type, elen;

		if (len - off < 2)
			return "truncated entry header";
		type = t[off];
		elen = t[off + 1];
		if (elen < 2)
			return "entry with length < 2";
		if (elen > len - off)
			return "entry runs past the end";
		if (elen < madt_min_len(type))
			return "entry too short for its type";
		off += elen;
	}
	return NULL;
}

static void madt_add_cpu(struct acpi_parser *p, uint32_t apic_id,
			 uint32_t uid, uint32_t flags, bool *warned)
{
	struct acpi_info *out = p->out;
	struct acpi_cpu *c;

	if (out->ncpus >= ACPI_MAX_CPUS) {
		if (!*warned)
			acpi_report(p, "ACPI: more than %u CPUs in the MADT, extra ignored",
				    ACPI_MAX_CPUS);
		*warned = true;
		return;
	}
	c = &out->cpus[out->ncpus++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->enabled = flags & MADT_CPU_ENABLED;
	c->online_capable = flags & MADT_CPU_ONLINE_CAP;
}

static void madt_add_ioapic(struct acpi_parser *p, const uint8_t *e,
			    bool *warned)
{
	struct acpi_info *out = p->out;
	struct acpi_ioapic *io;

	if (out->nioapics >= ACPI_MAX_IOAPICS) {
		if (!*warned)
			acpi_report(p, "ACPI: more than %u IO-APICs in the MADT, extra ignored",
				    ACPI_MAX_IOAPICS);
		*warned = true;
		return;
	}
	io = &out->ioapics[out->nioapics++];
	io->id = e[2];
	io->address = rd32(e + 4);
	io->gsi_base = rd32(e + 8);
}

static void madt_add_iso(struct acpi_parser *p, const uint8_t *e,
			 bool *warned)
{
	struct acpi_info *out = p->out;
	struct acpi_iso *iso;

	if (out->nisos >= ACPI_MAX_ISOS) {
		if (!*warned)
			acpi_report(p, "ACPI: more than %u interrupt overrides in the MADT, extra ignored",
				    ACPI_MAX_ISOS);
		*warned = true;
		return;
	}
	iso = &out->isos[out->nisos++];
	iso->bus_irq = e[3];
	iso->gsi = rd32(e + 4);
	iso->flags = rd16(e + 8);
}

static void madt_parse(struct acpi_parser *p, const uint8_t *t, uint32_t len,
		       uint64_t addr)
{
	struct acpi_info *out = p->out;
	const char *why;
	bool cpu_warned = false, io_warned = false, iso_warned = false;

	if (out->have_madt)
		return;   /* the first good MADT wins */
	if (len < MADT_ENTRIES_OFF) {
		acpi_reject(p, t, addr, "too short for a MADT");
		return;
	}
	why = madt_check(t, len);
	if (why) {
		acpi_reject(p, t, addr, why);
		return;
	}
	out->have_madt = true;
	out->lapic_address = rd32(t + 36);
	out->pcat_compat = rd32(t + 40) & MADT_PCAT_COMPAT;

	for (uint32_t off = MADT_ENTRIES_OFF; off < len; off += t[off + 1]) {
		const uint8_t *e = t + off;

		switch (e[0]) {
		case MADT_LAPIC:
			madt_add_cpu(p, e[3], e[2], rd32(e + 4), &cpu_warned);
			break;
		case MADT_X2APIC:
			madt_add_cpu(p, rd32(e + 4), rd32(e + 12), rd32(e + 8),
				     &cpu_warned);
			break;
		case MADT_IOAPIC:
			madt_add_ioapic(p, e, &io_warned);
			break;
		case MADT_ISO:
			madt_add_iso(p, e, &iso_warned);
			break;
		case MADT_LAPIC_OVERRIDE:
			out->lapic_address = rd64(e + 4);
			break;
		default:
			break;
		}
	}
}

/*
 * A PM block's I/O port: the X_ GAS when the table holds it, it is
 * non-zero and it is in I/O space (ports are all this info can hold), else
 * the legacy 32-bit field when the table holds that.
 */
static uint32_t fadt_port(const uint8_t *t, uint32_t len, uint32_t x_off,
			  uint32_t legacy_off)
{
	if (len >= x_off + GAS_LEN) {
		struct acpi_gas g;

		gas_decode(&g, t + x_off);
		if (g.address && g.space == GAS_SYSTEM_IO &&
		    g.address <= 0xFFFF)
			return (uint32_t)g.address;
	}
	if (len >= legacy_off + 4)
		return rd32(t + legacy_off);
	return 0;
}

static void fadt_parse(struct acpi_parser *p, const uint8_t *t, uint32_t len)
{
	struct acpi_info *out = p->out;

	if (out->have_fadt)
		return;   /* the first good FADT wins */
	out->have_fadt = true;
	out->fadt_revision = t[8];
	if (len >= FADT_FLAGS + 4)
		out->fadt_flags = rd32(t + FADT_FLAGS);
	if (len >= FADT_IAPC_BOOT_ARCH + 2)
		out->iapc_boot_arch = rd16(t + FADT_IAPC_BOOT_ARCH);
	out->pm1a_cnt_blk = fadt_port(t, len, FADT_X_PM1A_CNT, FADT_PM1A_CNT);
	out->pm1b_cnt_blk = fadt_port(t, len, FADT_X_PM1B_CNT, FADT_PM1B_CNT);
	out->pm_tmr_blk = fadt_port(t, len, FADT_X_PM_TMR, FADT_PM_TMR);
	out->pm_tmr_32bit = out->fadt_flags & FADT_TMR_VAL_EXT;
	/* The register is useless without its value: take both or neither. */
	if (len >= FADT_RESET_VALUE + 1) {
		gas_decode(&out->reset_reg, t + FADT_RESET_REG);
		out->reset_value = t[FADT_RESET_VALUE];
	}
	out->reset_reg_sup = out->fadt_flags & FADT_RESET_REG_SUP;
	if (len >= FADT_SLEEP_CONTROL + GAS_LEN)
		gas_decode(&out->sleep_control, t + FADT_SLEEP_CONTROL);
	if (len >= FADT_SLEEP_STATUS + GAS_LEN)
		gas_decode(&out->sleep_status, t + FADT_SLEEP_STATUS);
	if (len >= FADT_X_DSDT + 8 && rd64(t + FADT_X_DSDT))
		out->dsdt_address = rd64(t + FADT_X_DSDT);
	else if (len >= FADT_DSDT + 4)
		out->dsdt_address = rd32(t + FADT_DSDT);
}

static void acpi_remember_ssdt(struct acpi_parser *p, const uint8_t *t,
			       uint32_t len)
{
	if (p->nssdts >= ACPI_MAX_SSDTS)
		return;   /* \_S5 lives in the DSDT on real firmware anyway */
	p->ssdts[p->nssdts] = t;
	p->ssdt_lens[p->nssdts] = len;
	p->nssdts++;
}

/* Validate one table listed by the root table and take what we use. */
static void acpi_parse_entry(struct acpi_parser *p, uint64_t addr)
{
	const uint8_t *t;
	uint32_t len;

	t = acpi_map_table(p, addr, NULL, &len);
	if (!t)
		return;
	if (sig_is(t, "APIC"))
		madt_parse(p, t, len, addr);
	else if (sig_is(t, "FACP"))
		fadt_parse(p, t, len);
	else if (sig_is(t, "SSDT"))
		acpi_remember_ssdt(p, t, len);
}

/* Validate the XSDT or RSDT and parse every table it lists. */
static bool acpi_walk_root(struct acpi_parser *p, uint64_t addr,
			   const char *sig, unsigned int entry_size)
{
	const uint8_t *t;
	uint32_t len, n;

	t = acpi_map_table(p, addr, sig, &len);
	if (!t)
		return false;
	n = (len - ACPI_HDR_LEN) / entry_size;
	if (n > ACPI_MAX_ROOT_ENTRIES) {
		acpi_report(p, "ACPI: %s lists %u tables, only the first %u used",
			    sig, n, ACPI_MAX_ROOT_ENTRIES);
		n = ACPI_MAX_ROOT_ENTRIES;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = t + ACPI_HDR_LEN + i * entry_size;

		acpi_parse_entry(p, entry_size == 8 ? rd64(e) : rd32(e));
	}
	return true;
}

/* The DSDT (from the FADT) and then the SSDTs, for \_S5. */
static void acpi_find_sleep_type(struct acpi_parser *p)
{
	struct acpi_info *out = p->out;

	if (out->have_fadt && out->dsdt_address) {
		const uint8_t *t;
		uint32_t len;

		t = acpi_map_table(p, out->dsdt_address, "DSDT", &len);
		if (t)
			out->have_s5 = acpi_aml_find_s5(t + ACPI_HDR_LEN,
							len - ACPI_HDR_LEN,
							&out->s5_typa,
							&out->s5_typb);
	}
	for (unsigned int i = 0; i < p->nssdts && !out->have_s5; i++)
		out->have_s5 = acpi_aml_find_s5(p->ssdts[i] + ACPI_HDR_LEN,
						p->ssdt_lens[i] - ACPI_HDR_LEN,
						&out->s5_typa, &out->s5_typb);
	if (!out->have_s5)
		out->s5_typa = out->s5_typb = 0;
}

/* Signature, v1 checksum and, from revision 2, length and extended
 * checksum of the RSDP bytes at r (avail bytes readable). Returns NULL when
 * valid, else the reason. */
static const char *rsdp_check(const uint8_t *r, size_t avail)
{
	uint32_t len;

	if (avail < RSDP_V1_LEN)
		return "too short";
	if (memcmp(r, "RSD PTR ", 8) != 0)
		return "bad signature";
	if (checksum(r, RSDP_V1_LEN) != 0)
		return "bad checksum";
	if (r[15] < 2)
		return NULL;
	if (avail < RSDP_V2_LEN)
		return "too short for revision 2";
	len = rd32(r + 20);
	if (len < RSDP_V2_LEN || len > avail)
		return "bad length";
	if (checksum(r, len) != 0)
		return "bad extended checksum";
	return NULL;
}

/* need bytes at base + off: from the window w when they lie inside it,
 * else mapped on their own (an RSDP may straddle the window's end). */
static const uint8_t *rsdp_bytes(acpi_map_fn map, void *ctx,
				 const uint8_t *w, size_t size, uint64_t base,
				 size_t off, size_t need)
{
	if (need <= size - off)
		return w + off;
	return map(ctx, base + off, need);
}

/* Look for a valid RSDP on 16-byte boundaries in [base, base + size). */
static bool rsdp_scan(acpi_map_fn map, void *ctx, uint64_t base, size_t size,
		      uint64_t *found)
{
	const uint8_t *w = map(ctx, base, size);

	if (!w)
		return false;
	for (size_t off = 0; off + 8 <= size; off += 16) {
		const uint8_t *r;
		size_t need = RSDP_V1_LEN;

		if (memcmp(w + off, "RSD PTR ", 8) != 0)
			continue;
		r = rsdp_bytes(map, ctx, w, size, base, off, need);
		if (r && r[15] >= 2) {
			r = rsdp_bytes(map, ctx, w, size, base, off, RSDP_V2_LEN);
			need = r ? rd32(r + 20) : 0;
			/* A real RSDP is 36 bytes; bound what a bad one costs. */
			if (need < RSDP_V2_LEN || need > 4096)
				continue;
			r = rsdp_bytes(map, ctx, w, size, base, off, need);
		}
		if (r && !rsdp_check(r, need)) {
			*found = base + off;
			return true;
		}
	}
	return false;
}

/* Contract: see basalt/acpi.h. The EBDA is searched first, as the ACPI
 * specification orders it. */
bool acpi_find_rsdp(acpi_map_fn map, void *ctx, uint64_t *rsdp)
{
	const uint8_t *bda = map(ctx, EBDA_SEG_PTR, 2);

	if (bda) {
		uint64_t ebda = (uint64_t)rd16(bda) << 4;

		if (ebda && rsdp_scan(map, ctx, ebda, EBDA_SCAN_LEN, rsdp))
			return true;
	}
	return rsdp_scan(map, ctx, BIOS_ROM_START, BIOS_ROM_LEN, rsdp);
}

/* Contract: see basalt/acpi.h. */
bool acpi_parse(const void *rsdp, size_t len, uint64_t rsdp_address,
		acpi_map_fn map, void *ctx, acpi_report_fn report,
		struct acpi_info *out)
{
	struct acpi_parser p = {
		.map = map, .ctx = ctx, .report = report, .out = out,
	};
	const uint8_t *r = rsdp;
	const char *why;
	uint64_t xsdt = 0;
	uint32_t rsdt;

	memset(out, 0, sizeof(*out));
	out->rsdp_address = rsdp_address;
	why = r ? rsdp_check(r, len) : "missing";
	if (why) {
		acpi_report(&p, "ACPI: RSDP at 0x%llx: %s, ACPI ignored",
			    (unsigned long long)rsdp_address, why);
		return false;
	}
	out->revision = r[15];
	for (int i = 0; i < 6; i++)
		out->oem_id[i] = (r[9 + i] >= 0x20 && r[9 + i] < 0x7F) ?
				 (char)r[9 + i] : '?';
	out->oem_id[6] = '\0';

	rsdt = rd32(r + 16);
	if (out->revision >= 2)
		xsdt = rd64(r + 24);
	if (xsdt && acpi_walk_root(&p, xsdt, "XSDT", 8)) {
		out->used_xsdt = true;
	} else if (rsdt) {
		/* An RSDT after a bad XSDT is still better than nothing. */
		if (!acpi_walk_root(&p, rsdt, "RSDT", 4))
			return false;
	} else {
		if (!xsdt)
			acpi_report(&p, "ACPI: RSDP at 0x%llx lists no root table, ACPI ignored",
				    (unsigned long long)rsdp_address);
		return false;
	}
	acpi_find_sleep_type(&p);
	return true;
}
