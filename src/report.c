#include "report.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
report_keygen_start(const struct plan *plan, size_t n_keys, unsigned threads)
{
    unsigned used = threads > n_keys ? (unsigned)n_keys : threads;

    if (plan->quiet)
        return;
    fprintf(stderr,
            "Generating %zu %s keys (%sa server and a client key for each of %zu master%s) "
            "on %u thread%s...\n",
            n_keys, key_type_name(plan->key_type), plan->ca_cert_path ? "" : "root CA, and ",
            plan->n_nodes, plan->n_nodes == 1 ? "" : "s", used, used == 1 ? "" : "s");
}

/* One whole line per key, so that output from several workers stays readable. */
void
report_key_done(void *ctx, const struct keygen_job *job, size_t done, size_t total)
{
    (void)ctx;
    fprintf(stderr, "  [%zu/%zu] %s ready\n", done, total, job->label);
}

enum time_style {
    TIME_HUMAN, /* 2036-11-30 16:04 UTC */
    TIME_ISO,   /* 2036-11-30T16:04:05Z */
};

static void
format_time(time_t t, enum time_style style, char *out, size_t size)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    if (style == TIME_ISO)
        strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
}

static const char *
absolute(const char *path, char *buf)
{
    return realpath(path, buf) ? buf : path;
}

/* Shown even with --quiet: the operator asked for a secret to be written. */
void
report_root_key_warning(const struct report_run *r)
{
    char real[PATH_MAX];

    fprintf(stderr,
            "WARNING: %s/root-key.pem is the root CA's private key: whoever holds it can "
            "impersonate every master. Store it offline; never copy it to a master.\n",
            absolute(r->plan->output_dir, real));
}

void
report_summary(const struct report_run *r)
{
    const struct plan *plan = r->plan;
    char real[PATH_MAX];
    char until[64];

    format_time(gnutls_x509_crt_get_expiration_time(r->servers[0]), TIME_HUMAN, until,
                sizeof(until));
    printf("Wrote Exhibitor TLS artifacts to %s (%zu files, %.1f s):\n",
           absolute(plan->output_dir, real), r->tree->n_files, r->seconds);
    printf("  %-36s %s\n",
           plan->keep_ca_key ? "root-cert.pem, truststore.jks, root-key.pem"
                             : "root-cert.pem, truststore.jks",
           plan->ca_cert_path ? "the existing root CA" : "the cluster's new root CA");
    for (size_t i = 0; i < plan->n_nodes; i++)
        printf("  %-36s for master %s\n", r->dirs[i], plan->nodes[i].text);
    printf("Keys are %s; the certificates are valid until %s.\n", key_type_name(plan->key_type),
           until);
    printf("Copy each node directory to /var/lib/dcos/exhibitor-tls-artifacts on its master.%s\n",
           plan->keep_ca_key || plan->ca_cert_path ? "" : " The root CA's key was not kept.");
}

/* ---- JSON --------------------------------------------------------------------------------- */

static json_t *
json_time(time_t t)
{
    char buf[32];

    format_time(t, TIME_ISO, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *
json_hex(const unsigned char *data, size_t len, int colons)
{
    char buf[256];
    size_t off = 0;

    for (size_t i = 0; i < len && off + 4 < sizeof(buf); i++) {
        if (colons && i > 0)
            buf[off++] = ':';
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, colons ? "%02X" : "%02x", data[i]);
    }
    buf[off] = '\0';
    return json_string(buf);
}

static json_t *
json_fingerprint(gnutls_x509_crt_t crt)
{
    unsigned char fp[32];
    size_t len = sizeof(fp);

    if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &len) < 0)
        return json_null();
    return json_hex(fp, len, 1);
}

static json_t *
json_serial(gnutls_x509_crt_t crt)
{
    unsigned char serial[64];
    size_t len = sizeof(serial);

    if (gnutls_x509_crt_get_serial(crt, serial, &len) < 0)
        return json_null();
    return json_hex(serial, len, 0);
}

static json_t *
json_subject(gnutls_x509_crt_t crt)
{
    gnutls_datum_t dn = {NULL, 0};
    json_t *v;

    if (gnutls_x509_crt_get_dn3(crt, &dn, 0) < 0)
        return json_null();
    v = json_stringn((const char *)dn.data, dn.size);
    gnutls_free(dn.data);
    return v;
}

static json_t *
json_san(int type, const char *data, size_t len)
{
    char text[INET6_ADDRSTRLEN + 4] = "IP:";

    if (type == GNUTLS_SAN_DNSNAME) {
        char buf[300];

        snprintf(buf, sizeof(buf), "DNS:%.*s", (int)len, data);
        return json_string(buf);
    }
    if (type == GNUTLS_SAN_IPADDRESS && (len == 4 || len == 16) &&
        inet_ntop(len == 4 ? AF_INET : AF_INET6, data, text + 3, sizeof(text) - 3))
        return json_string(text);
    return json_string("other");
}

/* GnuTLS reads the SANs of a certificate it imported, not of one it built: read them from a
 * copy that went through DER, exactly as the files hold it. */
static json_t *
json_sans(gnutls_x509_crt_t built)
{
    gnutls_datum_t der = {NULL, 0};
    gnutls_x509_crt_t crt = NULL;
    json_t *list = json_array();

    if (gnutls_x509_crt_export2(built, GNUTLS_X509_FMT_DER, &der) >= 0 &&
        gnutls_x509_crt_init(&crt) >= 0 &&
        gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER) >= 0) {
        for (unsigned i = 0;; i++) {
            char buf[300];
            size_t len = sizeof(buf);
            int type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &len, NULL);

            if (type < 0)
                break;
            json_array_append_new(list, json_san(type, buf, len));
        }
    }
    if (crt)
        gnutls_x509_crt_deinit(crt);
    gnutls_free(der.data);
    return list;
}

static json_t *
json_certificate(gnutls_x509_crt_t crt, int with_sans)
{
    json_t *o = json_object();

    json_object_set_new(o, "subject", json_subject(crt));
    json_object_set_new(o, "serial", json_serial(crt));
    json_object_set_new(o, "sha256_fingerprint", json_fingerprint(crt));
    json_object_set_new(o, "not_before", json_time(gnutls_x509_crt_get_activation_time(crt)));
    json_object_set_new(o, "not_after", json_time(gnutls_x509_crt_get_expiration_time(crt)));
    if (with_sans)
        json_object_set_new(o, "sans", json_sans(crt));
    return o;
}

static json_t *
json_files(const struct out_tree *tree, const char *dir)
{
    json_t *list = json_array();

    for (size_t i = 0; i < tree->n_files; i++) {
        const struct out_file *f = &tree->files[i];

        if ((dir == NULL && f->dir == NULL) || (dir && f->dir && strcmp(dir, f->dir) == 0))
            json_array_append_new(list, json_string(f->name));
    }
    return list;
}

static json_t *
json_node(const struct report_run *r, size_t i)
{
    json_t *o = json_object();
    json_t *certs = json_object();

    json_object_set_new(o, "address", json_string(r->plan->nodes[i].text));
    json_object_set_new(o, "address_type", json_string(addr_kind_name(r->plan->nodes[i].kind)));
    json_object_set_new(o, "directory", json_string(r->dirs[i]));
    json_object_set_new(o, "files", json_files(r->tree, r->dirs[i]));
    json_object_set_new(certs, "server", json_certificate(r->servers[i], 1));
    json_object_set_new(certs, "client", json_certificate(r->clients[i], 1));
    json_object_set_new(o, "certificates", certs);
    return o;
}

static json_t *
json_run(const struct report_run *r)
{
    const struct plan *plan = r->plan;
    char real[PATH_MAX];
    json_t *doc = json_object();
    json_t *root = json_certificate(r->root, 0);
    json_t *nodes = json_array();

    json_object_set_new(root, "new", json_boolean(plan->ca_cert_path == NULL));
    json_object_set_new(root, "key_kept", json_boolean(plan->keep_ca_key));
    for (size_t i = 0; i < plan->n_nodes; i++)
        json_array_append_new(nodes, json_node(r, i));
    json_object_set_new(doc, "output_dir", json_string(absolute(plan->output_dir, real)));
    json_object_set_new(doc, "key_type", json_string(key_type_name(plan->key_type)));
    json_object_set_new(doc, "files", json_files(r->tree, NULL));
    json_object_set_new(doc, "root", root);
    json_object_set_new(doc, "nodes", nodes);
    return doc;
}

int
report_json(const struct report_run *r, struct err *err)
{
    json_t *doc = json_run(r);
    int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    json_decref(doc);
    if (rc != 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
        return err_set(err, "the tree was written, but writing its JSON report to standard output "
                            "failed");
    return 0;
}
