// SPDX-License-Identifier: MIT
/*
 * The output protocol: "BEGIN n", one "PASS|FAIL|SKIP <case> <detail>" line
 * per case, "END". Built with -DTEST_MUTATE every verdict is inverted, so a
 * mutant must print FAIL for every case: proof that each case can fail.
 */
#include "internal.h"

static unsigned int expected_cases, reported_cases;

void rt_begin(unsigned int ncases)
{
    expected_cases = ncases;
    rt_printf("BEGIN %u\n", ncases);
}

/* Errno-like values print as signed decimal (got=-14), the rest in hex:
 * the manifest's "expect <case> <value>" compares this token. */
static void fmt_value(char *buf, size_t size, uint64_t v)
{
    int64_t s = (int64_t)v;
    if (s < 0 && s > -4096)
        rt_snprintf(buf, size, "%lld", (long long)s);
    else
        rt_snprintf(buf, size, "%#llx", (unsigned long long)v);
}

bool check_eq(const char *name, uint64_t got, uint64_t want)
{
    char g[24], w[24];
    bool ok = got == want;
#ifdef TEST_MUTATE
    ok = !ok;
#endif
    fmt_value(g, sizeof(g), got);
    fmt_value(w, sizeof(w), want);
    reported_cases++;
    if (ok)
        rt_printf("PASS %s got=%s\n", name, g);
    else
        rt_printf("FAIL %s got=%s want=%s\n", name, g, w);
    return ok;
}

bool check_true(const char *name, bool cond, const char *detail)
{
    bool ok = cond;
#ifdef TEST_MUTATE
    ok = !ok;
#endif
    reported_cases++;
    rt_printf("%s %s %s\n", ok ? "PASS" : "FAIL", name, detail ? detail : "");
    return ok;
}

void rt_skip(const char *name, const char *why)
{
    reported_cases++;
    rt_printf("SKIP %s %s\n", name, why);
}

void rt_end(void)
{
    if (reported_cases != expected_cases)
        rt_printf("FAIL case-count got=%u want=%u\n", reported_cases,
                  expected_cases);
    rt_printf("END\n");
}
