/* Asking one master's Exhibitor for its view of the ensemble: GET /exhibitor/v1/cluster/status
 * over mutual TLS, and the JSON array it answers, one object per ZooKeeper server:
 * {"hostname": "10.0.0.1", "code": 3, "description": "serving", "isLeader": true}. */
#ifndef ETA_STATUS_PROBE_H
#define ETA_STATUS_PROBE_H

#include <stddef.h>

#include "addr.h"
#include "err.h"
#include "tlsclient.h"

#define STATUS_PATH        "/exhibitor/v1/cluster/status"
#define STATUS_MEMBERS_MAX 255       /* ZooKeeper server ids run from 1 to 255 */
#define STATUS_TEXT_MAX    256       /* a member's hostname or description, with its NUL */
#define STATUS_SERVING     "serving" /* Exhibitor's description for code 3 */

struct status_member {
    char hostname[STATUS_TEXT_MAX];
    char description[STATUS_TEXT_MAX];
    long long code; /* -1 when the answer has none */
    int leader;
    int serving; /* description is "serving" */
};

/* One master, and what calling it found out. */
struct status_probe {
    struct node_addr master;
    int reachable; /* a verified TLS connection that the server kept up */
    int answered;  /* and the cluster status came back and was read */
    char tls_version[16];
    const char *problem;       /* NULL, or a stable name: a tls_failure_name, http_error, ... */
    const char *problem_words; /* the same, in two or three words for the verdict */
    char error[ERR_MSG_MAX];   /* the step and the reason, in words; control characters masked */
    struct status_member *members;
    size_t n_members;
};

/* Calls p->master at port, within timeout_s seconds, and records what happened in p (earlier
 * results are cleared first). */
void status_probe_one(const struct tls_identity *id, unsigned port, unsigned timeout_s,
                      struct status_probe *p);

/* status_probe_one for every master at once, each on its own thread. */
void status_probe_all(const struct tls_identity *id, unsigned port, unsigned timeout_s,
                      struct status_probe *probes, size_t n);

/* Reads Exhibitor's JSON answer into p->members. Exposed for tests. */
int status_parse_members(const char *json, size_t len, struct status_probe *p, struct err *err);

/* Answered, with at least one member, every member serving. */
int status_probe_healthy(const struct status_probe *p);

/* Frees the members and clears every result, keeping the master. */
void status_probe_clear(struct status_probe *p);

#endif
