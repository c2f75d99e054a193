#include "fault.h"

#include <stdlib.h>
#include <string.h>

long
fault_get(enum fault_kind kind)
{
    static const char *const prefixes[] = {
        [FAULT_FAIL_AFTER] = "fail-after:",
        [FAULT_SIGTERM_AFTER] = "sigterm-after:",
        [FAULT_KEYGEN_FAIL] = "keygen-fail:",
    };
    const char *v = getenv(FAULT_ENV);
    size_t n = strlen(prefixes[kind]);

    if (v == NULL || strncmp(v, prefixes[kind], n) != 0)
        return -1;
    return strtol(v + n, NULL, 10);
}
