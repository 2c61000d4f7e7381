// SPDX-License-Identifier: MIT
/*
 * A small vsnprintf: %d %i %u %x %p %s %c %% with '#', '0', '-', width and
 * the l/ll/z length modifiers. Division is done by hand so that the 32-bit
 * runtime needs no libgcc.
 */
#include "internal.h"

struct out { char *buf; size_t size, pos; };

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static uint64_t divmod10(uint64_t n, unsigned int *rem)
{
    uint64_t q = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= 10) {
            r -= 10;
            q |= (uint64_t)1 << i;
        }
    }
    *rem = (unsigned int)r;
    return q;
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned int base,
                    int width, bool zero, bool left, const char *prefix)
{
    char tmp[24];
    int n = 0;
    do {
        unsigned int d;
        if (base == 16) {
            d = v & 15;
            v >>= 4;
        } else {
            v = divmod10(v, &d);
        }
        tmp[n++] = "0123456789abcdef"[d];
    } while (v);
    int len = n + (neg ? 1 : 0) + (int)strlen(prefix);
    if (!left && !zero)
        for (; len < width; width--)
            put(o, ' ');
    if (neg)
        put(o, '-');
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    if (!left && zero)
        for (; len < width; width--)
            put(o, '0');
    while (n)
        put(o, tmp[--n]);
    if (left)
        for (; len < width; width--)
            put(o, ' ');
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        bool alt = false, zero = false, left = false;
        int width = 0, lng = 0;
        for (f++;; f++) {
            if (*f == '#')
                alt = true;
            else if (*f == '0')
                zero = true;
            else if (*f == '-')
                left = true;
            else
                break;
        }
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        while (*f == 'l' || *f == 'z') {
            lng++;
            f++;
        }
        uint64_t v;
        switch (*f) {
        case 'd':
        case 'i': {
            int64_t s = lng >= 2 ? va_arg(ap, long long)
                      : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            put_num(&o, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10, width,
                    zero, left, "");
            break;
        }
        case 'u':
        case 'x':
            v = lng >= 2 ? va_arg(ap, unsigned long long)
              : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            put_num(&o, v, false, *f == 'x' ? 16 : 10, width, zero, left,
                    alt && *f == 'x' ? "0x" : "");
            break;
        case 'p':
            put_num(&o, (uintptr_t)va_arg(ap, void *), false, 16, width, zero,
                    left, "0x");
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = (int)strlen(s);
            if (!left)
                for (; len < width; width--)
                    put(&o, ' ');
            while (*s)
                put(&o, *s++);
            if (left)
                for (; len < width; width--)
                    put(&o, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:
            put(&o, '?');
            if (!*f)
                f--;
            break;
        }
    }
    if (size)
        o.buf[o.pos < size ? o.pos : size - 1] = '\0';
    return (int)o.pos;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = rt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
