#include "usage.h"

#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int
usage_fail(const char *command, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see %s --help)\n", command);
    return EXIT_USAGE;
}
