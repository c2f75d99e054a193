/* The Sun JKS key protector (OID 1.3.6.1.4.1.42.2.17.1.1) around a PKCS#8 PrivateKeyInfo.
 *
 * With pw the password as UTF-16BE: a 20-byte random salt; a keystream of SHA-1 blocks
 * d1 = SHA1(pw || salt), d(i+1) = SHA1(pw || d(i)); check = SHA1(pw || plaintext). The
 * protected blob is salt || (plaintext XOR keystream) || check, carried as the OCTET STRING of
 * an EncryptedPrivateKeyInfo whose algorithm is the OID above with NULL parameters. */
#ifndef ETA_KEYPROTECT_H
#define ETA_KEYPROTECT_H

#include "bytes.h"
#include "err.h"

#define KEYPROTECT_OID      "1.3.6.1.4.1.42.2.17.1.1"
#define KEYPROTECT_SALT_LEN 20
#define KEYPROTECT_SHA1_LEN 20

/* The raw protector, salt given: blob = salt || ciphertext || check. */
int keyprotect_seal(const struct bytes *pw16, const unsigned char salt[KEYPROTECT_SALT_LEN],
                    const unsigned char *plain, size_t plain_len, struct bytes *blob,
                    struct err *err);

/* Reverses keyprotect_seal; a wrong password shows as a check value that does not match. */
int keyprotect_open(const struct bytes *pw16, const unsigned char *blob, size_t blob_len,
                    struct bytes *plain, struct err *err);

/* PKCS#8 PrivateKeyInfo DER in, EncryptedPrivateKeyInfo DER out, with a fresh random salt. */
int keyprotect_protect(const struct bytes *pw16, const unsigned char *pkcs8, size_t pkcs8_len,
                       struct bytes *epki, struct err *err);

/* EncryptedPrivateKeyInfo DER in (the protector's OID required), PrivateKeyInfo DER out. */
int keyprotect_recover(const struct bytes *pw16, const unsigned char *epki, size_t epki_len,
                       struct bytes *pkcs8, struct err *err);

#endif
