/* Where status finds its client identity and, unless told, the masters to call: an artifacts
 * tree (the identity of its first node directory, which shares the tree's root with all the
 * others; a master per node directory) or one master's directory as installed on a master. */
#ifndef ETA_STATUS_TREE_H
#define ETA_STATUS_TREE_H

#include <limits.h>
#include <stddef.h>

#include "addr.h"
#include "err.h"

#define STATUS_INSTALLED_DIR "/var/lib/dcos/exhibitor-tls-artifacts"
#define STATUS_LOCAL_DIR     "artifacts"
#define STATUS_MASTERS_MAX   1000 /* as many as the generator makes */

struct status_tree {
    char path[PATH_MAX];         /* the tree or the node directory, as named */
    char identity_dir[PATH_MAX]; /* whose client-cert.pem, client-key.pem, root-cert.pem */
    char **node_dirs;            /* a tree's node directories, by name, sorted */
    size_t n_node_dirs;          /* 0 for a node directory */
};

/* Opens path, or without one STATUS_INSTALLED_DIR if it exists, else STATUS_LOCAL_DIR. A path
 * that is neither a tree nor a node directory is a usage error. */
int status_tree_open(const char *path, struct status_tree *t, struct err *err);

/* The masters of a tree, one per node directory: the address among the SANs of the directory's
 * client-cert.pem that gives the directory its name, in either layout (node_fd00__2 or
 * fd00::2), so that IPv6 and DNS names come back exactly as they were given. */
int status_tree_masters(const struct status_tree *t, struct node_addr **out, size_t *n,
                        struct err *err);

void status_tree_free(struct status_tree *t);

#endif
