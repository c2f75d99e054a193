#include "password.h"

#include <string.h>

/* Decodes one UTF-8 sequence at s (n bytes available); returns its length, or 0 if malformed. */
static size_t
decode_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len;
    uint32_t v;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2;
        v = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3;
        v = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4;
        v = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min_for_len[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

int
password_utf16be(const char *utf8, struct bytes *out, struct err *err)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t n = strlen(utf8);
    size_t off = 0;

    bytes_init(out);
    while (off < n) {
        uint32_t cp;
        size_t len = decode_utf8(s + off, n - off, &cp);

        if (len == 0) {
            bytes_free(out);
            return err_usage(err, "password is not valid UTF-8 (at byte %zu)", off);
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            bytes_put_u16(out, (uint16_t)(0xd800 | (cp >> 10)));
            bytes_put_u16(out, (uint16_t)(0xdc00 | (cp & 0x3ff)));
        } else {
            bytes_put_u16(out, (uint16_t)cp);
        }
        off += len;
    }
    if (out->failed) {
        bytes_free(out);
        return err_set(err, "password: out of memory");
    }
    return 0;
}
