/* Usage errors of the command and its sub-commands: one line on stderr that names the bad
 * argument and where help is. */
#ifndef ETA_USAGE_H
#define ETA_USAGE_H

/* Prints "COMMAND: MESSAGE (see COMMAND --help)" and returns EXIT_USAGE. */
int usage_fail(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a decimal number from min to max (no sign, no spaces, nothing after it); 0 or -1. */
int usage_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out);

#endif
