#include "keyprotect.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libtasn1.h>
#include <string.h>

#include "asn.h"

/* The AlgorithmIdentifier parameters of the key protector: an ASN.1 NULL. */
static const unsigned char der_null[] = {0x05, 0x00};

static int
sha1_two(const struct bytes *pw16, const unsigned char *data, size_t len,
         unsigned char out[KEYPROTECT_SHA1_LEN], struct err *err)
{
    gnutls_hash_hd_t h;
    int rc = gnutls_hash_init(&h, GNUTLS_DIG_SHA1);

    if (rc < 0)
        return err_set(err, "key protector: SHA-1: %s", gnutls_strerror(rc));
    gnutls_hash(h, pw16->data, pw16->len);
    gnutls_hash(h, data, len);
    gnutls_hash_deinit(h, out);
    return 0;
}

/* XORs buf with the keystream that starts from the salt. */
static int
apply_keystream(const struct bytes *pw16, const unsigned char *salt, unsigned char *buf, size_t len,
                struct err *err)
{
    unsigned char block[KEYPROTECT_SHA1_LEN] = {0};
    const unsigned char *prev = salt;
    size_t off = 0;

    while (off < len) {
        size_t n = len - off < sizeof(block) ? len - off : sizeof(block);

        if (sha1_two(pw16, prev, KEYPROTECT_SHA1_LEN, block, err) != 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            buf[off + i] ^= block[i];
        prev = block;
        off += n;
    }
    gnutls_memset(block, 0, sizeof(block));
    return 0;
}

int
keyprotect_seal(const struct bytes *pw16, const unsigned char salt[KEYPROTECT_SALT_LEN],
                const unsigned char *plain, size_t plain_len, struct bytes *blob, struct err *err)
{
    unsigned char check[KEYPROTECT_SHA1_LEN];

    bytes_init(blob);
    if (sha1_two(pw16, plain, plain_len, check, err) != 0)
        return -1;
    bytes_put(blob, salt, KEYPROTECT_SALT_LEN);
    bytes_put(blob, plain, plain_len);
    bytes_put(blob, check, sizeof(check));
    if (blob->failed) {
        bytes_free(blob);
        return err_set(err, "key protector: out of memory");
    }
    if (apply_keystream(pw16, salt, blob->data + KEYPROTECT_SALT_LEN, plain_len, err) != 0) {
        bytes_free(blob);
        return -1;
    }
    return 0;
}

int
keyprotect_open(const struct bytes *pw16, const unsigned char *blob, size_t blob_len,
                struct bytes *plain, struct err *err)
{
    unsigned char check[KEYPROTECT_SHA1_LEN];
    size_t plain_len;

    bytes_init(plain);
    if (blob_len < KEYPROTECT_SALT_LEN + KEYPROTECT_SHA1_LEN)
        return err_set(err,
                       "key protector: protected key is %zu bytes, shorter than salt and "
                       "check value (%d)",
                       blob_len, KEYPROTECT_SALT_LEN + KEYPROTECT_SHA1_LEN);
    plain_len = blob_len - KEYPROTECT_SALT_LEN - KEYPROTECT_SHA1_LEN;
    if (bytes_set(plain, blob + KEYPROTECT_SALT_LEN, plain_len) != 0)
        return err_set(err, "key protector: out of memory");
    if (apply_keystream(pw16, blob, plain->data, plain_len, err) != 0 ||
        sha1_two(pw16, plain->data, plain_len, check, err) != 0) {
        bytes_free(plain);
        return -1;
    }
    if (gnutls_memcmp(check, blob + blob_len - KEYPROTECT_SHA1_LEN, sizeof(check)) != 0) {
        bytes_free(plain);
        return err_set(err, "key password is wrong (the key protector's check value does not "
                            "match)");
    }
    return 0;
}

static int
asn_fail(struct err *err, const char *step, int rc)
{
    return err_set(err, "EncryptedPrivateKeyInfo: %s: %s", step, asn1_strerror(rc));
}

static int
encode_epki(const struct bytes *blob, struct bytes *epki, struct err *err)
{
    asn1_node defs = asn_definitions(err);
    asn1_node node = NULL;
    int len = 0;
    int rc;

    bytes_init(epki);
    if (defs == NULL)
        return -1;
    rc = asn1_create_element(defs, "ExhibitorTlsArtifacts.EncryptedPrivateKeyInfo", &node);
    if (rc != ASN1_SUCCESS)
        return asn_fail(err, "create", rc);
    rc = asn1_write_value(node, "encryptionAlgorithm.algorithm", KEYPROTECT_OID, 1);
    if (rc == ASN1_SUCCESS)
        rc = asn1_write_value(node, "encryptionAlgorithm.parameters", der_null, sizeof(der_null));
    if (rc == ASN1_SUCCESS)
        rc = asn1_write_value(node, "encryptedData", blob->data, (int)blob->len);
    if (rc == ASN1_SUCCESS) {
        rc = asn1_der_coding(node, "", NULL, &len, NULL);
        if (rc == ASN1_MEM_ERROR)
            rc = bytes_resize(epki, (size_t)len) == 0
                     ? asn1_der_coding(node, "", epki->data, &len, NULL)
                     : ASN1_MEM_ALLOC_ERROR;
        epki->len = (size_t)len;
    }
    asn1_delete_structure(&node);
    if (rc != ASN1_SUCCESS) {
        bytes_free(epki);
        return asn_fail(err, "encode", rc);
    }
    return 0;
}

int
keyprotect_protect(const struct bytes *pw16, const unsigned char *pkcs8, size_t pkcs8_len,
                   struct bytes *epki, struct err *err)
{
    unsigned char salt[KEYPROTECT_SALT_LEN];
    struct bytes blob;
    int rc = gnutls_rnd(GNUTLS_RND_RANDOM, salt, sizeof(salt));

    bytes_init(epki);
    if (rc < 0)
        return err_set(err, "key protector: random salt: %s", gnutls_strerror(rc));
    if (keyprotect_seal(pw16, salt, pkcs8, pkcs8_len, &blob, err) != 0)
        return -1;
    rc = encode_epki(&blob, epki, err);
    bytes_free(&blob);
    return rc;
}

/* Reads a field of a decoded structure into out, sized to fit. */
static int
read_field(asn1_node node, const char *name, struct bytes *out)
{
    int len = 0;
    int rc = asn1_read_value(node, name, NULL, &len);

    bytes_init(out);
    if (rc == ASN1_MEM_ERROR) {
        if (bytes_resize(out, (size_t)len) != 0)
            return ASN1_MEM_ALLOC_ERROR;
        rc = asn1_read_value(node, name, out->data, &len);
        out->len = (size_t)len;
    }
    return rc;
}

static int
decode_epki(const unsigned char *der, size_t len, struct bytes *oid, struct bytes *blob,
            struct err *err)
{
    char detail[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
    asn1_node defs = asn_definitions(err);
    asn1_node node = NULL;
    int rc;

    bytes_init(oid);
    bytes_init(blob);
    if (defs == NULL)
        return -1;
    if (len > INT32_MAX)
        return err_set(err, "EncryptedPrivateKeyInfo: %zu bytes is too long", len);
    rc = asn1_create_element(defs, "ExhibitorTlsArtifacts.EncryptedPrivateKeyInfo", &node);
    if (rc != ASN1_SUCCESS)
        return asn_fail(err, "create", rc);
    rc = asn1_der_decoding(&node, der, (int)len, detail);
    if (rc != ASN1_SUCCESS) {
        asn1_delete_structure(&node);
        return err_set(err, "EncryptedPrivateKeyInfo: decode: %s %s", asn1_strerror(rc), detail);
    }
    rc = read_field(node, "encryptionAlgorithm.algorithm", oid);
    if (rc == ASN1_SUCCESS)
        rc = read_field(node, "encryptedData", blob);
    asn1_delete_structure(&node);
    if (rc != ASN1_SUCCESS) {
        bytes_free(oid);
        bytes_free(blob);
        return asn_fail(err, "read field", rc);
    }
    return 0;
}

int
keyprotect_recover(const struct bytes *pw16, const unsigned char *epki, size_t epki_len,
                   struct bytes *pkcs8, struct err *err)
{
    struct bytes oid;
    struct bytes blob;
    int rc;

    bytes_init(pkcs8);
    if (decode_epki(epki, epki_len, &oid, &blob, err) != 0)
        return -1;
    /* asn1_read_value returns the OID as a NUL-terminated dotted string. */
    if (oid.len == 0 || oid.data[oid.len - 1] != '\0' ||
        strcmp((const char *)oid.data, KEYPROTECT_OID) != 0) {
        err_set(err, "private key is protected with algorithm %s, not the JKS key protector (%s)",
                oid.len > 0 && oid.data[oid.len - 1] == '\0' ? (const char *)oid.data : "(none)",
                KEYPROTECT_OID);
        rc = -1;
    } else {
        rc = keyprotect_open(pw16, blob.data, blob.len, pkcs8, err);
    }
    bytes_free(&oid);
    bytes_free(&blob);
    return rc;
}
