#include "jks.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>

static const char whitener[] = "Mighty Aphrodite";
static const char cert_type[] = "X.509";

int
jks_digest(const struct bytes *pw16, const unsigned char *data, size_t len,
           unsigned char out[JKS_DIGEST_LEN], struct err *err)
{
    gnutls_hash_hd_t h;
    int rc = gnutls_hash_init(&h, GNUTLS_DIG_SHA1);

    if (rc < 0)
        return err_set(err, "keystore digest: %s", gnutls_strerror(rc));
    gnutls_hash(h, pw16->data, pw16->len);
    gnutls_hash(h, whitener, strlen(whitener));
    gnutls_hash(h, data, len);
    gnutls_hash_deinit(h, out);
    return 0;
}

/* ---- encoder ------------------------------------------------------------------------------ */

static int
check_alias(const char *alias, struct err *err)
{
    size_t len = strlen(alias);

    if (len == 0 || len >= sizeof(((struct jks_entry *)0)->alias))
        return err_set(err, "keystore alias '%s': length %zu is not within 1..255", alias, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)alias[i];

        if (c < 0x20 || c > 0x7e || (c >= 'A' && c <= 'Z'))
            return err_set(err, "keystore alias '%s': byte %zu is not lower-case printable ASCII",
                           alias, i);
    }
    return 0;
}

static void
put_certificate(struct bytes *out, const struct jks_blob *cert)
{
    bytes_put_u16(out, (uint16_t)strlen(cert_type));
    bytes_put(out, cert_type, strlen(cert_type));
    bytes_put_u32(out, (uint32_t)cert->len);
    bytes_put(out, cert->data, cert->len);
}

static int
put_entry(struct bytes *out, const struct jks_entry *e, struct err *err)
{
    if (check_alias(e->alias, err) != 0)
        return -1;
    if (e->tag == JKS_TRUSTED_CERT && e->n_certs != 1)
        return err_set(err,
                       "keystore entry '%s': a trusted certificate entry holds one "
                       "certificate, not %zu",
                       e->alias, e->n_certs);
    if (e->tag == JKS_PRIVATE_KEY && (e->n_certs == 0 || e->n_certs > JKS_MAX_CHAIN))
        return err_set(err, "keystore entry '%s': chain of %zu certificates is not within 1..%d",
                       e->alias, e->n_certs, JKS_MAX_CHAIN);
    bytes_put_u32(out, (uint32_t)e->tag);
    bytes_put_u16(out, (uint16_t)strlen(e->alias));
    bytes_put(out, e->alias, strlen(e->alias));
    bytes_put_u64(out, e->created_ms);
    if (e->tag == JKS_PRIVATE_KEY) {
        bytes_put_u32(out, (uint32_t)e->protected_key.len);
        bytes_put(out, e->protected_key.data, e->protected_key.len);
        bytes_put_u32(out, (uint32_t)e->n_certs);
    }
    for (size_t i = 0; i < e->n_certs; i++)
        put_certificate(out, &e->certs[i]);
    return 0;
}

int
jks_encode(const struct jks_entry *entries, size_t n_entries, const struct bytes *pw16,
           struct bytes *out, struct err *err)
{
    unsigned char digest[JKS_DIGEST_LEN];

    bytes_init(out);
    if (n_entries > JKS_MAX_ENTRIES)
        return err_set(err, "keystore: %zu entries, more than %d", n_entries, JKS_MAX_ENTRIES);
    bytes_put_u32(out, JKS_MAGIC);
    bytes_put_u32(out, JKS_VERSION);
    bytes_put_u32(out, (uint32_t)n_entries);
    for (size_t i = 0; i < n_entries; i++) {
        if (put_entry(out, &entries[i], err) != 0) {
            bytes_free(out);
            return -1;
        }
    }
    if (out->failed) {
        bytes_free(out);
        return err_set(err, "keystore: out of memory");
    }
    if (jks_digest(pw16, out->data, out->len, digest, err) != 0) {
        bytes_free(out);
        return -1;
    }
    bytes_put(out, digest, sizeof(digest));
    if (out->failed) {
        bytes_free(out);
        return err_set(err, "keystore: out of memory");
    }
    return 0;
}

/* ---- decoder ------------------------------------------------------------------------------ */

static int
truncated(struct err *err, const struct reader *r, const char *field, size_t need)
{
    return err_set(err, "keystore truncated at offset %zu: %s needs %zu bytes, %zu remain", r->off,
                   field, need, reader_left(r));
}

static int
read_u32_field(struct reader *r, const char *field, uint32_t *v, struct err *err)
{
    return reader_u32(r, v) == 0 ? 0 : truncated(err, r, field, 4);
}

/* A u32-length-prefixed blob, its length bounded by max and by what remains. */
static int
read_blob32(struct reader *r, const char *field, size_t max, struct jks_blob *blob, struct err *err)
{
    size_t at = r->off;
    uint32_t len;

    if (read_u32_field(r, field, &len, err) != 0)
        return -1;
    if (len > max)
        return err_set(err, "keystore offset %zu: %s length %u exceeds the limit of %zu", at, field,
                       len, max);
    if (len == 0)
        return err_set(err, "keystore offset %zu: %s is empty", at, field);
    if (reader_take(r, len, &blob->data) != 0)
        return truncated(err, r, field, len);
    blob->len = len;
    return 0;
}

static int
read_certificate(struct reader *r, struct jks_blob *cert, struct err *err)
{
    size_t at = r->off;
    const unsigned char *type;
    uint16_t type_len;

    if (reader_u16(r, &type_len) != 0)
        return truncated(err, r, "certificate type length", 2);
    if (reader_take(r, type_len, &type) != 0)
        return truncated(err, r, "certificate type", type_len);
    if (type_len != strlen(cert_type) || memcmp(type, cert_type, type_len) != 0)
        return err_set(err, "keystore offset %zu: certificate type of %u bytes is not X.509", at,
                       type_len);
    return read_blob32(r, "certificate", JKS_MAX_CERT_LEN, cert, err);
}

static int
read_chain(struct reader *r, struct jks_entry *e, struct err *err)
{
    size_t at = r->off;
    uint32_t n;

    if (e->tag == JKS_TRUSTED_CERT) {
        n = 1;
    } else {
        if (read_u32_field(r, "chain length", &n, err) != 0)
            return -1;
        if (n == 0 || n > JKS_MAX_CHAIN)
            return err_set(err, "keystore offset %zu: chain length %u is not within 1..%d", at, n,
                           JKS_MAX_CHAIN);
    }
    e->certs = calloc(n, sizeof(*e->certs));
    if (e->certs == NULL)
        return err_set(err, "keystore: out of memory");
    e->n_certs = n;
    for (uint32_t i = 0; i < n; i++) {
        if (read_certificate(r, &e->certs[i], err) != 0)
            return -1;
    }
    return 0;
}

static int
read_alias(struct reader *r, struct jks_entry *e, struct err *err)
{
    size_t at = r->off;
    const unsigned char *alias;
    uint16_t len;

    if (reader_u16(r, &len) != 0)
        return truncated(err, r, "alias length", 2);
    if (len >= sizeof(e->alias))
        return err_set(err, "keystore offset %zu: alias length %u exceeds the limit of %zu", at,
                       len, sizeof(e->alias) - 1);
    if (reader_take(r, len, &alias) != 0)
        return truncated(err, r, "alias", len);
    if (memchr(alias, 0, len) != NULL)
        return err_set(err, "keystore offset %zu: alias holds a NUL byte", at);
    memcpy(e->alias, alias, len);
    e->alias[len] = '\0';
    return 0;
}

static int
read_entry(struct reader *r, struct jks_entry *e, struct err *err)
{
    size_t at = r->off;
    uint32_t tag;

    if (read_u32_field(r, "entry tag", &tag, err) != 0)
        return -1;
    if (tag != JKS_PRIVATE_KEY && tag != JKS_TRUSTED_CERT)
        return err_set(err,
                       "keystore offset %zu: entry tag %u is neither a private key (1) nor "
                       "a trusted certificate (2)",
                       at, tag);
    e->tag = (enum jks_tag)tag;
    if (read_alias(r, e, err) != 0)
        return -1;
    if (reader_u64(r, &e->created_ms) != 0)
        return truncated(err, r, "creation time", 8);
    if (e->tag == JKS_PRIVATE_KEY &&
        read_blob32(r, "protected private key", JKS_MAX_KEY_LEN, &e->protected_key, err) != 0)
        return -1;
    return read_chain(r, e, err);
}

static int
read_header(struct reader *r, uint32_t *count, struct err *err)
{
    uint32_t magic;
    uint32_t version;

    if (reader_u32(r, &magic) != 0)
        return truncated(err, r, "magic", 4);
    if (magic != JKS_MAGIC)
        return err_set(err, "not a JKS keystore: magic is %08X, not FEEDFEED%s", magic,
                       (magic >> 24) == 0x30 ? " (it looks like PKCS#12)" : "");
    if (read_u32_field(r, "version", &version, err) != 0)
        return -1;
    if (version != JKS_VERSION)
        return err_set(err, "keystore offset 4: version %u is not supported (only 2)", version);
    if (read_u32_field(r, "entry count", count, err) != 0)
        return -1;
    if (*count > JKS_MAX_ENTRIES)
        return err_set(err, "keystore offset 8: entry count %u exceeds the limit of %d", *count,
                       JKS_MAX_ENTRIES);
    return 0;
}

static int
check_digest(const unsigned char *data, size_t len, const struct bytes *pw16, struct err *err)
{
    unsigned char digest[JKS_DIGEST_LEN];

    if (jks_digest(pw16, data, len - JKS_DIGEST_LEN, digest, err) != 0)
        return -1;
    if (memcmp(digest, data + len - JKS_DIGEST_LEN, JKS_DIGEST_LEN) != 0)
        return err_set(err, "keystore integrity digest does not match: wrong store password, or "
                            "the file was altered");
    return 0;
}

int
jks_decode(const unsigned char *data, size_t len, const struct bytes *pw16, struct jks_store *store,
           struct err *err)
{
    struct reader r;
    uint32_t count = 0;

    memset(store, 0, sizeof(*store));
    if (len > JKS_MAX_STORE_LEN)
        return err_set(err, "keystore is %zu bytes, more than the limit of %u", len,
                       JKS_MAX_STORE_LEN);
    if (len < 12 + JKS_DIGEST_LEN) {
        reader_init(&r, data, len);
        if (len >= 4 && read_header(&r, &count, err) != 0)
            return -1;
        return err_set(err, "keystore is %zu bytes, too short for a header and digest", len);
    }
    reader_init(&r, data, len - JKS_DIGEST_LEN);
    if (read_header(&r, &count, err) != 0)
        return -1;
    /* Each entry takes at least 4 + 2 + 8 + 2 + 4 bytes: a count beyond that is a lie. */
    if (count > reader_left(&r) / 20)
        return err_set(err, "keystore offset 8: entry count %u cannot fit in %zu bytes", count,
                       reader_left(&r));
    store->entries = calloc(count ? count : 1, sizeof(*store->entries));
    if (store->entries == NULL)
        return err_set(err, "keystore: out of memory");
    for (uint32_t i = 0; i < count; i++) {
        store->n_entries = i + 1;
        if (read_entry(&r, &store->entries[i], err) != 0)
            goto fail;
    }
    if (reader_left(&r) != 0) {
        err_set(err, "keystore offset %zu: %zu unexpected bytes before the digest", r.off,
                reader_left(&r));
        goto fail;
    }
    if (pw16 != NULL && check_digest(data, len, pw16, err) != 0)
        goto fail;
    return 0;
fail:
    jks_store_free(store);
    return -1;
}

void
jks_store_free(struct jks_store *store)
{
    for (size_t i = 0; i < store->n_entries; i++)
        free(store->entries[i].certs);
    free(store->entries);
    memset(store, 0, sizeof(*store));
}
