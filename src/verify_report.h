/* verify's results: one line per check (ok, warn or FAIL, the file, the check, the reason) and
 * the totals, as text or as one JSON document. */
#ifndef ETA_VERIFY_REPORT_H
#define ETA_VERIFY_REPORT_H

#include <stddef.h>
#include <stdio.h>

enum check_status {
    CHECK_OK,
    CHECK_WARN,
    CHECK_FAIL,
};

#define CHECK_FILE_MAX    512
#define CHECK_NAME_MAX    16
#define CHECK_MESSAGE_MAX 640

struct check_line {
    enum check_status status;
    char file[CHECK_FILE_MAX];   /* relative to the path verified */
    char check[CHECK_NAME_MAX];  /* files, mode, cert, store, key, trust, chain, ... */
    char msg[CHECK_MESSAGE_MAX]; /* the reason, or what was found when all is well */
};

struct verify_report {
    struct check_line *lines;
    size_t n_lines;
    size_t cap;
    int out_of_memory; /* a line could not be kept: the run counts as failed */
    size_t counts[3];  /* by status */
};

void vreport_init(struct verify_report *r);
void vreport_free(struct verify_report *r);

void vreport_add(struct verify_report *r, enum check_status status, const char *file,
                 const char *check, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The lines of one check on one file, or NULL: for tests. */
const struct check_line *vreport_find(const struct verify_report *r, const char *file,
                                      const char *check);

int vreport_failed(const struct verify_report *r);

/* Every line (only warnings and failures when quiet), then the totals line. */
void vreport_print_text(const struct verify_report *r, const char *path, size_t n_nodes, int quiet,
                        FILE *out);

/* One JSON document: path, layout, nodes, checks, totals and the result. */
int vreport_print_json(const struct verify_report *r, const char *path, const char *layout,
                       const char *const *nodes, const char *const *addresses, size_t n_nodes,
                       FILE *out);

#endif
