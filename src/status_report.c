#include "status_report.h"

#include <jansson.h>
#include <stdarg.h>
#include <string.h>

#define LEADERS_MAX 8 /* distinct leaders named in a verdict: more than two is news enough */

int
status_healthy(const struct status_probe *probes, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!status_probe_healthy(&probes[i]))
            return 0;
    }
    return 1;
}

/* A copy of text a server chose, fit for a terminal: control characters become '?'. */
static const char *
printable(const char *s, char *buf, size_t size)
{
    size_t i = 0;

    for (; s[i] != '\0' && i + 1 < size; i++) {
        buf[i] = s[i];
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            buf[i] = '?';
    }
    buf[i] = '\0';
    return buf;
}

/* ---- the verdict --------------------------------------------------------------------------- */

struct line {
    char *buf;
    size_t size;
    int items;
};

static void add_item(struct line *l, const char *sep, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends one item, separated from the one before; what does not fit is cut. */
static void
add_item(struct line *l, const char *sep, const char *fmt, ...)
{
    size_t used = strlen(l->buf);
    va_list ap;

    if (l->items++ > 0 && used + 1 < l->size)
        used += (size_t)snprintf(l->buf + used, l->size - used, "%s", sep);
    if (used + 1 >= l->size)
        return;
    va_start(ap, fmt);
    vsnprintf(l->buf + used, l->size - used, fmt, ap);
    va_end(ap);
}

static void
add_problems(struct line *l, const struct status_probe *p)
{
    char host[STATUS_TEXT_MAX];
    char state[STATUS_TEXT_MAX];

    if (!p->reachable) {
        add_item(l, "; ", "%s unreachable (%s)", p->master.text, p->problem_words);
        return;
    }
    if (!p->answered) {
        add_item(l, "; ", "%s gives no cluster status (%s)", p->master.text, p->problem_words);
        return;
    }
    if (p->n_members == 0)
        add_item(l, "; ", "%s reports no servers", p->master.text);
    for (size_t i = 0; i < p->n_members; i++) {
        const struct status_member *m = &p->members[i];

        if (!m->serving)
            add_item(l, "; ", "%s reports %s %s", p->master.text,
                     printable(m->hostname, host, sizeof(host)),
                     m->description[0] ? printable(m->description, state, sizeof(state))
                                       : "in no state");
    }
}

/* The leaders the masters name, each once. */
static size_t
collect_leaders(const struct status_probe *probes, size_t n, const char **leaders)
{
    size_t found = 0;

    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; probes[i].answered && j < probes[i].n_members; j++) {
            const char *h = probes[i].members[j].hostname;
            size_t k = 0;

            if (!probes[i].members[j].leader)
                continue;
            while (k < found && strcmp(leaders[k], h) != 0)
                k++;
            if (k == found && found < LEADERS_MAX)
                leaders[found++] = h;
        }
    }
    return found;
}

static void
add_leaders(struct line *l, const struct status_probe *probes, size_t n)
{
    const char *leaders[LEADERS_MAX];
    size_t found = collect_leaders(probes, n, leaders);
    char host[STATUS_TEXT_MAX];

    if (found == 0) {
        add_item(l, ", ", "no leader reported");
        return;
    }
    if (found == 1) {
        add_item(l, ", ", "leader %s", printable(leaders[0], host, sizeof(host)));
        return;
    }
    add_item(l, ", ", "masters disagree on the leader:");
    for (size_t i = 0; i < found; i++)
        add_item(l, i == 0 ? " " : ", ", "%s", printable(leaders[i], host, sizeof(host)));
}

void
status_verdict(const struct status_probe *probes, size_t n, char *out, size_t size)
{
    char problems[STATUS_VERDICT_MAX];
    struct line l = {out, size, 0};
    struct line p = {problems, sizeof(problems), 0};

    out[0] = '\0';
    problems[0] = '\0';
    if (status_healthy(probes, n)) {
        add_item(&l, "", "healthy: %zu master%s answer%s, every server serving", n,
                 n == 1 ? "" : "s", n == 1 ? "s" : "");
        add_leaders(&l, probes, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        add_problems(&p, &probes[i]);
    snprintf(out, size, "not healthy: %s", n == 0 ? "no masters" : problems);
}

/* ---- text ---------------------------------------------------------------------------------- */

static void
print_member(const struct status_member *m, int first, FILE *out)
{
    char host[STATUS_TEXT_MAX];
    char state[STATUS_TEXT_MAX];

    fprintf(out, "%s%s %s%s", first ? "" : ", ", printable(m->hostname, host, sizeof(host)),
            m->description[0] ? printable(m->description, state, sizeof(state)) : "in no state",
            m->leader ? " (leader)" : "");
}

/* "10.0.0.1: reachable, TLS1.3: 10.0.0.1 serving, 10.0.0.2 serving (leader), 10.0.0.3 down" */
static void
print_master(const struct status_probe *p, FILE *out)
{
    int leader = 0;

    if (!p->reachable) {
        fprintf(out, "%s: unreachable: %s\n", p->master.text, p->error);
        return;
    }
    fprintf(out, "%s: reachable, %s", p->master.text, p->tls_version);
    if (!p->answered) {
        fprintf(out, ", but %s\n", p->error);
        return;
    }
    if (p->n_members == 0) {
        fprintf(out, ": reports no servers\n");
        return;
    }
    fputs(": ", out);
    for (size_t i = 0; i < p->n_members; i++) {
        print_member(&p->members[i], i == 0, out);
        leader |= p->members[i].leader;
    }
    fputs(leader ? "\n" : "; no leader\n", out);
}

void
status_print_text(const struct status_result *r, FILE *out)
{
    char verdict[STATUS_VERDICT_MAX];

    for (size_t i = 0; i < r->n; i++)
        print_master(&r->probes[i], out);
    status_verdict(r->probes, r->n, verdict, sizeof(verdict));
    fprintf(out, "%s\n", verdict);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

/* A string, or with bytes that are not UTF-8 (a path, a server's reason phrase) as '?'. */
static json_t *
json_text(const char *s)
{
    char buf[ERR_MSG_MAX + 256];
    json_t *v = json_string(s);
    size_t i = 0;

    if (v != NULL)
        return v;
    for (; s[i] != '\0' && i + 1 < sizeof(buf); i++) {
        buf[i] = s[i];
        if ((unsigned char)s[i] >= 0x80)
            buf[i] = '?';
    }
    buf[i] = '\0';
    return json_string(buf);
}

static json_t *
json_text_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? json_text(s) : json_null();
}

static json_t *
json_member(const struct status_member *m)
{
    json_t *o = json_object();

    json_object_set_new(o, "hostname", json_text(m->hostname));
    json_object_set_new(o, "code", m->code >= 0 ? json_integer(m->code) : json_null());
    json_object_set_new(o, "description", json_text(m->description));
    json_object_set_new(o, "serving", json_boolean(m->serving));
    json_object_set_new(o, "leader", json_boolean(m->leader));
    return o;
}

static json_t *
json_master(const struct status_probe *p)
{
    json_t *o = json_object();
    json_t *servers = json_array();
    const char *leader = NULL;

    for (size_t i = 0; i < p->n_members; i++) {
        json_array_append_new(servers, json_member(&p->members[i]));
        if (p->members[i].leader && leader == NULL)
            leader = p->members[i].hostname;
    }
    json_object_set_new(o, "master", json_string(p->master.text));
    json_object_set_new(o, "healthy", json_boolean(status_probe_healthy(p)));
    json_object_set_new(o, "reachable", json_boolean(p->reachable));
    json_object_set_new(o, "tls_version", json_text_or_null(p->tls_version));
    json_object_set_new(o, "servers", servers);
    json_object_set_new(o, "leader", json_text_or_null(leader));
    json_object_set_new(o, "problem", json_text_or_null(p->problem));
    json_object_set_new(o, "error", json_text_or_null(p->error));
    return o;
}

static json_t *
json_result(const struct status_result *r)
{
    char verdict[STATUS_VERDICT_MAX];
    json_t *doc = json_object();
    json_t *masters = json_array();

    for (size_t i = 0; i < r->n; i++)
        json_array_append_new(masters, json_master(&r->probes[i]));
    status_verdict(r->probes, r->n, verdict, sizeof(verdict));
    json_object_set_new(doc, "healthy", json_boolean(status_healthy(r->probes, r->n)));
    json_object_set_new(doc, "verdict", json_text(verdict));
    json_object_set_new(doc, "port", json_integer(r->port));
    json_object_set_new(doc, "artifacts", json_text(r->artifacts));
    json_object_set_new(doc, "client_certificate", json_text(r->client_cert));
    json_object_set_new(doc, "rounds", json_integer(r->rounds));
    json_object_set_new(doc, "milliseconds", json_integer(r->milliseconds));
    json_object_set_new(doc, "masters", masters);
    return doc;
}

int
status_print_json(const struct status_result *r, FILE *out, struct err *err)
{
    json_t *doc = json_result(r);
    int rc = doc ? json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;

    json_decref(doc);
    if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0)
        return err_set(err, "write the JSON report to standard output failed");
    return 0;
}
