/* The masters named in a DC/OS genconf/config.yaml, read with libyaml. */
#ifndef ETA_MASTERLIST_H
#define ETA_MASTERLIST_H

#include <stddef.h>

#include "err.h"

struct master_entry {
    char *value;
    size_t line; /* 1-based, for messages */
};

/* Reads the master_list sequence of the YAML mapping in path. A file that is not YAML, has no
 * master_list, or whose master_list is not a non-empty list of strings is a usage error naming
 * the file and line. */
int masterlist_read(const char *path, struct master_entry **out, size_t *n, struct err *err);

void masterlist_free(struct master_entry *entries, size_t n);

#endif
