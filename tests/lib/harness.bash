# shellcheck shell=bash
# Shared by the suites that start real servers (tests/interop, tests/status): counting results,
# the closing "N passed, N failed" line, bounded waits, and stopping what was started.
#
# The sourcing script sets PASSED=0, FAILED=0 and PIDS=() and defines its own fail(), which
# says more or less about a failure depending on what the suite can show.

readonly JAVA_DIR=/usr/share/java
# The jars an HTTPS server needs from Debian's libjetty9-java.
readonly JETTY_JARS=(jetty9-server jetty9-http jetty9-io jetty9-util servlet-api)

pass() {
    PASSED=$((PASSED + 1))
    printf 'ok   %s\n' "$1"
}

summary() {
    printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
    [ "$FAILED" -eq 0 ]
}

# finish: stop here (a set-up step failed, nothing after it can be judged).
finish() {
    summary
    exit 1
}

# eventually SECONDS COMMAND...: polls COMMAND until it succeeds or SECONDS pass.
eventually() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

port_open() {
    # shellcheck disable=SC2016 # expanded by the inner bash, from its arguments
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

jetty_classpath() {
    local IFS=: jars=("${JETTY_JARS[@]/#/$JAVA_DIR/}")
    echo "${jars[*]/%/.jar}"
}

# stop_started SECONDS: SIGTERM to every process in PIDS, SIGKILL to any still there after
# SECONDS.
stop_started() {
    local pid i
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        for ((i = 0; i < $1 * 10; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
    done
}
