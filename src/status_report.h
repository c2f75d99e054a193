/* What the status sub-command prints: a line per master and a verdict, or one JSON document. */
#ifndef ETA_STATUS_REPORT_H
#define ETA_STATUS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "status_probe.h"

#define STATUS_VERDICT_MAX 2048

/* The last round of calls, and how it was made. */
struct status_result {
    const struct status_probe *probes;
    size_t n;
    unsigned port;
    const char *artifacts;   /* the tree or node directory the identity came from */
    const char *client_cert; /* the certificate presented */
    unsigned rounds;         /* 1, or more when waiting */
    long long milliseconds;  /* from the first call to the end of the last round */
};

/* Every master answered, and every server each one reports is serving. */
int status_healthy(const struct status_probe *probes, size_t n);

/* "healthy: ..." or "not healthy: ..." with the reasons, on one line. */
void status_verdict(const struct status_probe *probes, size_t n, char *out, size_t size);

void status_print_text(const struct status_result *r, FILE *out);
int status_print_json(const struct status_result *r, FILE *out, struct err *err);

#endif
