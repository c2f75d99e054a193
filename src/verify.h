/* The verify sub-command: proves an artifacts tree, or one master's directory of it, sound
 * before Exhibitor is restarted on it. */
#ifndef ETA_VERIFY_H
#define ETA_VERIFY_H

/* Runs `verify [OPTIONS] PATH` (argv[0] is "verify"); returns the exit code: 0 every check
 * passed (warnings allowed), 1 a check failed, 2 a usage error. */
int verify_main(int argc, char **argv);

#endif
