#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "generate.h"
#include "inspect.h"
#include "masterlist.h"
#include "password.h"
#include "plan.h"
#include "status.h"
#include "verify.h"
#include "usage.h"

#define PROG "exhibitor-tls-artifacts"

static const char usage_text[] =
    "Usage: " PROG " [OPTIONS] NODE...\n"
    "       " PROG " verify|inspect|status ... (see '" PROG " COMMAND --help')\n"
    "\n"
    "Makes a new private PKI for one DC/OS cluster's Exhibitor mutual TLS: a root CA and, for\n"
    "each master NODE, a server and a client identity as PEM files (Admin Router, curl) and\n"
    "Java KeyStores (Exhibitor). NODE is the master's internal address: IPv4 (dotted quad),\n"
    "IPv6, or a DNS name.\n"
    "\n"
    "Output:\n"
    "  -d, --output-dir DIR     write the tree to DIR, which must not exist (default: artifacts)\n"
    "      --dir-format FORMAT  node (node_10_192_0_2, default) or address (10.192.0.2)\n"
    "      --json               describe the run as one JSON document on stdout\n"
    "  -q, --quiet              print nothing but errors\n"
    "\n"
    "Masters:\n"
    "      --master-list FILE   also take the masters from master_list in a DC/OS config.yaml\n"
    "\n"
    "Root CA:\n"
    "      --keep-ca-key        also write root-key.pem (0600): store it offline, never on a "
    "master\n"
    "      --ca-cert FILE       issue from this existing root CA certificate (PEM) ...\n"
    "      --ca-key FILE        ... and its private key (PEM), instead of making a new root\n"
    "\n"
    "Certificates and keystores:\n"
    "  -k, --key-type TYPE      rsa-2048, rsa-3072, rsa-4096 (default), ecdsa-p256, ecdsa-p384\n"
    "      --days N             validity in days, 1..36500 (default 3650)\n"
    "      --country CC         subject C (default US)\n"
    "      --state NAME         subject ST (default CA)\n"
    "      --locality NAME      subject L (default San Francisco)\n"
    "      --organization NAME  subject O (default Mesosphere)\n"
    "      --san NAME           add a DNS name or IP to every node's certificates (repeatable)\n"
    "      --store-password PW  keystore and key password (default not-relevant-for-security,\n"
    "                           which DC/OS hard-codes: change it only for other deployments)\n"
    "\n"
    "Other:\n"
    "  -j, --jobs N             generate keys on N threads (default: the number of CPUs)\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "Exit status: 0 done, 1 failed while working, 2 usage or input error.\n"
    "Example: " PROG " 10.192.0.2 10.192.0.3 10.192.0.4\n";

enum parse_result {
    PARSE_RUN,
    PARSE_EXIT_OK,
    PARSE_EXIT_USAGE,
};

/* Long-only options. */
enum {
    OPT_DIR_FORMAT = 256,
    OPT_JSON,
    OPT_MASTER_LIST,
    OPT_KEEP_CA_KEY,
    OPT_CA_CERT,
    OPT_CA_KEY,
    OPT_DAYS,
    OPT_COUNTRY,
    OPT_STATE,
    OPT_LOCALITY,
    OPT_ORGANIZATION,
    OPT_SAN,
    OPT_STORE_PASSWORD,
};

#define MAX_EXTRA_SANS     32
#define SUBJECT_FIELD_MAX  64 /* ub-organization-name and friends, RFC 5280 */
#define STORE_PASSWORD_MIN 6  /* keytool refuses shorter ones */
#define STORE_PASSWORD_MAX 128

/* What the command line gathers before the plan is complete. */
struct args {
    struct plan plan;
    const char *master_list;
    char *sans[MAX_EXTRA_SANS];
    size_t n_sans;
};

/* Subject fields: 1..64 bytes of UTF-8 without control characters. */
static int
check_subject_field(const char *option, const char *value)
{
    struct err err = {0, ""};
    struct bytes utf16;

    if (value[0] == '\0' || strlen(value) > SUBJECT_FIELD_MAX) {
        usage_fail(PROG, "%s '%s': must be 1 to %d bytes", option, value, SUBJECT_FIELD_MAX);
        return -1;
    }
    for (const char *p = value; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            usage_fail(PROG, "%s: control characters are not allowed", option);
            return -1;
        }
    }
    if (password_utf16be(value, &utf16, &err) != 0) {
        usage_fail(PROG, "%s: not valid UTF-8", option);
        return -1;
    }
    bytes_free(&utf16);
    return 0;
}

/* A country is two ASCII letters (a PrintableString in the certificate), kept upper-case. */
static int
set_country(struct plan *plan, const char *value, char out[3])
{
    if (strlen(value) != 2 || !isalpha((unsigned char)value[0]) ||
        !isalpha((unsigned char)value[1])) {
        usage_fail(PROG, "--country '%s': must be a two-letter country code such as US", value);
        return -1;
    }
    out[0] = (char)toupper((unsigned char)value[0]);
    out[1] = (char)toupper((unsigned char)value[1]);
    out[2] = '\0';
    plan->subject.country = out;
    return 0;
}

static int
set_store_password(struct plan *plan, const char *value)
{
    struct err err = {0, ""};
    struct bytes utf16;
    size_t chars;

    if (password_utf16be(value, &utf16, &err) != 0) {
        usage_fail(PROG, "--store-password: %s", err.msg);
        return -1;
    }
    chars = utf16.len / 2;
    bytes_free(&utf16);
    if (chars < STORE_PASSWORD_MIN || chars > STORE_PASSWORD_MAX) {
        usage_fail(PROG, "--store-password: must be %d to %d characters", STORE_PASSWORD_MIN,
                   STORE_PASSWORD_MAX);
        return -1;
    }
    plan->store_password = value;
    return 0;
}

static int
parse_long_option(int c, const char *arg, struct args *a)
{
    static char country[3];
    struct plan *plan = &a->plan;

    switch (c) {
    case OPT_DIR_FORMAT:
        if (strcmp(arg, "node") == 0)
            plan->dir_format = DIR_FORMAT_NODE;
        else if (strcmp(arg, "address") == 0)
            plan->dir_format = DIR_FORMAT_ADDRESS;
        else
            return usage_fail(PROG, "--dir-format '%s': not node or address", arg), -1;
        return 0;
    case OPT_JSON:
        plan->json = 1;
        return 0;
    case OPT_MASTER_LIST:
        if (a->master_list != NULL)
            return usage_fail(PROG, "--master-list is given twice: name one file"), -1;
        a->master_list = arg;
        return 0;
    case OPT_KEEP_CA_KEY:
        plan->keep_ca_key = 1;
        return 0;
    case OPT_CA_CERT:
        plan->ca_cert_path = arg;
        return 0;
    case OPT_CA_KEY:
        plan->ca_key_path = arg;
        return 0;
    case OPT_DAYS:
        if (usage_parse_uint(arg, 1, PLAN_MAX_DAYS, &plan->days) != 0)
            return usage_fail(PROG, "--days '%s': not a number from 1 to %d", arg, PLAN_MAX_DAYS),
                   -1;
        return 0;
    case OPT_COUNTRY:
        return set_country(plan, arg, country);
    case OPT_STATE:
        plan->subject.state = arg;
        return check_subject_field("--state", arg);
    case OPT_LOCALITY:
        plan->subject.locality = arg;
        return check_subject_field("--locality", arg);
    case OPT_ORGANIZATION:
        plan->subject.organization = arg;
        return check_subject_field("--organization", arg);
    case OPT_SAN:
        if (a->n_sans == MAX_EXTRA_SANS)
            return usage_fail(PROG, "--san: more than %d names", MAX_EXTRA_SANS), -1;
        a->sans[a->n_sans++] = (char *)arg;
        return 0;
    case OPT_STORE_PASSWORD:
        return set_store_password(plan, arg);
    default:
        return -1;
    }
}

static enum parse_result
parse_option(int c, const char *arg, struct args *a)
{
    struct plan *plan = &a->plan;

    switch (c) {
    case 'd':
        plan->output_dir = arg;
        return PARSE_RUN;
    case 'k':
        if (key_type_parse(arg, &plan->key_type) != 0) {
            usage_fail(PROG,
                       "--key-type '%s': not one of rsa-2048, rsa-3072, rsa-4096, ecdsa-p256, "
                       "ecdsa-p384",
                       arg);
            return PARSE_EXIT_USAGE;
        }
        return PARSE_RUN;
    case 'j':
        if (usage_parse_uint(arg, 1, 256, &plan->jobs) != 0) {
            usage_fail(PROG, "--jobs '%s': not a number from 1 to 256", arg);
            return PARSE_EXIT_USAGE;
        }
        return PARSE_RUN;
    case 'q':
        plan->quiet = 1;
        return PARSE_RUN;
    case 'h':
        fputs(usage_text, stdout);
        return PARSE_EXIT_OK;
    case 'V':
        printf(PROG " %s\n", PROG_VERSION);
        return PARSE_EXIT_OK;
    default:
        return parse_long_option(c, arg, a) == 0 ? PARSE_RUN : PARSE_EXIT_USAGE;
    }
}

static enum parse_result
parse_args(int argc, char **argv, struct args *a)
{
    static const struct option longopts[] = {
        {"output-dir", required_argument, NULL, 'd'},
        {"key-type", required_argument, NULL, 'k'},
        {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"dir-format", required_argument, NULL, OPT_DIR_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"master-list", required_argument, NULL, OPT_MASTER_LIST},
        {"keep-ca-key", no_argument, NULL, OPT_KEEP_CA_KEY},
        {"ca-cert", required_argument, NULL, OPT_CA_CERT},
        {"ca-key", required_argument, NULL, OPT_CA_KEY},
        {"days", required_argument, NULL, OPT_DAYS},
        {"country", required_argument, NULL, OPT_COUNTRY},
        {"state", required_argument, NULL, OPT_STATE},
        {"locality", required_argument, NULL, OPT_LOCALITY},
        {"organization", required_argument, NULL, OPT_ORGANIZATION},
        {"san", required_argument, NULL, OPT_SAN},
        {"store-password", required_argument, NULL, OPT_STORE_PASSWORD},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:k:j:qhV", longopts, NULL)) != -1) {
        enum parse_result r;

        if (c == '?' || c == ':') {
            usage_bad_option(PROG, c, argc, argv);
            return PARSE_EXIT_USAGE;
        }
        r = parse_option(c, optarg, a);
        if (r != PARSE_RUN)
            return r;
    }
    return PARSE_RUN;
}

static void
plan_defaults(struct plan *plan)
{
    static const struct subject subject = SUBJECT_DEFAULT;

    memset(plan, 0, sizeof(*plan));
    plan->output_dir = PLAN_DEFAULT_OUTPUT_DIR;
    plan->key_type = KEY_TYPE_DEFAULT;
    plan->days = PLAN_DEFAULT_DAYS;
    plan->subject = subject;
    plan->store_password = DEFAULT_STORE_PASSWORD;
    plan->dir_format = DIR_FORMAT_NODE;
    plan->now = time(NULL);
}

/* The CA options go together, and a kept root key only makes sense for a new root. */
static int
check_ca_options(const struct plan *plan)
{
    if ((plan->ca_cert_path == NULL) != (plan->ca_key_path == NULL))
        return usage_fail(PROG, "%s", "--ca-cert and --ca-key go together");
    if (plan->ca_cert_path && plan->keep_ca_key)
        return usage_fail(PROG, "%s",
                          "--keep-ca-key makes no sense with --ca-cert: the key is yours");
    return 0;
}

static int
parse_extra_sans(struct args *a, struct node_addr *out, struct err *err)
{
    size_t at = 0;

    if (addr_parse_list(a->sans, a->n_sans, out, &at, err) != 0)
        return err_prefix(err, "--san");
    a->plan.extra_sans = out;
    a->plan.n_extra_sans = a->n_sans;
    return 0;
}

/* The masters from the command line, then those of --master-list, all checked as one list so
 * that a master named in both is refused as a duplicate. */
static int
parse_nodes(struct args *a, char **cli_nodes, size_t n_cli, const struct master_entry *listed,
            size_t n_listed, struct err *err)
{
    size_t n = n_cli + n_listed;
    size_t at = 0;
    char **all;
    int rc;

    if (n == 0)
        return err_usage(err, "no masters given: name each master's address");
    if (n > PLAN_MAX_NODES)
        return err_usage(err, "%zu masters given, more than %d", n, PLAN_MAX_NODES);
    all = calloc(n, sizeof(*all));
    a->plan.nodes = calloc(n, sizeof(*a->plan.nodes));
    if (all == NULL || a->plan.nodes == NULL) {
        free(all);
        return err_set(err, "out of memory");
    }
    for (size_t i = 0; i < n_cli; i++)
        all[i] = cli_nodes[i];
    for (size_t i = 0; i < n_listed; i++)
        all[n_cli + i] = listed[i].value;
    a->plan.n_nodes = n;
    rc = addr_parse_list(all, n, a->plan.nodes, &at, err);
    if (rc != 0 && listed != NULL && at >= n_cli)
        err_prefix(err, "%s:%zu", a->master_list, listed[at - n_cli].line);
    free(all);
    if (rc == 0)
        rc = addr_check_dirnames(a->plan.nodes, n, a->plan.dir_format, err);
    return rc;
}

static int
collect_nodes(struct args *a, char **cli_nodes, size_t n_cli, struct err *err)
{
    struct master_entry *listed = NULL;
    size_t n_listed = 0;
    int rc;

    if (a->master_list && masterlist_read(a->master_list, &listed, &n_listed, err) != 0)
        return -1;
    rc = parse_nodes(a, cli_nodes, n_cli, listed, n_listed, err);
    masterlist_free(listed, n_listed);
    return rc;
}

static int
report_error(const struct err *err)
{
    usage_print_error(PROG, err->msg);
    return err->code;
}

static int
run_generate(int argc, char **argv)
{
    struct err err = {EXIT_OK, ""};
    struct node_addr sans[MAX_EXTRA_SANS];
    struct args a = {.n_sans = 0};
    int rc;

    plan_defaults(&a.plan);
    switch (parse_args(argc, argv, &a)) {
    case PARSE_EXIT_OK:
        return EXIT_OK;
    case PARSE_EXIT_USAGE:
        return EXIT_USAGE;
    case PARSE_RUN:
        break;
    }
    if (check_ca_options(&a.plan) != 0)
        return EXIT_USAGE;
    rc = parse_extra_sans(&a, sans, &err);
    if (rc == 0)
        rc = collect_nodes(&a, argv + optind, (size_t)(argc - optind), &err);
    if (rc == 0)
        rc = generate_run(&a.plan, &err);
    free(a.plan.nodes);
    return rc == 0 ? EXIT_OK : report_error(&err);
}

/* Sub-commands, each with its own options; anything else is the generator. */
static const struct {
    const char *name;
    int (*main)(int argc, char **argv);
} subcommands[] = {
    {"verify", verify_main},
    {"inspect", inspect_main},
    {"status", status_main},
    {NULL, NULL},
};

/* What was printed must have arrived: a full disk or a closed pipe on stdout turns success into
 * failure, with a word on what was done all the same. */
static int
check_stdout(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    fprintf(stderr, PROG ": writing to standard output failed: %s\n", strerror(errno));
    return rc == EXIT_OK ? EXIT_WORK : rc;
}

int
cli_main(int argc, char **argv)
{
    for (size_t i = 0; argc > 1 && subcommands[i].name != NULL; i++) {
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return check_stdout(subcommands[i].main(argc - 1, argv + 1));
    }
    return check_stdout(run_generate(argc, argv));
}
