/* SPDX-License-Identifier: MIT */
/*
 * Finds the \_S5 sleep-type package in raw AML without an interpreter, so
 * the hypervisor can power the machine off. A pattern scan, bounded by the
 * stream length at every read: the bytes come from firmware.
 */
#include <basalt/acpi.h>

#define AML_ZERO_OP        0x00
#define AML_ONE_OP         0x01
#define AML_NAME_OP        0x08
#define AML_BYTE_PREFIX    0x0A
#define AML_WORD_PREFIX    0x0B
#define AML_DWORD_PREFIX   0x0C
#define AML_QWORD_PREFIX   0x0E
#define AML_PACKAGE_OP     0x12
#define AML_ROOT_CHAR      '\\'
#define AML_PARENT_PREFIX  '^'

#define SLP_TYP_MAX        7   /* SLP_TYPx is a 3-bit field of PM1x_CNT */

/* True when the NameSeg at pos is the name of a DefName (NameOp, with at
 * most one RootChar or a run of ParentPrefix characters between). */
static bool aml_is_defname(const uint8_t *aml, size_t pos)
{
	size_t i = pos;

	if (i >= 1 && aml[i - 1] == AML_ROOT_CHAR) {
		i--;
	} else {
		while (i >= 1 && aml[i - 1] == AML_PARENT_PREFIX)
			i--;
	}
	return i >= 1 && aml[i - 1] == AML_NAME_OP;
}

/* Decode a PkgLength at *pos (inside [0, end)); advance past it. The
 * length counts its own encoding bytes, per the AML grammar. */
static bool aml_pkglength(const uint8_t *aml, size_t end, size_t *pos,
			  size_t *length)
{
	size_t p = *pos;
	uint8_t lead;
	unsigned int follow;
	size_t value;

	if (p >= end)
		return false;
	lead = aml[p++];
	follow = lead >> 6;
	if (follow == 0) {
		value = lead & 0x3F;
	} else {
		/* Bits 4-5 are reserved when more bytes follow. */
		if (lead & 0x30)
			return false;
		if (end - p < follow)
			return false;
		value = lead & 0x0F;
		for (unsigned int k = 0; k < follow; k++)
			value |= (size_t)aml[p + k] << (4 + 8 * k);
		p += follow;
	}
	*pos = p;
	*length = value;
	return true;
}

/* Decode one integer package element inside [*pos, end); advance past it.
 * Only values that fit SLP_TYP are accepted. */
static bool aml_slp_typ(const uint8_t *aml, size_t end, size_t *pos,
			uint8_t *out)
{
	size_t p = *pos;
	size_t nbytes;
	uint64_t value = 0;

	if (p >= end)
		return false;
	switch (aml[p++]) {
	case AML_ZERO_OP:
		nbytes = 0;
		break;
	case AML_ONE_OP:
		nbytes = 0;
		value = 1;
		break;
	case AML_BYTE_PREFIX:
		nbytes = 1;
		break;
	case AML_WORD_PREFIX:
		nbytes = 2;
		break;
	case AML_DWORD_PREFIX:
		nbytes = 4;
		break;
	case AML_QWORD_PREFIX:
		nbytes = 8;
		break;
	default:
		return false;   /* OnesOp, names, method calls: not a constant we can use */
	}
	if (end - p < nbytes)
		return false;
	for (size_t k = 0; k < nbytes; k++)
		value |= (uint64_t)aml[p + k] << (8 * k);
	if (value > SLP_TYP_MAX)
		return false;
	*pos = p + nbytes;
	*out = (uint8_t)value;
	return true;
}

/* Parse the package that should follow the name at pos (just past the
 * NameSeg). */
static bool aml_s5_package(const uint8_t *aml, size_t len, size_t pos,
			   uint8_t *typa, uint8_t *typb)
{
	size_t start, pkglen, end, p;
	uint8_t nelem, a, b;

	if (pos >= len || aml[pos] != AML_PACKAGE_OP)
		return false;
	start = pos + 1;
	p = start;
	if (!aml_pkglength(aml, len, &p, &pkglen))
		return false;
	if (pkglen > len - start || start + pkglen <= p)
		return false;   /* truncated, or too short for NumElements */
	end = start + pkglen;
	nelem = aml[p++];
	if (nelem == 0)
		return false;
	if (!aml_slp_typ(aml, end, &p, &a))
		return false;
	b = a;
	if (nelem >= 2 && !aml_slp_typ(aml, end, &p, &b))
		return false;
	*typa = a;
	*typb = b;
	return true;
}

/* Contract: see basalt/acpi.h. The first well-formed candidate wins; a
 * malformed one is passed over, so a stray "_S5_" elsewhere cannot hide the
 * real definition behind it. */
bool acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *typa,
		      uint8_t *typb)
{
	if (!aml || len < 4)
		return false;
	for (size_t i = 0; i + 4 <= len; i++) {
		if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' ||
		    aml[i + 3] != '_')
			continue;
		if (!aml_is_defname(aml, i))
			continue;
		if (aml_s5_package(aml, len, i + 4, typa, typb))
			return true;
	}
	return false;
}
