#include "verify_report.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define LINES_INITIAL 64

static const char *const status_text[] = {
    [CHECK_OK] = "ok",
    [CHECK_WARN] = "warn",
    [CHECK_FAIL] = "FAIL",
};

static const char *const status_json[] = {
    [CHECK_OK] = "ok",
    [CHECK_WARN] = "warn",
    [CHECK_FAIL] = "fail",
};

void
vreport_init(struct verify_report *r)
{
    memset(r, 0, sizeof(*r));
}

void
vreport_free(struct verify_report *r)
{
    free(r->lines);
    vreport_init(r);
}

static struct check_line *
next_line(struct verify_report *r)
{
    if (r->n_lines == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : LINES_INITIAL;
        struct check_line *lines = realloc(r->lines, cap * sizeof(*lines));

        if (lines == NULL)
            return NULL;
        r->lines = lines;
        r->cap = cap;
    }
    return &r->lines[r->n_lines++];
}

/* Names and messages may carry bytes from hostile files: no control character reaches the
 * terminal, and none can start a line that looks like another result. */
static void
scrub(char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
    }
}

void
vreport_add(struct verify_report *r, enum check_status status, const char *file, const char *check,
            const char *fmt, ...)
{
    struct check_line *line = next_line(r);
    va_list ap;

    r->counts[status]++;
    if (line == NULL) {
        r->out_of_memory = 1;
        return;
    }
    line->status = status;
    snprintf(line->file, sizeof(line->file), "%s", file);
    snprintf(line->check, sizeof(line->check), "%s", check);
    va_start(ap, fmt);
    vsnprintf(line->msg, sizeof(line->msg), fmt, ap);
    va_end(ap);
    scrub(line->file);
    scrub(line->check);
    scrub(line->msg);
}

const struct check_line *
vreport_find(const struct verify_report *r, const char *file, const char *check)
{
    for (size_t i = 0; i < r->n_lines; i++) {
        if (strcmp(r->lines[i].file, file) == 0 && strcmp(r->lines[i].check, check) == 0)
            return &r->lines[i];
    }
    return NULL;
}

int
vreport_failed(const struct verify_report *r)
{
    return r->counts[CHECK_FAIL] > 0 || r->out_of_memory;
}

static const char *
verdict(const struct verify_report *r)
{
    if (vreport_failed(r))
        return "not ready: fix each FAIL before Exhibitor is restarted on these files";
    if (r->counts[CHECK_WARN] > 0)
        return "ready, with warnings";
    return "ready";
}

void
vreport_print_text(const struct verify_report *r, const char *path, size_t n_nodes, int quiet,
                   FILE *out)
{
    for (size_t i = 0; i < r->n_lines; i++) {
        const struct check_line *l = &r->lines[i];

        if (quiet && l->status == CHECK_OK)
            continue;
        fprintf(out, "%-4s  %s: %s: %s\n", status_text[l->status], l->file, l->check, l->msg);
    }
    if (r->out_of_memory)
        fprintf(out, "FAIL  out of memory: some results were lost\n");
    fprintf(out, "%s: %zu node%s, %zu checks: %zu ok, %zu warn, %zu FAIL: %s\n", path, n_nodes,
            n_nodes == 1 ? "" : "s",
            r->counts[CHECK_OK] + r->counts[CHECK_WARN] + r->counts[CHECK_FAIL],
            r->counts[CHECK_OK], r->counts[CHECK_WARN], r->counts[CHECK_FAIL], verdict(r));
}

/* A JSON string even from bytes that are not UTF-8 (names read from hostile files): any byte
 * beyond ASCII is then shown as '?'. */
static json_t *
json_text(const char *s)
{
    json_t *j = json_string(s);
    char ascii[CHECK_MESSAGE_MAX];
    size_t i;

    if (j != NULL)
        return j;
    for (i = 0; i < sizeof(ascii) - 1 && s[i] != '\0'; i++) {
        ascii[i] = s[i];
        if ((unsigned char)s[i] >= 0x80)
            ascii[i] = '?';
    }
    ascii[i] = '\0';
    return json_string(ascii);
}

/* Sets key to value, taking the value's reference; a NULL value (out of memory) fails. */
static int
set(json_t *obj, const char *key, json_t *value)
{
    return obj == NULL || value == NULL ? (json_decref(value), -1)
                                        : json_object_set_new(obj, key, value);
}

static json_t *
check_json(const struct check_line *l)
{
    json_t *o = json_object();

    if (set(o, "status", json_string(status_json[l->status])) != 0 ||
        set(o, "file", json_text(l->file)) != 0 || set(o, "check", json_text(l->check)) != 0 ||
        set(o, "message", json_text(l->msg)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *
checks_json(const struct verify_report *r)
{
    json_t *checks = json_array();

    for (size_t i = 0; checks != NULL && i < r->n_lines; i++) {
        if (json_array_append_new(checks, check_json(&r->lines[i])) != 0) {
            json_decref(checks);
            return NULL;
        }
    }
    return checks;
}

static json_t *
node_json(const char *dir, const char *address)
{
    json_t *o = json_object();

    if (set(o, "directory", json_text(dir)) != 0 ||
        set(o, "address", address ? json_text(address) : json_null()) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *
nodes_json(const char *const *nodes, const char *const *addresses, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr != NULL && i < n; i++) {
        if (json_array_append_new(arr, node_json(nodes[i], addresses[i])) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *
totals_json(const struct verify_report *r)
{
    json_t *o = json_object();

    if (set(o, "ok", json_integer((json_int_t)r->counts[CHECK_OK])) != 0 ||
        set(o, "warn", json_integer((json_int_t)r->counts[CHECK_WARN])) != 0 ||
        set(o, "fail", json_integer((json_int_t)r->counts[CHECK_FAIL])) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static const char *
result_word(const struct verify_report *r)
{
    if (vreport_failed(r))
        return "fail";
    return r->counts[CHECK_WARN] ? "warn" : "ok";
}

int
vreport_print_json(const struct verify_report *r, const char *path, const char *layout,
                   const char *const *nodes, const char *const *addresses, size_t n_nodes,
                   FILE *out)
{
    json_t *doc = json_object();
    int rc = -1;

    if (set(doc, "path", json_text(path)) == 0 && set(doc, "layout", json_string(layout)) == 0 &&
        set(doc, "nodes", nodes_json(nodes, addresses, n_nodes)) == 0 &&
        set(doc, "checks", checks_json(r)) == 0 && set(doc, "totals", totals_json(r)) == 0 &&
        set(doc, "result", json_string(result_word(r))) == 0)
        rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc == 0)
        fputc('\n', out);
    json_decref(doc);
    return rc;
}
