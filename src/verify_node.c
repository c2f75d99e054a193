#include "verify_node.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyprotect.h"
#include "load.h"
#include "verify_checks.h"

#define MODE_GROUP_OTHER 0077
#define ENTRY_LIST_MAX   400
#define NODE_PREFIX      "node_"

enum node_file {
    F_ROOT_CERT,
    F_TRUSTSTORE,
    F_SERVERSTORE,
    F_CLIENTSTORE,
    F_CLIENT_CERT,
    F_CLIENT_KEY,
};

/* The top of a tree holds the first two. */
#define TOP_FILES 2

const char *const node_file_names[NODE_FILES] = {
    [F_ROOT_CERT] = "root-cert.pem",     [F_TRUSTSTORE] = "truststore.jks",
    [F_SERVERSTORE] = "serverstore.jks", [F_CLIENTSTORE] = "clientstore.jks",
    [F_CLIENT_CERT] = "client-cert.pem", [F_CLIENT_KEY] = "client-key.pem",
};

/* Keys and keystores: the files no one but their owner may read. */
static const int file_is_secret[NODE_FILES] = {
    [F_TRUSTSTORE] = 1,
    [F_SERVERSTORE] = 1,
    [F_CLIENTSTORE] = 1,
    [F_CLIENT_KEY] = 1,
};

/* A keystore as read: decoded, or why not; for a keystore with a private key, its first
 * private-key entry and that entry's certificate. */
struct store_view {
    int opened;
    struct jks_store store;
    struct err err;
    const struct jks_entry *key_entry;
    size_t n_key_entries;
    gnutls_x509_crt_t leaf;
    struct err leaf_err;
};

struct dir_ctx {
    const struct verify_settings *s;
    struct verify_report *r;
    struct node_dir *node;
    size_t n_files;
    char names[NODE_FILES][CHECK_FILE_MAX]; /* as the report names them */
    struct loaded_file files[NODE_FILES];
    int present[NODE_FILES];
    int missing[NODE_FILES];
    struct err load_err[NODE_FILES];
    gnutls_x509_crt_t root;
    struct err root_err;
    gnutls_x509_crt_t client;
    struct err client_err;
    gnutls_privkey_t client_key;
    struct err client_key_err;
    struct store_view stores[NODE_FILES];        /* for the .jks files */
    char addr_why[4 * (ADDR_DNS_MAX + 1) + 128]; /* why the node's address is not known */
};

/* ---- reading ------------------------------------------------------------------------------ */

static void
name_files(struct dir_ctx *c)
{
    for (size_t f = 0; f < c->n_files; f++) {
        if (c->node->label[0] != '\0')
            snprintf(c->names[f], sizeof(c->names[f]), "%s/%s", c->node->label, node_file_names[f]);
        else
            snprintf(c->names[f], sizeof(c->names[f]), "%s", node_file_names[f]);
    }
}

static void
load_files(struct dir_ctx *c)
{
    for (size_t f = 0; f < c->n_files; f++) {
        char path[PATH_MAX];
        int why = 0;

        if (snprintf(path, sizeof(path), "%s/%s", c->node->path, node_file_names[f]) >=
            (int)sizeof(path)) {
            err_set(&c->load_err[f], "%s/%s: path too long", c->node->path, node_file_names[f]);
            continue;
        }
        c->present[f] = load_file(path, &c->files[f], &why, &c->load_err[f]) == 0;
        c->missing[f] = why == ENOENT;
    }
}

/* A digest that does not match means a wrong password or an altered file. A private key that
 * opens with the same password tells them apart: then the password is right. */
static void
explain_digest(struct dir_ctx *c, enum node_file f)
{
    struct store_view *v = &c->stores[f];
    const struct loaded_file *file = &c->files[f];
    struct jks_store store;
    struct bytes pkcs8;
    struct err err;
    int opens = -1;

    if (jks_decode(file->data.data, file->data.len, NULL, &store, &err) != 0)
        return; /* not the digest: the error stands as it is */
    for (size_t i = 0; opens < 0 && i < store.n_entries; i++) {
        const struct jks_entry *e = &store.entries[i];

        if (e->tag != JKS_PRIVATE_KEY)
            continue;
        opens = keyprotect_recover(c->s->pw16, e->protected_key.data, e->protected_key.len, &pkcs8,
                                   &err) == 0;
        bytes_free(&pkcs8);
    }
    jks_store_free(&store);
    if (opens == 1)
        err_set(&v->err, "integrity digest does not match, yet the private key opens with the "
                         "store password: the file was altered");
    else if (opens == 0)
        err_set(&v->err, "integrity digest does not match, nor does the private key open: the "
                         "store password is most likely wrong");
}

static void
open_store(struct dir_ctx *c, enum node_file f)
{
    struct store_view *v = &c->stores[f];

    v->opened = load_store(&c->files[f].data, c->s->pw16, &v->store, &v->err) == 0;
    if (!v->opened)
        explain_digest(c, f);
    for (size_t i = 0; v->opened && i < v->store.n_entries; i++) {
        if (v->store.entries[i].tag != JKS_PRIVATE_KEY)
            continue;
        if (v->n_key_entries++ == 0)
            v->key_entry = &v->store.entries[i];
    }
    if (v->key_entry != NULL && load_cert_der(&v->key_entry->certs[0], &v->leaf, &v->leaf_err) != 0)
        v->leaf = NULL;
}

static void
parse_files(struct dir_ctx *c)
{
    if (c->present[F_ROOT_CERT] &&
        load_cert_pem(&c->files[F_ROOT_CERT].data, &c->root, &c->root_err) != 0)
        c->root = NULL;
    for (size_t f = F_TRUSTSTORE; f <= F_CLIENTSTORE && f < c->n_files; f++) {
        if (c->present[f])
            open_store(c, (enum node_file)f);
    }
    if (c->n_files <= F_CLIENT_CERT)
        return;
    if (c->present[F_CLIENT_CERT] &&
        load_cert_pem(&c->files[F_CLIENT_CERT].data, &c->client, &c->client_err) != 0)
        c->client = NULL;
    if (c->present[F_CLIENT_KEY] &&
        load_key_pem(&c->files[F_CLIENT_KEY].data, &c->client_key, &c->client_key_err) != 0)
        c->client_key = NULL;
}

static void
free_ctx(struct dir_ctx *c)
{
    for (size_t f = 0; f < NODE_FILES; f++) {
        load_file_free(&c->files[f]);
        jks_store_free(&c->stores[f].store);
        if (c->stores[f].leaf)
            gnutls_x509_crt_deinit(c->stores[f].leaf);
    }
    if (c->root)
        gnutls_x509_crt_deinit(c->root);
    if (c->client)
        gnutls_x509_crt_deinit(c->client);
    if (c->client_key)
        gnutls_privkey_deinit(c->client_key);
    free(c);
}

/* ---- the node's address ------------------------------------------------------------------- */

/* name with each '_' read as sep, as an address whose directory name is name again. */
static int
read_back(const char *name, char sep, struct node_addr *out)
{
    char text[ADDR_DNS_MAX + 1];
    char again[sizeof(NODE_PREFIX) + ADDR_DNS_MAX];
    struct err err;
    size_t len = strlen(name);

    if (len >= sizeof(text))
        return -1;
    memcpy(text, name, len + 1);
    for (char *p = strchr(text, '_'); p != NULL; p = strchr(p, '_'))
        *p = sep;
    if (addr_parse(text, out, &err) != 0)
        return -1;
    addr_dirname(out, DIR_FORMAT_NODE, again, sizeof(again));
    return strcmp(again + strlen(NODE_PREFIX), name) == 0 ? 0 : -1;
}

size_t
node_dirname_addresses(const char *name, struct node_addr out[2])
{
    struct err err;
    size_t n = 0;

    if (strncmp(name, NODE_PREFIX, strlen(NODE_PREFIX)) != 0)
        return addr_parse(name, &out[0], &err) == 0 ? 1 : 0;
    name += strlen(NODE_PREFIX);
    if (read_back(name, '.', &out[n]) == 0)
        n++;
    if (read_back(name, ':', &out[n]) == 0)
        n++;
    return n;
}

/* The server certificate, or failing that the client's: what names the node. */
static gnutls_x509_crt_t
naming_cert(const struct dir_ctx *c)
{
    return c->stores[F_SERVERSTORE].leaf ? c->stores[F_SERVERSTORE].leaf : c->client;
}

static void
choose_between(struct dir_ctx *c, const struct node_addr cand[2], const char *name)
{
    gnutls_x509_crt_t crt = naming_cert(c);
    int named[2] = {0, 0};

    for (size_t i = 0; crt != NULL && i < 2; i++)
        named[i] = cert_names_address(crt, &cand[i]);
    if (named[0] != named[1]) {
        c->node->addr = cand[named[0] ? 0 : 1];
        c->node->addr_known = 1;
        return;
    }
    snprintf(c->addr_why, sizeof(c->addr_why),
             "the directory name %s reads as %s or as %s, and the certificate names %s%s", name,
             cand[0].text, cand[1].text, named[0] ? "both" : "neither",
             c->node->in_tree ? "" : ": give --node ADDRESS");
}

static void
resolve_address(struct dir_ctx *c)
{
    struct node_dir *n = c->node;
    struct node_addr cand[2];
    size_t count;

    if (n->given != NULL) {
        n->addr = *n->given;
        n->addr_known = 1;
        return;
    }
    count = node_dirname_addresses(n->name, cand);
    /* Alone, a directory named like a host ("exhibitor-tls-artifacts") is not taken for the
     * node's name unless its certificate names it. */
    if (count == 1 && !n->in_tree && cand[0].kind == ADDR_DNS &&
        strncmp(n->name, NODE_PREFIX, strlen(NODE_PREFIX)) != 0 && naming_cert(c) != NULL &&
        !cert_names_address(naming_cert(c), &cand[0]))
        count = 0;
    if (count == 1) {
        n->addr = cand[0];
        n->addr_known = 1;
    } else if (count == 2) {
        choose_between(c, cand, n->name);
    } else {
        snprintf(c->addr_why, sizeof(c->addr_why),
                 "the directory name %s does not tell the node's address%s", n->name,
                 n->in_tree ? "" : ": give --node ADDRESS");
    }
}

/* ---- reporting, file by file -------------------------------------------------------------- */

static void
report_files(struct dir_ctx *c)
{
    const char *dir = c->node->label[0] ? c->node->label : ".";
    size_t missing = 0;

    for (size_t f = 0; f < c->n_files; f++) {
        if (c->present[f])
            continue;
        missing++;
        if (c->missing[f])
            vreport_add(c->r, CHECK_FAIL, c->names[f], "files",
                        "missing (a partial set stops Exhibitor from starting)");
        else
            vreport_add(c->r, CHECK_FAIL, c->names[f], "files", "cannot be read: %s",
                        c->load_err[f].msg);
    }
    if (missing == 0 && c->n_files == NODE_FILES)
        vreport_add(c->r, CHECK_OK, dir, "files", "all six files are there");
    else if (missing == 0)
        vreport_add(c->r, CHECK_OK, dir, "files", "root-cert.pem and truststore.jks are there");
}

static void
report_mode(struct dir_ctx *c, enum node_file f)
{
    unsigned mode = (unsigned)c->files[f].mode;

    if (mode & MODE_GROUP_OTHER)
        vreport_add(c->r, CHECK_FAIL, c->names[f], "mode",
                    "mode %04o: group or others may read it; keys and keystores must be 0600",
                    mode);
    else
        vreport_add(c->r, CHECK_OK, c->names[f], "mode", "%04o, for its owner only", mode);
}

static void
report_root(struct dir_ctx *c)
{
    const char *name = c->names[F_ROOT_CERT];

    if (c->root == NULL) {
        vreport_add(c->r, CHECK_FAIL, name, "cert", "%s", c->root_err.msg);
        return;
    }
    check_role(c->r, name, c->root, ROLE_ROOT);
    check_validity(c->r, name, c->root, c->s->now, c->s->warn_days);
    if (c->node->tree_root == NULL)
        return;
    if (gnutls_x509_crt_equals(c->root, c->node->tree_root))
        vreport_add(c->r, CHECK_OK, name, "same-root", "the same root as %s",
                    c->node->tree_root_name);
    else
        vreport_add(c->r, CHECK_FAIL, name, "same-root",
                    "another root than %s: the nodes would not trust each other",
                    c->node->tree_root_name);
}

static void
describe_entries(const struct jks_store *store, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < store->n_entries; i++) {
        const struct jks_entry *e = &store->entries[i];
        size_t len = strlen(out);

        if (e->tag == JKS_PRIVATE_KEY)
            snprintf(out + len, size - len, "%sprivate key '%s' with a chain of %zu", i ? ", " : "",
                     e->alias, e->n_certs);
        else
            snprintf(out + len, size - len, "%strusted certificate '%s'", i ? ", " : "", e->alias);
    }
}

/* The store line; returns whether the store opened. */
static int
report_store(struct dir_ctx *c, enum node_file f)
{
    const struct store_view *v = &c->stores[f];
    char entries[ENTRY_LIST_MAX];

    if (!v->opened) {
        vreport_add(c->r, CHECK_FAIL, c->names[f], "store", "%s; its entries were not checked",
                    v->err.msg);
        return 0;
    }
    describe_entries(&v->store, entries, sizeof(entries));
    vreport_add(c->r, CHECK_OK, c->names[f], "store",
                "JKS with %zu entr%s (%s), integrity digest matches the store password",
                v->store.n_entries, v->store.n_entries == 1 ? "y" : "ies", entries);
    return 1;
}

/* Java trusts every certificate of a truststore: trusted certificate entries and the first
 * certificate of each private-key entry. */
static void
report_trust(struct dir_ctx *c)
{
    const struct store_view *v = &c->stores[F_TRUSTSTORE];
    const char *name = c->names[F_TRUSTSTORE];
    const char *root_alias = NULL;
    size_t others = 0;

    for (size_t i = 0; i < v->store.n_entries; i++) {
        const struct jks_entry *e = &v->store.entries[i];
        gnutls_datum_t der = {(unsigned char *)e->certs[0].data, (unsigned)e->certs[0].len};

        if (root_alias == NULL && e->tag == JKS_TRUSTED_CERT &&
            gnutls_x509_crt_equals2(c->root, &der))
            root_alias = e->alias;
        else
            others++;
    }
    if (root_alias == NULL)
        vreport_add(c->r, CHECK_FAIL, name, "trust",
                    "does not hold the root in root-cert.pem as a trusted certificate entry");
    else if (others > 0)
        vreport_add(c->r, CHECK_FAIL, name, "trust",
                    "holds the root in root-cert.pem ('%s') and %zu other certificate%s, which "
                    "Exhibitor would trust as well: this cluster's root must be the only one",
                    root_alias, others, others == 1 ? "" : "s");
    else
        vreport_add(c->r, CHECK_OK, name, "trust",
                    "trusts exactly the root in root-cert.pem ('%s')", root_alias);
}

static void
report_truststore(struct dir_ctx *c)
{
    if (report_store(c, F_TRUSTSTORE) && c->root != NULL)
        report_trust(c);
}

static void
report_entry_key(struct dir_ctx *c, enum node_file f)
{
    const struct store_view *v = &c->stores[f];
    const char *alias = v->key_entry->alias;
    gnutls_privkey_t key = NULL;
    enum key_source source = KEY_FROM_PKCS8;
    struct err err = {0, ""};

    if (load_entry_key(c->s->pw16, v->key_entry, v->leaf, &key, &source, &err) != 0 ||
        key_matches_cert(key, v->leaf, &err) != 0)
        vreport_add(c->r, CHECK_FAIL, c->names[f], "key", "'%s': %s", alias, err.msg);
    else if (source == KEY_FROM_EC_SCALAR)
        vreport_add(c->r, CHECK_OK, c->names[f], "key",
                    "'%s' opens with the key password and matches its certificate (an EC key "
                    "stored without its public point, as Java writes it: matched by a signature)",
                    alias);
    else
        vreport_add(c->r, CHECK_OK, c->names[f], "key",
                    "'%s' opens with the key password and matches its certificate", alias);
    if (v->n_key_entries > 1)
        vreport_add(c->r, CHECK_WARN, c->names[f], "key",
                    "%zu private-key entries: only '%s' was checked, and Exhibitor may use another",
                    v->n_key_entries, alias);
    if (key != NULL)
        gnutls_privkey_deinit(key);
}

/* Java sends the chain as stored: it must end with this tree's root, when it holds more than
 * the certificate itself. */
static int
chain_ends_with_root(const struct dir_ctx *c, const struct jks_entry *e)
{
    const struct jks_blob *last = &e->certs[e->n_certs - 1];
    gnutls_datum_t der = {(unsigned char *)last->data, (unsigned)last->len};

    return e->n_certs == 1 || gnutls_x509_crt_equals2(c->root, &der);
}

static void
report_store_chain(struct dir_ctx *c, enum node_file f)
{
    const struct store_view *v = &c->stores[f];

    if (!chain_ends_with_root(c, v->key_entry))
        vreport_add(c->r, CHECK_FAIL, c->names[f], "chain",
                    "'%s': the chain ends with another root than the one in root-cert.pem (from "
                    "another tree?)",
                    v->key_entry->alias);
    else
        check_chain(c->r, c->names[f], v->leaf, c->root);
}

static void
report_sans(struct dir_ctx *c, const char *name, gnutls_x509_crt_t crt)
{
    check_sans(c->r, name, crt, c->node->addr_known ? &c->node->addr : NULL,
               c->node->in_tree ? CHECK_FAIL : CHECK_WARN, c->addr_why);
}

static void
report_same_client(struct dir_ctx *c)
{
    const struct store_view *v = &c->stores[F_CLIENTSTORE];
    const char *name = c->names[F_CLIENTSTORE];

    if (c->client == NULL)
        return;
    if (gnutls_x509_crt_equals(v->leaf, c->client))
        vreport_add(c->r, CHECK_OK, name, "same-client",
                    "holds the certificate of client-cert.pem");
    else
        vreport_add(c->r, CHECK_FAIL, name, "same-client",
                    "holds another client certificate than client-cert.pem: Exhibitor and Admin "
                    "Router would present different clients");
}

static void
report_keystore(struct dir_ctx *c, enum node_file f, enum cert_role role)
{
    const struct store_view *v = &c->stores[f];
    const char *name = c->names[f];

    if (!report_store(c, f))
        return;
    if (v->key_entry == NULL) {
        vreport_add(c->r, CHECK_FAIL, name, "key", "no private-key entry: no %s identity",
                    cert_role_name(role));
        return;
    }
    if (v->leaf == NULL) {
        vreport_add(c->r, CHECK_FAIL, name, "cert", "'%s': first certificate of the chain: %s",
                    v->key_entry->alias, v->leaf_err.msg);
        return;
    }
    report_entry_key(c, f);
    if (f == F_CLIENTSTORE)
        report_same_client(c);
    if (c->root != NULL)
        report_store_chain(c, f);
    check_role(c->r, name, v->leaf, role);
    report_sans(c, name, v->leaf);
    check_validity(c->r, name, v->leaf, c->s->now, c->s->warn_days);
}

static void
report_client_cert(struct dir_ctx *c)
{
    const char *name = c->names[F_CLIENT_CERT];

    if (c->client == NULL) {
        vreport_add(c->r, CHECK_FAIL, name, "cert", "%s", c->client_err.msg);
        return;
    }
    if (c->root != NULL)
        check_chain(c->r, name, c->client, c->root);
    check_role(c->r, name, c->client, ROLE_CLIENT);
    report_sans(c, name, c->client);
    check_validity(c->r, name, c->client, c->s->now, c->s->warn_days);
}

static void
report_client_key(struct dir_ctx *c)
{
    const char *name = c->names[F_CLIENT_KEY];
    struct err err = {0, ""};

    if (c->client_key == NULL)
        vreport_add(c->r, CHECK_FAIL, name, "key", "%s", c->client_key_err.msg);
    else if (c->client == NULL)
        return;
    else if (key_matches_cert(c->client_key, c->client, &err) != 0)
        vreport_add(c->r, CHECK_FAIL, name, "key", "does not match client-cert.pem: %s", err.msg);
    else
        vreport_add(c->r, CHECK_OK, name, "key", "matches client-cert.pem");
}

static void
report_file(struct dir_ctx *c, enum node_file f)
{
    if (!c->present[f])
        return;
    if (file_is_secret[f])
        report_mode(c, f);
    switch (f) {
    case F_ROOT_CERT:
        report_root(c);
        break;
    case F_TRUSTSTORE:
        report_truststore(c);
        break;
    case F_SERVERSTORE:
        report_keystore(c, f, ROLE_SERVER);
        break;
    case F_CLIENTSTORE:
        report_keystore(c, f, ROLE_CLIENT);
        break;
    case F_CLIENT_CERT:
        report_client_cert(c);
        break;
    case F_CLIENT_KEY:
        report_client_key(c);
        break;
    }
}

/* ---- a directory -------------------------------------------------------------------------- */

static void
verify_dir(const struct verify_settings *s, struct node_dir *node, size_t n_files,
           struct verify_report *r)
{
    struct dir_ctx *c = calloc(1, sizeof(*c));

    node->root = NULL;
    node->addr_known = 0;
    if (c == NULL) {
        vreport_add(r, CHECK_FAIL, node->label[0] ? node->label : ".", "files", "out of memory");
        return;
    }
    c->s = s;
    c->r = r;
    c->node = node;
    c->n_files = n_files;
    name_files(c);
    load_files(c);
    parse_files(c);
    if (n_files == NODE_FILES)
        resolve_address(c);
    report_files(c);
    for (size_t f = 0; f < n_files; f++)
        report_file(c, (enum node_file)f);
    node->root = c->root;
    c->root = NULL;
    free_ctx(c);
}

void
verify_node_dir(const struct verify_settings *s, struct node_dir *node, struct verify_report *r)
{
    verify_dir(s, node, NODE_FILES, r);
}

void
verify_top_dir(const struct verify_settings *s, struct node_dir *top, struct verify_report *r)
{
    verify_dir(s, top, TOP_FILES, r);
}
