/* libFuzzer target over the JKS reader: each input is read as a keystore from disk would be, by
 * the decoder with and without the store password, by inspect's listing (every certificate of
 * every entry), and by the key protector for each private-key entry. The PKCS#8 walker that
 * completes Java's EC keys sits behind the key protector's SHA-1 check value, which no fuzzer
 * gets through, so it is fed the input directly as well. */
#include <gnutls/gnutls.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "inspect.h"
#include "jks.h"
#include "keyprotect.h"
#include "load.h"
#include "password.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bytes pw16;
static FILE *sink;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct err err = {0, ""};

    (void)argc;
    (void)argv;
    if (password_utf16be(DEFAULT_STORE_PASSWORD, &pw16, &err) != 0)
        abort();
    sink = fopen("/dev/null", "w");
    if (sink == NULL)
        abort();
    return 0;
}

/* Whatever the decoder hands back lies within the input. */
static void
check_within(const uint8_t *data, size_t size, const struct jks_blob *b)
{
    if (b->data < data || b->len > size || b->data + b->len > data + size)
        abort();
}

static void
open_keys(const uint8_t *data, size_t size)
{
    struct jks_store store;
    struct err err = {0, ""};

    if (jks_decode(data, size, NULL, &store, &err) != 0)
        return;
    for (size_t i = 0; i < store.n_entries; i++) {
        const struct jks_entry *e = &store.entries[i];
        const struct jks_blob *key;
        struct bytes pkcs8;

        for (size_t j = 0; j < e->n_certs; j++)
            check_within(data, size, &e->certs[j]);
        if (e->tag != JKS_PRIVATE_KEY)
            continue;
        key = &e->protected_key;
        check_within(data, size, key);
        if (keyprotect_recover(&pw16, key->data, key->len, &pkcs8, &err) == 0)
            bytes_free(&pkcs8);
    }
    jks_store_free(&store);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jks_store store;
    struct err err = {0, ""};
    gnutls_ecc_curve_t curve;
    gnutls_datum_t scalar;

    if (jks_decode(data, size, &pw16, &store, &err) == 0)
        jks_store_free(&store);
    open_keys(data, size);
    inspect_store(data, size, NULL, sink, &err);
    inspect_store(data, size, &pw16, sink, &err);
    load_ec_scalar(data, size, &curve, &scalar, &err);
    return 0;
}
