/* A run of the generator, described once from the command line, validated, then read-only. */
#ifndef ETA_PLAN_H
#define ETA_PLAN_H

#include <stddef.h>
#include <time.h>

#include "addr.h"
#include "pki.h"

#define PLAN_DEFAULT_OUTPUT_DIR "artifacts"
#define PLAN_DEFAULT_DAYS       3650
#define PLAN_MAX_DAYS           36500
#define PLAN_MAX_NODES          1000

struct plan {
    struct node_addr *nodes;
    size_t n_nodes;
    const char *output_dir;
    enum key_type key_type;
    unsigned jobs;
    unsigned days;
    struct subject subject;
    const char *store_password;
    enum dir_format dir_format;
    int quiet;
    time_t now;
};

#endif
