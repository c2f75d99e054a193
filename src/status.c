#include "status.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "err.h"
#include "usage.h"
#include "masterlist.h"
#include "status_probe.h"
#include "status_report.h"
#include "status_tree.h"
#include "tlsclient.h"

#define STATUS_PROG            "exhibitor-tls-artifacts status"
#define STATUS_DEFAULT_PORT    8181 /* Exhibitor's, on every DC/OS master */
#define STATUS_DEFAULT_TIMEOUT 5
#define STATUS_MAX_TIMEOUT     600
#define STATUS_MAX_WAIT        86400
#define STATUS_POLL_MS         2000 /* between rounds while waiting */

static const char usage_text[] =
    "Usage: " STATUS_PROG " [OPTIONS] [MASTER...]\n"
    "\n"
    "Asks each master's Exhibitor how the ZooKeeper ensemble is, over mutual TLS with the\n"
    "artifacts' client certificate, as Exhibitor's peers and Admin Router call it:\n"
    "GET https://MASTER:8181" STATUS_PATH ", the server's certificate\n"
    "verified against root-cert.pem and the master's address. Prints a line per master (its\n"
    "servers, their states, the leader) and a verdict.\n"
    "\n"
    "MASTER is a master's address (IPv4, IPv6 or DNS name). Without any, the masters are those\n"
    "of --master-list, else the node directories of the --artifacts tree.\n"
    "\n"
    "Options:\n"
    "      --artifacts DIR     a tree, or one master's directory, whose client-cert.pem,\n"
    "                          client-key.pem and root-cert.pem to use (default:\n"
    "                          " STATUS_INSTALLED_DIR " if it exists, else\n"
    "                          ./" STATUS_LOCAL_DIR "); of a tree, its first node directory's\n"
    "      --port N            Exhibitor's port (default 8181)\n"
    "      --master-list FILE  also call the masters in master_list of a DC/OS config.yaml\n"
    "      --wait SECONDS      until healthy, call again every 2 s for up to SECONDS\n"
    "      --timeout SECONDS   time each master has to answer, from connecting to the last\n"
    "                          byte (default 5)\n"
    "      --json              print one JSON document instead of the lines\n"
    "  -h, --help              show this help and exit\n"
    "\n"
    "Healthy means that every master answered and that every server each one reports is\n"
    "serving.\n"
    "Exit status: 0 healthy, 1 not healthy or a master not reached, 2 usage or input error.\n"
    "Example: " STATUS_PROG " --artifacts artifacts --wait 300\n";

struct status_opts {
    const char *artifacts;
    const char *master_list;
    unsigned port;
    unsigned wait_s;
    unsigned timeout_s;
    int json;
    char **masters;
    size_t n_masters;
};

/* ---- options ------------------------------------------------------------------------------- */

enum { OPT_ARTIFACTS = 256, OPT_PORT, OPT_MASTER_LIST, OPT_WAIT, OPT_TIMEOUT, OPT_JSON };

static int
parse_number(int c, const char *arg, struct status_opts *o)
{
    switch (c) {
    case OPT_PORT:
        if (usage_parse_uint(arg, 1, 65535, &o->port) != 0)
            return usage_fail(STATUS_PROG, "--port '%s': not a port number from 1 to 65535", arg);
        return -1;
    case OPT_WAIT:
        if (usage_parse_uint(arg, 0, STATUS_MAX_WAIT, &o->wait_s) != 0)
            return usage_fail(STATUS_PROG, "--wait '%s': not a number of seconds from 0 to %d", arg,
                              STATUS_MAX_WAIT);
        return -1;
    default:
        if (usage_parse_uint(arg, 1, STATUS_MAX_TIMEOUT, &o->timeout_s) != 0)
            return usage_fail(STATUS_PROG, "--timeout '%s': not a number of seconds from 1 to %d",
                              arg, STATUS_MAX_TIMEOUT);
        return -1;
    }
}

/* Returns -1 to go on, or the exit code. */
static int
parse_option(int c, const char *arg, struct status_opts *o)
{
    switch (c) {
    case OPT_ARTIFACTS:
        o->artifacts = arg;
        return -1;
    case OPT_MASTER_LIST:
        o->master_list = arg;
        return -1;
    case OPT_PORT:
    case OPT_WAIT:
    case OPT_TIMEOUT:
        return parse_number(c, arg, o);
    case OPT_JSON:
        o->json = 1;
        return -1;
    case 'h':
        fputs(usage_text, stdout);
        return EXIT_OK;
    default:
        return EXIT_USAGE;
    }
}

static int
parse_args(int argc, char **argv, struct status_opts *o)
{
    static const struct option longopts[] = {
        {"artifacts", required_argument, NULL, OPT_ARTIFACTS},
        {"port", required_argument, NULL, OPT_PORT},
        {"master-list", required_argument, NULL, OPT_MASTER_LIST},
        {"wait", required_argument, NULL, OPT_WAIT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int rc;

        if (c == '?' || c == ':')
            return usage_bad_option(STATUS_PROG, c, argc, argv);
        rc = parse_option(c, optarg, o);
        if (rc >= 0)
            return rc;
    }
    o->masters = argv + optind;
    o->n_masters = (size_t)(argc - optind);
    return -1;
}

/* ---- the masters --------------------------------------------------------------------------- */

/* The masters named on the command line, then those of --master-list, as one list so that a
 * master named twice is refused. */
static int
named_masters(const struct status_opts *o, const struct master_entry *listed, size_t n_listed,
              struct node_addr **out, size_t *n, struct err *err)
{
    size_t total = o->n_masters + n_listed;
    size_t at = 0;
    char **all;
    int rc;

    if (total > STATUS_MASTERS_MAX)
        return err_usage(err, "%zu masters given, more than %d", total, STATUS_MASTERS_MAX);
    all = calloc(total, sizeof(*all));
    *out = calloc(total, sizeof(**out));
    if (all == NULL || *out == NULL) {
        free(all);
        return err_set(err, "out of memory");
    }
    for (size_t i = 0; i < o->n_masters; i++)
        all[i] = o->masters[i];
    for (size_t i = 0; i < n_listed; i++)
        all[o->n_masters + i] = listed[i].value;
    *n = total;
    rc = addr_parse_list(all, total, *out, &at, err);
    if (rc != 0 && listed != NULL && at >= o->n_masters)
        err_prefix(err, "%s:%zu", o->master_list, listed[at - o->n_masters].line);
    free(all);
    return rc;
}

static int
collect_masters(const struct status_opts *o, const struct status_tree *t, struct node_addr **out,
                size_t *n, struct err *err)
{
    struct master_entry *listed = NULL;
    size_t n_listed = 0;
    int rc;

    if (o->n_masters == 0 && o->master_list == NULL)
        return status_tree_masters(t, out, n, err);
    if (o->master_list && masterlist_read(o->master_list, &listed, &n_listed, err) != 0)
        return -1;
    rc = named_masters(o, listed, n_listed, out, n, err);
    masterlist_free(listed, n_listed);
    return rc;
}

/* ---- calling them -------------------------------------------------------------------------- */

static void
sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* While waiting, the state on stderr whenever it changes, so that a CI log shows progress
 * without a line every round. */
static void
note_waiting(const struct status_probe *probes, size_t n, int64_t left_ms, char *last, size_t size)
{
    char verdict[STATUS_VERDICT_MAX];

    status_verdict(probes, n, verdict, sizeof(verdict));
    if (strcmp(verdict, last) == 0)
        return;
    fprintf(stderr, STATUS_PROG ": %s; waiting up to %lld s more\n", verdict,
            (long long)((left_ms + 999) / 1000));
    snprintf(last, size, "%s", verdict);
}

/* Rounds of calls until healthy or the wait is over; the last starts at the deadline at the
 * latest, so the whole takes at most --wait plus --timeout. Returns the number of rounds. */
static unsigned
run_rounds(const struct status_opts *o, const struct tls_identity *id, struct status_probe *probes,
           size_t n, long long *ms)
{
    int64_t start = tls_now_ms();
    int64_t deadline = start + (int64_t)o->wait_s * 1000;
    char last[STATUS_VERDICT_MAX] = "";
    unsigned rounds = 0;

    for (;;) {
        int64_t now;

        status_probe_all(id, o->port, o->timeout_s, probes, n);
        rounds++;
        now = tls_now_ms();
        if (status_healthy(probes, n) || now >= deadline)
            break;
        note_waiting(probes, n, deadline - now, last, sizeof(last));
        sleep_ms(deadline - now < STATUS_POLL_MS ? deadline - now : STATUS_POLL_MS);
    }
    *ms = (long long)(tls_now_ms() - start);
    return rounds;
}

static int
load_identity(const struct status_tree *t, struct tls_identity *id, struct err *err)
{
    char cert[PATH_MAX + 32];
    char key[PATH_MAX + 32];
    char root[PATH_MAX + 32];

    snprintf(cert, sizeof(cert), "%s/client-cert.pem", t->identity_dir);
    snprintf(key, sizeof(key), "%s/client-key.pem", t->identity_dir);
    snprintf(root, sizeof(root), "%s/root-cert.pem", t->identity_dir);
    if (tls_identity_load(id, cert, key, root, err) != 0)
        return err_prefix(err, "client identity");
    return 0;
}

static int
report(const struct status_opts *o, const struct status_tree *t, const struct tls_identity *id,
       const struct status_result *r)
{
    struct err err = {EXIT_OK, ""};
    struct status_result full = *r;

    full.port = o->port;
    full.artifacts = t->path;
    full.client_cert = id->cert_path;
    if (o->json && status_print_json(&full, stdout, &err) != 0) {
        fprintf(stderr, STATUS_PROG ": %s\n", err.msg);
        return EXIT_WORK;
    }
    if (!o->json) {
        status_print_text(&full, stdout);
        if (fflush(stdout) != 0)
            return EXIT_WORK;
    }
    return status_healthy(r->probes, r->n) ? EXIT_OK : EXIT_WORK;
}

/* Returns the exit code, or -1 with err set when the calls could not be made at all. */
static int
run(const struct status_opts *o, const struct status_tree *t, const struct node_addr *masters,
    size_t n, struct err *err)
{
    struct tls_identity id;
    struct status_probe *probes;
    struct status_result r = {.n = n};
    int rc;

    if (n == 0)
        return err_usage(err, "no masters to call");
    probes = calloc(n, sizeof(*probes));
    if (probes == NULL)
        return err_set(err, "out of memory");
    if (load_identity(t, &id, err) != 0) {
        free(probes);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        probes[i].master = masters[i];
    r.probes = probes;
    r.rounds = run_rounds(o, &id, probes, n, &r.milliseconds);
    rc = report(o, t, &id, &r);
    for (size_t i = 0; i < n; i++)
        status_probe_clear(&probes[i]);
    free(probes);
    tls_identity_free(&id);
    return rc;
}

int
status_main(int argc, char **argv)
{
    struct status_opts o = {.port = STATUS_DEFAULT_PORT, .timeout_s = STATUS_DEFAULT_TIMEOUT};
    struct err err = {EXIT_OK, ""};
    struct status_tree t;
    struct node_addr *masters = NULL;
    size_t n = 0;
    int rc = parse_args(argc, argv, &o);

    if (rc >= 0)
        return rc;
    if (status_tree_open(o.artifacts, &t, &err) != 0) {
        fprintf(stderr, STATUS_PROG ": %s\n", err.msg);
        return err.code;
    }
    rc = collect_masters(&o, &t, &masters, &n, &err);
    if (rc == 0)
        rc = run(&o, &t, masters, n, &err);
    free(masters);
    status_tree_free(&t);
    if (rc < 0) {
        fprintf(stderr, STATUS_PROG ": %s\n", err.msg);
        return err.code;
    }
    return rc;
}
