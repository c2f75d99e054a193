#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_message(struct err *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
set_message(struct err *err, const char *fmt, va_list ap)
{
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int
err_set(struct err *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(err, fmt, ap);
    va_end(ap);
    err->code = EXIT_WORK;
    return -1;
}

int
err_usage(struct err *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(err, fmt, ap);
    va_end(ap);
    err->code = EXIT_USAGE;
    return -1;
}

int
err_prefix(struct err *err, const char *fmt, ...)
{
    char prefix[ERR_MSG_MAX];
    char old[ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    /* A message too long for the buffer is cut; the start, which names the file, stays. */
    if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) >= (int)sizeof(err->msg))
        err->msg[sizeof(err->msg) - 1] = '\0';
    return -1;
}
