/* What the user reads: progress on stderr, the summary (or the JSON document) on stdout. */
#ifndef ETA_REPORT_H
#define ETA_REPORT_H

#include <gnutls/x509.h>

#include "err.h"
#include "keygen.h"
#include "outdir.h"
#include "plan.h"

/* A finished run, as the reports see it. */
struct report_run {
    const struct plan *plan;
    const char *const *dirs;
    const struct out_tree *tree;
    gnutls_x509_crt_t root;
    const gnutls_x509_crt_t *servers;
    const gnutls_x509_crt_t *clients;
    double seconds;
};

void report_keygen_start(const struct plan *plan, size_t n_keys, unsigned threads);
void report_key_done(void *plan, const struct keygen_job *job, size_t done, size_t total);
void report_root_key_warning(const struct report_run *r);
void report_summary(const struct report_run *r);
/* One JSON document on stdout describing the run. */
int report_json(const struct report_run *r, struct err *err);

#endif
