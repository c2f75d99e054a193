/* For `make bench`: an LD_PRELOAD library that times, inside one run of the (dynamically linked)
 * generator, the calls it makes to gnutls_x509_privkey_generate2, and passes each on unchanged.
 *
 * RSA key generation times vary by 4x and more from key to key, so a run's wall time over the
 * floor's (another process, other keys) is noisy even as a median of many runs. Timing the key
 * generation inside the same run takes that noise out: the run's wall time less the span of its
 * key generation (first call's start to last call's end, whatever the threads) is the time the
 * generator spends on everything else, measured on the very run.
 *
 * At exit, if BENCH_KEYGEN_LOG names a file and there were calls, appends one line to it:
 *
 *   SPAN_S SUM_S CALLS
 *
 * SPAN_S from the first call's start to the last call's end, SUM_S the calls' times added up,
 * CALLS how many were made. */
#include <dlfcn.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef int (*generate2_fn)(gnutls_x509_privkey_t, gnutls_pk_algorithm_t, unsigned int,
                            unsigned int, const gnutls_keygen_data_st *, unsigned);

static generate2_fn real_generate2;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double first_start = -1, last_end = -1, sum;
static unsigned long calls;

static double
now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

__attribute__((constructor)) static void
shim_init(void)
{
    real_generate2 = (generate2_fn)dlsym(RTLD_NEXT, "gnutls_x509_privkey_generate2");
}

int
gnutls_x509_privkey_generate2(gnutls_x509_privkey_t key, gnutls_pk_algorithm_t algo,
                              unsigned int bits, unsigned int flags,
                              const gnutls_keygen_data_st *data, unsigned data_size)
{
    double t0, t1;
    int rc;

    if (real_generate2 == NULL)
        return GNUTLS_E_INTERNAL_ERROR;
    t0 = now();
    rc = real_generate2(key, algo, bits, flags, data, data_size);
    t1 = now();
    pthread_mutex_lock(&lock);
    if (first_start < 0 || t0 < first_start)
        first_start = t0;
    if (t1 > last_end)
        last_end = t1;
    sum += t1 - t0;
    calls++;
    pthread_mutex_unlock(&lock);
    return rc;
}

__attribute__((destructor)) static void
shim_report(void)
{
    const char *path = getenv("BENCH_KEYGEN_LOG");
    FILE *f;

    /* No calls: not the generator (the bench's own measuring process, preloaded too). */
    if (calls == 0 || path == NULL || (f = fopen(path, "a")) == NULL)
        return;
    fprintf(f, "%.6f %.6f %lu\n", calls ? last_end - first_start : 0.0, sum, calls);
    fclose(f);
}
