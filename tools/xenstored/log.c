// SPDX-License-Identifier: MIT
// Leveled logging to stderr or the trace file (-T). -V raises the level;
// level "trace" also logs every request.
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "xenstored.h"

int xs_log_level = LOG_WARN;
static FILE *log_file;

void xs_log_open(const char *file)
{
    FILE *f = fopen(file, "a");
    if (f) {
        setvbuf(f, NULL, _IOLBF, 0);
        log_file = f;
    } else {
        xs_log(LOG_ERR, "cannot open trace file %s", file);
    }
}

void xs_log(int level, const char *fmt, ...)
{
    static const char *const names[] = { "error", "warn", "info", "debug",
                                         "trace" };
    if (level > xs_log_level)
        return;
    FILE *f = log_file ? log_file : stderr;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    fprintf(f, "%lld.%03ld basalt-xenstored %s: ", (long long)ts.tv_sec,
            ts.tv_nsec / 1000000, names[level]);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}
