/* The key-generation floor for `make bench`: generates N private keys of one type with GnuTLS
 * alone (gnutls_x509_privkey_generate2, the call the generator makes), on T threads that take
 * keys from a shared counter as the generator's workers do, and nothing else: no certificates,
 * no encoding, no files. A run of the generator cannot be faster than this on the same cores.
 *
 *   keygen_floor TYPE N T     TYPE: rsa-2048 rsa-3072 rsa-4096 ecdsa-p256 ecdsa-p384
 *
 * Prints the wall time of the key generation alone in seconds on stdout (the bench times the
 * whole process from outside, as it does the generator, and uses that). Exit 0, or 1 on an
 * error, 2 on bad arguments. */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 256

static const struct {
    const char *name;
    gnutls_pk_algorithm_t algorithm;
    unsigned bits;
} types[] = {
    {"rsa-2048", GNUTLS_PK_RSA, 2048},
    {"rsa-3072", GNUTLS_PK_RSA, 3072},
    {"rsa-4096", GNUTLS_PK_RSA, 4096},
    {"ecdsa-p256", GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1)},
    {"ecdsa-p384", GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP384R1)},
};

struct pool {
    pthread_mutex_t lock;
    gnutls_pk_algorithm_t algorithm;
    unsigned bits;
    unsigned long n, next;
    int failed;
};

static void *
worker(void *arg)
{
    struct pool *p = arg;

    for (;;) {
        gnutls_x509_privkey_t key;
        int rc;

        pthread_mutex_lock(&p->lock);
        if (p->failed || p->next >= p->n) {
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        p->next++;
        pthread_mutex_unlock(&p->lock);

        rc = gnutls_x509_privkey_init(&key);
        if (rc == 0) {
            rc = gnutls_x509_privkey_generate2(key, p->algorithm, p->bits, 0, NULL, 0);
            gnutls_x509_privkey_deinit(key);
        }
        if (rc < 0) {
            fprintf(stderr, "keygen_floor: %s\n", gnutls_strerror(rc));
            pthread_mutex_lock(&p->lock);
            p->failed = 1;
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
    }
}

static int
parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (s[0] < '0' || s[0] > '9')
        return -1;
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v < 1 || v > max)
        return -1;
    *out = v;
    return 0;
}

int
main(int argc, char **argv)
{
    struct pool p = {.failed = 0};
    pthread_t tids[MAX_THREADS];
    unsigned long threads, started = 0;
    struct timespec t0, t1;
    size_t i;

    if (argc != 4) {
        fprintf(stderr, "usage: keygen_floor TYPE N THREADS\n");
        return 2;
    }
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(argv[1], types[i].name) == 0)
            break;
    }
    if (i == sizeof(types) / sizeof(types[0]) || parse_count(argv[2], 100000, &p.n) != 0 ||
        parse_count(argv[3], MAX_THREADS, &threads) != 0) {
        fprintf(stderr, "usage: keygen_floor TYPE N THREADS\n");
        return 2;
    }
    p.algorithm = types[i].algorithm;
    p.bits = types[i].bits;
    if (threads > p.n)
        threads = p.n;
    if (gnutls_global_init() < 0)
        return 1;
    pthread_mutex_init(&p.lock, NULL);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* One thread: work on this one, as the generator does with -j 1. */
    for (; threads > 1 && started < threads; started++) {
        if (pthread_create(&tids[started], NULL, worker, &p) != 0)
            break;
    }
    if (started == 0)
        worker(&p);
    for (i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    pthread_mutex_destroy(&p.lock);
    gnutls_global_deinit();
    if (p.failed)
        return 1;
    printf("%.6f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
