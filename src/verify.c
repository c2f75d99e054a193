#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "err.h"
#include "usage.h"
#include "password.h"
#include "verify_node.h"
#include "verify_report.h"

#define VERIFY_PROG              "exhibitor-tls-artifacts verify"
#define VERIFY_DEFAULT_WARN_DAYS 30
#define VERIFY_MAX_WARN_DAYS     36500
#define VERIFY_MAX_NODES         1000 /* as many as the generator makes */

static const char usage_text[] =
    "Usage: " VERIFY_PROG " [OPTIONS] PATH\n"
    "\n"
    "Checks an artifacts set before Exhibitor is restarted on it. PATH is a whole tree\n"
    "(root-cert.pem, truststore.jks and a directory per master) or one master's directory, as\n"
    "installed in /var/lib/dcos/exhibitor-tls-artifacts. Prints a line per check (ok, warn or\n"
    "FAIL, the file, the check, the reason), then the totals.\n"
    "\n"
    "Options:\n"
    "  --node ADDRESS        the master a single directory belongs to (default: read from the\n"
    "                        directory's name, node_10_0_0_1 or 10.0.0.1)\n"
    "  --store-password P    keystore and key password (default: " DEFAULT_STORE_PASSWORD ")\n"
    "  --warn-days N         warn about certificates that expire within N days (default: 30)\n"
    "  --json                print the results as one JSON document\n"
    "  -q, --quiet           print only warnings, failures and the totals\n"
    "  -h, --help            show this help and exit\n"
    "\n"
    "Exit status: 0 every check passed (warnings allowed), 1 a check failed, 2 usage error.\n";

struct verify_opts {
    const char *path;
    const char *store_password;
    struct node_addr node;
    int node_given;
    unsigned warn_days;
    int json;
    int quiet;
};

/* The node directories of a tree, by name, sorted. */
struct tree {
    char **names;
    size_t n;
};

/* ---- options ------------------------------------------------------------------------------ */

enum { OPT_NODE = 256, OPT_STORE_PASSWORD, OPT_WARN_DAYS, OPT_JSON };

/* Returns -1 to go on, or the exit code. */
static int
parse_option(int c, const char *arg, struct verify_opts *o)
{
    struct err err = {EXIT_OK, ""};

    switch (c) {
    case OPT_NODE:
        if (addr_parse(arg, &o->node, &err) != 0)
            return usage_fail(VERIFY_PROG, "--node: %s", err.msg);
        o->node_given = 1;
        return -1;
    case OPT_STORE_PASSWORD:
        o->store_password = arg;
        return -1;
    case OPT_WARN_DAYS:
        if (usage_parse_uint(arg, 0, VERIFY_MAX_WARN_DAYS, &o->warn_days) != 0)
            return usage_fail(VERIFY_PROG, "--warn-days '%s': not a number from 0 to %d", arg,
                              VERIFY_MAX_WARN_DAYS);
        return -1;
    case OPT_JSON:
        o->json = 1;
        return -1;
    case 'q':
        o->quiet = 1;
        return -1;
    case 'h':
        fputs(usage_text, stdout);
        return EXIT_OK;
    default:
        return EXIT_USAGE;
    }
}

static int
parse_args(int argc, char **argv, struct verify_opts *o)
{
    static const struct option longopts[] = {
        {"node", required_argument, NULL, OPT_NODE},
        {"store-password", required_argument, NULL, OPT_STORE_PASSWORD},
        {"warn-days", required_argument, NULL, OPT_WARN_DAYS},
        {"json", no_argument, NULL, OPT_JSON},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        int rc;

        if (c == '?' || c == ':')
            return usage_bad_option(VERIFY_PROG, c, argc, argv);
        rc = parse_option(c, optarg, o);
        if (rc >= 0)
            return rc;
    }
    if (argc - optind != 1)
        return usage_fail(VERIFY_PROG, "%s",
                          argc - optind == 0 ? "no PATH given: name a tree or a node "
                                               "directory"
                                             : "give one PATH");
    o->path = argv[optind];
    return -1;
}

/* ---- what PATH is ------------------------------------------------------------------------- */

static int
has_node_file(int dirfd, const char *dir)
{
    for (size_t f = 0; f < NODE_FILES; f++) {
        char path[PATH_MAX];

        snprintf(path, sizeof(path), "%s/%s", dir, node_file_names[f]);
        if (faccessat(dirfd, path, F_OK, 0) == 0)
            return 1;
    }
    return 0;
}

/* node_*, or a bare address. A bare DNS name could be any directory's name, so it counts only
 * when it holds one of a node's files. */
static int
is_node_dir(int dirfd, const char *name)
{
    struct node_addr a;
    struct err err;
    struct stat st;

    if (name[0] == '.' || fstatat(dirfd, name, &st, 0) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    if (strncmp(name, "node_", 5) == 0)
        return 1;
    if (addr_parse(name, &a, &err) != 0)
        return 0;
    return a.kind != ADDR_DNS || has_node_file(dirfd, name);
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_tree(struct tree *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    memset(t, 0, sizeof(*t));
}

static int
add_name(struct tree *t, const char *name)
{
    if (t->names == NULL)
        t->names = calloc(VERIFY_MAX_NODES, sizeof(*t->names));
    if (t->names == NULL || (t->names[t->n] = strdup(name)) == NULL)
        return -1;
    t->n++;
    return 0;
}

/* Lists the node directories under path; none means path is itself a node directory. */
static int
list_tree(const char *path, struct tree *t)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int rc = -1;

    memset(t, 0, sizeof(*t));
    if (d == NULL)
        return usage_fail(VERIFY_PROG, "%s: %s", path, strerror(errno));
    while ((e = readdir(d)) != NULL) {
        if (!is_node_dir(dirfd(d), e->d_name))
            continue;
        if (t->n == VERIFY_MAX_NODES) {
            rc = usage_fail(VERIFY_PROG, "%s: more than %d node directories", path,
                            VERIFY_MAX_NODES);
            goto out;
        }
        if (add_name(t, e->d_name) != 0) {
            fprintf(stderr, VERIFY_PROG ": %s: out of memory\n", path);
            rc = EXIT_WORK;
            goto out;
        }
    }
    if (t->n > 1)
        qsort(t->names, t->n, sizeof(*t->names), compare_names);
out:
    closedir(d);
    if (rc >= 0)
        free_tree(t);
    return rc;
}

static int
check_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return usage_fail(VERIFY_PROG, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return usage_fail(VERIFY_PROG, "%s: not a directory (for one keystore, use inspect)", path);
    return -1;
}

/* ---- checks ------------------------------------------------------------------------------- */

struct run {
    const struct verify_opts *o;
    struct verify_settings s;
    struct verify_report report;
    size_t n_nodes;
    const char **dirs; /* for JSON */
    char (*addresses)[ADDR_DNS_MAX + 1];
    const char **address_of; /* NULL where not known */
};

static int
alloc_run(struct run *run, size_t n)
{
    size_t slots = n ? n : 1;

    run->n_nodes = n;
    run->dirs = calloc(slots, sizeof(*run->dirs));
    run->addresses = calloc(slots, sizeof(*run->addresses));
    run->address_of = calloc(slots, sizeof(*run->address_of));
    return run->dirs && run->addresses && run->address_of ? 0 : -1;
}

static void
free_run(struct run *run)
{
    free(run->dirs);
    free(run->addresses);
    free(run->address_of);
    vreport_free(&run->report);
}

static void
note_node(struct run *run, size_t i, const char *dir, const struct node_dir *nd)
{
    run->dirs[i] = dir;
    if (!nd->addr_known)
        return;
    snprintf(run->addresses[i], sizeof(run->addresses[i]), "%s", nd->addr.text);
    run->address_of[i] = run->addresses[i];
}

static void
run_tree(struct run *run, const struct tree *t)
{
    struct node_dir top = {.path = run->o->path, .label = "", .name = "", .in_tree = 1};
    gnutls_x509_crt_t first_root = NULL;
    char first_name[CHECK_FILE_MAX] = "";

    verify_top_dir(&run->s, &top, &run->report);
    for (size_t i = 0; i < t->n; i++) {
        char path[PATH_MAX];
        struct node_dir nd = {
            .path = path, .label = t->names[i], .name = t->names[i], .in_tree = 1};

        snprintf(path, sizeof(path), "%s/%s", run->o->path, t->names[i]);
        nd.tree_root = top.root ? top.root : first_root;
        nd.tree_root_name = top.root ? "the tree's root-cert.pem" : first_name;
        verify_node_dir(&run->s, &nd, &run->report);
        note_node(run, i, t->names[i], &nd);
        if (nd.tree_root == NULL && nd.root != NULL) {
            /* No root at the top: the first node's is the one all the others must share. */
            first_root = nd.root;
            snprintf(first_name, sizeof(first_name), "%s/root-cert.pem", t->names[i]);
        } else if (nd.root != NULL) {
            gnutls_x509_crt_deinit(nd.root);
        }
    }
    if (first_root)
        gnutls_x509_crt_deinit(first_root);
    if (top.root)
        gnutls_x509_crt_deinit(top.root);
}

/* The name that tells a single directory's node: its own, even when given as "." */
static const char *
own_name(const char *path, char *real)
{
    const char *slash;

    if (realpath(path, real) == NULL)
        return path;
    slash = strrchr(real, '/');
    return slash && slash[1] ? slash + 1 : real;
}

static void
run_node(struct run *run)
{
    char real[PATH_MAX];
    struct node_dir nd = {.path = run->o->path, .label = "", .in_tree = 0};

    nd.name = own_name(run->o->path, real);
    nd.given = run->o->node_given ? &run->o->node : NULL;
    verify_node_dir(&run->s, &nd, &run->report);
    note_node(run, 0, ".", &nd);
    if (nd.root)
        gnutls_x509_crt_deinit(nd.root);
}

static int
print_results(const struct run *run, int is_tree)
{
    const struct verify_opts *o = run->o;

    if (!o->json) {
        vreport_print_text(&run->report, o->path, run->n_nodes, o->quiet, stdout);
    } else if (vreport_print_json(&run->report, o->path, is_tree ? "tree" : "node", run->dirs,
                                  run->address_of, run->n_nodes, stdout) != 0) {
        fprintf(stderr, VERIFY_PROG ": %s: could not write the JSON results\n", o->path);
        return EXIT_WORK;
    }
    if (fflush(stdout) != 0)
        return EXIT_WORK;
    return vreport_failed(&run->report) ? EXIT_WORK : EXIT_OK;
}

static int
run_checks(const struct verify_opts *o, const struct bytes *pw16)
{
    struct run run = {.o = o, .s = {.pw16 = pw16, .now = time(NULL), .warn_days = o->warn_days}};
    struct tree t;
    int rc = list_tree(o->path, &t);

    if (rc >= 0)
        return rc;
    if (t.n > 0 && o->node_given) {
        free_tree(&t);
        return usage_fail(VERIFY_PROG,
                          "%s is a tree with %zu node directories: --node is for one node "
                          "directory",
                          o->path, t.n);
    }
    vreport_init(&run.report);
    if (alloc_run(&run, t.n ? t.n : 1) != 0) {
        rc = EXIT_WORK;
        fprintf(stderr, VERIFY_PROG ": out of memory\n");
    } else {
        if (t.n > 0)
            run_tree(&run, &t);
        else
            run_node(&run);
        rc = print_results(&run, t.n > 0);
    }
    free_run(&run);
    free_tree(&t);
    return rc;
}

int
verify_main(int argc, char **argv)
{
    struct verify_opts o = {.store_password = DEFAULT_STORE_PASSWORD,
                            .warn_days = VERIFY_DEFAULT_WARN_DAYS};
    struct err err = {EXIT_OK, ""};
    struct bytes pw16;
    int rc = parse_args(argc, argv, &o);

    if (rc >= 0 || o.path == NULL)
        return rc >= 0 ? rc : EXIT_USAGE;
    rc = check_path(o.path);
    if (rc >= 0)
        return rc;
    if (password_utf16be(o.store_password, &pw16, &err) != 0)
        return usage_fail(VERIFY_PROG, "--store-password: %s", err.msg);
    rc = run_checks(&o, &pw16);
    bytes_free(&pw16);
    return rc;
}
