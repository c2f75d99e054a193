/* The certificate profile, read back through GnuTLS's own parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "helpers.h"
#include "pki.h"

struct fixture {
    gnutls_x509_privkey_t root_key;
    gnutls_x509_privkey_t leaf_key;
    gnutls_x509_crt_t root;
    struct node_addr node;
    time_t now;
};

static const struct subject subject = SUBJECT_DEFAULT;

static gnutls_x509_crt_t
issue(struct fixture *f, enum cert_role role, gnutls_x509_privkey_t key)
{
    struct cert_request req = {
        .role = role,
        .subject = &subject,
        .sans = &f->node,
        .n_sans = 1,
        .not_before = f->now - 3600,
        .not_after = f->now + 3650 * 86400,
        .key = key,
        .issuer = role == ROLE_ROOT ? NULL : f->root,
        .issuer_key = f->root_key,
    };
    struct err err = {0, ""};
    gnutls_x509_crt_t crt;

    if (pki_issue(&req, &crt, &err) != 0)
        fail_msg("%s", err.msg);
    return reimport(crt);
}

static int
setup(void **state)
{
    static struct fixture f;
    struct err err = {0, ""};

    f.now = time(NULL);
    assert_int_equal(addr_parse("10.192.0.2", &f.node, &err), 0);
    assert_int_equal(pki_generate_key(KEY_ECDSA_P256, &f.root_key, &err), 0);
    assert_int_equal(pki_generate_key(KEY_ECDSA_P256, &f.leaf_key, &err), 0);
    f.root = issue(&f, ROLE_ROOT, f.root_key);
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    gnutls_x509_crt_deinit(f->root);
    gnutls_x509_privkey_deinit(f->root_key);
    gnutls_x509_privkey_deinit(f->leaf_key);
    return 0;
}

static void
assert_dn(gnutls_x509_crt_t crt, const char *cn)
{
    char want[256];
    char dn[256];
    size_t len = sizeof(dn);

    assert_int_equal(gnutls_x509_crt_get_dn(crt, dn, &len), 0);
    /* gnutls_x509_crt_get_dn prints the RDNs in the order they are encoded: C first, CN last,
     * as the reference tool's "/C=US/ST=CA/L=San Francisco/O=Mesosphere/CN=..." made them. */
    snprintf(want, sizeof(want), "C=US,ST=CA,L=San Francisco,O=Mesosphere,CN=%s", cn);
    assert_string_equal(dn, want);
}

static void
assert_serial(gnutls_x509_crt_t crt)
{
    unsigned char serial[40];
    size_t len = sizeof(serial);

    assert_int_equal(gnutls_x509_crt_get_serial(crt, serial, &len), 0);
    assert_true(len >= 8);
    assert_int_equal(serial[0] & 0x80, 0); /* positive */
}

static void
test_root_profile(void **state)
{
    struct fixture *f = *state;
    unsigned ca = 0;
    unsigned usage = 0;
    unsigned critical = 0;
    char oid[128];
    size_t len = sizeof(oid);
    unsigned verify = 0;

    assert_dn(f->root, "root");
    assert_serial(f->root);
    assert_int_equal(gnutls_x509_crt_get_basic_constraints(f->root, &critical, &ca, NULL), 1);
    assert_true(critical);
    assert_int_equal(gnutls_x509_crt_get_key_usage(f->root, &usage, &critical), 0);
    assert_true(critical);
    assert_int_equal(usage, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
    assert_int_equal(gnutls_x509_crt_get_key_purpose_oid(f->root, 0, oid, &len, NULL),
                     GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
    assert_int_equal(gnutls_x509_crt_get_subject_alt_name(f->root, 0, oid, &len, NULL),
                     GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
    assert_int_equal(gnutls_x509_crt_get_expiration_time(f->root), f->now + 3650 * 86400);
    assert_int_equal(gnutls_x509_crt_verify(f->root, &f->root, 1, 0, &verify), 0);
    assert_int_equal(verify, 0);
}

/* Exactly DNS localhost, DNS exhibitor, IP 127.0.0.1 and the node's IP, in that order. */
static void
assert_sans(gnutls_x509_crt_t crt, const unsigned char node_ip[4])
{
    const struct {
        int type;
        const char *data;
        size_t len;
    } want[] = {
        {GNUTLS_SAN_DNSNAME, "localhost", 9},
        {GNUTLS_SAN_DNSNAME, "exhibitor", 9},
        {GNUTLS_SAN_IPADDRESS, "\x7f\x00\x00\x01", 4},
        {GNUTLS_SAN_IPADDRESS, (const char *)node_ip, 4},
    };
    char buf[256];
    size_t len;

    for (unsigned i = 0; i < 4; i++) {
        len = sizeof(buf);
        int type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &len, NULL);

        if (type != want[i].type)
            fail_msg("SAN %u: type %d, not %d", i, type, want[i].type);
        assert_int_equal(len, want[i].len);
        assert_memory_equal(buf, want[i].data, len);
    }
    len = sizeof(buf);
    assert_int_equal(gnutls_x509_crt_get_subject_alt_name(crt, 4, buf, &len, NULL),
                     GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
}

static void
assert_leaf(struct fixture *f, enum cert_role role, const char *cn, const char *eku)
{
    gnutls_x509_crt_t crt = issue(f, role, f->leaf_key);
    unsigned ca = 1;
    unsigned usage = 0;
    unsigned critical = 0;
    char buf[256];
    size_t len = sizeof(buf);
    unsigned verify = 1;
    unsigned char root_ski[64];
    unsigned char aki[64];
    size_t ski_len = sizeof(root_ski);
    size_t aki_len = sizeof(aki);

    assert_dn(crt, cn);
    assert_serial(crt);
    assert_int_equal(gnutls_x509_crt_get_basic_constraints(crt, &critical, &ca, NULL), 0);
    assert_true(critical);
    assert_int_equal(gnutls_x509_crt_get_key_usage(crt, &usage, &critical), 0);
    assert_int_equal(usage, GNUTLS_KEY_DIGITAL_SIGNATURE); /* EC: no keyEncipherment */
    assert_int_equal(gnutls_x509_crt_get_key_purpose_oid(crt, 0, buf, &len, NULL), 0);
    assert_string_equal(buf, eku);
    len = sizeof(buf);
    assert_int_equal(gnutls_x509_crt_get_key_purpose_oid(crt, 1, buf, &len, NULL),
                     GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
    assert_sans(crt, f->node.ip);
    assert_int_equal(gnutls_x509_crt_get_subject_key_id(f->root, root_ski, &ski_len, NULL), 0);
    assert_int_equal(gnutls_x509_crt_get_authority_key_id(crt, aki, &aki_len, NULL), 0);
    assert_int_equal(aki_len, ski_len);
    assert_memory_equal(aki, root_ski, ski_len);
    assert_int_equal(gnutls_x509_crt_verify(crt, &f->root, 1, 0, &verify), 0);
    assert_int_equal(verify, 0);
    assert_int_equal(gnutls_x509_crt_get_signature_algorithm(crt), GNUTLS_SIGN_ECDSA_SHA256);
    gnutls_x509_crt_deinit(crt);
}

static void
test_server_profile(void **state)
{
    assert_leaf(*state, ROLE_SERVER, "server", GNUTLS_KP_TLS_WWW_SERVER);
}

static void
test_client_profile(void **state)
{
    assert_leaf(*state, ROLE_CLIENT, "client", GNUTLS_KP_TLS_WWW_CLIENT);
}

static void
test_serials_differ(void **state)
{
    struct fixture *f = *state;
    gnutls_x509_crt_t a = issue(f, ROLE_SERVER, f->leaf_key);
    gnutls_x509_crt_t b = issue(f, ROLE_SERVER, f->leaf_key);
    unsigned char sa[40];
    unsigned char sb[40];
    size_t la = sizeof(sa);
    size_t lb = sizeof(sb);

    assert_int_equal(gnutls_x509_crt_get_serial(a, sa, &la), 0);
    assert_int_equal(gnutls_x509_crt_get_serial(b, sb, &lb), 0);
    assert_false(la == lb && memcmp(sa, sb, la) == 0);
    gnutls_x509_crt_deinit(a);
    gnutls_x509_crt_deinit(b);
}

static void
test_key_types(void **state)
{
    enum key_type t;

    (void)state;
    assert_int_equal(key_type_parse("rsa-4096", &t), 0);
    assert_int_equal(t, KEY_RSA_4096);
    assert_int_equal(key_type_parse("ecdsa-p384", &t), 0);
    assert_int_equal(t, KEY_ECDSA_P384);
    assert_int_equal(key_type_parse("rsa-1024", &t), -1);
    assert_string_equal(key_type_name(KEY_ECDSA_P256), "ecdsa-p256");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_profile),   cmocka_unit_test(test_server_profile),
        cmocka_unit_test(test_client_profile), cmocka_unit_test(test_serials_differ),
        cmocka_unit_test(test_key_types),
    };

    return cmocka_run_group_tests_name("pki", tests, setup, teardown);
}
