/* Times one command for `make bench`, finer than /usr/bin/time's 10 ms (the ECDSA runs take a
 * few milliseconds):
 *
 *   measure OUTFILE CMD [ARG...]
 *
 * Runs CMD (searched in PATH) with this process's standard streams, waits for it with wait4(2)
 * and appends one line to OUTFILE:
 *
 *   WALL_S USER_S SYS_S MAXRSS_KIB STATUS
 *
 * wall from CLOCK_MONOTONIC around fork and wait; user, system and peak resident set size from
 * the child's rusage, which includes the descendants it waited for (the shell loops and xargs
 * the bench times); STATUS is the exit code, or 128 + the signal that ended it. Exits with
 * CMD's STATUS, or 125 if it could not run CMD at all. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
tv_seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
    struct timespec t0, t1;
    struct rusage ru;
    int status, code;
    pid_t pid;
    FILE *out;

    if (argc < 3) {
        fprintf(stderr, "usage: measure OUTFILE CMD [ARG...]\n");
        return 125;
    }
    out = fopen(argv[1], "a");
    if (out == NULL) {
        fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
        return 125;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "measure: fork: %s\n", strerror(errno));
        return 125;
    }
    if (pid == 0) {
        fclose(out);
        execvp(argv[2], &argv[2]);
        fprintf(stderr, "measure: %s: %s\n", argv[2], strerror(errno));
        _exit(125);
    }
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
            return 125;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    fprintf(out, "%.6f %.6f %.6f %ld %d\n",
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            tv_seconds(ru.ru_utime), tv_seconds(ru.ru_stime), ru.ru_maxrss, code);
    if (fclose(out) != 0) {
        fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
        return 125;
    }
    return code;
}
