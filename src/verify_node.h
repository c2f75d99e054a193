/* verify's checks on one directory of an artifacts tree: a node directory with its six files,
 * or the top of a tree with its root-cert.pem and truststore.jks. */
#ifndef ETA_VERIFY_NODE_H
#define ETA_VERIFY_NODE_H

#include <gnutls/x509.h>
#include <stddef.h>
#include <time.h>

#include "addr.h"
#include "bytes.h"
#include "verify_report.h"

#define NODE_FILES 6

/* The six files DC/OS looks for in /var/lib/dcos/exhibitor-tls-artifacts. */
extern const char *const node_file_names[NODE_FILES];

struct verify_settings {
    const struct bytes *pw16; /* store password, also the key password as Exhibitor uses it */
    time_t now;
    unsigned warn_days;
};

struct node_dir {
    const char *path;              /* on disk */
    const char *label;             /* prefix of file names in the report ("node_10_0_0_1"), or "" */
    const char *name;              /* the directory's own name, which tells the node's address */
    const struct node_addr *given; /* --node, or NULL: read from the directory name */
    int in_tree; /* an address that cannot be told is a failure in a tree, a warning alone */
    gnutls_x509_crt_t tree_root; /* in a tree, the root every node must share, or NULL */
    const char *tree_root_name;  /* where tree_root comes from, for messages */

    /* Set by verify_node_dir. */
    struct node_addr addr;
    int addr_known;
    gnutls_x509_crt_t root; /* its root-cert.pem, or NULL; the caller frees it */
};

/* Checks every file of a node directory. */
void verify_node_dir(const struct verify_settings *s, struct node_dir *node,
                     struct verify_report *r);

/* Checks the top of a tree: root-cert.pem and truststore.jks. Sets top->root as above. */
void verify_top_dir(const struct verify_settings *s, struct node_dir *top, struct verify_report *r);

/* The addresses a directory name can be read back as: a bare address, or node_ with each '_'
 * read as '.' (IPv4, DNS name) or as ':' (IPv6). Both readings of one name can be valid (for
 * node_fd00_1_2_3_4_5_6_abcd); the certificate's SANs then decide. Returns how many (0..2). */
size_t node_dirname_addresses(const char *name, struct node_addr out[2]);

#endif
