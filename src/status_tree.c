#include "status_tree.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

#define IDENTITY_FILE "client-cert.pem" /* what makes a directory a node directory here */

void
status_tree_free(struct status_tree *t)
{
    for (size_t i = 0; i < t->n_node_dirs; i++)
        free(t->node_dirs[i]);
    free(t->node_dirs);
    t->node_dirs = NULL;
    t->n_node_dirs = 0;
}

static int
is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
has_identity(int dirfd, const char *dir)
{
    char path[PATH_MAX];

    if (snprintf(path, sizeof(path), "%s/" IDENTITY_FILE, dir) >= (int)sizeof(path))
        return 0;
    return faccessat(dirfd, path, F_OK, 0) == 0;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
add_node_dir(struct status_tree *t, const char *name, struct err *err)
{
    if (t->n_node_dirs == STATUS_MASTERS_MAX)
        return err_usage(err, "%s: more than %d node directories", t->path, STATUS_MASTERS_MAX);
    if (t->node_dirs == NULL)
        t->node_dirs = calloc(STATUS_MASTERS_MAX, sizeof(*t->node_dirs));
    if (t->node_dirs == NULL || (t->node_dirs[t->n_node_dirs] = strdup(name)) == NULL)
        return err_set(err, "%s: out of memory", t->path);
    t->n_node_dirs++;
    return 0;
}

/* The directories below the tree that hold a client identity, sorted by name. */
static int
list_node_dirs(struct status_tree *t, struct err *err)
{
    DIR *d = opendir(t->path);
    const struct dirent *e;
    int rc = 0;

    if (d == NULL)
        return err_usage(err, "%s: %s", t->path, strerror(errno));
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.' && has_identity(dirfd(d), e->d_name))
            rc = add_node_dir(t, e->d_name, err);
    }
    closedir(d);
    if (rc != 0)
        status_tree_free(t);
    else if (t->n_node_dirs > 1)
        qsort(t->node_dirs, t->n_node_dirs, sizeof(*t->node_dirs), compare_names);
    return rc;
}

static int
choose_path(const char *path, struct status_tree *t, struct err *err)
{
    struct stat st;

    if (path == NULL && !is_dir(STATUS_INSTALLED_DIR) && !is_dir(STATUS_LOCAL_DIR))
        return err_usage(err,
                         "no artifacts: neither " STATUS_INSTALLED_DIR " nor ./" STATUS_LOCAL_DIR
                         " is a directory; name one with --artifacts DIR");
    if (path == NULL)
        path = is_dir(STATUS_INSTALLED_DIR) ? STATUS_INSTALLED_DIR : STATUS_LOCAL_DIR;
    if (snprintf(t->path, sizeof(t->path), "%s", path) >= (int)sizeof(t->path))
        return err_usage(err, "--artifacts: the path is too long");
    if (stat(path, &st) != 0)
        return err_usage(err, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return err_usage(err,
                         "%s: not a directory: name an artifacts tree or a master's "
                         "directory",
                         path);
    return 0;
}

int
status_tree_open(const char *path, struct status_tree *t, struct err *err)
{
    memset(t, 0, sizeof(*t));
    if (choose_path(path, t, err) != 0)
        return -1;
    if (has_identity(AT_FDCWD, t->path)) {
        snprintf(t->identity_dir, sizeof(t->identity_dir), "%s", t->path);
        return 0;
    }
    if (list_node_dirs(t, err) != 0)
        return -1;
    if (t->n_node_dirs == 0)
        return err_usage(err,
                         "%s: neither an artifacts tree nor a master's directory: no " IDENTITY_FILE
                         " in it or in a directory below it",
                         t->path);
    if (snprintf(t->identity_dir, sizeof(t->identity_dir), "%s/%s", t->path, t->node_dirs[0]) >=
        (int)sizeof(t->identity_dir)) {
        status_tree_free(t);
        return err_usage(err, "%s: the path is too long", t->path);
    }
    return 0;
}

/* ---- the masters of a tree ----------------------------------------------------------------- */

/* The SAN as a node argument would have named it: "10.0.0.1", "fd00::1", "master-1.example". */
static int
san_text(int type, const unsigned char *value, size_t len, char *out, size_t size)
{
    if (type == GNUTLS_SAN_DNSNAME && len < size) {
        memcpy(out, value, len);
        out[len] = '\0';
        return 0;
    }
    if (type == GNUTLS_SAN_IPADDRESS && (len == 4 || len == 16))
        return inet_ntop(len == 4 ? AF_INET : AF_INET6, value, out, (socklen_t)size) ? 0 : -1;
    return -1;
}

/* Whether this SAN is the address that names directory dir, in either layout. */
static int
san_names_dir(int type, const unsigned char *value, size_t len, const char *dir,
              struct node_addr *out)
{
    static const enum dir_format formats[] = {DIR_FORMAT_NODE, DIR_FORMAT_ADDRESS};
    char text[ADDR_DNS_MAX + 1];
    struct err ignored;
    struct node_addr a;

    if (san_text(type, value, len, text, sizeof(text)) != 0 || addr_parse(text, &a, &ignored) != 0)
        return 0;
    for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
        char name[ADDR_DNS_MAX + 8];

        addr_dirname(&a, formats[f], name, sizeof(name));
        if (strcmp(name, dir) == 0) {
            *out = a;
            return 1;
        }
    }
    return 0;
}

static int
find_node_san(gnutls_x509_crt_t crt, const char *dir, struct node_addr *out)
{
    for (unsigned i = 0;; i++) {
        unsigned char value[ADDR_DNS_MAX + 1];
        size_t len = sizeof(value);
        int type = gnutls_x509_crt_get_subject_alt_name(crt, i, value, &len, NULL);

        if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            return -1;
        if (type >= 0 && san_names_dir(type, value, len, dir, out))
            return 0;
    }
}

static int
node_of_dir(const struct status_tree *t, const char *dir, struct node_addr *out, struct err *err)
{
    char path[PATH_MAX];
    struct bytes pem;
    gnutls_datum_t d;
    gnutls_x509_crt_t crt;
    int rc;

    if (snprintf(path, sizeof(path), "%s/%s/" IDENTITY_FILE, t->path, dir) >= (int)sizeof(path))
        return err_usage(err, "%s/%s: the path is too long", t->path, dir);
    if (file_read(path, FILEIO_MAX_INPUT, &pem, err) != 0)
        return -1;
    d.data = pem.data;
    d.size = (unsigned)pem.len;
    rc = gnutls_x509_crt_init(&crt);
    if (rc < 0) {
        bytes_free(&pem);
        return err_set(err, "%s: %s", path, gnutls_strerror(rc));
    }
    rc = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM);
    if (rc < 0)
        err_usage(err, "%s: %s", path, gnutls_strerror(rc));
    else if ((rc = find_node_san(crt, dir, out)) != 0)
        err_usage(err,
                  "%s: no address among its SANs gives the directory its name; name the masters "
                  "to call instead",
                  path);
    gnutls_x509_crt_deinit(crt);
    bytes_free(&pem);
    return rc < 0 ? -1 : 0;
}

int
status_tree_masters(const struct status_tree *t, struct node_addr **out, size_t *n, struct err *err)
{
    *out = NULL;
    *n = 0;
    if (t->n_node_dirs == 0)
        return err_usage(err,
                         "%s is one master's directory: name the masters to call (or "
                         "--master-list FILE)",
                         t->path);
    *out = calloc(t->n_node_dirs, sizeof(**out));
    if (*out == NULL)
        return err_set(err, "out of memory");
    for (size_t i = 0; i < t->n_node_dirs; i++) {
        if (node_of_dir(t, t->node_dirs[i], &(*out)[i], err) != 0) {
            free(*out);
            *out = NULL;
            return -1;
        }
    }
    *n = t->n_node_dirs;
    return 0;
}
