/* Keystore passwords: Java hashes them as UTF-16BE code units. */
#ifndef ETA_PASSWORD_H
#define ETA_PASSWORD_H

#include "bytes.h"
#include "err.h"

/* The password every DC/OS master's Exhibitor uses for its stores and keys. */
#define DEFAULT_STORE_PASSWORD "not-relevant-for-security"

/* Converts a UTF-8 password to UTF-16BE (surrogate pairs beyond the BMP, no terminator) into
 * out, which the caller frees with bytes_free. Malformed UTF-8 (overlong forms, surrogates,
 * values beyond U+10FFFF, truncated sequences) is refused. */
int password_utf16be(const char *utf8, struct bytes *out, struct err *err);

#endif
