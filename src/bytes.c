#include "bytes.h"

#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>

void
bytes_init(struct bytes *b)
{
    memset(b, 0, sizeof(*b));
}

/* Grows by allocating anew and wiping the old block, so no copy of a secret is left behind in
 * freed memory as realloc would leave it. */
static int
reserve(struct bytes *b, size_t extra)
{
    size_t want;
    size_t cap;
    unsigned char *p;

    if (b->failed)
        return -1;
    if (extra > SIZE_MAX - b->len)
        goto fail;
    want = b->len + extra;
    if (want <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    p = malloc(cap);
    if (p == NULL)
        goto fail;
    if (b->len)
        memcpy(p, b->data, b->len);
    if (b->data) {
        gnutls_memset(b->data, 0, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return 0;
fail:
    b->failed = 1;
    return -1;
}

void
bytes_put(struct bytes *b, const void *data, size_t len)
{
    if (len == 0 || reserve(b, len) != 0)
        return;
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

void
bytes_put_u16(struct bytes *b, uint16_t v)
{
    unsigned char be[2] = {(unsigned char)(v >> 8), (unsigned char)v};

    bytes_put(b, be, sizeof(be));
}

void
bytes_put_u32(struct bytes *b, uint32_t v)
{
    bytes_put_u16(b, (uint16_t)(v >> 16));
    bytes_put_u16(b, (uint16_t)v);
}

void
bytes_put_u64(struct bytes *b, uint64_t v)
{
    bytes_put_u32(b, (uint32_t)(v >> 32));
    bytes_put_u32(b, (uint32_t)v);
}

int
bytes_resize(struct bytes *b, size_t len)
{
    if (len > b->len && reserve(b, len - b->len) != 0)
        return -1;
    b->len = len;
    return 0;
}

int
bytes_set(struct bytes *b, const void *data, size_t len)
{
    b->len = 0;
    bytes_put(b, data, len);
    return b->failed ? -1 : 0;
}

void
bytes_free(struct bytes *b)
{
    if (b->data) {
        gnutls_memset(b->data, 0, b->cap);
        free(b->data);
    }
    bytes_init(b);
}

void
reader_init(struct reader *r, const unsigned char *data, size_t len)
{
    r->data = data;
    r->len = len;
    r->off = 0;
}

size_t
reader_left(const struct reader *r)
{
    return r->len - r->off;
}

int
reader_take(struct reader *r, size_t n, const unsigned char **out)
{
    if (n > reader_left(r))
        return -1;
    *out = r->data + r->off;
    r->off += n;
    return 0;
}

int
reader_u16(struct reader *r, uint16_t *v)
{
    const unsigned char *p;

    if (reader_take(r, 2, &p) != 0)
        return -1;
    *v = (uint16_t)((p[0] << 8) | p[1]);
    return 0;
}

int
reader_u32(struct reader *r, uint32_t *v)
{
    const unsigned char *p;

    if (reader_take(r, 4, &p) != 0)
        return -1;
    *v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    return 0;
}

int
reader_u64(struct reader *r, uint64_t *v)
{
    uint32_t hi = 0;
    uint32_t lo = 0;

    if (reader_left(r) < 8)
        return -1;
    reader_u32(r, &hi);
    reader_u32(r, &lo);
    *v = ((uint64_t)hi << 32) | lo;
    return 0;
}
