#include "status_http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HTTP_REQUEST_MAX    1024
#define HTTP_READ_CHUNK     (16u << 10)
#define HTTP_CHUNK_LINE_MAX 64 /* a chunk size in hex and a short extension */
/* All bytes of an answer as sent: the head, and the body with the chunks' framing, which a
 * sender could make as large as the body itself. */
#define HTTP_RAW_MAX (HTTP_HEAD_MAX + 2 * HTTP_BODY_MAX)

/* What the status line and headers say about the answer. */
struct head {
    int status;
    char reason[HTTP_REASON_MAX];
    size_t body_off;
    int chunked;
    int has_length;
    size_t length;
};

void
http_response_free(struct http_response *r)
{
    bytes_free(&r->body);
}

/* ---- parsing ------------------------------------------------------------------------------- */

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int
hex_value(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "HTTP/1.1 200 OK" */
static int
parse_status_line(const unsigned char *p, size_t len, struct head *h, struct err *err)
{
    size_t reason_len;

    if (len < 12 || memcmp(p, "HTTP/1.", 7) != 0 || !is_digit(p[7]) || p[8] != ' ' ||
        !is_digit(p[9]) || !is_digit(p[10]) || !is_digit(p[11]) || (len > 12 && p[12] != ' '))
        return err_set(err, "not an HTTP/1.x answer");
    h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    reason_len = len > 13 ? len - 13 : 0;
    if (reason_len >= sizeof(h->reason))
        reason_len = sizeof(h->reason) - 1;
    if (reason_len > 0 && memchr(p + 13, '\0', reason_len) != NULL)
        return err_set(err, "a NUL byte in the status line");
    if (reason_len > 0)
        memcpy(h->reason, p + 13, reason_len);
    h->reason[reason_len] = '\0';
    return 0;
}

static int
parse_length(const unsigned char *v, size_t len, struct head *h, struct err *err)
{
    size_t n = 0;

    if (len == 0)
        return err_set(err, "empty Content-Length");
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(v[i]))
            return err_set(err, "Content-Length '%.*s' is not a number", (int)len, v);
        n = n * 10 + (size_t)(v[i] - '0');
        if (n > HTTP_BODY_MAX)
            return err_set(err, "the answer is larger than the limit of %u bytes", HTTP_BODY_MAX);
    }
    if (h->has_length && h->length != n)
        return err_set(err, "two different Content-Length headers");
    h->has_length = 1;
    h->length = n;
    return 0;
}

/* Only chunked is understood; it must be the last coding (RFC 9112, 6.1). */
static int
parse_transfer_encoding(const unsigned char *v, size_t len, struct head *h, struct err *err)
{
    size_t start = len;

    while (start > 0 && v[start - 1] != ',')
        start--;
    while (start < len && (v[start] == ' ' || v[start] == '\t'))
        start++;
    if (len - start != 7 || strncasecmp((const char *)v + start, "chunked", 7) != 0)
        return err_set(err, "transfer coding '%.*s' is not supported", (int)len, v);
    h->chunked = 1;
    return 0;
}

static int
parse_header(const unsigned char *p, size_t len, struct head *h, struct err *err)
{
    const unsigned char *colon = memchr(p, ':', len);
    size_t name_len;
    const unsigned char *v;
    size_t v_len;

    if (colon == NULL || colon == p)
        return err_set(err, "a header line without a name");
    name_len = (size_t)(colon - p);
    v = colon + 1;
    v_len = len - name_len - 1;
    while (v_len > 0 && (v[0] == ' ' || v[0] == '\t'))
        v++, v_len--;
    while (v_len > 0 && (v[v_len - 1] == ' ' || v[v_len - 1] == '\t'))
        v_len--;
    if (name_len == 14 && strncasecmp((const char *)p, "content-length", 14) == 0)
        return parse_length(v, v_len, h, err);
    if (name_len == 17 && strncasecmp((const char *)p, "transfer-encoding", 17) == 0)
        return parse_transfer_encoding(v, v_len, h, err);
    return 0;
}

/* 1 with h filled, 0 when the head has not all arrived, -1 when it is malformed. */
static int
parse_head(const unsigned char *raw, size_t len, struct head *h, struct err *err)
{
    const unsigned char *end = memmem(raw, len, "\r\n\r\n", 4);
    const unsigned char *line = raw;

    memset(h, 0, sizeof(*h));
    if (end == NULL)
        return len > HTTP_HEAD_MAX ? err_set(err, "headers longer than %u bytes", HTTP_HEAD_MAX)
                                   : 0;
    if ((size_t)(end - raw) > HTTP_HEAD_MAX)
        return err_set(err, "headers longer than %u bytes", HTTP_HEAD_MAX);
    h->body_off = (size_t)(end - raw) + 4;
    for (int first = 1; line <= end; first = 0) {
        const unsigned char *eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
        int rc = first ? parse_status_line(line, (size_t)(eol - line), h, err)
                       : parse_header(line, (size_t)(eol - line), h, err);

        if (rc != 0)
            return -1;
        line = eol + 2;
    }
    if (h->chunked && h->has_length)
        return err_set(err, "both Content-Length and chunked transfer coding");
    return 1;
}

/* One chunk's size line, "1a;ext=1": 1 with the size and the offset past its CRLF, 0 when the
 * line has not all arrived, -1 when it is malformed. */
static int
chunk_size(const unsigned char *p, size_t len, size_t *size, size_t *next, struct err *err)
{
    const unsigned char *eol = memmem(p, len, "\r\n", 2);
    size_t n = 0;
    size_t i = 0;

    if (eol == NULL)
        return len > HTTP_CHUNK_LINE_MAX ? err_set(err, "a chunk size line is too long") : 0;
    for (; p + i < eol && hex_value(p[i]) >= 0; i++) {
        n = n * 16 + (size_t)hex_value(p[i]);
        if (n > HTTP_BODY_MAX)
            return err_set(err, "the answer is larger than the limit of %u bytes", HTTP_BODY_MAX);
    }
    if (i == 0 || (p + i < eol && p[i] != ';' && p[i] != ' ' && p[i] != '\t'))
        return err_set(err, "a malformed chunk size");
    *size = n;
    *next = (size_t)(eol - p) + 2;
    return 1;
}

/* The body from its chunks: 1 complete (trailers, if any, are not read), 0 incomplete, -1. */
static int
decode_chunked(const unsigned char *p, size_t len, struct bytes *body, struct err *err)
{
    size_t off = 0;

    body->len = 0;
    for (;;) {
        size_t size = 0;
        size_t next = 0;
        int rc = chunk_size(p + off, len - off, &size, &next, err);

        if (rc <= 0)
            return rc;
        off += next;
        if (size == 0)
            return 1;
        if (len - off < size + 2)
            return 0;
        if (memcmp(p + off + size, "\r\n", 2) != 0)
            return err_set(err, "a chunk does not end where its size says");
        if (body->len + size > HTTP_BODY_MAX)
            return err_set(err, "the answer is larger than the limit of %u bytes", HTTP_BODY_MAX);
        bytes_put(body, p + off, size);
        if (body->failed)
            return err_set(err, "out of memory");
        off += size + 2;
    }
}

static int
take_body(const struct head *h, const unsigned char *p, size_t len, int at_eof,
          struct http_response *out, struct err *err)
{
    if (h->chunked)
        return decode_chunked(p, len, &out->body, err);
    if (h->has_length) {
        if (len < h->length)
            return at_eof
                       ? err_set(err, "the answer ends after %zu of its %zu bytes", len, h->length)
                       : 0;
        len = h->length;
    } else if (!at_eof) {
        return len > HTTP_BODY_MAX
                   ? err_set(err, "the answer is larger than the limit of %u bytes", HTTP_BODY_MAX)
                   : 0;
    }
    if (len > HTTP_BODY_MAX)
        return err_set(err, "the answer is larger than the limit of %u bytes", HTTP_BODY_MAX);
    return bytes_set(&out->body, p, len) == 0 ? 1 : err_set(err, "out of memory");
}

int
http_parse_response(const unsigned char *raw, size_t len, int at_eof, struct http_response *out,
                    struct err *err)
{
    struct head h;
    int rc = parse_head(raw, len, &h, err);

    if (rc == 0 && at_eof)
        return err_set(err, "the answer ends inside its headers");
    if (rc <= 0)
        return rc;
    out->status = h.status;
    memcpy(out->reason, h.reason, sizeof(out->reason));
    if (h.status == 204 || h.status == 304 || h.status / 100 == 1) {
        out->body.len = 0;
        return 1;
    }
    rc = take_body(&h, raw + h.body_off, len - h.body_off, at_eof, out, err);
    if (rc == 0 && at_eof)
        return err_set(err, "the answer ends before its last chunk");
    return rc;
}

/* ---- the exchange -------------------------------------------------------------------------- */

static int
send_request(struct tls_conn *c, const char *host, unsigned port, const char *path, struct err *err)
{
    char req[HTTP_REQUEST_MAX];
    int n = snprintf(req, sizeof(req),
                     "GET %s HTTP/1.1\r\n"
                     "Host: %s%s%s:%u\r\n"
                     "User-Agent: exhibitor-tls-artifacts/" PROG_VERSION "\r\n"
                     "Accept: application/json\r\n"
                     "Connection: close\r\n"
                     "\r\n",
                     path, strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", port);

    if (n < 0 || (size_t)n >= sizeof(req))
        return err_set(err, "the request does not fit in %d bytes", HTTP_REQUEST_MAX);
    return tls_write_all(c, req, (size_t)n, err);
}

/* Reads until the answer is complete by its own framing, or the connection ends. */
static int
read_response(struct tls_conn *c, struct bytes *raw, struct http_response *out, struct err *err)
{
    unsigned char buf[HTTP_READ_CHUNK];
    int rc = 0;

    while (rc == 0) {
        ssize_t n = tls_read(c, buf, sizeof(buf), err);

        if (n < 0)
            return -1;
        if (n == 0 && raw->len == 0) {
            c->failure = TLS_FAIL_CLOSED;
            return err_set(err, "the server closed the connection without answering (after a "
                                "TLS 1.3 handshake, that is how some servers refuse a client "
                                "certificate)");
        }
        if (raw->len + (size_t)n > HTTP_RAW_MAX)
            return err_set(err, "the answer is larger than the limit of %u bytes", HTTP_RAW_MAX);
        bytes_put(raw, buf, (size_t)n);
        if (raw->failed)
            return err_set(err, "out of memory");
        rc = http_parse_response(raw->data, raw->len, n == 0, out, err);
    }
    return rc < 0 ? -1 : 0;
}

int
http_get(struct tls_conn *c, const char *host, unsigned port, const char *path,
         struct http_response *out, struct err *err)
{
    struct bytes raw;
    int rc;

    memset(out, 0, sizeof(*out));
    bytes_init(&raw);
    rc = send_request(c, host, port, path, err);
    if (rc == 0)
        rc = read_response(c, &raw, out, err);
    bytes_free(&raw);
    if (rc != 0) {
        http_response_free(out);
        return err_prefix(err, "GET %s", path);
    }
    return 0;
}
