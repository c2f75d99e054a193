#include "usage.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void
usage_print_error(const char *command, const char *message)
{
    fprintf(stderr, "%s: ", command);
    for (const unsigned char *p = (const unsigned char *)message; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
    fputc('\n', stderr);
}

int
usage_fail(const char *command, const char *fmt, ...)
{
    char message[1024];
    char line[1200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    snprintf(line, sizeof(line), "%s (see %s --help)", message, command);
    usage_print_error(command, line);
    return EXIT_USAGE;
}

int
usage_bad_option(const char *command, int c, int argc, char *const *argv)
{
    /* getopt implementations leave optind in different places (musl may move it past argc when
     * the last option lacks its value): look at argv only where it exists. */
    const char *arg = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : NULL;
    char name[3] = {'-', (char)optopt, '\0'};
    int is_long = arg != NULL && strncmp(arg, "--", 2) == 0;
    const char *option = is_long || optopt <= 0 || optopt > 255 ? (arg ? arg : "?") : name;

    if (c == ':')
        return usage_fail(command, "option '%s' needs a value", option);
    return usage_fail(command, "unknown option '%s'", option);
}

int
usage_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v;

    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}
