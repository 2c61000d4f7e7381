// SPDX-License-Identifier: MIT
/*
 * xen_version sub-ops: the 4.17 interface version, the fixed-size string
 * outputs fully NUL-padded (buffers pre-filled with 0xff), features,
 * page size, and -ENOSYS for an unknown sub-op.
 */
#include "rt.h"

static union {
    xen_extraversion_t extra;
    xen_compile_info_t compile;
    xen_capabilities_info_t caps;
    xen_changeset_info_t changeset;
    uint8_t raw[4096];
} buf;

/* Bytes after the first NUL that are not NUL (or size+1 if no NUL). */
static uint64_t padding_junk(const char *s, size_t size)
{
    size_t n = strnlen(s, size);
    if (n == size)
        return size + 1;
    uint64_t junk = 0;
    for (size_t i = n; i < size; i++)
        junk += s[i] != 0;
    return junk;
}

static bool has_word(const char *s, const char *w)
{
    size_t wl = strlen(w);
    for (const char *p = s; *p; p++)
        if ((p == s || p[-1] == ' ') && !memcmp(p, w, wl) &&
            (p[wl] == ' ' || p[wl] == 0))
            return true;
    return false;
}

static long fill_call(int cmd)
{
    memset(&buf, 0xff, sizeof(buf));
    return hypercall_xen_version(cmd, &buf);
}

void test_main(void)
{
    rt_begin(17);
    check_eq("version", (uint64_t)hypercall_xen_version(XENVER_version, NULL),
             0x00040011);

    check_eq("extraversion-rc", (uint64_t)fill_call(XENVER_extraversion), 0);
    check_eq("extraversion-padded", padding_junk(buf.extra, sizeof(buf.extra)), 0);
    check_eq("extraversion-no-overrun", buf.raw[sizeof(buf.extra)], 0xff);

    check_eq("compile-info-rc", (uint64_t)fill_call(XENVER_compile_info), 0);
    check_eq("compile-info-padded",
             padding_junk(buf.compile.compiler, sizeof(buf.compile.compiler)) +
             padding_junk(buf.compile.compile_by, sizeof(buf.compile.compile_by)) +
             padding_junk(buf.compile.compile_domain,
                          sizeof(buf.compile.compile_domain)) +
             padding_junk(buf.compile.compile_date,
                          sizeof(buf.compile.compile_date)), 0);

    check_eq("capabilities-rc", (uint64_t)fill_call(XENVER_capabilities), 0);
    check_eq("capabilities-padded", padding_junk(buf.caps, sizeof(buf.caps)), 0);
    check_eq("capabilities-hvm64", has_word(buf.caps, "hvm-3.0-x86_64"), 1);

    check_eq("changeset-rc", (uint64_t)fill_call(XENVER_changeset), 0);
    check_eq("changeset-padded",
             padding_junk(buf.changeset, sizeof(buf.changeset)), 0);

    xen_feature_info_t fi = { .submap_idx = 0, .submap = 0xffffffff };
    check_eq("features-rc", (uint64_t)hypercall_xen_version(XENVER_get_features, &fi), 0);
    rt_printf("features submap 0 = %#x\n", fi.submap);
    check_eq("features-dom0", fi.submap >> XENFEAT_dom0 & 1, 1);
    fi = (xen_feature_info_t){ .submap_idx = 1, .submap = 0xffffffff };
    check_eq("features-idx1-rc",
             (uint64_t)hypercall_xen_version(XENVER_get_features, &fi),
             (uint64_t)-XEN_EINVAL);
    check_eq("features-idx1-untouched", fi.submap, 0xffffffff);

    check_eq("pagesize", (uint64_t)hypercall_xen_version(XENVER_pagesize, NULL), 4096);
    check_eq("unknown-subop", (uint64_t)hypercall_xen_version(0x7fff, &buf),
             (uint64_t)-XEN_ENOSYS);
    rt_end();
}
