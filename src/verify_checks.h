/* verify's checks on one certificate: its role, its SANs, its validity, its chain to the root.
 * Each adds one line to the report, naming the file the certificate came from. */
#ifndef ETA_VERIFY_CHECKS_H
#define ETA_VERIFY_CHECKS_H

#include <gnutls/x509.h>
#include <stddef.h>
#include <time.h>

#include "addr.h"
#include "pki.h"
#include "verify_report.h"

/* The roles: a root must be a CA allowed to sign certificates; a server certificate must allow
 * TLS server use, a client certificate TLS client use, and neither may be a CA. */
void check_role(struct verify_report *r, const char *file, gnutls_x509_crt_t crt,
                enum cert_role role);

/* Not yet valid or expired at now is a failure; expiring within warn_days a warning. */
void check_validity(struct verify_report *r, const char *file, gnutls_x509_crt_t crt, time_t now,
                    unsigned warn_days);

/* The certificate's signature verifies with the root's key (times are check_validity's). */
void check_chain(struct verify_report *r, const char *file, gnutls_x509_crt_t crt,
                 gnutls_x509_crt_t root);

/* The SANs name localhost, exhibitor, 127.0.0.1 and the node's address. With node NULL the
 * address cannot be checked: a line with the status and reason given says so. */
void check_sans(struct verify_report *r, const char *file, gnutls_x509_crt_t crt,
                const struct node_addr *node, enum check_status unknown_status,
                const char *unknown_why);

/* True when a SAN of the certificate names the address. */
int cert_names_address(gnutls_x509_crt_t crt, const struct node_addr *a);

#endif
