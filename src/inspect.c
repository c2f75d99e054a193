#include "inspect.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "certinfo.h"
#include "jks.h"
#include "load.h"
#include "password.h"
#include "usage.h"

#define INSPECT_PROG "exhibitor-tls-artifacts inspect"
#define MS_PER_S     1000

static const char usage_text[] =
    "Usage: " INSPECT_PROG " [--store-password P] FILE.jks\n"
    "\n"
    "Lists a Java KeyStore's entries as `keytool -list -v` does, without Java: alias, creation\n"
    "date, entry type, chain length and, per certificate, owner, issuer, serial number,\n"
    "validity and fingerprints. With the store password the integrity digest is checked and\n"
    "each private key is opened with it and matched with its certificate; without it neither\n"
    "is done, and the listing says so.\n"
    "\n"
    "Options:\n"
    "  --store-password P    the keystore's password (also tried as each key's password)\n"
    "  -h, --help            show this help and exit\n"
    "\n"
    "Exit status: 0 listed, 1 not a keystore that can be read, 2 usage error.\n";

static const char separator[] = "*******************************************\n"
                                "*******************************************\n";

/* Names and aliases come from the file: no control character of theirs reaches the terminal. */
static void
put_line(FILE *out, const char *label, const char *text)
{
    fputs(label, out);
    for (; *text != '\0'; text++)
        fputc((unsigned char)*text < 0x20 || *text == 0x7f ? '?' : *text, out);
    fputc('\n', out);
}

/* ---- one certificate ---------------------------------------------------------------------- */

static void
print_cert(FILE *out, gnutls_x509_crt_t crt)
{
    char text[CERTINFO_TEXT_MAX];
    char until[CERTINFO_TEXT_MAX];

    certinfo_name(crt, 0, text, sizeof(text));
    put_line(out, "Owner: ", text);
    certinfo_name(crt, 1, text, sizeof(text));
    put_line(out, "Issuer: ", text);
    certinfo_serial(crt, text, sizeof(text));
    fprintf(out, "Serial number: %s\n", text);
    certinfo_java_date(gnutls_x509_crt_get_activation_time(crt), text, sizeof(text));
    certinfo_java_date(gnutls_x509_crt_get_expiration_time(crt), until, sizeof(until));
    fprintf(out, "Valid from: %s until: %s\n", text, until);
    fprintf(out, "Certificate fingerprints:\n");
    certinfo_fingerprint(crt, GNUTLS_DIG_SHA1, text, sizeof(text));
    fprintf(out, "\t SHA1: %s\n", text);
    certinfo_fingerprint(crt, GNUTLS_DIG_SHA256, text, sizeof(text));
    fprintf(out, "\t SHA256: %s\n", text);
    certinfo_signature(crt, text, sizeof(text));
    fprintf(out, "Signature algorithm name: %s\n", text);
    certinfo_public_key(crt, text, sizeof(text));
    fprintf(out, "Subject Public Key Algorithm: %s\n", text);
    fprintf(out, "Version: %d\n", gnutls_x509_crt_get_version(crt));
    certinfo_each_san(crt, NULL, NULL, text, sizeof(text));
    if (text[0] != '\0')
        put_line(out, "Subject alternative names: ", text);
}

/* Prints certificate i of the entry; returns the parsed certificate when asked for it. */
static void
print_chain_cert(FILE *out, const struct jks_entry *e, size_t i, gnutls_x509_crt_t *keep)
{
    gnutls_x509_crt_t crt = NULL;
    struct err err = {0, ""};

    if (e->tag == JKS_PRIVATE_KEY)
        fprintf(out, "Certificate[%zu]:\n", i + 1);
    if (load_cert_der(&e->certs[i], &crt, &err) != 0) {
        fprintf(out, "Unreadable certificate (%zu bytes): %s\n", e->certs[i].len, err.msg);
        return;
    }
    print_cert(out, crt);
    if (keep != NULL)
        *keep = crt;
    else
        gnutls_x509_crt_deinit(crt);
}

/* ---- one entry ---------------------------------------------------------------------------- */

static void
print_private_key(FILE *out, const struct jks_entry *e, gnutls_x509_crt_t leaf,
                  const struct bytes *pw16)
{
    gnutls_privkey_t key = NULL;
    enum key_source source = KEY_FROM_PKCS8;
    struct err err = {0, ""};

    if (pw16 == NULL) {
        fprintf(out, "Private key: not opened (no --store-password given)\n");
        return;
    }
    if (leaf == NULL)
        fprintf(out, "Private key: not opened (its certificate is unreadable)\n");
    else if (load_entry_key(pw16, e, leaf, &key, &source, &err) != 0)
        fprintf(out, "Private key: does not open with the store password: %s\n", err.msg);
    else if (key_matches_cert(key, leaf, &err) != 0)
        fprintf(out, "Private key: opens with the store password, but %s\n", err.msg);
    else
        fprintf(out, "Private key: opens with the store password and matches Certificate[1]%s\n",
                source == KEY_FROM_EC_SCALAR ? " (EC, stored without its public point)" : "");
    if (key != NULL)
        gnutls_privkey_deinit(key);
}

static void
print_entry(FILE *out, const struct jks_entry *e, const struct bytes *pw16)
{
    char day[CERTINFO_TEXT_MAX];
    gnutls_x509_crt_t leaf = NULL;

    certinfo_java_day((time_t)(e->created_ms / MS_PER_S), day, sizeof(day));
    put_line(out, "Alias name: ", e->alias);
    fprintf(out, "Creation date: %s\n", day);
    if (e->tag == JKS_PRIVATE_KEY) {
        fprintf(out, "Entry type: PrivateKeyEntry\n");
        fprintf(out, "Certificate chain length: %zu\n", e->n_certs);
    } else {
        fprintf(out, "Entry type: trustedCertEntry\n\n");
    }
    for (size_t i = 0; i < e->n_certs; i++)
        print_chain_cert(out, e, i, i == 0 && e->tag == JKS_PRIVATE_KEY ? &leaf : NULL);
    if (e->tag == JKS_PRIVATE_KEY)
        print_private_key(out, e, leaf, pw16);
    if (leaf != NULL)
        gnutls_x509_crt_deinit(leaf);
    fprintf(out, "\n\n%s\n\n", separator);
}

/* ---- the store ---------------------------------------------------------------------------- */

static int
compare_aliases(const void *a, const void *b)
{
    return strcmp(((const struct jks_entry *)a)->alias, ((const struct jks_entry *)b)->alias);
}

/* keytool lists entries in alias order; so does this. The copies share the store's chains. */
static int
print_entries(FILE *out, const struct jks_store *store, const struct bytes *pw16, struct err *err)
{
    struct jks_entry *sorted = calloc(store->n_entries ? store->n_entries : 1, sizeof(*sorted));

    if (sorted == NULL)
        return err_set(err, "out of memory");
    if (store->n_entries > 0)
        memcpy(sorted, store->entries, store->n_entries * sizeof(*sorted));
    qsort(sorted, store->n_entries, sizeof(*sorted), compare_aliases);
    for (size_t i = 0; i < store->n_entries; i++)
        print_entry(out, &sorted[i], pw16);
    free(sorted);
    return 0;
}

int
inspect_store(const unsigned char *data, size_t len, const struct bytes *pw16, FILE *out,
              struct err *err)
{
    struct bytes file = {(unsigned char *)data, len, len, 0};
    struct jks_store store;
    int rc;

    if (load_store(&file, pw16, &store, err) != 0)
        return -1;
    fprintf(out, "Keystore type: JKS\n");
    if (pw16 != NULL)
        fprintf(out, "Integrity: the digest matches the store password\n\n");
    else
        fprintf(out, "Integrity: NOT checked, and private keys not opened: no --store-password "
                     "given\n\n");
    fprintf(out, "Your keystore contains %zu entr%s\n\n", store.n_entries,
            store.n_entries == 1 ? "y" : "ies");
    rc = print_entries(out, &store, pw16, err);
    jks_store_free(&store);
    return rc;
}

/* ---- the command -------------------------------------------------------------------------- */

static int
parse_args(int argc, char **argv, const char **password, const char **path)
{
    static const struct option longopts[] = {
        {"store-password", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'p') {
            *password = optarg;
        } else if (c == 'h') {
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else {
            return usage_bad_option(INSPECT_PROG, c, argc, argv);
        }
    }
    if (argc - optind != 1)
        return usage_fail(INSPECT_PROG, "%s",
                          argc == optind ? "no keystore given" : "give one keystore");
    *path = argv[optind];
    return -1;
}

static int
inspect_file(const char *path, const struct bytes *pw16)
{
    struct loaded_file f;
    struct err err = {EXIT_OK, ""};
    int why = 0;
    int rc;

    if (load_file(path, &f, &why, &err) != 0)
        return usage_fail(INSPECT_PROG, "%s", err.msg);
    rc = inspect_store(f.data.data, f.data.len, pw16, stdout, &err);
    load_file_free(&f);
    if (rc != 0) {
        fflush(stdout);
        fprintf(stderr, INSPECT_PROG ": %s: ", path);
        put_line(stderr, "", err.msg); /* the message may quote bytes of the file */
        return EXIT_WORK;
    }
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_WORK;
}

int
inspect_main(int argc, char **argv)
{
    const char *password = NULL;
    const char *path = NULL;
    struct err err = {EXIT_OK, ""};
    struct bytes pw16;
    int rc = parse_args(argc, argv, &password, &path);

    if (rc >= 0)
        return rc;
    bytes_init(&pw16);
    if (password != NULL && password_utf16be(password, &pw16, &err) != 0)
        return usage_fail(INSPECT_PROG, "--store-password: %s", err.msg);
    rc = inspect_file(path, password ? &pw16 : NULL);
    bytes_free(&pw16);
    return rc;
}
