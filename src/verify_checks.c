#include "verify_checks.h"

#include <gnutls/gnutls.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "certinfo.h"

#define SAN_LIST_MAX 400
#define OID_MAX      128
#define REASONS_MAX  400
#define REASON_MAX   128
#define SECONDS_DAY  86400

/* Names every node certificate carries, whatever the node: Admin Router reaches the local
 * Exhibitor as https://exhibitor, operators as https://localhost or https://127.0.0.1. */
static const char *const fixed_dns_sans[] = {"localhost", "exhibitor"};
static const unsigned char loopback_ipv4[4] = {127, 0, 0, 1};

static const char oid_any_eku[] = "2.5.29.37.0";

struct role_rule {
    const char *use;    /* what the role's certificate is for, for messages */
    int ca;             /* basicConstraints CA:TRUE required (1) or refused (0) */
    unsigned key_usage; /* a keyUsage, when present, must allow this */
    const char *key_usage_name;
    const char *eku; /* an extendedKeyUsage, when present, must allow this; NULL: not checked */
    const char *eku_name;
};

static const struct role_rule role_rules[] = {
    [ROLE_ROOT] = {"a root CA", 1, GNUTLS_KEY_KEY_CERT_SIGN, "keyCertSign", NULL, NULL},
    [ROLE_SERVER] = {"TLS server use", 0, GNUTLS_KEY_DIGITAL_SIGNATURE, "digitalSignature",
                     GNUTLS_KP_TLS_WWW_SERVER, "serverAuth"},
    [ROLE_CLIENT] = {"TLS client use", 0, GNUTLS_KEY_DIGITAL_SIGNATURE, "digitalSignature",
                     GNUTLS_KP_TLS_WWW_CLIENT, "clientAuth"},
};

/* Appends text to a list separated by sep. */
static void
add_reason(char *list, size_t size, const char *text, const char *sep)
{
    size_t len = strlen(list);

    snprintf(list + len, size - len, "%s%s", len ? sep : "", text);
}

static void
role_basic_constraints(gnutls_x509_crt_t crt, const struct role_rule *rule, char *reasons,
                       size_t size)
{
    unsigned critical = 0;
    unsigned ca = 0;
    int pathlen = -1;
    int rc = gnutls_x509_crt_get_basic_constraints(crt, &critical, &ca, &pathlen);

    if (rule->ca && (rc < 0 || !ca))
        add_reason(reasons, size, "not a CA (basicConstraints CA:TRUE is missing)", "; ");
    if (!rule->ca && rc >= 0 && ca)
        add_reason(reasons, size, "basicConstraints CA:TRUE: a node certificate must not be a CA",
                   "; ");
}

static void
role_key_usage(gnutls_x509_crt_t crt, const struct role_rule *rule, char *reasons, size_t size)
{
    unsigned usage = 0;
    unsigned critical = 0;
    char text[REASON_MAX];

    if (gnutls_x509_crt_get_key_usage(crt, &usage, &critical) < 0)
        return; /* no keyUsage: every use allowed */
    if (!(usage & rule->key_usage)) {
        snprintf(text, sizeof(text), "keyUsage lacks %s", rule->key_usage_name);
        add_reason(reasons, size, text, "; ");
    }
}

/* 1 when the extendedKeyUsage allows the purpose or is absent, 0 when it does not allow it. */
static int
eku_allows(gnutls_x509_crt_t crt, const char *purpose)
{
    int found_any = 0;

    for (unsigned i = 0;; i++) {
        char oid[OID_MAX];
        size_t size = sizeof(oid);
        unsigned critical = 0;
        int rc = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &size, &critical);

        if (rc < 0 && rc != GNUTLS_E_SHORT_MEMORY_BUFFER)
            return !found_any;
        found_any = 1;
        if (rc < 0)
            continue; /* an OID too long to be one we look for */
        if (strcmp(oid, purpose) == 0 || strcmp(oid, oid_any_eku) == 0)
            return 1;
    }
}

static void
role_eku(gnutls_x509_crt_t crt, const struct role_rule *rule, char *reasons, size_t size)
{
    char text[REASON_MAX];

    if (rule->eku == NULL || eku_allows(crt, rule->eku))
        return;
    snprintf(text, sizeof(text), "extendedKeyUsage lacks %s", rule->eku_name);
    add_reason(reasons, size, text, "; ");
}

void
check_role(struct verify_report *r, const char *file, gnutls_x509_crt_t crt, enum cert_role role)
{
    const struct role_rule *rule = &role_rules[role];
    char reasons[REASONS_MAX] = "";

    role_basic_constraints(crt, rule, reasons, sizeof(reasons));
    role_key_usage(crt, rule, reasons, sizeof(reasons));
    role_eku(crt, rule, reasons, sizeof(reasons));
    if (reasons[0] != '\0') {
        vreport_add(r, CHECK_FAIL, file, "role", "not fit for %s: %s", rule->use, reasons);
    } else if (role == ROLE_ROOT) {
        vreport_add(r, CHECK_OK, file, "role", "a CA allowed to sign certificates");
    } else {
        vreport_add(r, CHECK_OK, file, "role", "%s certificate allows %s and is not a CA",
                    cert_role_name(role), rule->use);
    }
}

void
check_validity(struct verify_report *r, const char *file, gnutls_x509_crt_t crt, time_t now,
               unsigned warn_days)
{
    time_t from = gnutls_x509_crt_get_activation_time(crt);
    time_t until = gnutls_x509_crt_get_expiration_time(crt);
    char from_text[CERTINFO_TEXT_MAX];
    char until_text[CERTINFO_TEXT_MAX];

    certinfo_date(from, from_text, sizeof(from_text));
    certinfo_date(until, until_text, sizeof(until_text));
    if (from == (time_t)-1 || until == (time_t)-1)
        vreport_add(r, CHECK_FAIL, file, "validity", "validity dates cannot be read");
    else if (until <= now)
        vreport_add(r, CHECK_FAIL, file, "validity", "expired on %s", until_text);
    else if (from > now)
        vreport_add(r, CHECK_FAIL, file, "validity", "not valid yet: valid from %s", from_text);
    else if ((until - now) / SECONDS_DAY < (time_t)warn_days)
        vreport_add(r, CHECK_WARN, file, "validity",
                    "expires on %s, in %lld days (warning from %u)", until_text,
                    (long long)((until - now) / SECONDS_DAY), warn_days);
    else
        vreport_add(r, CHECK_OK, file, "validity", "valid until %s", until_text);
}

void
check_chain(struct verify_report *r, const char *file, gnutls_x509_crt_t crt,
            gnutls_x509_crt_t root)
{
    const unsigned flags =
        GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
    unsigned status = 0;
    gnutls_datum_t why = {NULL, 0};
    char issuer[CHECK_MESSAGE_MAX / 2];
    int rc = gnutls_x509_crt_verify(crt, &root, 1, flags, &status);

    if (rc >= 0 && status == 0) {
        vreport_add(r, CHECK_OK, file, "chain", "signed by the root in root-cert.pem");
        return;
    }
    certinfo_name(crt, 1, issuer, sizeof(issuer));
    if (rc < 0) {
        vreport_add(r, CHECK_FAIL, file, "chain", "cannot verify against root-cert.pem: %s",
                    gnutls_strerror(rc));
        return;
    }
    gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0);
    vreport_add(r, CHECK_FAIL, file, "chain",
                "not signed by the root in root-cert.pem (issuer %s; from another tree?): %s",
                issuer, why.data ? (const char *)why.data : "");
    gnutls_free(why.data);
}

static int
match_dns(unsigned type, const unsigned char *san, size_t len, const void *name)
{
    const char *want = name;

    return type == GNUTLS_SAN_DNSNAME && len == strlen(want) &&
           strncasecmp((const char *)san, want, len) == 0;
}

static int
match_ip(unsigned type, const unsigned char *san, size_t len, const void *addr)
{
    const struct node_addr *a = addr;

    return type == GNUTLS_SAN_IPADDRESS && len == a->ip_len && memcmp(san, a->ip, len) == 0;
}

int
cert_names_address(gnutls_x509_crt_t crt, const struct node_addr *a)
{
    if (a->kind == ADDR_DNS)
        return certinfo_each_san(crt, match_dns, a->text, NULL, 0);
    return certinfo_each_san(crt, match_ip, a, NULL, 0);
}

/* The names missing from the certificate, as a ", "-separated list. */
static void
missing_sans(gnutls_x509_crt_t crt, const struct node_addr *node, char *missing, size_t size)
{
    struct node_addr loopback = {.kind = ADDR_IPV4, .text = "127.0.0.1", .ip_len = 4};

    memcpy(loopback.ip, loopback_ipv4, sizeof(loopback_ipv4));
    for (size_t i = 0; i < sizeof(fixed_dns_sans) / sizeof(fixed_dns_sans[0]); i++) {
        if (!certinfo_each_san(crt, match_dns, fixed_dns_sans[i], NULL, 0))
            add_reason(missing, size, fixed_dns_sans[i], ", ");
    }
    if (!cert_names_address(crt, &loopback))
        add_reason(missing, size, loopback.text, ", ");
    if (node != NULL && !cert_names_address(crt, node))
        add_reason(missing, size, node->text, ", ");
}

void
check_sans(struct verify_report *r, const char *file, gnutls_x509_crt_t crt,
           const struct node_addr *node, enum check_status unknown_status, const char *unknown_why)
{
    char names[SAN_LIST_MAX] = "";
    char missing[SAN_LIST_MAX] = "";

    certinfo_each_san(crt, NULL, NULL, names, sizeof(names));
    missing_sans(crt, node, missing, sizeof(missing));
    if (missing[0] != '\0')
        vreport_add(r, CHECK_FAIL, file, "san", "does not name %s (it names: %s)", missing,
                    names[0] ? names : "nothing");
    else if (node == NULL)
        vreport_add(r, unknown_status, file, "san",
                    "names %s; the node's own address not checked: %s", names, unknown_why);
    else
        vreport_add(r, CHECK_OK, file, "san", "names %s, including the node's address %s", names,
                    node->text);
}
