/* The JKS encoder field by field, the decoder against keytool's own stores, and the decoder's
 * refusal of damaged input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "helpers.h"
#include "jks.h"
#include "keyprotect.h"
#include "password.h"

static const unsigned char fake_cert_a[] = {0x30, 0x03, 0x02, 0x01, 0x07};
static const unsigned char fake_cert_b[] = {0x30, 0x04, 0x02, 0x02, 0x01, 0x00};
static const unsigned char fake_key[] = {0x30, 0x02, 0x05, 0x00};

static uint32_t
be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint16_t
be16(const unsigned char *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint64_t
be64(const unsigned char *p)
{
    return ((uint64_t)be32(p) << 32) | be32(p + 4);
}

/* The digest computed here independently: SHA-1(pw16 || "Mighty Aphrodite" || body). */
static void
assert_digest(const struct bytes *store, const struct bytes *pw16)
{
    size_t body = store->len - 20;
    unsigned char *buf = malloc(pw16->len + 16 + body);
    unsigned char want[20];

    assert_non_null(buf);
    memcpy(buf, pw16->data, pw16->len);
    memcpy(buf + pw16->len, "Mighty Aphrodite", 16);
    memcpy(buf + pw16->len + 16, store->data, body);
    assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA1, buf, pw16->len + 16 + body, want), 0);
    assert_memory_equal(store->data + body, want, 20);
    free(buf);
}

static size_t
assert_cert_at(const unsigned char *p, const unsigned char *der, size_t len)
{
    assert_int_equal(be16(p), 5);
    assert_memory_equal(p + 2, "X.509", 5);
    assert_int_equal(be32(p + 7), len);
    assert_memory_equal(p + 11, der, len);
    return 11 + len;
}

static void
test_encode_trusted_certificate_entry(void **state)
{
    struct bytes pw16 = pw("not-relevant-for-security");
    struct jks_blob cert = {fake_cert_a, sizeof(fake_cert_a)};
    struct jks_entry e = {.tag = JKS_TRUSTED_CERT,
                          .alias = "root-cert",
                          .created_ms = 0x0102030405060708ull,
                          .certs = &cert,
                          .n_certs = 1};
    struct err err = {0, ""};
    struct bytes out;
    const unsigned char *p;

    (void)state;
    assert_int_equal(jks_encode(&e, 1, &pw16, &out, &err), 0);
    p = out.data;
    assert_int_equal(be32(p), 0xfeedfeed);
    assert_int_equal(be32(p + 4), 2);
    assert_int_equal(be32(p + 8), 1);
    assert_int_equal(be32(p + 12), 2); /* tag: trusted certificate */
    assert_int_equal(be16(p + 16), 9);
    assert_memory_equal(p + 18, "root-cert", 9);
    assert_int_equal(be64(p + 27), 0x0102030405060708ull);
    p += 35 + assert_cert_at(p + 35, fake_cert_a, sizeof(fake_cert_a));
    assert_int_equal((size_t)(p - out.data) + 20, out.len);
    assert_digest(&out, &pw16);
    bytes_free(&out);
    bytes_free(&pw16);
}

static void
test_encode_private_key_entry_with_chain(void **state)
{
    struct bytes pw16 = pw("secret");
    struct jks_blob chain[2] = {{fake_cert_a, sizeof(fake_cert_a)},
                                {fake_cert_b, sizeof(fake_cert_b)}};
    struct jks_entry e = {.tag = JKS_PRIVATE_KEY,
                          .alias = "server-cert",
                          .created_ms = 1000,
                          .protected_key = {fake_key, sizeof(fake_key)},
                          .certs = chain,
                          .n_certs = 2};
    struct err err = {0, ""};
    struct bytes out;
    const unsigned char *p;

    (void)state;
    assert_int_equal(jks_encode(&e, 1, &pw16, &out, &err), 0);
    p = out.data + 12;
    assert_int_equal(be32(p), 1); /* tag: private key */
    assert_int_equal(be16(p + 4), 11);
    assert_memory_equal(p + 6, "server-cert", 11);
    assert_int_equal(be64(p + 17), 1000);
    assert_int_equal(be32(p + 25), sizeof(fake_key));
    assert_memory_equal(p + 29, fake_key, sizeof(fake_key));
    p += 29 + sizeof(fake_key);
    assert_int_equal(be32(p), 2); /* chain length */
    p += 4;
    p += assert_cert_at(p, fake_cert_a, sizeof(fake_cert_a));
    p += assert_cert_at(p, fake_cert_b, sizeof(fake_cert_b));
    assert_int_equal((size_t)(p - out.data) + 20, out.len);
    assert_digest(&out, &pw16);
    bytes_free(&out);
    bytes_free(&pw16);
}

static void
test_encoder_refuses_bad_aliases(void **state)
{
    struct bytes pw16 = pw("x");
    struct jks_blob cert = {fake_cert_a, sizeof(fake_cert_a)};
    struct jks_entry e = {.tag = JKS_TRUSTED_CERT, .alias = "Root", .certs = &cert, .n_certs = 1};
    struct err err = {0, ""};
    struct bytes out;

    (void)state;
    assert_int_equal(jks_encode(&e, 1, &pw16, &out, &err), -1);
    assert_non_null(strstr(err.msg, "lower-case"));
    e.alias[0] = '\0';
    assert_int_equal(jks_encode(&e, 1, &pw16, &out, &err), -1);
    bytes_free(&pw16);
}

static struct bytes
two_entry_store(const struct bytes *pw16)
{
    struct jks_blob chain[2] = {{fake_cert_a, sizeof(fake_cert_a)},
                                {fake_cert_b, sizeof(fake_cert_b)}};
    struct jks_entry e[2] = {
        {.tag = JKS_PRIVATE_KEY,
         .alias = "client-cert",
         .created_ms = 5,
         .protected_key = {fake_key, sizeof(fake_key)},
         .certs = chain,
         .n_certs = 2},
        {.tag = JKS_TRUSTED_CERT,
         .alias = "root-cert",
         .created_ms = 6,
         .certs = &chain[1],
         .n_certs = 1},
    };
    struct err err = {0, ""};
    struct bytes out;

    assert_int_equal(jks_encode(e, 2, pw16, &out, &err), 0);
    return out;
}

static void
test_round_trip(void **state)
{
    struct bytes pw16 = pw("round-trip");
    struct bytes store = two_entry_store(&pw16);
    struct jks_store s;
    struct err err = {0, ""};

    (void)state;
    assert_int_equal(jks_decode(store.data, store.len, &pw16, &s, &err), 0);
    assert_int_equal(s.n_entries, 2);
    assert_int_equal(s.entries[0].tag, JKS_PRIVATE_KEY);
    assert_string_equal(s.entries[0].alias, "client-cert");
    assert_int_equal(s.entries[0].created_ms, 5);
    assert_int_equal(s.entries[0].protected_key.len, sizeof(fake_key));
    assert_int_equal(s.entries[0].n_certs, 2);
    assert_memory_equal(s.entries[0].certs[1].data, fake_cert_b, sizeof(fake_cert_b));
    assert_int_equal(s.entries[1].tag, JKS_TRUSTED_CERT);
    assert_string_equal(s.entries[1].alias, "root-cert");
    jks_store_free(&s);
    bytes_free(&store);
    bytes_free(&pw16);
}

static void
test_wrong_password_and_flipped_byte(void **state)
{
    struct bytes pw16 = pw("right");
    struct bytes wrong = pw("wrong");
    struct bytes store = two_entry_store(&pw16);
    struct jks_store s;
    struct err err = {0, ""};

    (void)state;
    assert_int_equal(jks_decode(store.data, store.len, &wrong, &s, &err), -1);
    assert_non_null(strstr(err.msg, "digest does not match"));
    /* Without a password the digest is not checked, as keytool does. */
    assert_int_equal(jks_decode(store.data, store.len, NULL, &s, &err), 0);
    jks_store_free(&s);
    store.data[36] ^= 1; /* a byte of the first creation time */
    assert_int_equal(jks_decode(store.data, store.len, &pw16, &s, &err), -1);
    assert_non_null(strstr(err.msg, "digest does not match"));
    bytes_free(&store);
    bytes_free(&pw16);
    bytes_free(&wrong);
}

/* Every prefix of a valid store is refused cleanly (ASan catches any read past the end). */
static void
test_every_truncation_is_refused(void **state)
{
    struct bytes pw16 = pw("t");
    struct bytes store = two_entry_store(&pw16);

    (void)state;
    for (size_t len = 0; len < store.len; len++) {
        unsigned char *copy = malloc(len ? len : 1);
        struct jks_store s;
        struct err err = {0, ""};

        memcpy(copy, store.data, len);
        assert_int_equal(jks_decode(copy, len, NULL, &s, &err), -1);
        assert_true(err.msg[0] != '\0');
        free(copy);
    }
    bytes_free(&store);
    bytes_free(&pw16);
}

static void
expect_decode_error(const unsigned char *data, size_t len, const char *want)
{
    struct jks_store s;
    struct err err = {0, ""};

    assert_int_equal(jks_decode(data, len, NULL, &s, &err), -1);
    if (strstr(err.msg, want) == NULL)
        fail_msg("message '%s' does not say '%s'", err.msg, want);
}

static void
test_hostile_headers(void **state)
{
    unsigned char buf[64] = {0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2};
    unsigned char pkcs12[64] = {0x30, 0x82, 0x0a, 0x10, 0x02, 0x01, 0x03};

    (void)state;
    expect_decode_error(pkcs12, sizeof(pkcs12), "PKCS#12");
    buf[8] = 0xff; /* entry count 0xff000000 */
    expect_decode_error(buf, sizeof(buf), "entry count");
    buf[8] = 0;
    buf[11] = 200; /* 200 entries cannot fit in 64 bytes */
    expect_decode_error(buf, sizeof(buf), "cannot fit");
    buf[11] = 1;
    buf[15] = 3; /* unknown tag */
    expect_decode_error(buf, sizeof(buf), "entry tag 3");
    buf[7] = 1;
    expect_decode_error(buf, sizeof(buf), "version 1");
}

static void
test_hostile_lengths(void **state)
{
    struct bytes pw16 = pw("h");
    struct bytes store = two_entry_store(&pw16);
    /* The protected key's length field of the first entry (at 12 + 4 + 2 + 11 + 8). */
    size_t key_len_at = 37;

    (void)state;
    store.data[key_len_at] = 0x7f;
    expect_decode_error(store.data, store.len, "protected private key length");
    store.data[key_len_at] = 0;
    store.data[key_len_at + 3] = 0xff;
    expect_decode_error(store.data, store.len, "truncated");
    bytes_free(&store);
    bytes_free(&pw16);
}

/* ---- stores written by keytool ------------------------------------------------------------ */

static void
assert_cert_is_fixture(const struct jks_blob *cert, const char *der_name)
{
    size_t len;
    unsigned char *der = read_fixture(der_name, &len);

    assert_int_equal(cert->len, len);
    assert_memory_equal(cert->data, der, len);
    free(der);
}

/* The key that Java's own key protector wrapped comes out, and belongs to the certificate. */
static void
assert_key_matches(const struct jks_entry *e, const struct bytes *pw16)
{
    struct err err = {0, ""};
    struct bytes pkcs8;
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
    gnutls_datum_t d;
    unsigned char key_id[64];
    unsigned char crt_id[64];
    size_t key_id_len = sizeof(key_id);
    size_t crt_id_len = sizeof(crt_id);

    if (keyprotect_recover(pw16, e->protected_key.data, e->protected_key.len, &pkcs8, &err))
        fail_msg("%s: %s", e->alias, err.msg);
    d = (gnutls_datum_t){pkcs8.data, (unsigned)pkcs8.len};
    assert_int_equal(gnutls_x509_privkey_init(&key), 0);
    assert_int_equal(
        gnutls_x509_privkey_import_pkcs8(key, &d, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN), 0);
    d = (gnutls_datum_t){(unsigned char *)e->certs[0].data, (unsigned)e->certs[0].len};
    assert_int_equal(gnutls_x509_crt_init(&crt), 0);
    assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER), 0);
    assert_int_equal(gnutls_x509_privkey_get_key_id(key, 0, key_id, &key_id_len), 0);
    assert_int_equal(gnutls_x509_crt_get_key_id(crt, 0, crt_id, &crt_id_len), 0);
    assert_int_equal(key_id_len, crt_id_len);
    assert_memory_equal(key_id, crt_id, key_id_len);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
    bytes_free(&pkcs8);
}

/* Java writes EC keys in PKCS#8 without the optional public key, which GnuTLS 3.7 will not
 * import; the check value matching already proves the key came out whole. */
static void
assert_ec_key_recovers(const struct jks_entry *e, const struct bytes *pw16)
{
    static const unsigned char id_ec_public_key[] = {0x06, 0x07, 0x2a, 0x86, 0x48,
                                                     0xce, 0x3d, 0x02, 0x01};
    struct err err = {0, ""};
    struct bytes pkcs8;

    if (keyprotect_recover(pw16, e->protected_key.data, e->protected_key.len, &pkcs8, &err))
        fail_msg("%s: %s", e->alias, err.msg);
    assert_int_equal(pkcs8.data[0], 0x30);
    assert_non_null(memmem(pkcs8.data, pkcs8.len, id_ec_public_key, sizeof(id_ec_public_key)));
    bytes_free(&pkcs8);
}

static void
test_reads_keytool_store(void **state)
{
    struct bytes pw16 = pw("fixture-pass");
    struct bytes wrong = pw("fixture-pasS");
    size_t len;
    unsigned char *data = read_fixture("mixed.jks", &len);
    struct jks_store s;
    struct err err = {0, ""};
    const struct jks_entry *e;

    (void)state;
    if (jks_decode(data, len, &pw16, &s, &err) != 0)
        fail_msg("mixed.jks: %s", err.msg);
    assert_int_equal(s.n_entries, 3);

    e = find_entry(&s, "rsa-server");
    assert_int_equal(e->tag, JKS_PRIVATE_KEY);
    assert_int_equal(e->n_certs, 1);
    assert_true(e->created_ms > 1500000000000ull);
    assert_cert_is_fixture(&e->certs[0], "rsa-server.der");
    assert_key_matches(e, &pw16);

    e = find_entry(&s, "ec-client");
    assert_int_equal(e->tag, JKS_PRIVATE_KEY);
    assert_cert_is_fixture(&e->certs[0], "ec-client.der");
    assert_ec_key_recovers(e, &pw16);

    e = find_entry(&s, "trusted-ca");
    assert_int_equal(e->tag, JKS_TRUSTED_CERT);
    assert_int_equal(e->n_certs, 1);
    assert_cert_is_fixture(&e->certs[0], "trusted-ca.der");
    jks_store_free(&s);

    assert_int_equal(jks_decode(data, len, &wrong, &s, &err), -1);
    assert_non_null(strstr(err.msg, "digest does not match"));
    free(data);
    bytes_free(&pw16);
    bytes_free(&wrong);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_trusted_certificate_entry),
        cmocka_unit_test(test_encode_private_key_entry_with_chain),
        cmocka_unit_test(test_encoder_refuses_bad_aliases),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_wrong_password_and_flipped_byte),
        cmocka_unit_test(test_every_truncation_is_refused),
        cmocka_unit_test(test_hostile_headers),
        cmocka_unit_test(test_hostile_lengths),
        cmocka_unit_test(test_reads_keytool_store),
    };

    return cmocka_run_group_tests_name("jks", tests, NULL, NULL);
}
