/* What a node argument is (IPv4, IPv6 or DNS name), checked strictly, and how it becomes a SAN
 * and a directory name. */
#ifndef ETA_ADDR_H
#define ETA_ADDR_H

#include <stddef.h>

#include "err.h"

#define ADDR_DNS_MAX     253 /* RFC 1035, without the root's trailing dot */
#define ADDR_DIRNAME_MAX 255 /* a file name: NAME_MAX on Linux */

enum addr_kind {
    ADDR_IPV4,
    ADDR_IPV6,
    ADDR_DNS,
};

enum dir_format {
    DIR_FORMAT_NODE,    /* node_10_192_0_2 */
    DIR_FORMAT_ADDRESS, /* 10.192.0.2 */
};

struct node_addr {
    enum addr_kind kind;
    char text[ADDR_DNS_MAX + 1]; /* canonical form: IPv6 compressed, names lower-cased */
    unsigned char ip[16];        /* network order; IPv4 uses the first 4 bytes */
    size_t ip_len;               /* 4, 16, or 0 for a DNS name */
};

/* Parses one node argument. IPv4 only in strict dotted-quad form (no leading zeros, octal, hex or
 * shortened forms); IPv6 as inet_pton reads it, no zone; a DNS name per RFC 1123 whose last label
 * is not all digits. A failure is a usage error naming the argument and the reason. */
int addr_parse(const char *arg, struct node_addr *out, struct err *err);

/* Parses a list, refusing duplicates (compared in canonical form). On failure *failed_at (if not
 * NULL) is the index of the argument at fault. */
int addr_parse_list(char *const *args, size_t n, struct node_addr *out, size_t *failed_at,
                    struct err *err);

/* The node's directory name in the tree, e.g. node_10_192_0_2. Fits in ADDR_DIRNAME_MAX + 1. */
void addr_dirname(const struct node_addr *a, enum dir_format format, char *out, size_t size);

/* Refuses (usage error) a list whose directory names clash (1.2.3.4.5.6.7.a and 1:2:3:4:5:6:7:a
 * both become node_1_2_3_4_5_6_7_a) or do not fit in a file name. */
int addr_check_dirnames(const struct node_addr *nodes, size_t n, enum dir_format format,
                        struct err *err);

const char *addr_kind_name(enum addr_kind kind);

#endif
