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
    const struct node_addr *extra_sans; /* --san: on every node's certificates */
    size_t n_extra_sans;
    const char *ca_cert_path; /* --ca-cert/--ca-key: issue from an existing root */
    const char *ca_key_path;
    int keep_ca_key; /* write root-key.pem */
    int json;        /* a JSON document on stdout instead of the summary */
    int quiet;
    time_t now;
};

#endif
