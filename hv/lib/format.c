/* SPDX-License-Identifier: MIT */
/*
 * vsnprintf/snprintf for the hypervisor: the integer, character, string and
 * pointer conversions listed in format.h, with C99 semantics for flags,
 * width, precision and length modifiers. No floating point, no %n.
 */
#include <stdbool.h>
#include <stdint.h>

#include <basalt/lib/format.h>

/* Output cursor: counts every byte, stores only those that fit. */
struct sink {
	char *buf;
	size_t size;
	size_t pos;
};

/* Bytes still storable before the terminator's slot. */
static size_t room(const struct sink *s)
{
	return s->size && s->pos < s->size - 1 ? s->size - 1 - s->pos : 0;
}

/* The count saturates: it must never wrap back into the buffer. */
static void advance(struct sink *s, size_t n)
{
	s->pos = n > SIZE_MAX - s->pos ? SIZE_MAX : s->pos + n;
}

static void put(struct sink *s, char c)
{
	if (room(s))
		s->buf[s->pos] = c;
	advance(s, 1);
}

static void put_n(struct sink *s, const char *p, size_t n)
{
	while (n--)
		put(s, *p++);
}

/* Padding counts in full but stores only what fits, so a huge width costs
 * no more than the buffer. */
static void pad(struct sink *s, char c, size_t n)
{
	size_t avail = room(s);
	size_t fill = n < avail ? n : avail;

	for (size_t i = 0; i < fill; i++)
		s->buf[s->pos + i] = c;
	advance(s, n);
}

enum {
	F_LEFT = 1 << 0,  /* '-' */
	F_ZERO = 1 << 1,  /* '0' */
	F_PLUS = 1 << 2,  /* '+' */
	F_SPACE = 1 << 3, /* ' ' */
	F_ALT = 1 << 4,   /* '#' */
};

enum length { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_T, L_J };

struct spec {
	unsigned int flags;
	size_t width;
	size_t prec;
	bool has_prec;
};

/* Field contents are already built: add the width padding around them. */
static void emit_field(struct sink *s, const struct spec *sp,
		       const char *body, size_t len)
{
	size_t padn = sp->width > len ? sp->width - len : 0;

	if (!(sp->flags & F_LEFT))
		pad(s, ' ', padn);
	put_n(s, body, len);
	if (sp->flags & F_LEFT)
		pad(s, ' ', padn);
}

/*
 * One integer conversion. Layout: [spaces] sign prefix [zeros] digits
 * [spaces]; zeros come from the precision or, without one, from the '0'
 * flag filling the width.
 */
static void emit_int(struct sink *s, const struct spec *sp, char conv,
		     uintmax_t mag, bool neg)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	const char *digs = conv == 'X' ? upper : lower;
	unsigned int base = conv == 'o' ? 8 :
			    (conv == 'x' || conv == 'X') ? 16 : 10;
	bool is_signed = conv == 'd' || conv == 'i';
	char tmp[sizeof(uintmax_t) * 3];  /* 22 octal digits for 64 bits */
	size_t ndig = 0, zeros = 0, prelen = 0, total, padn;
	size_t prec = sp->has_prec ? sp->prec : 1;
	char prefix[2];

	for (uintmax_t v = mag; v; v /= base)
		tmp[sizeof(tmp) - 1 - ndig++] = digs[v % base];

	if (is_signed) {
		if (neg)
			prefix[prelen++] = '-';
		else if (sp->flags & F_PLUS)
			prefix[prelen++] = '+';
		else if (sp->flags & F_SPACE)
			prefix[prelen++] = ' ';
	}
	if ((sp->flags & F_ALT) && base == 16 && mag) {
		prefix[prelen++] = '0';
		prefix[prelen++] = conv;
	}

	if (prec > ndig)
		zeros = prec - ndig;
	/* '#' with %o makes the first digit a zero, even for %.0o of 0. */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 &&
	    (ndig == 0 || tmp[sizeof(tmp) - ndig] != '0'))
		zeros = 1;

	total = prelen + zeros + ndig;
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && !sp->has_prec &&
	    sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	padn = sp->width > total ? sp->width - total : 0;

	if (!(sp->flags & F_LEFT))
		pad(s, ' ', padn);
	put_n(s, prefix, prelen);
	pad(s, '0', zeros);
	put_n(s, tmp + sizeof(tmp) - ndig, ndig);
	if (sp->flags & F_LEFT)
		pad(s, ' ', padn);
}

/*
 * A width or precision past INT_MAX cannot give a representable result;
 * capping there keeps every field computation far from overflow.
 */
#define FIELD_CAP ((uint64_t)__INT_MAX__ + 1)

static size_t read_num(const char **pp)
{
	const char *p = *pp;
	uint64_t v = 0;

	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p++ - '0');
		if (v > FIELD_CAP)
			v = FIELD_CAP;
	}
	*pp = p;
	return (size_t)v;
}

static uintmax_t arg_unsigned(enum length len, va_list *ap)
{
	switch (len) {
	case L_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case L_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case L_L:
		return va_arg(*ap, unsigned long);
	case L_LL:
		return va_arg(*ap, unsigned long long);
	case L_Z:
	case L_T:
		/* size_t is the unsigned type corresponding to ptrdiff_t. */
		return va_arg(*ap, size_t);
	case L_J:
		return va_arg(*ap, uintmax_t);
	case L_NONE:
		break;
	}
	return va_arg(*ap, unsigned int);
}

static intmax_t arg_signed(enum length len, va_list *ap)
{
	switch (len) {
	case L_HH:
		return (signed char)va_arg(*ap, int);
	case L_H:
		return (short)va_arg(*ap, int);
	case L_L:
		return va_arg(*ap, long);
	case L_LL:
		return va_arg(*ap, long long);
	case L_Z:
	case L_T:
		/* ptrdiff_t is the signed type corresponding to size_t. */
		return va_arg(*ap, ptrdiff_t);
	case L_J:
		return va_arg(*ap, intmax_t);
	case L_NONE:
		break;
	}
	return va_arg(*ap, int);
}

static enum length read_length(const char **pp)
{
	const char *p = *pp;
	enum length len = L_NONE;

	switch (*p) {
	case 'h':
		len = p[1] == 'h' ? L_HH : L_H;
		break;
	case 'l':
		len = p[1] == 'l' ? L_LL : L_L;
		break;
	case 'z':
		len = L_Z;
		break;
	case 't':
		len = L_T;
		break;
	case 'j':
		len = L_J;
		break;
	default:
		return L_NONE;
	}
	*pp = p + ((len == L_HH || len == L_LL) ? 2 : 1);
	return len;
}

/*
 * Format into buf as C99 vsnprintf. Departures, all for inputs that
 * -Wformat rejects anyway: an unsupported or incomplete conversion is copied
 * to the output verbatim and consumes no argument; '#', '+' and ' ' are
 * ignored where C leaves them undefined, as glibc does; %p takes only the
 * width and '-'. A result longer than INT_MAX returns -1 (the buffer is
 * still filled and terminated).
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct sink s = { .buf = buf, .size = size, .pos = 0 };
	va_list ap;

	va_copy(ap, ap_in);
	while (*fmt) {
		const char *start = fmt;
		struct spec sp = { 0 };
		enum length len;
		char conv;

		if (*fmt != '%') {
			put(&s, *fmt++);
			continue;
		}
		fmt++;

		for (;; fmt++) {
			if (*fmt == '-')
				sp.flags |= F_LEFT;
			else if (*fmt == '0')
				sp.flags |= F_ZERO;
			else if (*fmt == '+')
				sp.flags |= F_PLUS;
			else if (*fmt == ' ')
				sp.flags |= F_SPACE;
			else if (*fmt == '#')
				sp.flags |= F_ALT;
			else
				break;
		}

		if (*fmt == '*') {
			int w = va_arg(ap, int);

			fmt++;
			/* A negative '*' width is a '-' flag plus the width;
			 * widening first keeps -INT_MIN defined. */
			if (w < 0) {
				sp.flags |= F_LEFT;
				sp.width = (size_t)-(intmax_t)w;
			} else {
				sp.width = (size_t)w;
			}
		} else {
			sp.width = read_num(&fmt);
		}

		if (*fmt == '.') {
			fmt++;
			sp.has_prec = true;
			if (*fmt == '*') {
				int pr = va_arg(ap, int);

				fmt++;
				/* A negative '*' precision means none. */
				if (pr < 0)
					sp.has_prec = false;
				else
					sp.prec = (size_t)pr;
			} else {
				sp.prec = read_num(&fmt);
			}
		}

		len = read_length(&fmt);
		conv = *fmt;
		if (conv)
			fmt++;

		switch (conv) {
		case 'd':
		case 'i': {
			intmax_t v = arg_signed(len, &ap);
			uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v
					      : (uintmax_t)v;

			emit_int(&s, &sp, conv, mag, v < 0);
			continue;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			emit_int(&s, &sp, conv, arg_unsigned(len, &ap), false);
			continue;
		default:
			break;
		}

		if (len == L_NONE) {
			if (conv == 'c') {
				char c = (char)va_arg(ap, int);

				emit_field(&s, &sp, &c, 1);
				continue;
			}
			if (conv == 's') {
				const char *str = va_arg(ap, const char *);
				size_t n = 0;

				if (!str)
					str = "(null)";
				/* Never read past the precision: the string
				 * need not be terminated within it. */
				while ((!sp.has_prec || n < sp.prec) && str[n])
					n++;
				emit_field(&s, &sp, str, n);
				continue;
			}
			if (conv == 'p') {
				struct spec psp = { .flags = sp.flags & F_LEFT,
						    .width = sp.width };
				uintptr_t v = (uintptr_t)va_arg(ap, void *);
				char tmp[2 + 2 * sizeof(v)];

				tmp[0] = '0';
				tmp[1] = 'x';
				for (size_t i = sizeof(tmp) - 1; i >= 2; i--) {
					tmp[i] = "0123456789abcdef"[v & 0xf];
					v >>= 4;
				}
				emit_field(&s, &psp, tmp, sizeof(tmp));
				continue;
			}
			if (conv == '%') {
				put(&s, '%');
				continue;
			}
		}

		/* Unsupported or truncated: show it as written. */
		put_n(&s, start, (size_t)(fmt - start));
	}
	va_end(ap);

	if (size)
		buf[s.pos < size ? s.pos : size - 1] = '\0';
	return s.pos > (size_t)__INT_MAX__ ? -1 : (int)s.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
