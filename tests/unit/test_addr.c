/* Node arguments: what is accepted, what is refused, and the directory names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"

static void
expect_bad(const char *arg, const char *reason)
{
    struct err err = {0, ""};
    struct node_addr a;

    if (addr_parse(arg, &a, &err) == 0)
        fail_msg("'%s' was accepted as %s %s", arg, addr_kind_name(a.kind), a.text);
    assert_int_equal(err.code, EXIT_USAGE);
    assert_non_null(strstr(err.msg, arg));
    if (strstr(err.msg, reason) == NULL)
        fail_msg("'%s': message '%s' does not say '%s'", arg, err.msg, reason);
}

static void
test_bad_ipv4(void **state)
{
    (void)state;
    expect_bad("256.1.1.1", "0..255");
    expect_bad("10.1", "four parts");
    expect_bad("010.0.0.1", "leading zeros");
    expect_bad("10.0.0.01", "leading zeros");
    expect_bad("0x0a.0.0.1", "hexadecimal");
    expect_bad("1.2.3.4.", "IPv4");
    expect_bad("1.2.3.4.5", "four parts");
    expect_bad("1..2.3", "IPv4");
    expect_bad("4294967295", "IPv4");
    expect_bad("1.2.3.-4", "'-'");
}

static void
test_bad_names(void **state)
{
    (void)state;
    expect_bad("", "empty");
    expect_bad("master 1", "spaces");
    expect_bad("a/b", "'/'");
    expect_bad("../etc", "empty label");
    expect_bad("a..b", "empty label");
    expect_bad("-master", "'-'");
    expect_bad("master_1", "only letters");
    expect_bad("tab\there", "control");
    expect_bad("caf\xc3\xa9", "non-ASCII");
    expect_bad("exhibitor.", "empty label");
}

static void
test_bad_ipv6(void **state)
{
    (void)state;
    expect_bad("fe80::1%eth0", "IPv6");
    expect_bad("1:2:3:4:5:6:7:8:9", "IPv6");
    expect_bad(":::", "IPv6");
    expect_bad("::ffff:10.0.0.1", "give it as IPv4");
    expect_bad("::10.0.0.1", "give it as IPv4");
}

static void
expect_good(const char *arg, enum addr_kind kind, const char *text, const char *dirname)
{
    struct err err = {0, ""};
    struct node_addr a;
    char dir[300];

    if (addr_parse(arg, &a, &err) != 0)
        fail_msg("'%s' was refused: %s", arg, err.msg);
    assert_int_equal(a.kind, kind);
    assert_string_equal(a.text, text);
    addr_dirname(&a, DIR_FORMAT_NODE, dir, sizeof(dir));
    assert_string_equal(dir, dirname);
    addr_dirname(&a, DIR_FORMAT_ADDRESS, dir, sizeof(dir));
    assert_string_equal(dir, text);
}

static void
test_good(void **state)
{
    struct err err = {0, ""};
    struct node_addr a;
    static const unsigned char v4[4] = {10, 192, 0, 2};

    (void)state;
    expect_good("10.192.0.2", ADDR_IPV4, "10.192.0.2", "node_10_192_0_2");
    expect_good("0.0.0.0", ADDR_IPV4, "0.0.0.0", "node_0_0_0_0");
    expect_good("255.255.255.255", ADDR_IPV4, "255.255.255.255", "node_255_255_255_255");
    expect_good("fd00::2", ADDR_IPV6, "fd00::2", "node_fd00__2");
    expect_good("FD00:0:0::0002", ADDR_IPV6, "fd00::2", "node_fd00__2");
    expect_good("::1", ADDR_IPV6, "::1", "node___1");
    expect_good("Master-1.Example.COM", ADDR_DNS, "master-1.example.com",
                "node_master-1_example_com");
    expect_good("m1", ADDR_DNS, "m1", "node_m1");
    expect_good("1a.example", ADDR_DNS, "1a.example", "node_1a_example");

    assert_int_equal(addr_parse("10.192.0.2", &a, &err), 0);
    assert_int_equal(a.ip_len, 4);
    assert_memory_equal(a.ip, v4, 4);
}

static void
test_duplicates_are_refused(void **state)
{
    char *args[] = {"10.0.0.1", "fd00::1", "FD00:0::1"};
    struct node_addr out[3];
    struct err err = {0, ""};
    size_t at = 99;

    (void)state;
    assert_int_equal(addr_parse_list(args, 3, out, &at, &err), -1);
    assert_int_equal(err.code, EXIT_USAGE);
    assert_non_null(strstr(err.msg, "given twice"));
    assert_int_equal(at, 2);
    assert_int_equal(addr_parse_list(args, 2, out, NULL, &err), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_ipv4),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_bad_ipv6),
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_duplicates_are_refused),
    };

    return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
