/* HTTP/1.1 GET over a TLS connection, just enough for Exhibitor's REST API: one request with
 * Connection: close, and an answer of bounded size framed by Content-Length, by the chunked
 * transfer coding, or by the end of the connection. */
#ifndef ETA_STATUS_HTTP_H
#define ETA_STATUS_HTTP_H

#include <stddef.h>

#include "bytes.h"
#include "err.h"
#include "tlsclient.h"

#define HTTP_HEAD_MAX   (16u << 10) /* status line and headers */
#define HTTP_BODY_MAX   (1u << 20)  /* Exhibitor's status of 255 members is about 25 KiB */
#define HTTP_REASON_MAX 64

struct http_response {
    int status;
    char reason[HTTP_REASON_MAX]; /* as sent, cut to fit; may hold any byte but NUL */
    struct bytes body;
};

/* Sends GET path to host (the Host header: a name or address, and the port) and reads the whole
 * answer. A server that hangs up without a byte of answer sets c->failure to TLS_FAIL_CLOSED;
 * any other answer that is not HTTP is an error with c->failure left alone. */
int http_get(struct tls_conn *c, const char *host, unsigned port, const char *path,
             struct http_response *out, struct err *err);

/* Parses the bytes of an answer received so far: 1 when it is complete (out is then filled), 0
 * when more are needed, -1 when they are not a well-formed answer or too large. With at_eof set
 * the connection has ended: an answer framed by neither Content-Length nor chunks ends there,
 * and any other that is not complete is an error. Exposed for tests. */
int http_parse_response(const unsigned char *raw, size_t len, int at_eof, struct http_response *out,
                        struct err *err);

void http_response_free(struct http_response *r);

#endif
