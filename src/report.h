/* What the user reads: progress on stderr, the summary on stdout. */
#ifndef ETA_REPORT_H
#define ETA_REPORT_H

#include <gnutls/x509.h>

#include "keygen.h"
#include "plan.h"

void report_keygen_start(const struct plan *plan, size_t n_keys, unsigned threads);
void report_key_done(void *plan, const struct keygen_job *job, size_t done, size_t total);
void report_summary(const struct plan *plan, const char *const *dirs, size_t n_files,
                    gnutls_x509_crt_t root, double seconds);

#endif
