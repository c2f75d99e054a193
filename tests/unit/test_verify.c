/* verify's pieces on their own: the certificate checks, the key match, Java's EC keys, the node
 * address read back from a directory name, and the report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>

#include "helpers.h"
#include "jks.h"
#include "keyprotect.h"
#include "load.h"
#include "password.h"
#include "pki.h"
#include "verify_checks.h"
#include "verify_node.h"
#include "verify_report.h"

#define DAY 86400

struct fixture {
    gnutls_x509_privkey_t root_key;
    gnutls_x509_privkey_t other_root_key;
    gnutls_x509_privkey_t leaf_key;
    gnutls_x509_crt_t root;
    gnutls_x509_crt_t other_root;
    struct node_addr node;
    time_t now;
};

static const struct subject subject = SUBJECT_DEFAULT;

static gnutls_x509_crt_t
issue_at(struct fixture *f, enum cert_role role, time_t from, time_t until,
         gnutls_x509_crt_t issuer, gnutls_x509_privkey_t issuer_key)
{
    struct cert_request req = {
        .role = role,
        .subject = &subject,
        .sans = &f->node,
        .n_sans = 1,
        .not_before = from,
        .not_after = until,
        .key = role == ROLE_ROOT ? issuer_key : f->leaf_key,
        .issuer = issuer,
        .issuer_key = issuer_key,
    };
    struct err err = {0, ""};
    gnutls_x509_crt_t crt;

    if (pki_issue(&req, &crt, &err) != 0)
        fail_msg("%s", err.msg);
    return reimport(crt);
}

static gnutls_x509_crt_t
issue(struct fixture *f, enum cert_role role)
{
    return issue_at(f, role, f->now - DAY, f->now + 365 * DAY, f->root, f->root_key);
}

static int
setup(void **state)
{
    static struct fixture f;
    struct err err = {0, ""};

    f.now = time(NULL);
    assert_int_equal(addr_parse("10.192.0.2", &f.node, &err), 0);
    assert_int_equal(pki_generate_key(KEY_ECDSA_P256, &f.root_key, &err), 0);
    assert_int_equal(pki_generate_key(KEY_ECDSA_P256, &f.other_root_key, &err), 0);
    assert_int_equal(pki_generate_key(KEY_ECDSA_P256, &f.leaf_key, &err), 0);
    f.root = issue_at(&f, ROLE_ROOT, f.now - DAY, f.now + 365 * DAY, NULL, f.root_key);
    f.other_root = issue_at(&f, ROLE_ROOT, f.now - DAY, f.now + 365 * DAY, NULL, f.other_root_key);
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    gnutls_x509_crt_deinit(f->root);
    gnutls_x509_crt_deinit(f->other_root);
    gnutls_x509_privkey_deinit(f->root_key);
    gnutls_x509_privkey_deinit(f->other_root_key);
    gnutls_x509_privkey_deinit(f->leaf_key);
    return 0;
}

/* The one line the report holds, with the status and words expected. */
static void
assert_line(const struct verify_report *r, const char *check, enum check_status status,
            const char *words)
{
    const struct check_line *l = vreport_find(r, "f", check);

    if (l == NULL)
        fail_msg("no %s line", check);
    if (l->status != status || strstr(l->msg, words) == NULL)
        fail_msg("%s: status %d, '%s'; wanted status %d with '%s'", check, (int)l->status, l->msg,
                 (int)status, words);
}

/* ---- certificate checks ------------------------------------------------------------------- */

static void
validity_case(struct fixture *f, time_t from, time_t until, enum check_status status,
              const char *words)
{
    struct verify_report r;
    gnutls_x509_crt_t crt = issue_at(f, ROLE_SERVER, from, until, f->root, f->root_key);

    vreport_init(&r);
    check_validity(&r, "f", crt, f->now, 30);
    assert_line(&r, "validity", status, words);
    vreport_free(&r);
    gnutls_x509_crt_deinit(crt);
}

static void
test_validity(void **state)
{
    struct fixture *f = *state;

    validity_case(f, f->now - DAY, f->now + 365 * DAY, CHECK_OK, "valid until");
    validity_case(f, f->now - 10 * DAY, f->now - DAY, CHECK_FAIL, "expired on");
    validity_case(f, f->now + DAY, f->now + 365 * DAY, CHECK_FAIL, "not valid yet");
    validity_case(f, f->now - DAY, f->now + 10 * DAY + 60, CHECK_WARN, "in 10 days");
}

static void
role_case(struct fixture *f, enum cert_role issued, enum cert_role checked,
          enum check_status status, const char *words)
{
    struct verify_report r;
    gnutls_x509_crt_t crt = issued == ROLE_ROOT ? f->root : issue(f, issued);

    vreport_init(&r);
    check_role(&r, "f", crt, checked);
    assert_line(&r, "role", status, words);
    vreport_free(&r);
    if (issued != ROLE_ROOT)
        gnutls_x509_crt_deinit(crt);
}

static void
test_roles(void **state)
{
    struct fixture *f = *state;

    role_case(f, ROLE_SERVER, ROLE_SERVER, CHECK_OK, "allows TLS server use");
    role_case(f, ROLE_CLIENT, ROLE_CLIENT, CHECK_OK, "allows TLS client use");
    role_case(f, ROLE_ROOT, ROLE_ROOT, CHECK_OK, "a CA");
    role_case(f, ROLE_CLIENT, ROLE_SERVER, CHECK_FAIL, "extendedKeyUsage lacks serverAuth");
    role_case(f, ROLE_SERVER, ROLE_CLIENT, CHECK_FAIL, "extendedKeyUsage lacks clientAuth");
    role_case(f, ROLE_ROOT, ROLE_SERVER, CHECK_FAIL, "must not be a CA");
    role_case(f, ROLE_SERVER, ROLE_ROOT, CHECK_FAIL, "not a CA");
}

static void
test_sans(void **state)
{
    struct fixture *f = *state;
    gnutls_x509_crt_t crt = issue(f, ROLE_SERVER);
    struct node_addr other;
    struct err err = {0, ""};
    struct verify_report r;

    assert_int_equal(addr_parse("10.192.0.3", &other, &err), 0);
    vreport_init(&r);
    check_sans(&r, "f", crt, &f->node, CHECK_FAIL, "");
    assert_line(&r, "san", CHECK_OK, "localhost, exhibitor, 127.0.0.1, 10.192.0.2");
    vreport_free(&r);

    vreport_init(&r);
    check_sans(&r, "f", crt, &other, CHECK_FAIL, "");
    assert_line(&r, "san", CHECK_FAIL, "does not name 10.192.0.3");
    vreport_free(&r);

    vreport_init(&r);
    check_sans(&r, "f", crt, NULL, CHECK_WARN, "give --node");
    assert_line(&r, "san", CHECK_WARN, "not checked: give --node");
    vreport_free(&r);

    vreport_init(&r);
    check_sans(&r, "f", f->root, &f->node, CHECK_FAIL, "");
    assert_line(&r, "san", CHECK_FAIL, "does not name localhost, exhibitor, 127.0.0.1, 10.192");
    vreport_free(&r);
    gnutls_x509_crt_deinit(crt);
}

static void
test_chain(void **state)
{
    struct fixture *f = *state;
    gnutls_x509_crt_t crt = issue(f, ROLE_CLIENT);
    struct verify_report r;

    vreport_init(&r);
    check_chain(&r, "f", crt, f->root);
    assert_line(&r, "chain", CHECK_OK, "signed by the root");
    vreport_free(&r);

    vreport_init(&r);
    check_chain(&r, "f", crt, f->other_root);
    assert_line(&r, "chain", CHECK_FAIL, "not signed by the root in root-cert.pem");
    vreport_free(&r);
    gnutls_x509_crt_deinit(crt);
}

/* ---- keys --------------------------------------------------------------------------------- */

static gnutls_privkey_t
abstract(gnutls_x509_privkey_t x509)
{
    gnutls_privkey_t key;

    assert_int_equal(gnutls_privkey_init(&key), 0);
    assert_int_equal(gnutls_privkey_import_x509(key, x509, 0), 0);
    return key;
}

static void
test_key_matches_cert(void **state)
{
    struct fixture *f = *state;
    gnutls_x509_crt_t crt = issue(f, ROLE_SERVER);
    gnutls_privkey_t right = abstract(f->leaf_key);
    gnutls_privkey_t wrong = abstract(f->root_key);
    gnutls_x509_privkey_t rsa_x509;
    gnutls_privkey_t rsa;
    struct err err = {0, ""};

    assert_int_equal(key_matches_cert(right, crt, &err), 0);
    assert_int_equal(key_matches_cert(wrong, crt, &err), -1);
    assert_non_null(strstr(err.msg, "does not belong to the certificate"));
    assert_int_equal(pki_generate_key(KEY_RSA_2048, &rsa_x509, &err), 0);
    rsa = abstract(rsa_x509);
    assert_int_equal(key_matches_cert(rsa, crt, &err), -1);
    assert_non_null(strstr(err.msg, "the key is RSA"));
    gnutls_privkey_deinit(rsa);
    gnutls_x509_privkey_deinit(rsa_x509);
    gnutls_privkey_deinit(right);
    gnutls_privkey_deinit(wrong);
    gnutls_x509_crt_deinit(crt);
}

/* keytool writes EC keys as PKCS#8 without the public point: the scalar is found, every
 * truncation of the DER is refused, and the key rebuilt from the certificate's point matches. */
static void
test_java_ec_key(void **state)
{
    struct bytes pw16;
    struct err err = {0, ""};
    size_t len;
    unsigned char *data = read_fixture("mixed.jks", &len);
    struct jks_store store;
    const struct jks_entry *ec;
    struct bytes pkcs8;
    gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
    gnutls_datum_t scalar = {NULL, 0};
    gnutls_x509_crt_t leaf;
    gnutls_x509_crt_t rsa_leaf;
    gnutls_privkey_t key;
    enum key_source source;

    (void)state;
    assert_int_equal(password_utf16be("fixture-pass", &pw16, &err), 0);
    if (jks_decode(data, len, &pw16, &store, &err) != 0)
        fail_msg("mixed.jks: %s", err.msg);
    ec = find_entry(&store, "ec-client");
    assert_int_equal(
        keyprotect_recover(&pw16, ec->protected_key.data, ec->protected_key.len, &pkcs8, &err), 0);
    assert_int_equal(load_ec_scalar(pkcs8.data, pkcs8.len, &curve, &scalar, &err), 0);
    assert_int_equal(curve, GNUTLS_ECC_CURVE_SECP256R1);
    assert_true(scalar.size >= 31 && scalar.size <= 33);
    for (size_t cut = 0; cut < pkcs8.len; cut++)
        assert_int_equal(load_ec_scalar(pkcs8.data, cut, &curve, &scalar, &err), -1);

    assert_int_equal(load_cert_der(&ec->certs[0], &leaf, &err), 0);
    assert_int_equal(load_entry_key(&pw16, ec, leaf, &key, &source, &err), 0);
    assert_int_equal(source, KEY_FROM_EC_SCALAR);
    assert_int_equal(key_matches_cert(key, leaf, &err), 0);
    gnutls_privkey_deinit(key);

    /* Against an RSA certificate there is no public point to rebuild it with. */
    assert_int_equal(load_cert_der(&find_entry(&store, "rsa-server")->certs[0], &rsa_leaf, &err),
                     0);
    assert_int_equal(load_entry_key(&pw16, ec, rsa_leaf, &key, &source, &err), -1);
    assert_non_null(strstr(err.msg, "import PKCS#8 private key"));

    gnutls_x509_crt_deinit(rsa_leaf);
    gnutls_x509_crt_deinit(leaf);
    bytes_free(&pkcs8);
    jks_store_free(&store);
    bytes_free(&pw16);
    free(data);
}

/* ---- node addresses ----------------------------------------------------------------------- */

static void
addresses_case(const char *name, size_t n, const char *first, const char *second)
{
    struct node_addr out[2];
    size_t got = node_dirname_addresses(name, out);

    if (got != n)
        fail_msg("%s: %zu addresses, wanted %zu", name, got, n);
    if (n > 0)
        assert_string_equal(out[0].text, first);
    if (n > 1)
        assert_string_equal(out[1].text, second);
}

static void
test_dirname_addresses(void **state)
{
    (void)state;
    addresses_case("node_10_192_0_2", 1, "10.192.0.2", NULL);
    addresses_case("node_fd00__2", 1, "fd00::2", NULL);
    addresses_case("node_master1_example_com", 1, "master1.example.com", NULL);
    addresses_case("node_fd00_1_2_3_4_5_6_abcd", 2, "fd00.1.2.3.4.5.6.abcd",
                   "fd00:1:2:3:4:5:6:abcd");
    addresses_case("10.192.0.2", 1, "10.192.0.2", NULL);
    addresses_case("fd00::2", 1, "fd00::2", NULL);
    addresses_case("node_", 0, NULL, NULL);
    addresses_case("node_10_192_0_256", 0, NULL, NULL);
    addresses_case("node_010_1_2_3", 0, NULL, NULL);
    addresses_case("node_FD00__2", 0, NULL, NULL); /* not the name the generator gives it */
}

/* ---- the report --------------------------------------------------------------------------- */

static void
test_report_scrubs_and_counts(void **state)
{
    struct verify_report r;
    const struct check_line *l;

    (void)state;
    vreport_init(&r);
    vreport_add(&r, CHECK_OK, "a", "store", "fine");
    vreport_add(&r, CHECK_WARN, "b", "validity", "soon");
    vreport_add(&r, CHECK_FAIL, "c\nok    fake", "key", "alias '\033[31mred'");
    l = vreport_find(&r, "c?ok    fake", "key");
    assert_non_null(l);
    assert_string_equal(l->msg, "alias '?[31mred'");
    assert_true(vreport_failed(&r));
    assert_int_equal(r.counts[CHECK_OK], 1);
    assert_int_equal(r.counts[CHECK_WARN], 1);
    assert_int_equal(r.counts[CHECK_FAIL], 1);
    vreport_free(&r);
}

static void
test_report_json(void **state)
{
    const char *dirs[] = {"node_10_0_0_1"};
    const char *addrs[] = {"10.0.0.1"};
    struct verify_report r;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    json_error_t error;
    json_t *doc;

    (void)state;
    assert_non_null(out);
    vreport_init(&r);
    vreport_add(&r, CHECK_OK, "node_10_0_0_1/serverstore.jks", "store", "JKS");
    vreport_add(&r, CHECK_FAIL, "node_10_0_0_1/serverstore.jks", "key", "alias '\xff\xfe'");
    assert_int_equal(vreport_print_json(&r, "tree", "tree", dirs, addrs, 1, out), 0);
    fclose(out);
    doc = json_loads(text, 0, &error);
    if (doc == NULL)
        fail_msg("not JSON: %s\n%s", error.text, text);
    assert_string_equal(json_string_value(json_object_get(doc, "result")), "fail");
    assert_int_equal(json_array_size(json_object_get(doc, "checks")), 2);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(doc, "checks"), 1), "message")),
                        "alias '?"
                        "?'");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "totals"), "fail")),
                     1);
    json_decref(doc);
    free(text);
    vreport_free(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_sans),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_key_matches_cert),
        cmocka_unit_test(test_java_ec_key),
        cmocka_unit_test(test_dirname_addresses),
        cmocka_unit_test(test_report_scrubs_and_counts),
        cmocka_unit_test(test_report_json),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
