#include "keygen.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

#define KEYGEN_MAX_THREADS 256

struct pool {
    pthread_mutex_t lock;
    struct keygen_job *jobs;
    size_t n;
    size_t next;
    size_t done;
    int failed;
    struct err err;
    keygen_progress_fn progress;
    void *ctx;
    long fail_job; /* test-only: the index of a job made to fail, or -1 */
};

/* Hands out the next job, or NULL when all are taken or one has failed. */
static struct keygen_job *
take_job(struct pool *p)
{
    struct keygen_job *job = NULL;

    pthread_mutex_lock(&p->lock);
    if (!p->failed && p->next < p->n)
        job = &p->jobs[p->next++];
    pthread_mutex_unlock(&p->lock);
    return job;
}

static void
finish_job(struct pool *p, const struct keygen_job *job, int rc, const struct err *err)
{
    pthread_mutex_lock(&p->lock);
    if (rc != 0 && !p->failed) {
        p->failed = 1;
        p->err = *err;
        err_prefix(&p->err, "%s", job->label);
    } else if (rc == 0) {
        p->done++;
        if (p->progress)
            p->progress(p->ctx, job, p->done, p->n);
    }
    pthread_mutex_unlock(&p->lock);
}

static int
generate(struct pool *p, struct keygen_job *job, struct err *err)
{
    if (p->fail_job >= 0 && job == &p->jobs[p->fail_job])
        return err_set(err, "generate %s key: fault injected for a test", key_type_name(job->type));
    return pki_generate_key(job->type, &job->key, err);
}

static void *
worker(void *arg)
{
    struct pool *p = arg;
    struct keygen_job *job;

    while ((job = take_job(p)) != NULL) {
        struct err err = {0, ""};
        int rc = generate(p, job, &err);

        finish_job(p, job, rc, &err);
    }
    return NULL;
}

int
keygen_run(struct keygen_job *jobs, size_t n, unsigned threads, keygen_progress_fn progress,
           void *ctx, struct err *err)
{
    pthread_t tids[KEYGEN_MAX_THREADS];
    struct pool p = {.jobs = jobs, .n = n, .progress = progress, .ctx = ctx};
    long fail_at = fault_get(FAULT_KEYGEN_FAIL);
    unsigned started = 0;

    if (threads > n)
        threads = (unsigned)n;
    if (threads > KEYGEN_MAX_THREADS)
        threads = KEYGEN_MAX_THREADS;
    p.fail_job = fail_at >= 1 && (size_t)fail_at <= n ? fail_at - 1 : -1;
    pthread_mutex_init(&p.lock, NULL);
    /* With one thread there is nothing to gain from a worker: run on this one. */
    for (; threads > 1 && started < threads; started++) {
        if (pthread_create(&tids[started], NULL, worker, &p) != 0)
            break;
    }
    if (started == 0)
        worker(&p);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&p.lock);
    if (p.failed) {
        *err = p.err;
        return -1;
    }
    return 0;
}

void
keygen_free(struct keygen_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].key)
            gnutls_x509_privkey_deinit(jobs[i].key);
        jobs[i].key = NULL;
    }
}

unsigned
keygen_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > KEYGEN_MAX_THREADS ? KEYGEN_MAX_THREADS : (unsigned)n;
}
