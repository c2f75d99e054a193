#include "generate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ca.h"
#include "jks.h"
#include "keygen.h"
#include "keyprotect.h"
#include "outdir.h"
#include "password.h"
#include "report.h"

#define DIRNAME_MAX (ADDR_DIRNAME_MAX + 16)

/* Aliases, as DC/OS and Exhibitor expect them. */
#define ALIAS_ROOT   "root-cert"
#define ALIAS_SERVER "server-cert"
#define ALIAS_CLIENT "client-cert"

/* Where add_top_files puts the files that node directories copy. */
#define TOP_ROOT_CERT  0
#define TOP_TRUSTSTORE 1
#define FILES_PER_NODE 6
#define FILES_AT_TOP   3 /* root-cert.pem, truststore.jks and, when kept, root-key.pem */

/* Clocks on masters may run a little behind the machine that makes the certificates; a
 * certificate that is not yet valid there would stop Exhibitor. */
#define BACKDATE_SECONDS 3600

/* Keys in the keygen job list: the root's first unless an existing root is used, then each
 * node's server and client key. */
struct run {
    const struct plan *plan;
    struct keygen_job *jobs;
    size_t n_jobs;
    size_t first_node_job;
    struct ca existing; /* --ca-cert and --ca-key */
    gnutls_x509_privkey_t root_key;
    gnutls_x509_crt_t root;
    time_t not_after;
    struct node_addr *sans; /* the node's address, then every --san */
    gnutls_x509_crt_t *servers;
    gnutls_x509_crt_t *clients;
    struct bytes root_der;
    struct bytes pw16;
    char (*dirnames)[DIRNAME_MAX];
    const char **dirs;
    struct out_tree tree;
};

static gnutls_x509_privkey_t
server_key(const struct run *r, size_t node)
{
    return r->jobs[r->first_node_job + 2 * node].key;
}

static gnutls_x509_privkey_t
client_key(const struct run *r, size_t node)
{
    return r->jobs[r->first_node_job + 2 * node + 1].key;
}

static int
alloc_run(struct run *r, const struct plan *plan, struct err *err)
{
    size_t n = plan->n_nodes;

    memset(r, 0, sizeof(*r));
    r->plan = plan;
    r->first_node_job = plan->ca_cert_path ? 0 : 1;
    r->n_jobs = r->first_node_job + 2 * n;
    r->jobs = calloc(r->n_jobs, sizeof(*r->jobs));
    r->sans = calloc(1 + plan->n_extra_sans, sizeof(*r->sans));
    r->servers = calloc(n, sizeof(gnutls_x509_crt_t));
    r->clients = calloc(n, sizeof(gnutls_x509_crt_t));
    r->dirnames = calloc(n, sizeof(*r->dirnames));
    r->dirs = calloc(n, sizeof(*r->dirs));
    r->tree.files = calloc(FILES_AT_TOP + FILES_PER_NODE * n, sizeof(*r->tree.files));
    if (!r->jobs || !r->sans || !r->servers || !r->clients || !r->dirnames || !r->dirs ||
        !r->tree.files)
        return err_set(err, "out of memory");
    return 0;
}

static void
free_run(struct run *r)
{
    if (r->jobs)
        keygen_free(r->jobs, r->n_jobs);
    for (size_t i = 0; i < r->plan->n_nodes; i++) {
        if (r->servers && r->servers[i])
            gnutls_x509_crt_deinit(r->servers[i]);
        if (r->clients && r->clients[i])
            gnutls_x509_crt_deinit(r->clients[i]);
    }
    if (r->root && r->root != r->existing.crt)
        gnutls_x509_crt_deinit(r->root);
    ca_free(&r->existing);
    for (size_t i = 0; i < r->tree.n_files; i++)
        bytes_free(&r->tree.files[i].content);
    bytes_free(&r->root_der);
    bytes_free(&r->pw16);
    free(r->jobs);
    free(r->sans);
    free(r->servers);
    free(r->clients);
    free(r->dirnames);
    free(r->dirs);
    free(r->tree.files);
}

static void
plan_jobs(struct run *r)
{
    const struct plan *plan = r->plan;

    for (size_t i = 0; i < r->n_jobs; i++)
        r->jobs[i].type = plan->key_type;
    if (r->first_node_job == 1)
        snprintf(r->jobs[0].label, sizeof(r->jobs[0].label), "root CA key");
    for (size_t i = 0; i < plan->n_nodes; i++) {
        struct keygen_job *server = &r->jobs[r->first_node_job + 2 * i];
        struct keygen_job *client = server + 1;

        snprintf(server->label, sizeof(server->label), "server key for %s", plan->nodes[i].text);
        snprintf(client->label, sizeof(client->label), "client key for %s", plan->nodes[i].text);
    }
}

static int
make_keys(struct run *r, struct err *err)
{
    const struct plan *plan = r->plan;
    unsigned threads = plan->jobs ? plan->jobs : keygen_default_threads();

    plan_jobs(r);
    report_keygen_start(plan, r->n_jobs, threads);
    return keygen_run(r->jobs, r->n_jobs, threads, plan->quiet ? NULL : report_key_done,
                      (void *)plan, err);
}

static int
issue(struct run *r, enum cert_role role, const struct node_addr *node, gnutls_x509_privkey_t key,
      gnutls_x509_crt_t *out, struct err *err)
{
    const struct plan *plan = r->plan;
    struct cert_request req = {
        .role = role,
        .subject = &plan->subject,
        .sans = r->sans,
        .n_sans = node ? 1 + plan->n_extra_sans : 0,
        .not_before = plan->now - BACKDATE_SECONDS,
        .not_after = r->not_after,
        .key = key,
        .issuer = role == ROLE_ROOT ? NULL : r->root,
        .issuer_key = r->root_key,
    };

    if (node)
        r->sans[0] = *node;
    if (pki_issue(&req, out, err) != 0)
        return node ? err_prefix(err, "node %s", node->text) : -1;
    return 0;
}

/* Certificates issued from an existing root end when it ends: a chain is only as valid as its
 * root, and a longer promise would mislead whoever reads the leaf. */
static void
cap_validity(struct run *r)
{
    time_t root_end = gnutls_x509_crt_get_expiration_time(r->root);
    char date[32];

    if (root_end >= r->not_after)
        return;
    r->not_after = root_end;
    if (!r->plan->quiet) {
        strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&root_end));
        fprintf(stderr,
                "Note: the root CA expires on %s; the new certificates end then too, "
                "before the %u days asked for.\n",
                date, r->plan->days);
    }
}

static int
issue_root(struct run *r, struct err *err)
{
    const struct plan *plan = r->plan;

    r->not_after = plan->now + (time_t)plan->days * 86400;
    if (plan->ca_cert_path) {
        r->root = r->existing.crt;
        r->root_key = r->existing.key;
        cap_validity(r);
        return 0;
    }
    r->root_key = r->jobs[0].key;
    return issue(r, ROLE_ROOT, NULL, r->root_key, &r->root, err);
}

static int
issue_certificates(struct run *r, struct err *err)
{
    const struct plan *plan = r->plan;

    memcpy(r->sans + 1, plan->extra_sans, plan->n_extra_sans * sizeof(*r->sans));
    if (issue_root(r, err) != 0)
        return -1;
    for (size_t i = 0; i < plan->n_nodes; i++) {
        const struct node_addr *node = &plan->nodes[i];

        if (issue(r, ROLE_SERVER, node, server_key(r, i), &r->servers[i], err) != 0 ||
            issue(r, ROLE_CLIENT, node, client_key(r, i), &r->clients[i], err) != 0)
            return -1;
    }
    return pki_export_cert(r->root, GNUTLS_X509_FMT_DER, &r->root_der, err);
}

/* Takes ownership of content. */
static struct out_file *
add_file(struct run *r, const char *dir, const char *name, mode_t mode, struct bytes *content)
{
    struct out_file *f = &r->tree.files[r->tree.n_files++];

    f->dir = dir;
    f->name = name;
    f->mode = mode;
    f->content = *content;
    bytes_init(content);
    return f;
}

static uint64_t
created_ms(const struct run *r)
{
    return (uint64_t)r->plan->now * 1000;
}

static int
encode_truststore(struct run *r, struct bytes *out, struct err *err)
{
    struct jks_blob root = {r->root_der.data, r->root_der.len};
    struct jks_entry entry = {
        .tag = JKS_TRUSTED_CERT,
        .alias = ALIAS_ROOT,
        .created_ms = created_ms(r),
        .certs = &root,
        .n_certs = 1,
    };

    return jks_encode(&entry, 1, &r->pw16, out, err);
}

/* A keystore with one private-key entry: the key under the key protector, and the chain leaf,
 * root. The key password is the store password, as Exhibitor's Jetty expects. */
static int
encode_keystore(struct run *r, const char *alias, gnutls_x509_privkey_t key, gnutls_x509_crt_t leaf,
                struct bytes *out, struct err *err)
{
    struct bytes pkcs8;
    struct bytes epki;
    struct bytes leaf_der;
    struct jks_blob chain[2];
    struct jks_entry entry = {.tag = JKS_PRIVATE_KEY, .created_ms = created_ms(r)};
    int rc;

    bytes_init(&epki);
    bytes_init(&leaf_der);
    rc = pki_export_key_pkcs8(key, &pkcs8, err);
    if (rc == 0)
        rc = keyprotect_protect(&r->pw16, pkcs8.data, pkcs8.len, &epki, err);
    if (rc == 0)
        rc = pki_export_cert(leaf, GNUTLS_X509_FMT_DER, &leaf_der, err);
    if (rc == 0) {
        snprintf(entry.alias, sizeof(entry.alias), "%s", alias);
        entry.protected_key = (struct jks_blob){epki.data, epki.len};
        chain[0] = (struct jks_blob){leaf_der.data, leaf_der.len};
        chain[1] = (struct jks_blob){r->root_der.data, r->root_der.len};
        entry.certs = chain;
        entry.n_certs = 2;
        rc = jks_encode(&entry, 1, &r->pw16, out, err);
    }
    bytes_free(&pkcs8);
    bytes_free(&epki);
    bytes_free(&leaf_der);
    return rc;
}

static int
add_top_files(struct run *r, struct err *err)
{
    struct bytes b;

    if (pki_export_cert(r->root, GNUTLS_X509_FMT_PEM, &b, err) != 0)
        return err_prefix(err, "root-cert.pem");
    add_file(r, NULL, "root-cert.pem", MODE_PUBLIC, &b);
    if (encode_truststore(r, &b, err) != 0)
        return err_prefix(err, "truststore.jks");
    add_file(r, NULL, "truststore.jks", MODE_SECRET, &b);
    if (!r->plan->keep_ca_key)
        return 0;
    if (pki_export_key_pem(r->root_key, &b, err) != 0)
        return err_prefix(err, "root-key.pem");
    add_file(r, NULL, "root-key.pem", MODE_SECRET, &b);
    return 0;
}

/* A copy of a top-level file's content for a node directory. */
static int
copy_top_file(struct run *r, size_t top_index, const char *dir, struct err *err)
{
    const struct out_file *top = &r->tree.files[top_index];
    struct bytes b;

    bytes_init(&b);
    if (bytes_set(&b, top->content.data, top->content.len) != 0)
        return err_set(err, "%s/%s: out of memory", dir, top->name);
    add_file(r, dir, top->name, top->mode, &b);
    return 0;
}

static int
add_node_files(struct run *r, size_t i, struct err *err)
{
    const char *dir = r->dirs[i];
    struct bytes b;

    if (pki_export_cert(r->clients[i], GNUTLS_X509_FMT_PEM, &b, err) != 0)
        return err_prefix(err, "%s/client-cert.pem", dir);
    add_file(r, dir, "client-cert.pem", MODE_PUBLIC, &b);
    if (pki_export_key_pem(client_key(r, i), &b, err) != 0)
        return err_prefix(err, "%s/client-key.pem", dir);
    add_file(r, dir, "client-key.pem", MODE_SECRET, &b);
    if (encode_keystore(r, ALIAS_CLIENT, client_key(r, i), r->clients[i], &b, err) != 0)
        return err_prefix(err, "%s/clientstore.jks", dir);
    add_file(r, dir, "clientstore.jks", MODE_SECRET, &b);
    if (copy_top_file(r, TOP_ROOT_CERT, dir, err) != 0)
        return -1;
    if (encode_keystore(r, ALIAS_SERVER, server_key(r, i), r->servers[i], &b, err) != 0)
        return err_prefix(err, "%s/serverstore.jks", dir);
    add_file(r, dir, "serverstore.jks", MODE_SECRET, &b);
    return copy_top_file(r, TOP_TRUSTSTORE, dir, err);
}

static int
build_tree(struct run *r, struct err *err)
{
    const struct plan *plan = r->plan;

    if (password_utf16be(plan->store_password, &r->pw16, err) != 0)
        return err_prefix(err, "store password");
    if (add_top_files(r, err) != 0)
        return -1;
    for (size_t i = 0; i < plan->n_nodes; i++) {
        addr_dirname(&plan->nodes[i], plan->dir_format, r->dirnames[i], DIRNAME_MAX);
        r->dirs[i] = r->dirnames[i];
        if (add_node_files(r, i, err) != 0)
            return -1;
    }
    r->tree.dirs = r->dirs;
    r->tree.n_dirs = plan->n_nodes;
    return 0;
}

static double
seconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static int
report(const struct run *r, double seconds, struct err *err)
{
    const struct report_run rr = {
        .plan = r->plan,
        .dirs = r->dirs,
        .tree = &r->tree,
        .root = r->root,
        .servers = r->servers,
        .clients = r->clients,
        .seconds = seconds,
    };

    if (r->plan->keep_ca_key)
        report_root_key_warning(&rr);
    if (r->plan->json)
        return report_json(&rr, err);
    if (!r->plan->quiet)
        report_summary(&rr);
    return 0;
}

int
generate_run(const struct plan *plan, struct err *err)
{
    struct timespec start;
    struct run r;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &start);
    if (outdir_check_target(plan->output_dir, err) != 0)
        return -1;
    rc = alloc_run(&r, plan, err);
    if (rc == 0 && plan->ca_cert_path)
        rc = ca_load(plan->ca_cert_path, plan->ca_key_path, plan->now, &r.existing, err);
    if (rc == 0)
        rc = make_keys(&r, err);
    if (rc == 0)
        rc = issue_certificates(&r, err);
    if (rc == 0)
        rc = build_tree(&r, err);
    if (rc == 0)
        rc = outdir_commit(plan->output_dir, &r.tree, err);
    if (rc == 0)
        rc = report(&r, seconds_since(&start), err);
    free_run(&r);
    return rc;
}
