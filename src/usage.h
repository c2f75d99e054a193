/* Usage errors of the command and its sub-commands: one line on stderr that names the bad
 * argument and where help is. */
#ifndef ETA_USAGE_H
#define ETA_USAGE_H

/* Prints "COMMAND: MESSAGE (see COMMAND --help)" and returns EXIT_USAGE. */
int usage_fail(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* After getopt_long returned '?' or ':' (with a leading ':' in its option string): names the
 * option at fault, "-x" for a short one even inside a cluster such as -qx, and returns
 * EXIT_USAGE. */
int usage_bad_option(const char *command, int c, int argc, char *const *argv);

/* Prints "COMMAND: MESSAGE" on stderr, control characters shown as '?', so that an argument or
 * a file's content cannot forge further lines or drive the terminal. */
void usage_print_error(const char *command, const char *message);

/* Parses a decimal number from min to max (no sign, no spaces, nothing after it); 0 or -1. */
int usage_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out);

#endif
