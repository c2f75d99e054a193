/* The parts of status that need no server: HTTP framing, Exhibitor's JSON, the verdict, and the
 * masters read from a tree's node directories. STATUS_TREES names a directory holding the trees
 * "node" and "address", made by the generator for 127.0.83.2, fd00::2 and master-1.example in
 * each layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "status_http.h"
#include "status_probe.h"
#include "status_report.h"
#include "status_tree.h"

/* ---- HTTP ---------------------------------------------------------------------------------- */

static int
parse(const char *raw, size_t len, int at_eof, struct http_response *r, struct err *err)
{
    memset(r, 0, sizeof(*r));
    err->code = EXIT_OK;
    err->msg[0] = '\0';
    return http_parse_response((const unsigned char *)raw, len, at_eof, r, err);
}

/* Every proper prefix needs more bytes and is an error at the end of the stream; the whole is
 * complete with the body given. */
static void
expect_complete(const char *raw, const char *body)
{
    struct http_response r;
    struct err err;
    size_t len = strlen(raw);

    for (size_t cut = 0; cut < len; cut++) {
        if (parse(raw, cut, 0, &r, &err) != 0)
            fail_msg("%zu of %zu bytes: not 'incomplete': %s", cut, len, err.msg);
        http_response_free(&r);
        if (parse(raw, cut, 1, &r, &err) != -1)
            fail_msg("%zu of %zu bytes, at the end: not an error", cut, len);
        http_response_free(&r);
    }
    assert_int_equal(parse(raw, len, 0, &r, &err), 1);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, strlen(body));
    assert_memory_equal(r.body.data, body, r.body.len);
    http_response_free(&r);
}

static void
expect_bad_http(const char *raw, int at_eof, const char *reason)
{
    struct http_response r;
    struct err err;

    if (parse(raw, strlen(raw), at_eof, &r, &err) != -1)
        fail_msg("accepted: %s", raw);
    if (strstr(err.msg, reason) == NULL)
        fail_msg("message '%s' does not say '%s'", err.msg, reason);
    http_response_free(&r);
}

static void
test_http_content_length(void **state)
{
    (void)state;
    expect_complete("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                    "\r\n[]",
                    "[]");
    expect_complete("HTTP/1.1 200 OK\r\ncontent-length:  0 \r\n\r\n", "");
}

/* Complete at the last chunk: trailers are not waited for, the server closes the connection. */
static void
test_http_chunked(void **state)
{
    (void)state;
    expect_complete("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "4;name=value\r\n[{\"a\r\n3\r\n\":1\r\nA\r\n, \"b\": 2}]\r\n0\r\n",
                    "[{\"a\":1, \"b\": 2}]");
    expect_complete("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n", "");
}

static void
test_http_until_close(void **state)
{
    struct http_response r;
    struct err err;
    const char *raw = "HTTP/1.0 200 OK\r\nServer: x\r\n\r\n[1]";

    (void)state;
    assert_int_equal(parse(raw, strlen(raw), 0, &r, &err), 0);
    http_response_free(&r);
    assert_int_equal(parse(raw, strlen(raw), 1, &r, &err), 1);
    assert_int_equal(r.body.len, 3);
    http_response_free(&r);
}

static void
test_http_status(void **state)
{
    struct http_response r;
    struct err err;
    const char *raw = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";

    (void)state;
    assert_int_equal(parse(raw, strlen(raw), 0, &r, &err), 1);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.reason, "Not Found");
    http_response_free(&r);
}

static void
test_http_refused(void **state)
{
    char big[HTTP_HEAD_MAX + 64];

    (void)state;
    expect_bad_http("SSH-2.0-OpenSSH_9.2\r\n\r\n", 0, "not an HTTP/1.x answer");
    expect_bad_http("HTTP/2 200\r\n\r\n", 0, "not an HTTP/1.x answer");
    expect_bad_http("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", 0, "not a number");
    expect_bad_http("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", 0, "limit");
    expect_bad_http("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 0,
                    "two different");
    expect_bad_http("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
                    "both");
    expect_bad_http("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, "not supported");
    expect_bad_http("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", 0, "without a name");
    expect_bad_http("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0,
                    "malformed chunk size");
    expect_bad_http("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 0,
                    "does not end where");
    expect_bad_http("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n", 0, "limit");
    expect_bad_http("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 1, "ends after 2 of its 5");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
    expect_bad_http(big, 0, "headers longer than");
}

/* ---- Exhibitor's answer -------------------------------------------------------------------- */

static void
members(const char *json, struct status_probe *p, int want_rc, const char *reason)
{
    struct err err = {EXIT_OK, ""};
    int rc = status_parse_members(json, strlen(json), p, &err);

    if (rc != want_rc)
        fail_msg("%s: returned %d (%s)", json, rc, err.msg);
    if (reason && strstr(err.msg, reason) == NULL)
        fail_msg("%s: message '%s' does not say '%s'", json, err.msg, reason);
}

static void
test_members(void **state)
{
    struct status_probe p = {.answered = 1};

    (void)state;
    members(
        "[{\"code\":3,\"description\":\"serving\",\"hostname\":\"10.0.0.1\",\"isLeader\":false},"
        "{\"code\":1,\"description\":\"down\",\"hostname\":\"10.0.0.2\",\"isLeader\":true},"
        "{\"description\":\"serving\",\"hostname\":\"m3\",\"extra\":[1,2]}]",
        &p, 0, NULL);
    assert_int_equal(p.n_members, 3);
    assert_string_equal(p.members[0].hostname, "10.0.0.1");
    assert_true(p.members[0].serving);
    assert_false(p.members[0].leader);
    assert_int_equal(p.members[1].code, 1);
    assert_false(p.members[1].serving);
    assert_true(p.members[1].leader);
    assert_int_equal(p.members[2].code, -1);
    assert_true(p.members[2].serving);
    assert_false(status_probe_healthy(&p));
    members("[]", &p, 0, NULL);
    assert_int_equal(p.n_members, 0);
    assert_false(status_probe_healthy(&p));
    status_probe_clear(&p);
}

static void
test_members_refused(void **state)
{
    struct status_probe p = {.n_members = 0};
    char long_name[400];
    char *many;
    size_t len = 0;

    (void)state;
    members("<html>", &p, -1, "not JSON");
    members("{\"servers\":[]}", &p, -1, "not a JSON array");
    members("[1]", &p, -1, "server 1 is not a JSON object");
    members("[{\"description\":\"serving\"}]", &p, -1, "server 1 has no \"hostname\"");
    members("[{\"hostname\":\"a\"}]", &p, -1, "no \"description\"");
    members("[{\"hostname\":\"a\",\"description\":\"x\",\"code\":\"3\"}]", &p, -1,
            "\"code\" is not an integer");
    members("[{\"hostname\":\"a\",\"description\":\"x\",\"isLeader\":1}]", &p, -1,
            "\"isLeader\" is not true or false");
    members("[{\"hostname\":\"a\\u0000b\",\"description\":\"x\"}]", &p, -1, "NUL");
    snprintf(long_name, sizeof(long_name), "[{\"hostname\":\"%0300d\",\"description\":\"x\"}]", 0);
    members(long_name, &p, -1, "longer than 255 bytes");
    many = malloc(16 * (STATUS_MEMBERS_MAX + 1) + 2);
    assert_non_null(many);
    many[len++] = '[';
    for (int i = 0; i <= STATUS_MEMBERS_MAX; i++)
        len += (size_t)sprintf(many + len, "%s{}", i ? "," : "");
    strcpy(many + len, "]");
    members(many, &p, -1, "more than an ensemble can have");
    free(many);
    assert_null(p.members);
}

/* ---- the verdict --------------------------------------------------------------------------- */

static void
answered(struct status_probe *p, const char *master, const char *json)
{
    struct err err;

    memset(p, 0, sizeof(*p));
    addr_parse(master, &p->master, &err);
    p->reachable = 1;
    p->answered = 1;
    snprintf(p->tls_version, sizeof(p->tls_version), "TLS1.3");
    members(json, p, 0, NULL);
}

#define SERVING(h, l) "{\"hostname\":\"" h "\",\"description\":\"serving\",\"isLeader\":" l "}"

static void
expect_verdict(const struct status_probe *p, size_t n, const char *want)
{
    char verdict[STATUS_VERDICT_MAX];

    status_verdict(p, n, verdict, sizeof(verdict));
    assert_string_equal(verdict, want);
}

static void
test_verdict(void **state)
{
    struct status_probe p[3];
    struct err err;

    (void)state;
    answered(&p[0], "10.0.0.1", "[" SERVING("a", "false") "," SERVING("b", "true") "]");
    answered(&p[1], "10.0.0.2", "[" SERVING("a", "false") "," SERVING("b", "true") "]");
    expect_verdict(p, 2, "healthy: 2 masters answer, every server serving, leader b");
    status_probe_clear(&p[1]);
    answered(&p[1], "10.0.0.2", "[" SERVING("a", "true") "," SERVING("b", "false") "]");
    expect_verdict(p, 2,
                   "healthy: 2 masters answer, every server serving, masters disagree on the "
                   "leader: b, a");
    status_probe_clear(&p[1]);
    answered(&p[1], "10.0.0.2",
             "[" SERVING("a", "false") ",{\"hostname\":\"b\",\"description\":\"not serving\"}]");
    memset(&p[2], 0, sizeof(p[2]));
    addr_parse("10.0.0.3", &p[2].master, &err);
    p[2].problem = "connection_refused";
    p[2].problem_words = "connection refused";
    expect_verdict(p, 3,
                   "not healthy: 10.0.0.2 reports b not serving; 10.0.0.3 unreachable "
                   "(connection refused)");
    expect_verdict(p, 0, "not healthy: no masters");
    for (size_t i = 0; i < 3; i++)
        status_probe_clear(&p[i]);
}

/* Hostnames and states come from the server: no control character reaches the terminal. */
static void
test_text_masks_controls(void **state)
{
    struct status_probe p;
    struct status_result r = {.probes = &p, .n = 1, .artifacts = "a", .client_cert = "c"};
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);

    (void)state;
    assert_non_null(out);
    answered(
        &p, "10.0.0.1",
        "[{\"hostname\":\"evil\\u001b[2J\",\"description\":\"serving\\r\",\"isLeader\":true}]");
    status_print_text(&r, out);
    fclose(out);
    assert_string_equal(text, "10.0.0.1: reachable, TLS1.3: evil?[2J serving? (leader)\n"
                              "not healthy: 10.0.0.1 reports evil?[2J serving?\n");
    free(text);
    status_probe_clear(&p);
}

/* ---- masters from a tree ------------------------------------------------------------------- */

static void
expect_tree(const char *layout)
{
    const char *trees = getenv("STATUS_TREES");
    struct err err = {EXIT_OK, ""};
    struct status_tree t;
    struct node_addr *m = NULL;
    size_t n = 0;
    char path[512];

    if (trees == NULL)
        skip();
    snprintf(path, sizeof(path), "%s/%s", trees, layout);
    if (status_tree_open(path, &t, &err) != 0 || status_tree_masters(&t, &m, &n, &err) != 0)
        fail_msg("%s: %s", path, err.msg);
    assert_int_equal(n, 3);
    /* Sorted by directory name: 127..., fd00..., master-1... in either layout. */
    assert_string_equal(m[0].text, "127.0.83.2");
    assert_int_equal(m[0].kind, ADDR_IPV4);
    assert_string_equal(m[1].text, "fd00::2");
    assert_int_equal(m[1].kind, ADDR_IPV6);
    assert_string_equal(m[2].text, "master-1.example");
    assert_int_equal(m[2].kind, ADDR_DNS);
    assert_non_null(strstr(t.identity_dir, "127"));
    free(m);
    status_tree_free(&t);
}

static void
test_tree_node_layout(void **state)
{
    (void)state;
    expect_tree("node");
}

static void
test_tree_address_layout(void **state)
{
    (void)state;
    expect_tree("address");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_content_length), cmocka_unit_test(test_http_chunked),
        cmocka_unit_test(test_http_until_close),    cmocka_unit_test(test_http_status),
        cmocka_unit_test(test_http_refused),        cmocka_unit_test(test_members),
        cmocka_unit_test(test_members_refused),     cmocka_unit_test(test_verdict),
        cmocka_unit_test(test_text_masks_controls), cmocka_unit_test(test_tree_node_layout),
        cmocka_unit_test(test_tree_address_layout),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
