/* Key generation for a whole run, on worker threads: nearly all of a run's time is spent here. */
#ifndef ETA_KEYGEN_H
#define ETA_KEYGEN_H

#include <gnutls/x509.h>

#include "err.h"
#include "pki.h"

struct keygen_job {
    enum key_type type;
    char label[300]; /* what the key is for, for progress and errors */
    gnutls_x509_privkey_t key;
};

/* Called, one call at a time, as each key is done (done counts finished keys). */
typedef void (*keygen_progress_fn)(void *ctx, const struct keygen_job *job, size_t done,
                                   size_t total);

/* Generates every job's key with up to `threads` workers. On the first failure the others stop
 * taking new jobs and the error (naming the key) is returned; keys made so far stay in the jobs
 * for the caller to free with keygen_free. */
int keygen_run(struct keygen_job *jobs, size_t n, unsigned threads, keygen_progress_fn progress,
               void *ctx, struct err *err);

void keygen_free(struct keygen_job *jobs, size_t n);

/* The number of online CPUs, at least 1. */
unsigned keygen_default_threads(void);

#endif
