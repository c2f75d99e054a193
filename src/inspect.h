/* The inspect sub-command: lists a JKS keystore's entries as `keytool -list -v` does, without
 * Java. */
#ifndef ETA_INSPECT_H
#define ETA_INSPECT_H

#include <stddef.h>
#include <stdio.h>

#include "bytes.h"
#include "err.h"

/* Runs `inspect FILE.jks [--store-password P]`; returns the exit code: 0 listed, 1 the file is
 * not a keystore that can be read, 2 a usage error. */
int inspect_main(int argc, char **argv);

/* Decodes a keystore and writes its listing to out. With pw16 NULL the integrity digest is not
 * checked, nor are private keys opened, and the listing says so. */
int inspect_store(const unsigned char *data, size_t len, const struct bytes *pw16, FILE *out,
                  struct err *err);

#endif
