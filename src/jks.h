/* The Java KeyStore (JKS) format: encoder and bounds-checked decoder, bytes in and bytes out.
 *
 *   u32 magic FEEDFEED | u32 version 2 | u32 entry count
 *   each entry: u32 tag (1 private key, 2 trusted certificate)
 *               u16 length + alias (modified UTF-8) | u64 creation time, ms since 1970
 *     tag 1:    u32 length + EncryptedPrivateKeyInfo DER | u32 chain length, then per
 *               certificate: u16 length + "X.509" | u32 length + certificate DER
 *     tag 2:    u16 length + "X.509" | u32 length + certificate DER
 *   SHA-1 over the password as UTF-16BE, "Mighty Aphrodite" and every byte before it
 *
 * All integers are big-endian. */
#ifndef ETA_JKS_H
#define ETA_JKS_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "err.h"

#define JKS_MAGIC         0xfeedfeedu
#define JKS_VERSION       2
#define JKS_DIGEST_LEN    20
#define JKS_MAX_ENTRIES   4096 /* far beyond any real store; bounds what a hostile count costs */
#define JKS_MAX_CHAIN     64   /* certificates in one private-key entry's chain */
#define JKS_MAX_CERT_LEN  (1u << 20)
#define JKS_MAX_KEY_LEN   (1u << 20)
#define JKS_MAX_STORE_LEN (64u << 20)

enum jks_tag {
    JKS_PRIVATE_KEY = 1,
    JKS_TRUSTED_CERT = 2,
};

/* A DER blob that points into memory owned by someone else. */
struct jks_blob {
    const unsigned char *data;
    size_t len;
};

struct jks_entry {
    enum jks_tag tag;
    char alias[256]; /* modified UTF-8 as stored, NUL-terminated */
    uint64_t created_ms;
    struct jks_blob protected_key; /* EncryptedPrivateKeyInfo DER; private-key entries only */
    struct jks_blob *certs;        /* the chain, leaf first; one certificate for tag 2 */
    size_t n_certs;
};

struct jks_store {
    struct jks_entry *entries;
    size_t n_entries;
};

/* Encodes the entries as a keystore sealed with the password (UTF-16BE). Aliases must be
 * printable ASCII without upper case (JKS compares them lower-cased), at most 255 bytes. */
int jks_encode(const struct jks_entry *entries, size_t n_entries, const struct bytes *pw16,
               struct bytes *out, struct err *err);

/* Decodes a keystore. With pw16 non-NULL the integrity digest must match; with NULL it is not
 * checked (as keytool does without a password). Entries point into data, which must outlive the
 * store. Errors name the field and its offset. */
int jks_decode(const unsigned char *data, size_t len, const struct bytes *pw16,
               struct jks_store *store, struct err *err);

/* Computes the integrity digest over data. */
int jks_digest(const struct bytes *pw16, const unsigned char *data, size_t len,
               unsigned char out[JKS_DIGEST_LEN], struct err *err);

void jks_store_free(struct jks_store *store);

#endif
