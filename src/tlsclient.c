#include "tlsclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/x509.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "fileio.h"

#define ENDPOINT_MAX   (ADDR_DNS_MAX + INET6_ADDRSTRLEN + 16)
#define PEER_NAMES_MAX 256 /* the SANs quoted when a certificate names the wrong master */

int64_t
tls_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
remaining_ms(const struct tls_conn *c)
{
    int64_t left = c->deadline_ms - tls_now_ms();

    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

/* Indexed by enum tls_failure: a stable name for scripts, and the same in an operator's words. */
static const struct {
    const char *name;
    const char *words;
} failures[] = {
    [TLS_FAIL_NONE] = {"none", "no failure"},
    [TLS_FAIL_RESOLVE] = {"name_not_resolved", "name does not resolve"},
    [TLS_FAIL_REFUSED] = {"connection_refused", "connection refused"},
    [TLS_FAIL_TIMEOUT] = {"timeout", "timeout"},
    [TLS_FAIL_NETWORK] = {"network_error", "network error"},
    [TLS_FAIL_NOT_TLS] = {"not_tls", "not TLS"},
    [TLS_FAIL_UNKNOWN_CA] = {"unknown_ca", "unknown CA"},
    [TLS_FAIL_WRONG_NAME] = {"wrong_name", "wrong name"},
    [TLS_FAIL_BAD_CERT] = {"bad_server_certificate", "bad server certificate"},
    [TLS_FAIL_CLIENT_CERT_REFUSED] = {"client_certificate_refused",
                                      "no client certificate accepted"},
    [TLS_FAIL_CLOSED] = {"connection_closed", "connection closed"},
    [TLS_FAIL_HANDSHAKE] = {"handshake_failed", "handshake failed"},
};

const char *
tls_failure_name(enum tls_failure f)
{
    return (size_t)f < sizeof(failures) / sizeof(failures[0]) ? failures[f].name : "?";
}

const char *
tls_failure_words(enum tls_failure f)
{
    return (size_t)f < sizeof(failures) / sizeof(failures[0]) ? failures[f].words : "?";
}

static int fail(struct tls_conn *c, enum tls_failure f, struct err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records why the call failed and says so. Returns -1. */
static int
fail(struct tls_conn *c, enum tls_failure f, struct err *err, const char *fmt, ...)
{
    va_list ap;

    c->failure = f;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    err->code = EXIT_WORK;
    return -1;
}

/* ---- identity ------------------------------------------------------------------------------ */

static int
load_trust(struct tls_identity *id, struct err *err)
{
    struct bytes pem;
    gnutls_datum_t d;
    int rc;

    if (file_read(id->root_path, FILEIO_MAX_INPUT, &pem, err) != 0)
        return -1;
    d.data = pem.data;
    d.size = (unsigned)pem.len;
    rc = gnutls_certificate_set_x509_trust_mem(id->cred, &d, GNUTLS_X509_FMT_PEM);
    bytes_free(&pem);
    if (rc < 0)
        return err_usage(err, "%s: %s", id->root_path, gnutls_strerror(rc));
    if (rc == 0)
        return err_usage(err, "%s: no PEM certificate in it", id->root_path);
    return 0;
}

static int
load_key_pair(struct tls_identity *id, const char *key_path, struct err *err)
{
    struct bytes cert;
    struct bytes key;
    gnutls_datum_t c;
    gnutls_datum_t k;
    int rc;

    if (file_read(id->cert_path, FILEIO_MAX_INPUT, &cert, err) != 0)
        return -1;
    if (file_read(key_path, FILEIO_MAX_INPUT, &key, err) != 0) {
        bytes_free(&cert);
        return -1;
    }
    c.data = cert.data;
    c.size = (unsigned)cert.len;
    k.data = key.data;
    k.size = (unsigned)key.len;
    rc = gnutls_certificate_set_x509_key_mem2(id->cred, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
    bytes_free(&key);
    bytes_free(&cert);
    if (rc < 0)
        return err_usage(err, "%s with %s: %s", id->cert_path, key_path, gnutls_strerror(rc));
    return 0;
}

int
tls_identity_load(struct tls_identity *id, const char *cert_path, const char *key_path,
                  const char *root_path, struct err *err)
{
    int rc;

    memset(id, 0, sizeof(*id));
    snprintf(id->cert_path, sizeof(id->cert_path), "%s", cert_path);
    snprintf(id->root_path, sizeof(id->root_path), "%s", root_path);
    rc = gnutls_certificate_allocate_credentials(&id->cred);
    if (rc < 0)
        return err_set(err, "TLS credentials: %s", gnutls_strerror(rc));
    if (load_trust(id, err) != 0 || load_key_pair(id, key_path, err) != 0) {
        tls_identity_free(id);
        return -1;
    }
    return 0;
}

void
tls_identity_free(struct tls_identity *id)
{
    if (id->cred)
        gnutls_certificate_free_credentials(id->cred);
    id->cred = NULL;
}

/* ---- connecting ---------------------------------------------------------------------------- */

/* "10.0.0.1:8181", "[fd00::1]:8181" */
static void
endpoint_text(const struct sockaddr_storage *sa, char *out, size_t size)
{
    char host[INET6_ADDRSTRLEN] = "?";

    if (sa->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const void *)sa;

        inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
        snprintf(out, size, "[%s]:%u", host, (unsigned)ntohs(s6->sin6_port));
    } else {
        const struct sockaddr_in *s4 = (const void *)sa;

        inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
        snprintf(out, size, "%s:%u", host, (unsigned)ntohs(s4->sin_port));
    }
}

/* Waits for a non-blocking connect: 0 connected, an errno value, or -1 when time ran out. */
static int
wait_connected(const struct tls_conn *c, int fd)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        int left = remaining_ms(c);
        int n;

        if (left == 0)
            return -1;
        n = poll(&p, 1, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return -1;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
            return errno;
        return soerr;
    }
}

static int
connect_error(struct tls_conn *c, const char *endpoint, int e, struct err *err)
{
    if (e < 0 || e == ETIMEDOUT)
        return fail(c, TLS_FAIL_TIMEOUT, err,
                    "connect to %s: timeout: no connection within %u s (host down, or a firewall "
                    "dropping packets?)",
                    endpoint, c->timeout_s);
    if (e == ECONNREFUSED)
        return fail(c, TLS_FAIL_REFUSED, err,
                    "connect to %s: connection refused: nothing listens on that port (is "
                    "Exhibitor running?)",
                    endpoint);
    return fail(c, TLS_FAIL_NETWORK, err, "connect to %s: %s", endpoint, strerror(e));
}

/* The socket stays non-blocking only while connecting: GnuTLS then reads and writes with its
 * own timeouts, and a send timeout guards the one write we make. */
static int
finish_socket(struct tls_conn *c, int fd, const char *endpoint, struct err *err)
{
    int left = remaining_ms(c);
    struct timeval tv = {.tv_sec = left / 1000, .tv_usec = (suseconds_t)(left % 1000) * 1000};
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
        return fail(c, TLS_FAIL_NETWORK, err, "connect to %s: socket options: %s", endpoint,
                    strerror(errno));
    return 0;
}

static int
connect_to(struct tls_conn *c, const struct sockaddr_storage *sa, socklen_t len, struct err *err)
{
    char endpoint[ENDPOINT_MAX];
    int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int e = 0;

    endpoint_text(sa, endpoint, sizeof(endpoint));
    if (fd < 0)
        return fail(c, TLS_FAIL_NETWORK, err, "connect to %s: socket: %s", endpoint,
                    strerror(errno));
    if (connect(fd, (const struct sockaddr *)sa, len) != 0)
        e = errno == EINPROGRESS ? wait_connected(c, fd) : errno;
    if (e == 0 && finish_socket(c, fd, endpoint, err) == 0) {
        c->fd = fd;
        return 0;
    }
    close(fd);
    return e == 0 ? -1 : connect_error(c, endpoint, e, err);
}

static int
connect_ipv6(struct tls_conn *c, const unsigned char ip[16], unsigned port, struct err *err)
{
    struct sockaddr_storage sa;
    struct sockaddr_in6 *s6 = (void *)&sa;

    memset(&sa, 0, sizeof(sa));
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)port);
    memcpy(&s6->sin6_addr, ip, 16);
    return connect_to(c, &sa, sizeof(*s6), err);
}

static int
connect_ipv4(struct tls_conn *c, const unsigned char ip[4], unsigned port, struct err *err)
{
    struct sockaddr_storage sa;
    struct sockaddr_in *s4 = (void *)&sa;

    memset(&sa, 0, sizeof(sa));
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    memcpy(&s4->sin_addr, ip, 4);
    return connect_to(c, &sa, sizeof(*s4), err);
}

/* Each address of the name in turn, until one connects or time runs out. The lookup itself
 * is not bounded by the deadline: getaddrinfo has no timeout, so a stalled resolver can hold a
 * call for as long as the resolver's own timeouts allow (resolv.conf, usually 5 s a try). */
static int
connect_name(struct tls_conn *c, const struct node_addr *master, unsigned port, struct err *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char service[8];
    int rc;

    snprintf(service, sizeof(service), "%u", port);
    rc = getaddrinfo(master->text, service, &hints, &res);
    if (rc != 0)
        return fail(c, TLS_FAIL_RESOLVE, err, "look up %s: %s", master->text,
                    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    rc = -1;
    for (const struct addrinfo *ai = res; ai != NULL && rc != 0; ai = ai->ai_next) {
        struct sockaddr_storage sa;

        if (ai->ai_addrlen > sizeof(sa) || remaining_ms(c) == 0)
            continue;
        memset(&sa, 0, sizeof(sa));
        memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
        rc = connect_to(c, &sa, ai->ai_addrlen, err);
    }
    freeaddrinfo(res);
    if (rc != 0 && c->failure == TLS_FAIL_NONE)
        return fail(c, TLS_FAIL_TIMEOUT, err,
                    "connect to %s: timeout: no address answered within %u s", master->text,
                    c->timeout_s);
    return rc;
}

/* ---- verifying the server ------------------------------------------------------------------ */

static void
append_name(char *list, size_t size, const char *name)
{
    size_t used = strlen(list);

    if (used + 1 < size)
        snprintf(list + used, size - used, "%s%s", used ? ", " : "", name);
}

static void
append_san(char *list, size_t size, int type, const unsigned char *value, size_t len)
{
    char ip[INET6_ADDRSTRLEN];

    if (type == GNUTLS_SAN_DNSNAME) {
        append_name(list, size, (const char *)value);
    } else if (type == GNUTLS_SAN_IPADDRESS && (len == 4 || len == 16)) {
        inet_ntop(len == 4 ? AF_INET : AF_INET6, value, ip, sizeof(ip));
        append_name(list, size, ip);
    }
}

/* The DNS and IP SANs of the server's certificate, "localhost, exhibitor, 127.0.0.1, ...". */
static void
peer_names(const struct tls_conn *c, char *list, size_t size)
{
    unsigned n = 0;
    const gnutls_datum_t *chain = gnutls_certificate_get_peers(c->session, &n);
    gnutls_x509_crt_t crt;

    snprintf(list, size, "no DNS name or IP address");
    if (chain == NULL || n == 0 || gnutls_x509_crt_init(&crt) < 0)
        return;
    if (gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER) >= 0) {
        list[0] = '\0';
        for (unsigned i = 0;; i++) {
            unsigned char value[ADDR_DNS_MAX + 1];
            size_t len = sizeof(value) - 1;
            int type = gnutls_x509_crt_get_subject_alt_name(crt, i, value, &len, NULL);

            if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
                break;
            if (type < 0)
                continue;
            value[len < sizeof(value) ? len : sizeof(value) - 1] = '\0';
            append_san(list, size, type, value, len);
        }
    }
    gnutls_x509_crt_deinit(crt);
}

static const char *
expected_name(const struct tls_conn *c, char *buf, size_t size)
{
    if (c->vdata[0].type == GNUTLS_DT_IP_ADDRESS)
        return inet_ntop(c->vdata[0].size == 4 ? AF_INET : AF_INET6, c->ip, buf, (socklen_t)size);
    return c->name;
}

static int
wrong_name(struct tls_conn *c, struct err *err)
{
    char names[PEER_NAMES_MAX];
    char want[INET6_ADDRSTRLEN];

    peer_names(c, names, sizeof(names));
    return fail(c, TLS_FAIL_WRONG_NAME, err,
                "TLS handshake: wrong name: the server's certificate does not name %s, only %s "
                "(another master's serverstore.jks?)",
                expected_name(c, want, sizeof(want)), names);
}

static int
other_verify_error(struct tls_conn *c, unsigned status, struct err *err)
{
    gnutls_datum_t text = {NULL, 0};
    int rc;

    if (status & GNUTLS_CERT_EXPIRED)
        return fail(c, TLS_FAIL_BAD_CERT, err,
                    "TLS handshake: the server's certificate has expired");
    if (status & GNUTLS_CERT_NOT_ACTIVATED)
        return fail(c, TLS_FAIL_BAD_CERT, err,
                    "TLS handshake: the server's certificate is not valid yet (is a clock "
                    "wrong?)");
    if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
        return fail(c, TLS_FAIL_BAD_CERT, err,
                    "TLS handshake: the server's certificate is not for TLS servers (no "
                    "serverAuth extended key usage)");
    if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) < 0)
        return fail(c, TLS_FAIL_BAD_CERT, err,
                    "TLS handshake: the server's certificate does not verify (status 0x%x)",
                    status);
    rc = fail(c, TLS_FAIL_BAD_CERT, err, "TLS handshake: %s", (const char *)text.data);
    gnutls_free(text.data);
    return rc;
}

/* Unknown CA first: a certificate from another tree is wrong whatever name it carries. Trees
 * all name their root CN=root, so a foreign chain may also fail as a signature that does not
 * verify rather than as an issuer not found. */
static int
verify_error(struct tls_conn *c, struct err *err)
{
    unsigned status = gnutls_session_get_verify_cert_status(c->session);

    if (status &
        (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA | GNUTLS_CERT_SIGNATURE_FAILURE))
        return fail(c, TLS_FAIL_UNKNOWN_CA, err,
                    "TLS handshake: unknown CA: the server's certificate was not issued by the "
                    "root in %s (is the master serving another tree's serverstore.jks?)",
                    c->id->root_path);
    if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
        return wrong_name(c, err);
    return other_verify_error(c, status, err);
}

/* ---- the handshake ------------------------------------------------------------------------- */

/* GnuTLS reports a certificate_required alert from the server as an error of its own. */
static int
client_cert_required(struct tls_conn *c, const char *step, struct err *err)
{
    return fail(c, TLS_FAIL_CLIENT_CERT_REFUSED, err,
                "%s: no client certificate accepted: the server wants a client certificate and "
                "took none from %s (is it issued by the root the server trusts?)",
                step, c->id->cert_path);
}

/* What the server's alert means for us. A server that does not trust our client certificate
 * answers with one of the certificate alerts: which one depends on the server and the TLS
 * version (Java says certificate_unknown or bad_certificate, certificate_required when none
 * came). */
static int
alert_error(struct tls_conn *c, const char *step, struct err *err)
{
    gnutls_alert_description_t alert = gnutls_alert_get(c->session);
    const char *name = gnutls_alert_get_name(alert);

    if (name == NULL)
        name = "unknown alert";
    switch (alert) {
    case GNUTLS_A_BAD_CERTIFICATE:
    case GNUTLS_A_UNSUPPORTED_CERTIFICATE:
    case GNUTLS_A_CERTIFICATE_REVOKED:
    case GNUTLS_A_CERTIFICATE_EXPIRED:
    case GNUTLS_A_CERTIFICATE_UNKNOWN:
    case GNUTLS_A_UNKNOWN_CA:
    case GNUTLS_A_ACCESS_DENIED:
    case GNUTLS_A_CERTIFICATE_REQUIRED:
        return fail(c, TLS_FAIL_CLIENT_CERT_REFUSED, err,
                    "%s: no client certificate accepted: the server refused %s (alert: %s; does "
                    "its truststore.jks hold another tree's root?)",
                    step, c->id->cert_path, name);
    case GNUTLS_A_PROTOCOL_VERSION:
    case GNUTLS_A_HANDSHAKE_FAILURE:
    case GNUTLS_A_INSUFFICIENT_SECURITY:
        return fail(c, TLS_FAIL_HANDSHAKE, err,
                    "%s: no TLS version or cipher suite in common with the server (alert: %s)",
                    step, name);
    default:
        return fail(c, TLS_FAIL_HANDSHAKE, err, "%s: the server ended the connection (alert: %s)",
                    step, name);
    }
}

static int
handshake_error(struct tls_conn *c, int rc, struct err *err)
{
    switch (rc) {
    case GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR:
        return verify_error(c, err);
    case GNUTLS_E_TIMEDOUT:
        return fail(c, TLS_FAIL_TIMEOUT, err,
                    "TLS handshake: timeout: no handshake within %u s (is this Exhibitor's HTTPS "
                    "port?)",
                    c->timeout_s);
    case GNUTLS_E_FATAL_ALERT_RECEIVED:
        return alert_error(c, "TLS handshake", err);
    case GNUTLS_E_CERTIFICATE_REQUIRED:
        return client_cert_required(c, "TLS handshake", err);
    case GNUTLS_E_PREMATURE_TERMINATION:
    case GNUTLS_E_PULL_ERROR:
    case GNUTLS_E_PUSH_ERROR:
        return fail(c, TLS_FAIL_CLOSED, err,
                    "TLS handshake: the server closed the connection without saying why (%s)",
                    gnutls_strerror(rc));
    case GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
    case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
    case GNUTLS_E_UNEXPECTED_PACKET:
        return fail(c, TLS_FAIL_NOT_TLS, err,
                    "TLS handshake: the server does not answer in TLS (plain HTTP on this "
                    "port?): %s",
                    gnutls_strerror(rc));
    default:
        return fail(c, TLS_FAIL_HANDSHAKE, err, "TLS handshake: %s", gnutls_strerror(rc));
    }
}

/* The server must show a serverAuth certificate naming the master as it was called: by its IP
 * address (matched against IP SANs only) or by its DNS name (also sent as SNI). */
static void
set_expected_server(struct tls_conn *c, const struct node_addr *master)
{
    static const char server_auth[] = GNUTLS_KP_TLS_WWW_SERVER;

    if (master->kind == ADDR_DNS) {
        snprintf(c->name, sizeof(c->name), "%s", master->text);
        gnutls_server_name_set(c->session, GNUTLS_NAME_DNS, c->name, strlen(c->name));
        c->vdata[0].type = GNUTLS_DT_DNS_HOSTNAME;
        c->vdata[0].data = (unsigned char *)c->name;
        c->vdata[0].size = (unsigned)strlen(c->name);
    } else {
        memcpy(c->ip, master->ip, master->ip_len);
        c->vdata[0].type = GNUTLS_DT_IP_ADDRESS;
        c->vdata[0].data = c->ip;
        c->vdata[0].size = (unsigned)master->ip_len;
    }
    c->vdata[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
    c->vdata[1].data = (unsigned char *)server_auth;
    c->vdata[1].size = (unsigned)strlen(server_auth);
    gnutls_session_set_verify_cert2(c->session, c->vdata, 2, 0);
}

static int
start_session(struct tls_conn *c, const struct node_addr *master, struct err *err)
{
    int rc = gnutls_init(&c->session, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL);

    if (rc < 0) {
        c->session = NULL;
        return fail(c, TLS_FAIL_HANDSHAKE, err, "TLS session: %s", gnutls_strerror(rc));
    }
    rc = gnutls_set_default_priority(c->session);
    if (rc >= 0)
        rc = gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE, c->id->cred);
    if (rc < 0)
        return fail(c, TLS_FAIL_HANDSHAKE, err, "TLS session: %s", gnutls_strerror(rc));
    set_expected_server(c, master);
    gnutls_transport_set_int(c->session, c->fd);
    return 0;
}

static int
handshake(struct tls_conn *c, struct err *err)
{
    int rc;

    do {
        int left = remaining_ms(c);

        if (left == 0) {
            rc = GNUTLS_E_TIMEDOUT;
            break;
        }
        gnutls_handshake_set_timeout(c->session, (unsigned)left);
        rc = gnutls_handshake(c->session);
    } while (rc < 0 && !gnutls_error_is_fatal(rc));
    return rc < 0 ? handshake_error(c, rc, err) : 0;
}

int
tls_connect(struct tls_conn *c, const struct tls_identity *id, const struct node_addr *master,
            unsigned port, unsigned timeout_s, struct err *err)
{
    int rc;

    memset(c, 0, sizeof(*c));
    c->fd = -1;
    c->id = id;
    c->timeout_s = timeout_s;
    c->deadline_ms = tls_now_ms() + (int64_t)timeout_s * 1000;
    if (master->kind == ADDR_DNS)
        rc = connect_name(c, master, port, err);
    else if (master->kind == ADDR_IPV6)
        rc = connect_ipv6(c, master->ip, port, err);
    else
        rc = connect_ipv4(c, master->ip, port, err);
    if (rc == 0)
        rc = start_session(c, master, err);
    if (rc == 0)
        rc = handshake(c, err);
    if (rc != 0)
        tls_close(c);
    return rc;
}

const char *
tls_version(const struct tls_conn *c)
{
    const char *name = gnutls_protocol_get_name(gnutls_protocol_get_version(c->session));

    return name ? name : "unknown";
}

/* ---- reading and writing ------------------------------------------------------------------- */

int
tls_write_all(struct tls_conn *c, const void *buf, size_t len, struct err *err)
{
    const unsigned char *p = buf;

    while (len > 0) {
        ssize_t n = gnutls_record_send(c->session, p, len);

        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            if (remaining_ms(c) == 0)
                return fail(c, TLS_FAIL_TIMEOUT, err,
                            "sending the request: timeout: the server took nothing within %u s",
                            c->timeout_s);
            continue;
        }
        if (n < 0)
            return fail(c, TLS_FAIL_CLOSED, err, "sending the request: %s",
                        gnutls_strerror((int)n));
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
read_error(struct tls_conn *c, int rc, struct err *err)
{
    switch (rc) {
    case GNUTLS_E_TIMEDOUT:
        return fail(c, TLS_FAIL_TIMEOUT, err,
                    "reading the answer: timeout: no complete answer within %u s", c->timeout_s);
    case GNUTLS_E_FATAL_ALERT_RECEIVED:
        return alert_error(c, "reading the answer", err);
    case GNUTLS_E_CERTIFICATE_REQUIRED:
        return client_cert_required(c, "reading the answer", err);
    case GNUTLS_E_PULL_ERROR:
        return fail(c, TLS_FAIL_CLOSED, err,
                    "reading the answer: the server broke off the connection (%s)",
                    strerror(errno));
    default:
        return fail(c, TLS_FAIL_NETWORK, err, "reading the answer: %s", gnutls_strerror(rc));
    }
}

/* A TCP close without TLS's close_notify counts as the end of the stream: the caller knows from
 * the HTTP framing whether the answer is whole. */
ssize_t
tls_read(struct tls_conn *c, void *buf, size_t len, struct err *err)
{
    for (;;) {
        int left = remaining_ms(c);
        ssize_t n;

        if (left == 0)
            return read_error(c, GNUTLS_E_TIMEDOUT, err);
        gnutls_record_set_timeout(c->session, (unsigned)left);
        n = gnutls_record_recv(c->session, buf, len);
        if (n >= 0)
            return n;
        if (n == GNUTLS_E_PREMATURE_TERMINATION)
            return 0;
        if (gnutls_error_is_fatal((int)n))
            return read_error(c, (int)n, err);
    }
}

void
tls_close(struct tls_conn *c)
{
    if (c->session)
        gnutls_deinit(c->session);
    c->session = NULL;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}
