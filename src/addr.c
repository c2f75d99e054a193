#include "addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define DNS_LABEL_MAX 63

const char *
addr_kind_name(enum addr_kind kind)
{
    switch (kind) {
    case ADDR_IPV4:
        return "IPv4";
    case ADDR_IPV6:
        return "IPv6";
    case ADDR_DNS:
        return "DNS";
    }
    return "?";
}

/* Strict dotted quad: exactly four decimal octets 0..255, no leading zeros. Writes the reason a
 * string is not one into why. */
static int
parse_ipv4(const char *s, unsigned char ip[4], const char **why)
{
    const char *p = s;

    for (int i = 0; i < 4; i++) {
        unsigned v = 0;
        int digits = 0;

        if (i > 0) {
            if (*p != '.') {
                *why = "an IPv4 address has four parts";
                return -1;
            }
            p++;
        }
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
            *why = "hexadecimal parts are not accepted";
            return -1;
        }
        while (isdigit((unsigned char)*p)) {
            v = v * 10 + (unsigned)(*p - '0');
            if (++digits > 3 || v > 255) {
                *why = "each part must be 0..255";
                return -1;
            }
            p++;
        }
        if (digits == 0) {
            *why = "each part must be a decimal number 0..255";
            return -1;
        }
        if (digits > 1 && p[-digits] == '0') {
            *why = "leading zeros are not accepted (some parsers read them as octal)";
            return -1;
        }
        ip[i] = (unsigned char)v;
    }
    if (*p != '\0') {
        *why = "an IPv4 address has four parts and nothing after them";
        return -1;
    }
    return 0;
}

/* True when the argument can only have been meant as an IPv4 address: a name's last label is
 * never all digits (RFC 3696), nor hexadecimal-prefixed. */
static int
looks_like_ipv4(const char *s)
{
    const char *last = strrchr(s, '.');
    const char *label = last ? last + 1 : s;
    size_t n = strlen(label);

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return 1;
    if (n == 0) /* trailing dot: judge by the label before it */
        return last != NULL && last != s && isdigit((unsigned char)last[-1]);
    return strspn(label, "0123456789") == n;
}

static int
check_dns_label(const char *label, size_t len, const char **why)
{
    if (len == 0) {
        *why = "empty label (two dots in a row, or a dot at either end)";
        return -1;
    }
    if (len > DNS_LABEL_MAX) {
        *why = "a label is longer than 63 characters";
        return -1;
    }
    if (label[0] == '-' || label[len - 1] == '-') {
        *why = "a label starts or ends with '-'";
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)label[i];

        if (!isalnum(c) && c != '-') {
            *why = c == '/'   ? "'/' is not allowed"
                   : c == ' ' ? "spaces are not allowed"
                   : c < 0x20 ? "control characters are not allowed"
                              : "only letters, digits, '-' and '.' are allowed in a DNS name";
            return -1;
        }
    }
    return 0;
}

static int
parse_dns(const char *s, char *out, const char **why)
{
    size_t n = strlen(s);
    const char *label = s;

    if (n > ADDR_DNS_MAX) {
        *why = "a DNS name is at most 253 characters";
        return -1;
    }
    for (;;) {
        const char *dot = strchr(label, '.');
        size_t len = dot ? (size_t)(dot - label) : strlen(label);

        if (check_dns_label(label, len, why) != 0)
            return -1;
        if (dot == NULL)
            break;
        label = dot + 1;
    }
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    return 0;
}

static int
has_unprintable(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
            return 1;
    }
    return 0;
}

/* IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d, but not :: or ::1). Decided on
 * the bytes: glibc and musl print these addresses differently. */
static int
is_ipv4_in_ipv6(const unsigned char ip[16])
{
    static const unsigned char zeros[12] = {0};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    if (memcmp(ip, mapped, sizeof(mapped)) == 0)
        return 1;
    return memcmp(ip, zeros, sizeof(zeros)) == 0 && (ip[12] | ip[13] | ip[14]) != 0;
}

int
addr_parse(const char *arg, struct node_addr *out, struct err *err)
{
    const char *why = NULL;

    memset(out, 0, sizeof(*out));
    if (arg[0] == '\0')
        return err_usage(err, "node '': empty address");
    if (has_unprintable(arg))
        return err_usage(err,
                         "node '%s': spaces, control and non-ASCII characters are not "
                         "allowed",
                         arg);
    if (strchr(arg, ':') != NULL) {
        if (inet_pton(AF_INET6, arg, out->ip) != 1)
            return err_usage(err, "node '%s': not a valid IPv6 address", arg);
        out->kind = ADDR_IPV6;
        out->ip_len = 16;
        inet_ntop(AF_INET6, out->ip, out->text, sizeof(out->text));
        /* ::ffff:10.0.0.1 and ::10.0.0.1 name an IPv4 host: Java and OpenSSL match them against
         * IPv4 SANs or not at all, depending on the version. Ask for the plain form. */
        if (is_ipv4_in_ipv6(out->ip))
            return err_usage(err, "node '%s': an IPv4 address written as IPv6: give it as IPv4",
                             arg);
        return 0;
    }
    if (looks_like_ipv4(arg)) {
        if (parse_ipv4(arg, out->ip, &why) != 0)
            return err_usage(err, "node '%s': not a valid IPv4 address: %s", arg, why);
        out->kind = ADDR_IPV4;
        out->ip_len = 4;
        snprintf(out->text, sizeof(out->text), "%s", arg);
        return 0;
    }
    if (parse_dns(arg, out->text, &why) != 0)
        return err_usage(err, "node '%s': not a valid DNS name: %s", arg, why);
    out->kind = ADDR_DNS;
    return 0;
}

int
addr_parse_list(char *const *args, size_t n, struct node_addr *out, size_t *failed_at,
                struct err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (failed_at)
            *failed_at = i;
        if (addr_parse(args[i], &out[i], err) != 0)
            return -1;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(out[i].text, out[j].text) == 0)
                return err_usage(err, "node '%s' is given twice (as '%s' and '%s')", out[i].text,
                                 args[j], args[i]);
        }
    }
    return 0;
}

void
addr_dirname(const struct node_addr *a, enum dir_format format, char *out, size_t size)
{
    size_t i;

    if (format == DIR_FORMAT_ADDRESS) {
        snprintf(out, size, "%s", a->text);
        return;
    }
    snprintf(out, size, "node_%s", a->text);
    for (i = strlen("node_"); out[i] != '\0'; i++) {
        if (out[i] == '.' || out[i] == ':')
            out[i] = '_';
    }
}

int
addr_check_dirnames(const struct node_addr *nodes, size_t n, enum dir_format format,
                    struct err *err)
{
    char a[ADDR_DIRNAME_MAX + 16];
    char b[ADDR_DIRNAME_MAX + 16];

    for (size_t i = 0; i < n; i++) {
        addr_dirname(&nodes[i], format, a, sizeof(a));
        if (strlen(a) > ADDR_DIRNAME_MAX)
            return err_usage(err,
                             "node '%s': its directory name would be %zu characters, more "
                             "than a file name may have (%d)%s",
                             nodes[i].text, strlen(a), ADDR_DIRNAME_MAX,
                             format == DIR_FORMAT_NODE ? "; --dir-format address is shorter" : "");
        for (size_t j = 0; j < i; j++) {
            addr_dirname(&nodes[j], format, b, sizeof(b));
            if (strcmp(a, b) == 0)
                return err_usage(err, "nodes '%s' and '%s' would share the directory %s",
                                 nodes[j].text, nodes[i].text, a);
        }
    }
    return 0;
}
