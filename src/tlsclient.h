/* A TLS client for calling a master's Exhibitor as its peers do: it presents a client
 * certificate, trusts one root, and verifies the server's certificate against the address the
 * master was called by. Every step is bounded by one deadline, and a refusal is explained in an
 * operator's words (unknown CA, wrong name, client certificate not accepted, connection refused,
 * timeout) rather than as a GnuTLS code. */
#ifndef ETA_TLSCLIENT_H
#define ETA_TLSCLIENT_H

#include <gnutls/gnutls.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "err.h"

/* Why a call failed, for scripts: each has a stable name (tls_failure_name). */
enum tls_failure {
    TLS_FAIL_NONE,
    TLS_FAIL_RESOLVE,             /* a DNS name that does not resolve */
    TLS_FAIL_REFUSED,             /* nothing listens on the port */
    TLS_FAIL_TIMEOUT,             /* no connection, handshake or answer within the deadline */
    TLS_FAIL_NETWORK,             /* unreachable, reset, other socket errors */
    TLS_FAIL_NOT_TLS,             /* the port does not speak TLS */
    TLS_FAIL_UNKNOWN_CA,          /* the server's certificate is not from our root */
    TLS_FAIL_WRONG_NAME,          /* the server's certificate does not name the master */
    TLS_FAIL_BAD_CERT,            /* expired, not yet valid, not for servers, ... */
    TLS_FAIL_CLIENT_CERT_REFUSED, /* the server did not accept our client certificate */
    TLS_FAIL_CLOSED,              /* the server hung up without saying why */
    TLS_FAIL_HANDSHAKE,           /* any other handshake failure */
};

/* The operator's client identity and the root the servers must chain to. Shared read-only by
 * every connection, from any thread. */
struct tls_identity {
    gnutls_certificate_credentials_t cred;
    char cert_path[PATH_MAX];
    char root_path[PATH_MAX];
};

struct tls_conn {
    int fd;
    gnutls_session_t session;
    int64_t deadline_ms; /* on tls_now_ms()'s clock */
    unsigned timeout_s;  /* what the deadline was set from, for messages */
    enum tls_failure failure;
    const struct tls_identity *id;
    /* What the server's certificate is verified against; GnuTLS keeps pointers to these for the
     * life of the session. */
    gnutls_typed_vdata_st vdata[2];
    unsigned char ip[16];
    char name[ADDR_DNS_MAX + 1];
};

/* Milliseconds on a monotonic clock. */
int64_t tls_now_ms(void);

/* Loads the client certificate and key and the trusted root, all PEM. Unreadable or unusable
 * files are usage errors naming the file. The key is read into memory that is wiped after
 * GnuTLS has taken its copy. */
int tls_identity_load(struct tls_identity *id, const char *cert_path, const char *key_path,
                      const char *root_path, struct err *err);
void tls_identity_free(struct tls_identity *id);

/* Connects to the master at port and completes a verified handshake, all before timeout_s
 * seconds have passed. A DNS name is tried at each of its addresses in turn. On failure
 * c->failure says why and err says so in words, naming the step ("connect to
 * 10.0.0.1:8181: ..."); the connection is then closed. */
int tls_connect(struct tls_conn *c, const struct tls_identity *id, const struct node_addr *master,
                unsigned port, unsigned timeout_s, struct err *err);

/* "TLS1.3" */
const char *tls_version(const struct tls_conn *c);

/* Sends all of buf before the deadline. */
int tls_write_all(struct tls_conn *c, const void *buf, size_t len, struct err *err);

/* Reads at most len bytes before the deadline: returns the count, 0 at the end of the stream,
 * or -1 with c->failure and err set. A server that refuses the client certificate after a
 * TLS 1.3 handshake is found out here, by the alert it sends instead of an answer. */
ssize_t tls_read(struct tls_conn *c, void *buf, size_t len, struct err *err);

/* Closes the connection (without waiting for the server's close_notify). Safe to call twice. */
void tls_close(struct tls_conn *c);

/* "connection_refused", "unknown_ca", ...: stable names for the JSON report. */
const char *tls_failure_name(enum tls_failure f);

/* "connection refused", "unknown CA", ...: the same for people. */
const char *tls_failure_words(enum tls_failure f);

#endif
