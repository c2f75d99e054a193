/* The libtasn1 definitions compiled from jks.asn, loaded once. */
#ifndef ETA_ASN_H
#define ETA_ASN_H

#include <libtasn1.h>

#include "err.h"

/* Returns the definitions tree (loaded on first use, thread-safe), or NULL with err set. */
asn1_node asn_definitions(struct err *err);

#endif
