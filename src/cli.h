/* The command line: options, sub-commands, usage and exit codes. Knows nothing of GnuTLS. */
#ifndef ETA_CLI_H
#define ETA_CLI_H

/* Runs the program; returns the exit code. */
int cli_main(int argc, char **argv);

#endif
