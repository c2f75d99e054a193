#!/bin/bash
# End-to-end tests of `exhibitor-tls-artifacts status` against real Jetty 9.4 servers set up
# as Exhibitor sets up its HTTPS connector (tests/interop/Server.java), all on 127.0.83.x:
#
#   healthy      a server per master of the tree under test, on one port; each answers that
#                the three members serve and 127.0.83.3 leads. The one on 127.0.83.3 runs in
#                a JVM of its own, to be stopped and started again.
#   down         the same masters on another port, answering that 127.0.83.4 is down
#   foreign      127.0.83.2 serving a separately generated tree's serverstore (unknown CA)
#   notrust      127.0.83.2 trusting only the foreign root (our client certificate refused)
#   impostor     127.0.83.2's certificate on 127.0.83.3's address (wrong name)
#   silent       a listener that never answers (timeout)
#   badjson      a server answering JSON that is not Exhibitor's cluster status
#   tls12-*      a JVM that speaks TLS 1.2 only, as Exhibitor on an older Java 8 does:
#                healthy, and refusing our client certificate inside the handshake
#
# usage: run.sh
#
# Environment:
#   EXHIBITOR_TLS_ARTIFACTS_BIN  the binary under test (required)
#   STATUS_TEST_WRAPPER          a command to run it under, e.g.
#                                "valgrind --error-exitcode=99 --leak-check=full -q"
#   STATUS_TEST_KEEP=1           keep the work directory (its path is printed)
#
# Prints one line per case and ends with "N passed, N failed"; exits 1 if any case failed.
# Every wait is bounded, and every server started here is stopped on exit, failure or not.

set -uo pipefail

readonly A=127.0.83.2 B=127.0.83.3 C=127.0.83.4
readonly NODES=("$A" "$B" "$C")
readonly PASSWORD=not-relevant-for-security
readonly JAVA_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
readonly PORT_NAMES=(healthy down foreign notrust impostor silent badjson tls12 tls12-notrust
    closed)

# Bounds. A server outlives the suite by at most SERVER_LIFETIME even if this script is
# killed with SIGKILL and its trap never runs.
readonly GENERATE_TIMEOUT=60
readonly READY_TIMEOUT=30
readonly SERVER_LIFETIME=300
readonly STOP_TIMEOUT=10
readonly RUN_TIMEOUT=60
readonly WAITING_TIMEOUT=20 # for status --wait to report its first failed round
readonly COMEBACK_WAIT=60   # the --wait given while a server comes back
# A refusal comes from a handshake, never from waiting out a timeout.
readonly REFUSAL_MAX_MS=3000

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# shellcheck source=tests/lib/harness.bash
source "$HERE/../lib/harness.bash"
readonly SERVER_JAVA=$HERE/../interop/Server.java

BIN=${EXHIBITOR_TLS_ARTIFACTS_BIN:-}
read -ra WRAPPER <<<"${STATUS_TEST_WRAPPER:-}"
# Under a wrapper such as valgrind every run starts seconds later: upper time bounds stretch.
SLACK_MS=0
[ "${#WRAPPER[@]}" -eq 0 ] || SLACK_MS=15000
readonly SLACK_MS
WORK=
PIDS=()
# shellcheck disable=SC2034 # counted and printed by tests/lib/harness.bash
PASSED=0
FAILED=0
PROBLEMS=()
RC=0
MS=0
OUT=
ERR=
declare -A PORT=()
declare -A JVM_PID=()

# The cluster status each kind of server answers, as Exhibitor writes it.
member() {
    printf '{"code":%s,"description":"%s","hostname":"%s","isLeader":%s}' "$@"
}
HEALTHY_BODY="[$(member 3 serving "$A" false),$(member 3 serving "$B" true),$(member 3 serving "$C" false)]"
DOWN_BODY="[$(member 3 serving "$A" false),$(member 3 serving "$B" true),$(member 1 down "$C" false)]"
readonly HEALTHY_BODY DOWN_BODY
readonly BAD_BODY='{"servers":"not an array"}'

# ---- results --------------------------------------------------------------------------------

fail() {
    FAILED=$((FAILED + 1))
    printf 'FAIL %s\n' "$1"
    shift
    printf '     %s\n' "$@"
}

# ---- processes ------------------------------------------------------------------------------

cleanup() {
    stop_started "$STOP_TIMEOUT"
    if [ -n "$WORK" ]; then
        if [ "${STATUS_TEST_KEEP:-0}" = 1 ]; then
            echo "status tests: work directory kept: $WORK" >&2
        else
            rm -rf "$WORK"
        fi
    fi
}

forget_pid() {
    local kept=() p
    for p in "${PIDS[@]}"; do
        [ "$p" = "$1" ] || kept+=("$p")
    done
    PIDS=("${kept[@]}")
}

now_ms() {
    date +%s%3N
}

# ---- set-up ---------------------------------------------------------------------------------

check_tools() {
    local tool jar missing=0
    if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
        fail "set-up: the binary under test" \
            "EXHIBITOR_TLS_ARTIFACTS_BIN='$BIN' is not executable"
        missing=1
    fi
    for tool in java jq timeout; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            fail "set-up: $tool is installed" "$tool not found (scripts/install-deps.sh)"
            missing=1
        fi
    done
    for jar in "${JETTY_JARS[@]}"; do
        if [ ! -r "$JAVA_DIR/$jar.jar" ]; then
            fail "set-up: Jetty 9.4 is installed" "$JAVA_DIR/$jar.jar not found (libjetty9-java)"
            missing=1
        fi
    done
    [ "$missing" -eq 0 ] || finish
}

# generate NAME ARG...: a tree in WORK/NAME, ECDSA for speed.
generate() {
    local name=$1
    shift
    if ! timeout "$GENERATE_TIMEOUT" "$BIN" -q -k ecdsa-p256 -d "$WORK/$name" "$@" \
        >"$WORK/$name.log" 2>&1; then
        fail "set-up: generate the $name tree" "$(cat "$WORK/$name.log")"
        finish
    fi
}

# T: the tree under test (its root key kept to grow TA from it). TA: the same root, more
# certificates, directories named by bare address. F: a foreign tree for the first master.
make_trees() {
    generate T --keep-ca-key "${NODES[@]}"
    generate TA --ca-cert "$WORK/T/root-cert.pem" --ca-key "$WORK/T/root-key.pem" \
        --dir-format address "${NODES[@]}"
    generate F "$A"
}

# Ten consecutive ports that nothing listens on at any of the three addresses. Racy by
# nature: a server that loses the race fails to start, and says so.
pick_ports() {
    local try base i addr busy
    for ((try = 0; try < 20; try++)); do
        base=$((20000 + RANDOM % 30000))
        busy=0
        for ((i = 0; i < ${#PORT_NAMES[@]}; i++)); do
            for addr in "${NODES[@]}"; do
                port_open "$addr" $((base + i)) && busy=1
            done
        done
        if [ "$busy" -eq 0 ]; then
            for ((i = 0; i < ${#PORT_NAMES[@]}; i++)); do
                PORT[${PORT_NAMES[$i]}]=$((base + i))
            done
            return 0
        fi
    done
    fail "set-up: free ports" "found no ten free consecutive ports"
    finish
}

# server_line NAME ADDRESS STORES_DIR TRUST_DIR PORT [BODY]: a line of Server.java's config.
server_line() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3/serverstore.jks" \
        "$4/truststore.jks" "$PASSWORD" "$2" "${PORT[$5]}" "${6:-}"
}

node_dir() {
    printf '%s/%s/node_%s' "$WORK" "$1" "${2//./_}"
}

write_configs() {
    local addr t
    t=$(node_dir T "$A")
    {
        for addr in "$A" "$C"; do
            server_line "healthy-$addr" "$addr" "$(node_dir T "$addr")" "$(node_dir T "$addr")" \
                healthy "$HEALTHY_BODY"
        done
        for addr in "${NODES[@]}"; do
            server_line "down-$addr" "$addr" "$(node_dir T "$addr")" "$(node_dir T "$addr")" \
                down "$DOWN_BODY"
        done
        server_line foreign "$A" "$(node_dir F "$A")" "$(node_dir F "$A")" foreign
        server_line notrust "$A" "$t" "$(node_dir F "$A")" notrust
        server_line impostor "$B" "$t" "$t" impostor
        printf 'silent\t%s\t-\t-\t-\t-\t%s\n' "$A" "${PORT[silent]}"
        server_line badjson "$A" "$t" "$t" badjson "$BAD_BODY"
    } >"$WORK/fleet.conf"
    server_line "healthy-$B" "$B" "$(node_dir T "$B")" "$(node_dir T "$B")" healthy \
        "$HEALTHY_BODY" >"$WORK/b.conf"
    {
        server_line tls12 "$A" "$t" "$t" tls12 "$HEALTHY_BODY"
        server_line tls12-notrust "$A" "$t" "$(node_dir F "$A")" tls12-notrust
    } >"$WORK/tls12.conf"
    # Java's own switch for TLS versions: Jetty enables every version the JVM allows.
    sed -n '/^jdk.tls.disabledAlgorithms=/,/[^\\]$/p' \
        "$(dirname "$(readlink -f "$(command -v java)")")/../conf/security/java.security" |
        sed '1s/=/=TLSv1.3, /' >"$WORK/tls12.security"
}

# start_jetty NAME [JAVA_OPTION...]: a JVM serving WORK/NAME.conf; see await_jetty.
start_jetty() {
    local name=$1
    shift
    rm -f "$WORK/$name.ready"
    timeout "$SERVER_LIFETIME" java "${JAVA_OPTS[@]}" "$@" -cp "$(jetty_classpath)" \
        "$SERVER_JAVA" "$WORK/$name.conf" "$WORK/$name.ready" >>"$WORK/$name.log" 2>&1 &
    JVM_PID[$name]=$!
    PIDS+=("$!")
}

# await_jetty NAME: its ready file appears in time, every server listening.
await_jetty() {
    local name=$1 pid=${JVM_PID[$1]}
    if ! eventually "$READY_TIMEOUT" test -s "$WORK/$name.ready"; then
        fail "set-up: Jetty ($name) starts" "not ready within $READY_TIMEOUT s" \
            "$(tail -n 20 "$WORK/$name.log")"
        return 1
    fi
    if grep -qv $'\tOK ' "$WORK/$name.ready"; then
        fail "set-up: Jetty ($name) starts" "$(cat "$WORK/$name.ready")"
        return 1
    fi
    kill -0 "$pid" 2>/dev/null
}

stop_jetty() {
    local name=$1 pid=${JVM_PID[$1]} i
    kill "$pid" 2>/dev/null
    for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    forget_pid "$pid"
}

start_servers() {
    local started=$SECONDS ok=0
    write_configs
    start_jetty fleet
    start_jetty b
    start_jetty tls12 "-Djava.security.properties=$WORK/tls12.security"
    await_jetty fleet || ok=1
    await_jetty b || ok=1
    await_jetty tls12 || ok=1
    [ "$ok" -eq 0 ] || finish
    echo "# Jetty ready in $((SECONDS - started)) s; ports from ${PORT[healthy]}"
}

# ---- cases ----------------------------------------------------------------------------------

# st ARG...: runs `status ARG...` (in ST_DIR if set); leaves its exit status in RC, stdout in
# OUT, stderr in ERR, and how long it took in MS.
st() {
    local start
    start=$(now_ms)
    (cd "${ST_DIR:-.}" &&
        exec timeout "$RUN_TIMEOUT" "${WRAPPER[@]}" "$BIN" status "$@") >"$WORK/out" 2>"$WORK/err"
    RC=$?
    MS=$(($(now_ms) - start))
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

want_rc() {
    [ "$RC" -eq "$1" ] || PROBLEMS+=("exit status $RC, want $1")
}

want_out() {
    grep -Eq -- "$1" <<<"$OUT" || PROBLEMS+=("stdout has no line matching: $1")
}

want_err() {
    grep -Eq -- "$1" <<<"$ERR" || PROBLEMS+=("stderr has no line matching: $1")
}

want_jq() {
    jq -e "$1" <<<"$OUT" >/dev/null 2>&1 || PROBLEMS+=("JSON does not satisfy: $1")
}

want_ms_below() {
    [ "$MS" -lt $(($1 + SLACK_MS)) ] || PROBLEMS+=("took $MS ms, want less than $(($1 + SLACK_MS))")
}

want_ms_from() {
    [ "$MS" -ge "$1" ] || PROBLEMS+=("took $MS ms, want at least $1")
}

# judge NAME: passes unless a want_* above found a problem or a sanitizer or valgrind spoke.
judge() {
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:|^==[0-9]+== [A-Z]' <<<"$ERR"; then
        PROBLEMS+=("a sanitizer or valgrind reported an error")
    fi
    if [ "${#PROBLEMS[@]}" -eq 0 ]; then
        pass "$1"
    else
        fail "$1" "${PROBLEMS[@]}" "--- stdout:" "$OUT" "--- stderr:" "$ERR"
    fi
    PROBLEMS=()
}

re() {
    printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

healthy_line() {
    printf '^%s: reachable, %s: %s serving, %s serving \\(leader\\), %s serving$' \
        "$(re "$1")" "$2" "$(re "$A")" "$(re "$B")" "$(re "$C")"
}

HEALTHY_VERDICT="^healthy: 3 masters answer, every server serving, leader $(re "$B")$"
readonly HEALTHY_VERDICT

case_healthy() {
    local addr
    st --artifacts "$WORK/T" --port "${PORT[healthy]}"
    want_rc 0
    for addr in "${NODES[@]}"; do
        want_out "$(healthy_line "$addr" TLS1.3)"
    done
    want_out "$HEALTHY_VERDICT"
    judge "all healthy: masters from the tree's node directories, TLS 1.3"

    st --artifacts "$WORK/T" --port "${PORT[healthy]}" --json
    want_rc 0
    want_jq '.healthy == true and .rounds == 1 and (.masters | length) == 3'
    want_jq "[.masters[].master] == [\"$A\", \"$B\", \"$C\"]"
    want_jq 'all(.masters[]; .healthy and .reachable and .tls_version == "TLS1.3"
        and .problem == null and .error == null and (.servers | length) == 3
        and all(.servers[]; .serving and .code == 3 and .description == "serving"))'
    want_jq "all(.masters[]; .leader == \"$B\")"
    want_jq ".client_certificate | endswith(\"node_${A//./_}/client-cert.pem\")"
    judge "all healthy, --json: parsed by jq, field by field"
}

case_sources() {
    st --artifacts "$WORK/T" --port "${PORT[healthy]}" "$C"
    want_rc 0
    want_out "$(healthy_line "$C" TLS1.3)"
    want_out '^healthy: 1 master answers'
    [ "$(wc -l <<<"$OUT")" -eq 2 ] || PROBLEMS+=("want 2 lines of output")
    judge "a master named on the command line: only that one is called"

    printf 'cluster_name: test\nmaster_list:\n- %s\n- %s\n- %s\n' "${NODES[@]}" \
        >"$WORK/config.yaml"
    st --artifacts "$(node_dir T "$C")" --port "${PORT[healthy]}" --master-list "$WORK/config.yaml"
    want_rc 0
    want_out "$HEALTHY_VERDICT"
    judge "--master-list, with one master's directory for the identity"

    st --artifacts "$WORK/TA" --port "${PORT[healthy]}"
    want_rc 0
    want_out "$HEALTHY_VERDICT"
    judge "a tree grown from the same root, directories named by address"

    if [ -e /var/lib/dcos/exhibitor-tls-artifacts ]; then
        echo "skip default --artifacts: /var/lib/dcos/exhibitor-tls-artifacts exists here"
        return 0
    fi
    mkdir -p "$WORK/cwd"
    ln -s "$WORK/T" "$WORK/cwd/artifacts"
    ST_DIR=$WORK/cwd st --port "${PORT[healthy]}"
    want_rc 0
    want_out "$HEALTHY_VERDICT"
    judge "without --artifacts: ./artifacts"
}

case_down() {
    st --artifacts "$WORK/T" --port "${PORT[down]}"
    want_rc 1
    want_out "^$(re "$A"): reachable, TLS1.3: .*$(re "$C") down$"
    want_out "^not healthy: $(re "$A") reports $(re "$C") down; $(re "$B") reports $(re "$C") down; $(re "$C") reports $(re "$C") down$"
    judge "a member answering \"description\":\"down\": not healthy, named"

    st --artifacts "$WORK/T" --port "${PORT[down]}" --json
    want_rc 1
    want_jq ".healthy == false and all(.masters[]; .reachable and (.healthy | not))"
    want_jq "[.masters[0].servers[] | select(.serving | not) | .hostname] == [\"$C\"]"
    want_jq '.masters[0].servers[2] | .code == 1 and .description == "down"'
    judge "a member down, --json"
}

# refusal NAME PORT MASTER PROBLEM REGEX: one master refused for a reason, said in words.
refusal() {
    local name=$1 port=$2 master=$3 problem=$4 regex=$5
    st --artifacts "$WORK/T" --port "${PORT[$port]}" "$master"
    want_rc 1
    want_out "^$(re "$master"): unreachable: $regex"
    want_out "^not healthy: $(re "$master") unreachable \\("
    want_ms_below "$REFUSAL_MAX_MS"
    judge "$name"
    st --artifacts "$WORK/T" --port "${PORT[$port]}" --json "$master"
    want_rc 1
    want_jq ".healthy == false and .masters[0].reachable == false and .masters[0].problem == \"$problem\""
    judge "$name, --json: problem $problem"
}

case_refusals() {
    refusal "server from another tree: unknown CA" foreign "$A" unknown_ca \
        "TLS handshake: unknown CA: the server's certificate was not issued by the root in .*/root-cert\\.pem"
    refusal "server trusting another root, TLS 1.3: no client certificate accepted" notrust "$A" \
        client_certificate_refused "GET .*: no client certificate accepted: the server refused .*/client-cert\\.pem"
    refusal "server trusting another root, TLS 1.2: no client certificate accepted" \
        tls12-notrust "$A" client_certificate_refused \
        "TLS handshake: no client certificate accepted: the server refused .*/client-cert\\.pem"
    refusal "another master's certificate: wrong name" impostor "$B" wrong_name \
        "TLS handshake: wrong name: the server's certificate does not name $(re "$B"), only .*$(re "$A")"
    refusal "nothing listening: connection refused" closed "$A" connection_refused \
        "connect to $(re "$A"):${PORT[closed]}: connection refused"

    st --artifacts "$WORK/T" --port "${PORT[silent]}" --timeout 1 "$A"
    want_rc 1
    want_out "^$(re "$A"): unreachable: TLS handshake: timeout: no handshake within 1 s"
    want_ms_from 1000
    want_ms_below 3000
    judge "a listener that never answers: timeout, bounded by --timeout"

    st --artifacts "$WORK/T" --port "${PORT[badjson]}" "$A"
    want_rc 1
    want_out "^$(re "$A"): reachable, TLS1.3, but GET .*: the answer is not Exhibitor's cluster status: not a JSON array"
    want_out "^not healthy: $(re "$A") gives no cluster status \\(bad answer\\)$"
    judge "an answer that is not Exhibitor's cluster status"

    st --artifacts "$WORK/T" --port "${PORT[tls12]}" "$A"
    want_rc 0
    want_out "$(healthy_line "$A" TLS1.2)"
    judge "a TLS 1.2-only server: healthy, version named"
}

case_stopped_and_back() {
    local pid start
    stop_jetty b
    st --artifacts "$WORK/T" --port "${PORT[healthy]}"
    want_rc 1
    want_out "$(healthy_line "$A" TLS1.3)"
    want_out "^$(re "$B"): unreachable: connect to $(re "$B"):${PORT[healthy]}: connection refused"
    want_out "^not healthy: $(re "$B") unreachable \\(connection refused\\)$"
    judge "one server stopped: connection refused, exit 1"

    st --artifacts "$WORK/T" --port "${PORT[healthy]}" --wait 2
    want_rc 1
    want_ms_from 2000
    want_ms_below 6000
    want_err "; waiting up to [12] s more$"
    [ "$(grep -c waiting <<<"$ERR")" -eq 1 ] || PROBLEMS+=("want one waiting line (state unchanged)")
    judge "--wait 2 with a server stopped: gives up after 2 s, exit 1"

    start=$(now_ms)
    timeout "$RUN_TIMEOUT" "${WRAPPER[@]}" "$BIN" status --artifacts "$WORK/T" \
        --port "${PORT[healthy]}" --wait "$COMEBACK_WAIT" --json >"$WORK/out" 2>"$WORK/err" &
    pid=$!
    PIDS+=("$pid")
    if ! eventually "$WAITING_TIMEOUT" grep -q waiting "$WORK/err"; then
        PROBLEMS+=("no waiting line within $WAITING_TIMEOUT s")
    fi
    start_jetty b
    await_jetty b || PROBLEMS+=("the stopped server did not start again")
    wait "$pid"
    RC=$?
    forget_pid "$pid"
    MS=$(($(now_ms) - start))
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
    want_rc 0
    want_jq '.healthy == true and .rounds > 1 and all(.masters[]; .healthy)'
    want_err "^exhibitor-tls-artifacts status: not healthy: $(re "$B") unreachable \\(connection refused\\); waiting up to"
    want_ms_below $((COMEBACK_WAIT * 1000))
    judge "--wait: healthy once the stopped server is back (${MS} ms)"
}

usage_case() {
    local name=$1 regex=$2
    shift 2
    st "$@"
    want_rc 2
    want_err "$regex"
    [ -z "$OUT" ] || PROBLEMS+=("stdout should be empty")
    judge "usage: $name"
}

case_usage() {
    local t=$WORK/T
    mkdir -p "$WORK/empty"
    : >"$WORK/a-file"
    cp -r "$(node_dir T "$A")" "$WORK/mixed"
    cp "$(node_dir T "$B")/client-key.pem" "$WORK/mixed/client-key.pem"

    usage_case "unknown option" "unknown option '--bogus'" --bogus
    usage_case "option without its value" "option '--port' needs a value" --artifacts "$t" --port
    usage_case "--port 0" "--port '0': not a port number" --artifacts "$t" --port 0
    usage_case "--port 65536" "--port '65536': not a port number" --artifacts "$t" --port 65536
    usage_case "--wait -1" "--wait '-1': not a number of seconds" --artifacts "$t" --wait -1
    usage_case "--timeout 0" "--timeout '0': not a number of seconds" --artifacts "$t" --timeout 0
    usage_case "a master that is no address" "node '127.0.83.02': not a valid IPv4 address" \
        --artifacts "$t" 127.0.83.02
    usage_case "a master named twice" "is given twice" --artifacts "$t" "$A" "$A"
    usage_case "--artifacts missing" "$(re "$WORK")/missing: No such file or directory" \
        --artifacts "$WORK/missing"
    usage_case "--artifacts a file" "not a directory" --artifacts "$WORK/a-file"
    usage_case "--artifacts neither tree nor node directory" \
        "neither an artifacts tree nor a master's directory" --artifacts "$WORK/empty"
    usage_case "a node directory and no masters" "is one master's directory: name the masters" \
        --artifacts "$(node_dir T "$A")"
    usage_case "--master-list missing" "--master-list: .*/missing.yaml: open: No such file" \
        --artifacts "$t" --master-list "$WORK/missing.yaml"
    usage_case "a client key that is not the certificate's" \
        "client identity: .*/client-cert\\.pem with .*/client-key\\.pem: .*do not match" \
        --artifacts "$WORK/mixed" "$A"

    st --help
    want_rc 0
    want_out '^Usage: exhibitor-tls-artifacts status \[OPTIONS\] \[MASTER\.\.\.\]$'
    judge "--help: usage on stdout, exit 0"
}

main() {
    local started=$SECONDS
    if [ $# -ne 0 ]; then
        echo "usage: $0 (no arguments; see the comment at its top)" >&2
        exit 2
    fi
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/status-test.XXXXXX") || exit 1
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    check_tools
    make_trees
    pick_ports
    start_servers
    case_usage
    case_healthy
    case_sources
    case_down
    case_refusals
    case_stopped_and_back
    echo "# suite took $((SECONDS - started)) s"
    summary
}

main "$@"
