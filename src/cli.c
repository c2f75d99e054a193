#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "generate.h"
#include "password.h"
#include "plan.h"

#define PROG "exhibitor-tls-artifacts"

static const char usage_text[] =
    "Usage: " PROG " [OPTIONS] NODE...\n"
    "\n"
    "Makes a new private PKI for one DC/OS cluster's Exhibitor mutual TLS: a root CA and, for\n"
    "each master NODE, a server and a client identity as PEM files (Admin Router, curl) and\n"
    "Java KeyStores (Exhibitor). NODE is the master's internal address: IPv4 (dotted quad),\n"
    "IPv6, or a DNS name.\n"
    "\n"
    "Options:\n"
    "  -d, --output-dir DIR   write the tree to DIR, which must not exist (default: artifacts)\n"
    "  -k, --key-type TYPE    rsa-2048, rsa-3072, rsa-4096 (default), ecdsa-p256, ecdsa-p384\n"
    "  -j, --jobs N           generate keys on N threads (default: the number of CPUs)\n"
    "  -q, --quiet            print nothing but errors\n"
    "  -h, --help             show this help and exit\n"
    "  -V, --version          show the version and exit\n"
    "\n"
    "Exit status: 0 done, 1 failed while working, 2 usage or input error.\n"
    "Example: " PROG " 10.192.0.2 10.192.0.3 10.192.0.4\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on stderr naming the bad argument. */
static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, PROG ": ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see " PROG " --help)\n");
    return EXIT_USAGE;
}

static int
parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v;

    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

enum parse_result {
    PARSE_RUN,
    PARSE_EXIT_OK,
    PARSE_EXIT_USAGE,
};

static enum parse_result
parse_option(int c, const char *arg, struct plan *plan)
{
    switch (c) {
    case 'd':
        plan->output_dir = arg;
        return PARSE_RUN;
    case 'k':
        if (key_type_parse(arg, &plan->key_type) != 0) {
            usage_error("--key-type '%s': not one of rsa-2048, rsa-3072, rsa-4096, ecdsa-p256, "
                        "ecdsa-p384",
                        arg);
            return PARSE_EXIT_USAGE;
        }
        return PARSE_RUN;
    case 'j':
        if (parse_uint(arg, 1, 256, &plan->jobs) != 0) {
            usage_error("--jobs '%s': not a number from 1 to 256", arg);
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
        return PARSE_EXIT_USAGE;
    }
}

static enum parse_result
parse_args(int argc, char **argv, struct plan *plan)
{
    static const struct option longopts[] = {
        {"output-dir", required_argument, NULL, 'd'},
        {"key-type", required_argument, NULL, 'k'},
        {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:k:j:qhV", longopts, NULL)) != -1) {
        enum parse_result r;

        if (c == '?' || c == ':') {
            usage_error(c == '?' ? "unknown option '%s'" : "option '%s' needs a value",
                        argv[optind - 1]);
            return PARSE_EXIT_USAGE;
        }
        r = parse_option(c, optarg, plan);
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

static int
report_error(const struct err *err)
{
    fprintf(stderr, PROG ": %s\n", err->msg);
    return err->code;
}

static int
run_generate(int argc, char **argv)
{
    struct err err = {EXIT_OK, ""};
    struct plan plan;
    size_t n;
    int rc;

    plan_defaults(&plan);
    switch (parse_args(argc, argv, &plan)) {
    case PARSE_EXIT_OK:
        return EXIT_OK;
    case PARSE_EXIT_USAGE:
        return EXIT_USAGE;
    case PARSE_RUN:
        break;
    }
    n = (size_t)(argc - optind);
    if (n == 0)
        return usage_error("%s", "no masters given: name each master's address");
    if (n > PLAN_MAX_NODES)
        return usage_error("%s", "more than 1000 masters given");
    plan.nodes = calloc(n, sizeof(*plan.nodes));
    if (plan.nodes == NULL)
        return report_error(&(struct err){EXIT_WORK, "out of memory"});
    plan.n_nodes = n;
    rc = addr_parse_list(argv + optind, n, plan.nodes, &err);
    if (rc == 0)
        rc = generate_run(&plan, &err);
    free(plan.nodes);
    return rc == 0 ? EXIT_OK : report_error(&err);
}

/* Sub-commands, each with its own options; anything else is the generator. */
static const struct {
    const char *name;
    int (*main)(int argc, char **argv);
} subcommands[] = {
    {NULL, NULL},
};

int
cli_main(int argc, char **argv)
{
    for (size_t i = 0; argc > 1 && subcommands[i].name != NULL; i++) {
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].main(argc - 1, argv + 1);
    }
    return run_generate(argc, argv);
}
