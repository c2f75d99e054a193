/* UTF-8 passwords to the UTF-16BE that Java hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "password.h"

static void
expect_utf16(const char *utf8, const unsigned char *want, size_t want_len)
{
    struct err err = {0, ""};
    struct bytes out;

    assert_int_equal(password_utf16be(utf8, &out, &err), 0);
    assert_int_equal(out.len, want_len);
    assert_memory_equal(out.data, want, want_len);
    bytes_free(&out);
}

static void
test_ascii(void **state)
{
    static const unsigned char want[] = {0, 'a', 0, 'B', 0, '1'};

    (void)state;
    expect_utf16("aB1", want, sizeof(want));
}

static void
test_default_password_length(void **state)
{
    struct err err = {0, ""};
    struct bytes out;

    (void)state;
    assert_int_equal(password_utf16be(DEFAULT_STORE_PASSWORD, &out, &err), 0);
    assert_int_equal(out.len, 2 * strlen(DEFAULT_STORE_PASSWORD));
    assert_int_equal(out.data[0], 0);
    assert_int_equal(out.data[1], 'n');
    bytes_free(&out);
}

static void
test_latin1_and_bmp(void **state)
{
    /* é (U+00E9), € (U+20AC) */
    static const unsigned char want[] = {0x00, 0xe9, 0x20, 0xac};

    (void)state;
    expect_utf16("\xc3\xa9\xe2\x82\xac", want, sizeof(want));
}

static void
test_beyond_bmp_is_a_surrogate_pair(void **state)
{
    /* U+1F600 becomes D83D DE00 */
    static const unsigned char want[] = {0xd8, 0x3d, 0xde, 0x00, 0x00, 'x'};

    (void)state;
    expect_utf16("\xf0\x9f\x98\x80x", want, sizeof(want));
}

static void
test_empty(void **state)
{
    struct err err = {0, ""};
    struct bytes out;

    (void)state;
    assert_int_equal(password_utf16be("", &out, &err), 0);
    assert_int_equal(out.len, 0);
    bytes_free(&out);
}

static void
test_malformed_is_refused(void **state)
{
    static const char *const bad[] = {
        "\xc0\x80",         /* overlong NUL */
        "\xe0\x80\xaf",     /* overlong '/' */
        "\xed\xa0\x80",     /* a lone surrogate */
        "\xf4\x90\x80\x80", /* beyond U+10FFFF */
        "abc\xc3",          /* truncated */
        "\x80",             /* a continuation byte alone */
        "\xff",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct err err = {0, ""};
        struct bytes out;

        assert_int_equal(password_utf16be(bad[i], &out, &err), -1);
        assert_int_equal(err.code, EXIT_USAGE);
        assert_non_null(strstr(err.msg, "not valid UTF-8"));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_default_password_length),
        cmocka_unit_test(test_latin1_and_bmp),
        cmocka_unit_test(test_beyond_bmp_is_a_surrogate_pair),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_malformed_is_refused),
    };

    return cmocka_run_group_tests_name("password", tests, NULL, NULL);
}
