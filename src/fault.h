/* Test-only fault switch, read once from EXHIBITOR_TLS_ARTIFACTS_TEST_FAULT. The CLI tests use it
 * to prove that a failure or a signal midway leaves nothing behind:
 *
 *   fail-after:N     writing the file after the Nth fails with EIO
 *   sigterm-after:N  SIGTERM is sent to the process after the Nth file is written
 *   keygen-fail:N    generating the Nth key (counting from 1) fails
 *
 * Unset, it changes nothing. It can only make a run fail, never make one succeed. */
#ifndef ETA_FAULT_H
#define ETA_FAULT_H

#define FAULT_ENV "EXHIBITOR_TLS_ARTIFACTS_TEST_FAULT"

enum fault_kind {
    FAULT_FAIL_AFTER,
    FAULT_SIGTERM_AFTER,
    FAULT_KEYGEN_FAIL,
};

/* N for the kind asked about, or -1 when the switch names another kind or is unset. */
long fault_get(enum fault_kind kind);

#endif
