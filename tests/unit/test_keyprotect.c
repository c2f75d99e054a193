/* The Sun JKS key protector: protect then recover, wrong passwords, and the DER around it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "helpers.h"
#include "keyprotect.h"
#include "password.h"

/* A stand-in for a PKCS#8 PrivateKeyInfo: the protector treats it as opaque bytes. */
static void
fill_plaintext(unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (unsigned char)(i * 7 + 3);
}

static void
test_protect_then_recover(void **state)
{
    static const size_t lengths[] = {1, 19, 20, 21, 40, 1217, 2400};
    struct bytes pw16 = pw("not-relevant-for-security");

    (void)state;
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        unsigned char plain[2400];
        struct bytes epki;
        struct bytes back;
        struct err err = {0, ""};

        fill_plaintext(plain, lengths[i]);
        assert_int_equal(keyprotect_protect(&pw16, plain, lengths[i], &epki, &err), 0);
        assert_int_equal(keyprotect_recover(&pw16, epki.data, epki.len, &back, &err), 0);
        assert_int_equal(back.len, lengths[i]);
        assert_memory_equal(back.data, plain, lengths[i]);
        bytes_free(&epki);
        bytes_free(&back);
    }
    bytes_free(&pw16);
}

static void
test_wrong_password_is_detected(void **state)
{
    struct bytes right = pw("not-relevant-for-security");
    struct bytes wrong = pw("not-relevant-for-securitY");
    unsigned char plain[300];
    struct bytes epki;
    struct bytes back;
    struct err err = {0, ""};

    (void)state;
    fill_plaintext(plain, sizeof(plain));
    assert_int_equal(keyprotect_protect(&right, plain, sizeof(plain), &epki, &err), 0);
    assert_int_equal(keyprotect_recover(&wrong, epki.data, epki.len, &back, &err), -1);
    assert_non_null(strstr(err.msg, "key password is wrong"));
    bytes_free(&epki);
    bytes_free(&right);
    bytes_free(&wrong);
}

/* blob = salt || plaintext XOR keystream || SHA1(pw || plaintext), keystream from the salt. */
static void
test_seal_layout(void **state)
{
    struct bytes pw16 = pw("pw");
    unsigned char salt[KEYPROTECT_SALT_LEN];
    unsigned char plain[25];
    unsigned char d1[20];
    unsigned char check[20];
    unsigned char buf[64];
    struct bytes blob;
    struct err err = {0, ""};

    (void)state;
    memset(salt, 0xab, sizeof(salt));
    fill_plaintext(plain, sizeof(plain));
    assert_int_equal(keyprotect_seal(&pw16, salt, plain, sizeof(plain), &blob, &err), 0);
    assert_int_equal(blob.len, 20 + sizeof(plain) + 20);
    assert_memory_equal(blob.data, salt, 20);

    memcpy(buf, pw16.data, pw16.len);
    memcpy(buf + pw16.len, salt, 20);
    assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA1, buf, pw16.len + 20, d1), 0);
    for (size_t i = 0; i < 20; i++)
        assert_int_equal(blob.data[20 + i], plain[i] ^ d1[i]);

    memcpy(buf + pw16.len, plain, sizeof(plain));
    assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA1, buf, pw16.len + sizeof(plain), check), 0);
    assert_memory_equal(blob.data + 20 + sizeof(plain), check, 20);
    bytes_free(&blob);
    bytes_free(&pw16);
}

/* SEQUENCE { SEQUENCE { OID 1.3.6.1.4.1.42.2.17.1.1, NULL }, OCTET STRING blob } */
static void
test_encrypted_private_key_info_der(void **state)
{
    static const unsigned char algorithm[] = {0x30, 0x0e, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04,
                                              0x01, 0x2a, 0x02, 0x11, 0x01, 0x01, 0x05, 0x00};
    struct bytes pw16 = pw("x");
    unsigned char plain[100];
    struct bytes epki;
    struct err err = {0, ""};

    (void)state;
    fill_plaintext(plain, sizeof(plain));
    assert_int_equal(keyprotect_protect(&pw16, plain, sizeof(plain), &epki, &err), 0);
    /* The blob is salt 20 + key 100 + check 20 = 140 bytes: OCTET STRING 04 81 8c, and the
     * outer SEQUENCE holds 16 + 3 + 140 = 159 bytes. */
    assert_int_equal(epki.data[0], 0x30);
    assert_int_equal(epki.data[1], 0x81);
    assert_int_equal(epki.data[2], 16 + 3 + 140);
    assert_memory_equal(epki.data + 3, algorithm, sizeof(algorithm));
    assert_int_equal(epki.data[19], 0x04);
    assert_int_equal(epki.data[20], 0x81);
    assert_int_equal(epki.data[21], 140);
    assert_int_equal(epki.len, 22 + 140);
    bytes_free(&epki);
    bytes_free(&pw16);
}

static void
test_other_algorithm_is_refused(void **state)
{
    struct bytes pw16 = pw("x");
    unsigned char plain[30];
    struct bytes epki;
    struct bytes back;
    struct err err = {0, ""};

    (void)state;
    fill_plaintext(plain, sizeof(plain));
    assert_int_equal(keyprotect_protect(&pw16, plain, sizeof(plain), &epki, &err), 0);
    epki.data[15] ^= 0x01; /* the OID's last arc: 1.1 becomes 1.0 */
    assert_int_equal(keyprotect_recover(&pw16, epki.data, epki.len, &back, &err), -1);
    assert_non_null(strstr(err.msg, "not the JKS key protector"));
    epki.len = 10;
    assert_int_equal(keyprotect_recover(&pw16, epki.data, epki.len, &back, &err), -1);
    bytes_free(&epki);
    bytes_free(&pw16);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protect_then_recover),
        cmocka_unit_test(test_wrong_password_is_detected),
        cmocka_unit_test(test_seal_layout),
        cmocka_unit_test(test_encrypted_private_key_info_der),
        cmocka_unit_test(test_other_algorithm_is_refused),
    };

    return cmocka_run_group_tests_name("keyprotect", tests, NULL, NULL);
}
