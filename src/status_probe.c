#include "status_probe.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status_http.h"

#define STATUS_PARALLEL 32 /* masters called at once; DC/OS clusters have 1, 3, 5 or 7 */

void
status_probe_clear(struct status_probe *p)
{
    free(p->members);
    p->members = NULL;
    p->n_members = 0;
    p->reachable = 0;
    p->answered = 0;
    p->tls_version[0] = '\0';
    p->problem = NULL;
    p->problem_words = NULL;
    p->error[0] = '\0';
}

int
status_probe_healthy(const struct status_probe *p)
{
    if (!p->answered || p->n_members == 0)
        return 0;
    for (size_t i = 0; i < p->n_members; i++) {
        if (!p->members[i].serving)
            return 0;
    }
    return 1;
}

/* Servers choose the reason phrase and parts of some messages: nothing they send may move the
 * cursor or clear the screen of the operator's terminal. */
static void
mask_controls(char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
    }
}

static void
note_problem(struct status_probe *p, const char *name, const char *words, const struct err *err)
{
    p->problem = name;
    p->problem_words = words;
    snprintf(p->error, sizeof(p->error), "%s", err->msg);
    mask_controls(p->error);
}

/* ---- the answer ---------------------------------------------------------------------------- */

static int
copy_text(json_t *obj, const char *key, size_t index, char *out, struct err *err)
{
    json_t *v = json_object_get(obj, key);
    size_t len;

    if (v == NULL)
        return err_set(err, "server %zu has no \"%s\"", index, key);
    if (!json_is_string(v))
        return err_set(err, "server %zu: \"%s\" is not a string", index, key);
    len = json_string_length(v);
    if (len >= STATUS_TEXT_MAX)
        return err_set(err, "server %zu: \"%s\" is longer than %d bytes", index, key,
                       STATUS_TEXT_MAX - 1);
    memcpy(out, json_string_value(v), len);
    out[len] = '\0';
    if (strlen(out) != len)
        return err_set(err, "server %zu: \"%s\" holds a NUL character", index, key);
    return 0;
}

/* code and isLeader may be missing; when there, they must have their types. */
static int
read_flags(json_t *obj, size_t index, struct status_member *m, struct err *err)
{
    json_t *code = json_object_get(obj, "code");
    json_t *leader = json_object_get(obj, "isLeader");

    m->code = -1;
    if (code != NULL && !json_is_null(code)) {
        if (!json_is_integer(code))
            return err_set(err, "server %zu: \"code\" is not an integer", index);
        m->code = (long long)json_integer_value(code);
    }
    if (leader != NULL && !json_is_null(leader)) {
        if (!json_is_boolean(leader))
            return err_set(err, "server %zu: \"isLeader\" is not true or false", index);
        m->leader = json_is_true(leader);
    }
    return 0;
}

static int
read_member(json_t *obj, size_t index, struct status_member *m, struct err *err)
{
    if (!json_is_object(obj))
        return err_set(err, "server %zu is not a JSON object", index);
    if (copy_text(obj, "hostname", index, m->hostname, err) != 0 ||
        copy_text(obj, "description", index, m->description, err) != 0 ||
        read_flags(obj, index, m, err) != 0)
        return -1;
    m->serving = strcmp(m->description, STATUS_SERVING) == 0;
    return 0;
}

static int
read_members(json_t *doc, struct status_probe *p, struct err *err)
{
    size_t n;

    if (!json_is_array(doc))
        return err_set(err, "not a JSON array of servers");
    n = json_array_size(doc);
    if (n > STATUS_MEMBERS_MAX)
        return err_set(err, "%zu servers, more than an ensemble can have (%d)", n,
                       STATUS_MEMBERS_MAX);
    p->members = calloc(n ? n : 1, sizeof(*p->members));
    if (p->members == NULL)
        return err_set(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (read_member(json_array_get(doc, i), i + 1, &p->members[i], err) != 0)
            return -1;
    }
    p->n_members = n;
    return 0;
}

int
status_parse_members(const char *json, size_t len, struct status_probe *p, struct err *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, 0, &jerr);
    int rc;

    free(p->members);
    p->members = NULL;
    p->n_members = 0;
    if (doc == NULL)
        return err_set(err, "not JSON: line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
    rc = read_members(doc, p, err);
    json_decref(doc);
    if (rc != 0) {
        free(p->members);
        p->members = NULL;
    }
    return rc;
}

/* ---- calling a master ---------------------------------------------------------------------- */

static void
read_answer(struct status_probe *p, const struct http_response *r)
{
    struct err err = {EXIT_OK, ""};

    if (r->status != 200) {
        err_set(&err, "GET %s: HTTP %d %s", STATUS_PATH, r->status, r->reason);
        note_problem(p, "http_error", "HTTP error", &err);
        return;
    }
    if (status_parse_members((const char *)r->body.data, r->body.len, p, &err) != 0) {
        err_prefix(&err, "GET %s: the answer is not Exhibitor's cluster status", STATUS_PATH);
        note_problem(p, "bad_answer", "bad answer", &err);
        return;
    }
    p->answered = 1;
}

void
status_probe_one(const struct tls_identity *id, unsigned port, unsigned timeout_s,
                 struct status_probe *p)
{
    struct err err = {EXIT_OK, ""};
    struct http_response r;
    struct tls_conn c;

    status_probe_clear(p);
    if (tls_connect(&c, id, &p->master, port, timeout_s, &err) != 0) {
        note_problem(p, tls_failure_name(c.failure), tls_failure_words(c.failure), &err);
        return;
    }
    if (http_get(&c, p->master.text, port, STATUS_PATH, &r, &err) != 0) {
        if (c.failure != TLS_FAIL_NONE)
            note_problem(p, tls_failure_name(c.failure), tls_failure_words(c.failure), &err);
        else
            note_problem(p, "bad_answer", "bad answer", &err);
    } else {
        read_answer(p, &r);
        http_response_free(&r);
    }
    p->reachable = c.failure == TLS_FAIL_NONE;
    if (p->reachable)
        snprintf(p->tls_version, sizeof(p->tls_version), "%s", tls_version(&c));
    tls_close(&c);
}

struct probe_job {
    const struct tls_identity *id;
    unsigned port;
    unsigned timeout_s;
    struct status_probe *p;
};

static void *
probe_thread(void *arg)
{
    const struct probe_job *job = arg;

    status_probe_one(job->id, job->port, job->timeout_s, job->p);
    return NULL;
}

/* A thread that cannot be started is no reason to skip a master: it is called from here. */
static void
probe_batch(struct probe_job *jobs, size_t n)
{
    pthread_t tids[STATUS_PARALLEL];
    int started[STATUS_PARALLEL];

    for (size_t i = 0; i < n; i++) {
        started[i] = pthread_create(&tids[i], NULL, probe_thread, &jobs[i]) == 0;
        if (!started[i])
            probe_thread(&jobs[i]);
    }
    for (size_t i = 0; i < n; i++) {
        if (started[i])
            pthread_join(tids[i], NULL);
    }
}

void
status_probe_all(const struct tls_identity *id, unsigned port, unsigned timeout_s,
                 struct status_probe *probes, size_t n)
{
    for (size_t start = 0; start < n; start += STATUS_PARALLEL) {
        struct probe_job jobs[STATUS_PARALLEL];
        size_t batch = n - start < STATUS_PARALLEL ? n - start : STATUS_PARALLEL;

        for (size_t i = 0; i < batch; i++)
            jobs[i] = (struct probe_job){id, port, timeout_s, &probes[start + i]};
        probe_batch(jobs, batch);
    }
}
