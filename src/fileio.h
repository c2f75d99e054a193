/* Reading the small input files the operator names (CA certificate and key, master list). */
#ifndef ETA_FILEIO_H
#define ETA_FILEIO_H

#include "bytes.h"
#include "err.h"

#define FILEIO_MAX_INPUT (4u << 20) /* far beyond any certificate, key or config.yaml */

/* Reads a regular file of at most max bytes into out (NUL-terminated beyond out->len). A missing
 * or unreadable file is a usage error naming it, as is one that is too large. */
int file_read(const char *path, size_t max, struct bytes *out, struct err *err);

/* Reads size bytes (fewer if the file is shorter) from an open file into out, NUL-terminated
 * beyond out->len. A read error names path. */
int file_read_fd(int fd, const char *path, size_t size, struct bytes *out, struct err *err);

#endif
