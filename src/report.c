#include "report.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void
report_keygen_start(const struct plan *plan, size_t n_keys, unsigned threads)
{
    if (plan->quiet)
        return;
    fprintf(stderr,
            "Generating %zu %s keys (root CA, and a server and a client key for each of "
            "%zu master%s) on %u thread%s...\n",
            n_keys, key_type_name(plan->key_type), plan->n_nodes, plan->n_nodes == 1 ? "" : "s",
            threads > n_keys ? (unsigned)n_keys : threads,
            (threads > n_keys ? n_keys : threads) == 1 ? "" : "s");
}

/* One whole line per key, so that output from several workers stays readable. */
void
report_key_done(void *ctx, const struct keygen_job *job, size_t done, size_t total)
{
    (void)ctx;
    fprintf(stderr, "  [%zu/%zu] %s ready\n", done, total, job->label);
}

static void
format_date(time_t t, char *out, size_t size)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
}

void
report_summary(const struct plan *plan, const char *const *dirs, size_t n_files,
               gnutls_x509_crt_t root, double seconds)
{
    char real[PATH_MAX];
    char until[64];
    const char *where = realpath(plan->output_dir, real) ? real : plan->output_dir;

    format_date(gnutls_x509_crt_get_expiration_time(root), until, sizeof(until));
    printf("Wrote a new Exhibitor TLS PKI to %s (%zu files, %.1f s):\n", where, n_files, seconds);
    printf("  root-cert.pem, truststore.jks   the cluster's own root CA (CN=root)\n");
    for (size_t i = 0; i < plan->n_nodes; i++)
        printf("  %-32s for master %s\n", dirs[i], plan->nodes[i].text);
    printf("Keys are %s; every certificate is valid until %s.\n", key_type_name(plan->key_type),
           until);
    printf("Copy each node directory to /var/lib/dcos/exhibitor-tls-artifacts on its master. "
           "The root CA's key was not kept.\n");
}
