/* A growable byte buffer with big-endian writers, and a bounds-checked reader over bytes. */
#ifndef ETA_BYTES_H
#define ETA_BYTES_H

#include <stddef.h>
#include <stdint.h>

struct bytes {
    unsigned char *data;
    size_t len;
    size_t cap;
    int failed; /* an allocation failed: every later put is ignored */
};

void bytes_init(struct bytes *b);
void bytes_put(struct bytes *b, const void *data, size_t len);
void bytes_put_u16(struct bytes *b, uint16_t v);
void bytes_put_u32(struct bytes *b, uint32_t v);
void bytes_put_u64(struct bytes *b, uint64_t v);
/* Makes room for exactly len bytes (contents unspecified) and sets the length; 0 or -1. */
int bytes_resize(struct bytes *b, size_t len);
/* Copies len bytes; returns 0, or -1 when out of memory. */
int bytes_set(struct bytes *b, const void *data, size_t len);
/* Wipes the contents before freeing them: buffers here may hold key material. */
void bytes_free(struct bytes *b);

struct reader {
    const unsigned char *data;
    size_t len;
    size_t off;
};

void reader_init(struct reader *r, const unsigned char *data, size_t len);
size_t reader_left(const struct reader *r);
/* Each returns 0, or -1 (reading nothing) when fewer bytes remain than asked for. */
int reader_u16(struct reader *r, uint16_t *v);
int reader_u32(struct reader *r, uint32_t *v);
int reader_u64(struct reader *r, uint64_t *v);
int reader_take(struct reader *r, size_t n, const unsigned char **out);

#endif
