/* SPDX-License-Identifier: MIT */
/*
 * Force-included (-include) when a unit test builds hv/lib/string.c or
 * hv/lib/format.c on the host: renames their libc-named symbols to bsl_*
 * so the test links both and can compare ours against the host libc.
 * libc's headers are read first, under their real names, so a test can
 * #undef a rename and reach the libc function.
 */
#ifndef BASALT_TESTS_HOST_RENAME_H
#define BASALT_TESTS_HOST_RENAME_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define memcpy bsl_memcpy
#define memmove bsl_memmove
#define memset bsl_memset
#define memcmp bsl_memcmp
#define memchr bsl_memchr
#define strlen bsl_strlen
#define strnlen bsl_strnlen
#define strcmp bsl_strcmp
#define strncmp bsl_strncmp
#define strchr bsl_strchr
#define strstr bsl_strstr
#define strlcpy bsl_strlcpy
#define vsnprintf bsl_vsnprintf
#define snprintf bsl_snprintf

#endif /* BASALT_TESTS_HOST_RENAME_H */
