#include "certinfo.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <string.h>

#define SERIAL_MAX      64 /* RFC 5280 allows 20 octets; some CAs write a few more */
#define FINGERPRINT_MAX 64
#define SAN_MAX         256

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* RFC 4514 separates RDNs with ","; keytool with ", ". An escaped "\," stays as it is. */
static void
spaced_name(const char *dn, size_t len, char *out, size_t size)
{
    size_t o = 0;

    for (size_t i = 0; i < len && o + 2 < size; i++) {
        out[o++] = dn[i];
        if (dn[i] == '\\' && i + 1 < len)
            out[o++] = dn[++i];
        else if (dn[i] == ',')
            out[o++] = ' ';
    }
    out[o] = '\0';
}

void
certinfo_name(gnutls_x509_crt_t crt, int issuer, char *out, size_t size)
{
    gnutls_datum_t dn = {NULL, 0};
    int rc =
        issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) : gnutls_x509_crt_get_dn3(crt, &dn, 0);

    if (rc < 0)
        snprintf(out, size, "(unreadable name: %s)", gnutls_strerror(rc));
    else
        spaced_name((const char *)dn.data, dn.size, out, size);
    gnutls_free(dn.data);
}

static int
utc(time_t t, struct tm *tm)
{
    return gmtime_r(&t, tm) != NULL;
}

void
certinfo_date(time_t t, char *out, size_t size)
{
    struct tm tm;

    if (!utc(t, &tm) || strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(out, size, "(time %lld)", (long long)t);
}

void
certinfo_java_date(time_t t, char *out, size_t size)
{
    struct tm tm;

    if (!utc(t, &tm) || strftime(out, size, "%a %b %d %H:%M:%S UTC %Y", &tm) == 0)
        snprintf(out, size, "(time %lld)", (long long)t);
}

void
certinfo_java_day(time_t t, char *out, size_t size)
{
    struct tm tm;

    if (!utc(t, &tm) || tm.tm_mon < 0 || tm.tm_mon > 11)
        snprintf(out, size, "(time %lld)", (long long)t);
    else
        snprintf(out, size, "%s %d, %d", months[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900);
}

static void
hex(const unsigned char *data, size_t len, const char *digits, const char *sep, char *out,
    size_t size)
{
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < len && o + 3 + strlen(sep) < size; i++) {
        if (i > 0 && sep[0] != '\0')
            o += (size_t)snprintf(out + o, size - o, "%s", sep);
        out[o++] = digits[data[i] >> 4];
        out[o++] = digits[data[i] & 0xf];
        out[o] = '\0';
    }
}

void
certinfo_serial(gnutls_x509_crt_t crt, char *out, size_t size)
{
    unsigned char serial[SERIAL_MAX];
    size_t len = sizeof(serial);
    char text[2 * SERIAL_MAX + 1];
    const char *p = text;

    if (gnutls_x509_crt_get_serial(crt, serial, &len) < 0 || len == 0) {
        snprintf(out, size, "(unreadable)");
        return;
    }
    hex(serial, len, "0123456789abcdef", "", text, sizeof(text));
    while (p[0] == '0' && p[1] != '\0')
        p++;
    snprintf(out, size, "%s", p);
}

void
certinfo_fingerprint(gnutls_x509_crt_t crt, gnutls_digest_algorithm_t digest, char *out,
                     size_t size)
{
    unsigned char fp[FINGERPRINT_MAX];
    size_t len = sizeof(fp);

    if (gnutls_x509_crt_get_fingerprint(crt, digest, fp, &len) < 0)
        snprintf(out, size, "(unavailable)");
    else
        hex(fp, len, "0123456789ABCDEF", ":", out, size);
}

static const char *
java_pk_name(gnutls_pk_algorithm_t pk)
{
    switch (pk) {
    case GNUTLS_PK_RSA:
        return "RSA";
    case GNUTLS_PK_ECDSA:
        return "ECDSA";
    case GNUTLS_PK_DSA:
        return "DSA";
    default:
        return NULL;
    }
}

void
certinfo_signature(gnutls_x509_crt_t crt, char *out, size_t size)
{
    int rc = gnutls_x509_crt_get_signature_algorithm(crt);
    gnutls_sign_algorithm_t sign = rc < 0 ? GNUTLS_SIGN_UNKNOWN : (gnutls_sign_algorithm_t)rc;
    const char *pk = java_pk_name(gnutls_sign_get_pk_algorithm(sign));
    const char *digest = gnutls_digest_get_name(gnutls_sign_get_hash_algorithm(sign));
    const char *name = gnutls_sign_get_name(sign);

    if (pk != NULL && digest != NULL)
        snprintf(out, size, "%swith%s", digest, pk);
    else
        snprintf(out, size, "%s", name ? name : "unknown");
}

static void
lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

void
certinfo_public_key(gnutls_x509_crt_t crt, char *out, size_t size)
{
    unsigned bits = 0;
    int pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
    gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
    gnutls_datum_t x = {NULL, 0};
    gnutls_datum_t y = {NULL, 0};
    char curve_name[32] = "";

    if (pk == GNUTLS_PK_ECDSA && gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, &x, &y) >= 0) {
        gnutls_free(x.data);
        gnutls_free(y.data);
        snprintf(curve_name, sizeof(curve_name), "%s", gnutls_ecc_curve_get_name(curve));
        lower(curve_name);
        snprintf(out, size, "%u-bit EC (%s) key", bits, curve_name);
    } else if (pk < 0) {
        snprintf(out, size, "unreadable: %s", gnutls_strerror(pk));
    } else {
        snprintf(out, size, "%u-bit %s key", bits, gnutls_pk_get_name((gnutls_pk_algorithm_t)pk));
    }
}

static int
san_text(unsigned type, const unsigned char *data, size_t len, char *out, size_t size)
{
    if (type == GNUTLS_SAN_DNSNAME || type == GNUTLS_SAN_RFC822NAME || type == GNUTLS_SAN_URI) {
        snprintf(out, size, "%.*s", (int)len, (const char *)data);
        return 0;
    }
    if (type == GNUTLS_SAN_IPADDRESS && (len == 4 || len == 16))
        return inet_ntop(len == 4 ? AF_INET : AF_INET6, data, out, (socklen_t)size) ? 0 : -1;
    return -1;
}

static void
append(char *list, size_t size, const char *text)
{
    size_t len = strlen(list);

    snprintf(list + len, size - len, "%s%s", len ? ", " : "", text);
}

int
certinfo_each_san(gnutls_x509_crt_t crt, certinfo_san_fn fn, const void *ctx, char *list,
                  size_t list_size)
{
    int found = 0;

    if (list != NULL)
        list[0] = '\0';
    for (unsigned i = 0; list != NULL || !found; i++) {
        unsigned char san[SAN_MAX + 1];
        size_t len = sizeof(san) - 1;
        unsigned type = 0;
        char text[SAN_MAX + 1];
        int rc = gnutls_x509_crt_get_subject_alt_name2(crt, i, san, &len, &type, NULL);

        if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER)
            continue; /* longer than any name we look for; not listed */
        if (rc < 0)
            break;
        if (fn != NULL && fn(type, san, len, ctx))
            found = 1;
        if (list != NULL && san_text(type, san, len, text, sizeof(text)) == 0)
            append(list, list_size, text);
    }
    return found;
}
