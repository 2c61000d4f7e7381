/* SPDX-License-Identifier: MIT */
/*
 * Strict number, size and boolean parsing for command lines and firmware
 * tables: no silent wrap-around, no skipped junk.
 */
#include <stdbool.h>
#include <stdint.h>

#include <basalt/lib/parse.h>
#include <basalt/lib/string.h>

/* Value of c as a digit in bases up to 36, or 36 when it is not one. */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned int)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned int)(c - 'a') + 10;
	if (c >= 'A' && c <= 'Z')
		return (unsigned int)(c - 'A') + 10;
	return 36;
}

/*
 * Like strtoull, minus its leniency: no leading blanks or sign, and overflow
 * is an error rather than a clamp. base is 0 or 2..36; base 16 and base 0
 * take an optional 0x/0X only when a hex digit follows it, so "0x" alone
 * parses as 0 and stops at the 'x'. On overflow *end still points past the
 * digits. end may be NULL.
 */
bool parse_u64(const char *s, const char **end, unsigned int base,
	       uint64_t *out)
{
	const char *p = s;
	uint64_t v = 0;
	bool overflow = false, any = false;

	*out = 0;
	if (end)
		*end = s;
	if (base == 1 || base > 36)
		return false;

	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}

	for (;; p++) {
		unsigned int d = digit_value(*p);

		if (d >= base)
			break;
		any = true;
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (!any)
		return false;
	if (end)
		*end = p;
	if (overflow)
		return false;
	*out = v;
	return true;
}

/*
 * Xen's size syntax: a parse_u64() base-0 number, then one optional unit
 * letter (B, K, M, G, T in either case; none means K), then the end of the
 * string. As in Xen, a hex number swallows a trailing B ("0x1B" is 27 KiB).
 * *bytes is written only on success.
 */
bool parse_size(const char *s, uint64_t *bytes)
{
	const char *end;
	uint64_t v;
	unsigned int shift;

	if (!s || !parse_u64(s, &end, 0, &v))
		return false;

	switch (*end) {
	case '\0':
		shift = 10;
		break;
	case 'B':
	case 'b':
		shift = 0;
		break;
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	case 'T':
	case 't':
		shift = 40;
		break;
	default:
		return false;
	}
	if (*end && end[1])
		return false;
	if (v > (UINT64_MAX >> shift))
		return false;
	*bytes = v << shift;
	return true;
}

/* Case-sensitive, whole-word match, as Xen does. *out is written only on
 * success. */
bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
	static const char *const no[] = { "0", "no", "off", "false",
					  "disable" };

	if (!s)
		return false;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}
