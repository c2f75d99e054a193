#!/bin/bash
# End-to-end interop suite: plays every part of a secured DC/OS master on loopback with the
# real consumers of an artifacts tree, and checks that what must work works and what must be
# refused is refused for the right reason.
#
#   Exhibitor's server   Jetty 9.4 (Server.java), one per master on the master's address,
#                        plus one per master on 127.0.0.1 standing for "localhost:8181"
#   Exhibitor's calls    Java HttpsURLConnection (Client.java), every master to every other
#   Admin Router         nginx proxying to the local master's Jetty as https://exhibitor
#   the operator         curl with the PEM files, as DC/OS documents it
#
# usage: run.sh [TREE_DIR [FOREIGN_TREE_DIR]]
#
# TREE_DIR is an artifacts tree (node directories named node_127_0_0_2 or 127.0.0.2) whose
# node addresses are all in 127.0.0.0/8. Without it a tree for 127.0.0.2 127.0.0.3 127.0.0.4
# is generated. FOREIGN_TREE_DIR is a second, separately generated tree whose certificates
# must be refused; without it one is generated.
#
# Environment:
#   EXHIBITOR_TLS_ARTIFACTS_BIN  the generator (needed unless both trees are given)
#   INTEROP_GEN_ARGS             extra generator arguments, e.g. "--key-type ecdsa-p256"
#   INTEROP_KEEP=1               keep the work directory (its path is printed) for debugging
#
# Prints one line per case and ends with "N passed, N failed"; exits 1 if any case failed.
# Every wait is bounded and every server started here is stopped on exit, failure or not.

set -uo pipefail

readonly PASSWORD=not-relevant-for-security
readonly DEFAULT_NODES=(127.0.0.2 127.0.0.3 127.0.0.4)
readonly STATUS_PATH=/exhibitor/v1/cluster/status
readonly PROTOCOLS=(TLSv1.2 TLSv1.3)
readonly EKU_SERVER=1.3.6.1.5.5.7.3.1
readonly EKU_CLIENT=1.3.6.1.5.5.7.3.2
# Short-lived JVMs start faster with the client compiler alone and the serial collector;
# neither touches TLS.
readonly JAVA_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

# Bounds. A server outlives the suite by at most SERVER_LIFETIME even if this script is
# killed with SIGKILL and its trap never runs.
readonly GENERATE_TIMEOUT=120
readonly READY_TIMEOUT=30
readonly CLIENT_TIMEOUT=60
readonly SERVER_LIFETIME=300
readonly CURL_TIMEOUT=10
# A refusal must come from a handshake or a load error, never from waiting out a timeout.
readonly CASE_MAX_MS=5000
# How long a server may take to log a refusal the client has already seen.
readonly LOG_LAG=3

# How Java refuses a chain from another tree. Every tree's root has the same subject, so the
# path builder may pick the wrong root by name and fail its signature instead of failing
# to find one.
readonly FOREIGN_CHAIN='PKIX path (building|validation) failed'

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# shellcheck source=tests/lib/harness.bash
source "$HERE/../lib/harness.bash"

WORK=
SPAWNED=
TREE=
FOREIGN=
PIDS=()
JAVA_MARK=0   # size of jetty.log when the Java client started
JETTY_MARK=0  # size of jetty.log when the last curl request started
CURL_CODE=000
CURL_STATUS=0
# shellcheck disable=SC2034 # counted and printed by tests/lib/harness.bash
PASSED=0
FAILED=0
NODES=()
declare -A NODE_DIR=()
declare -A JETTY_PORT=()
declare -A NGINX_PORT=()

# ---- results --------------------------------------------------------------------------------

# fail NAME WHY [LOG...]: a failed case, with the logs of the components involved.
fail() {
    local name=$1 why=$2 log
    shift 2
    FAILED=$((FAILED + 1))
    printf 'FAIL %s\n     %s\n' "$name" "$why"
    for log in "$@"; do
        show_log "$log"
    done
}

# want TEXT...: the second line of a failure's explanation.
want() {
    printf '\n     want: %s' "$*"
}

show_log() {
    local file=$1 title=${2:-$1}
    [ -s "$file" ] || return 0
    printf '     --- %s (last 40 lines) ---\n' "${title#"$WORK/"}"
    tail -n 40 "$file" | sed 's/^/     | /'
}

# ---- processes and files --------------------------------------------------------------------

cleanup() {
    stop_started 5
    if [ -n "$WORK" ]; then
        if [ "${INTEROP_KEEP:-0}" = 1 ]; then
            echo "interop: work directory kept: $WORK" >&2
        else
            rm -rf "$WORK"
        fi
    fi
}

# spawn LOG SECONDS COMMAND...: runs COMMAND in the background for at most SECONDS, output
# in LOG; its pid goes to SPAWNED and to PIDS, which cleanup stops. timeout passes a TERM on
# to COMMAND.
spawn() {
    local log=$1 seconds=$2
    shift 2
    timeout "$seconds" "$@" >"$log" 2>&1 &
    SPAWNED=$!
    PIDS+=("$SPAWNED")
}

# reap PID: waits for a spawned command and returns its status. A signal interrupts the
# wait, so the cleanup trap runs at once instead of after the command.
reap() {
    local pid=$1 status kept=() p
    wait "$pid"
    status=$?
    for p in "${PIDS[@]}"; do
        [ "$p" = "$pid" ] || kept+=("$p")
    done
    PIDS=("${kept[@]}")
    return "$status"
}

# wait_for TIMEOUT PID COMMAND...: polls COMMAND until it succeeds, the process PID dies,
# or TIMEOUT seconds pass.
wait_for() {
    local deadline=$((SECONDS + $1)) pid=$2
    shift 2
    until "$@"; do
        kill -0 "$pid" 2>/dev/null || return 1
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# log_has FILE OFFSET REGEX: FILE, after OFFSET, has a line matching REGEX.
log_has() {
    tail -c +"$(($2 + 1))" "$1" 2>/dev/null | grep -Eq "$3"
}

# free_port ADDRESS: a port nothing listens on at ADDRESS now. Racy by nature; nginx start
# retries with another port if it loses the race.
free_port() {
    local port i
    for ((i = 0; i < 50; i++)); do
        port=$((20000 + RANDOM % 40000))
        if ! port_open "$1" "$port"; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

log_size() {
    stat -c %s "$1" 2>/dev/null || echo 0
}

# log_since FILE OFFSET OUT: the part of FILE written after OFFSET, into OUT.
log_since() {
    tail -c +"$(($2 + 1))" "$1" >"$3" 2>/dev/null
}

# An address or name as a literal inside an extended regular expression.
re_quote() {
    printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# ---- tools ----------------------------------------------------------------------------------

# Missing tools are failures, each naming the tool and the Debian package that brings it.
check_tools() {
    local tool package jar missing=0
    for tool in java:default-jdk-headless nginx:nginx-light curl:curl timeout:coreutils; do
        package=${tool#*:}
        tool=${tool%%:*}
        if command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ]; then
            pass "tool: $tool is installed"
        else
            fail "tool: $tool is installed" "$tool not found (Debian package $package)"
            missing=1
        fi
    done
    for jar in "${JETTY_JARS[@]}"; do
        if [ ! -r "$JAVA_DIR/$jar.jar" ]; then
            fail "tool: Jetty 9.4 is installed" "$JAVA_DIR/$jar.jar not found (libjetty9-java)"
            return 1
        fi
    done
    pass "tool: Jetty 9.4 is installed"
    return "$missing"
}

nginx_bin() {
    command -v nginx 2>/dev/null || echo /usr/sbin/nginx
}

# ---- artifacts trees ------------------------------------------------------------------------

# generate DIR NODE...: starts the generator with INTEROP_GEN_ARGS; output in DIR.log.
generate() {
    local dir=$1 gen_args
    shift
    read -ra gen_args <<<"${INTEROP_GEN_ARGS:-}"
    spawn "$dir.log" "$GENERATE_TIMEOUT" \
        "$EXHIBITOR_TLS_ARTIFACTS_BIN" -q -d "$dir" "${gen_args[@]}" "$@"
}

generator_usable() {
    if [ -z "${EXHIBITOR_TLS_ARTIFACTS_BIN:-}" ] || [ ! -x "$EXHIBITOR_TLS_ARTIFACTS_BIN" ]; then
        fail "generator: runs" \
            "EXHIBITOR_TLS_ARTIFACTS_BIN='${EXHIBITOR_TLS_ARTIFACTS_BIN:-}' is not executable"
        return 1
    fi
}

# prepare_trees [TREE_DIR [FOREIGN_TREE_DIR]]: sets TREE and FOREIGN, generating what is
# not given. The foreign tree holds the first master's address too, so its client
# certificate differs from the real one by its root CA alone.
prepare_trees() {
    local tree_pid='' foreign_pid='' started=$SECONDS
    if ! is_tree "${1:-}" || ! is_tree "${2:-}"; then
        finish
    fi
    TREE=$(absolute "${1:-}")
    FOREIGN=$(absolute "${2:-}")
    if [ -z "$TREE" ] || [ -z "$FOREIGN" ]; then
        generator_usable || finish
    fi
    if [ -z "$TREE" ]; then
        TREE=$WORK/artifacts
        generate "$TREE" "${DEFAULT_NODES[@]}"
        tree_pid=$SPAWNED
    fi
    if [ -z "$FOREIGN" ]; then
        FOREIGN=$WORK/foreign
        generate "$FOREIGN" "${DEFAULT_NODES[0]}"
        foreign_pid=$SPAWNED
    fi
    check_generated "$tree_pid" "$TREE" "the tree under test"
    check_generated "$foreign_pid" "$FOREIGN" "the foreign tree"
    [ "$FAILED" -eq 0 ] || finish
    echo "# trees ready in $((SECONDS - started)) s (generator args: ${INTEROP_GEN_ARGS:-none})"
}

# is_tree DIR: DIR is empty (not given) or looks like an artifacts tree.
is_tree() {
    if [ -n "$1" ] && [ ! -f "$1/root-cert.pem" ]; then
        fail "tree: $1 is an artifacts tree" "no root-cert.pem in $1"
        return 1
    fi
}

# absolute DIR: DIR as an absolute path (nginx reads relative ones from its prefix).
absolute() {
    [ -z "$1" ] || (cd "$1" && pwd)
}

check_generated() {
    local pid=$1 dir=$2 what=$3
    [ -n "$pid" ] || return 0
    if reap "$pid"; then
        pass "generator: makes $what"
    else
        fail "generator: makes $what" "exit status $? from $EXHIBITOR_TLS_ARTIFACTS_BIN" \
            "$dir.log"
    fi
}

# discover_nodes: the masters of TREE, from its node directories: node_127_0_0_2, or
# 127.0.0.2 in the layout named by bare address.
discover_nodes() {
    local dir name addr
    for dir in "$TREE"/*/; do
        dir=${dir%/}
        name=${dir##*/}
        case $name in
        node_*) addr=${name#node_} addr=${addr//_/.} ;;
        [0-9]*) addr=$name ;;
        *) continue ;;
        esac
        if ! [[ $addr =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
            fail "tree: node addresses are loopback" \
                "$dir: only addresses in 127.0.0.0/8 can be played on this machine"
            continue
        fi
        NODES+=("$addr")
        NODE_DIR[$addr]=$dir
    done
    if [ "${#NODES[@]}" -lt 2 ]; then
        fail "tree: has at least two masters" "found ${#NODES[@]} node directories in $TREE"
    fi
    [ "$FAILED" -eq 0 ] || finish
    echo "# masters: ${NODES[*]}"
}

# Exhibitor on Java 8 reads real JKS only; Java 17 would quietly accept PKCS#12.
check_store_formats() {
    local addr store
    check_jks_magic "$TREE/truststore.jks"
    for addr in "${NODES[@]}"; do
        for store in "${NODE_DIR[$addr]}"/*.jks; do
            check_jks_magic "$store"
        done
    done
}

check_jks_magic() {
    local name=${1#"$TREE/"} magic
    magic=$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n')
    if [ "$magic" = feedfeed ]; then
        pass "store is JKS: $name"
    else
        fail "store is JKS: $name" "first bytes '$magic', want feedfeed"
    fi
}

# ---- Jetty ----------------------------------------------------------------------------------

# One line of Server.java's configuration.
server_line() {
    local name=$1 bind=$2 node_dir=$3 password=$4 hostname=$5
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$bind" "$node_dir/serverstore.jks" \
        "$node_dir/truststore.jks" "$password" "$hostname"
}

# Per master: "master-ADDR" on its own address (what peers call) and "local-ADDR" on
# 127.0.0.1 (what localhost:8181 reaches on that master). Then two that must misbehave:
# "impostor" shows the first master's certificate on the second master's address, and
# "wrong-password" must refuse to start.
write_server_config() {
    local addr a=${NODES[0]} b=${NODES[1]}
    for addr in "${NODES[@]}"; do
        server_line "master-$addr" "$addr" "${NODE_DIR[$addr]}" "$PASSWORD" "$addr"
        server_line "local-$addr" 127.0.0.1 "${NODE_DIR[$addr]}" "$PASSWORD" "$addr"
    done
    server_line impostor "$b" "${NODE_DIR[$a]}" "$PASSWORD" "$b"
    server_line wrong-password "$a" "${NODE_DIR[$a]}" "wrong-$PASSWORD" "$a"
}

start_jetty() {
    local conf=$WORK/jetty.conf ready=$WORK/jetty.ready started=$SECONDS
    write_server_config >"$conf"
    spawn "$WORK/jetty.log" "$SERVER_LIFETIME" \
        java "${JAVA_OPTS[@]}" -cp "$(jetty_classpath)" "$HERE/Server.java" "$conf" "$ready"
    if ! wait_for "$READY_TIMEOUT" "$SPAWNED" test -s "$ready"; then
        fail "jetty: servers start" "not ready within $READY_TIMEOUT s" "$WORK/jetty.log"
        finish
    fi
    echo "# Jetty ready in $((SECONDS - started)) s"
    check_jetty_ready "$ready"
}

# Reads Server.java's ready file: every server listening but "wrong-password", which must
# have failed fast, saying the password is wrong. Jetty's log follows once if any failed.
check_jetty_ready() {
    local name ms outcome failed_before=$FAILED
    while IFS=$'\t' read -r name ms outcome; do
        if [ "$name" = wrong-password ]; then
            check_wrong_password "$ms" "$outcome"
        elif [[ $outcome =~ ^OK\ ([0-9]+)$ ]]; then
            JETTY_PORT[$name]=${BASH_REMATCH[1]}
            pass "jetty: $name starts with its serverstore and truststore"
        else
            fail "jetty: $name starts with its serverstore and truststore" "$outcome"
        fi
    done <"$1"
    [ "$FAILED" -eq "$failed_before" ] || show_log "$WORK/jetty.log"
    for name in "${NODES[@]/#/master-}" "${NODES[@]/#/local-}" impostor; do
        [ -n "${JETTY_PORT[$name]:-}" ] || finish
    done
}

check_wrong_password() {
    local ms=$1 outcome=$2 name="wrong store password: Jetty refuses to start, saying why"
    if [[ $outcome =~ ^ERR\ .*password\ was\ incorrect ]] && [ "$ms" -lt "$CASE_MAX_MS" ]; then
        pass "$name (${ms} ms)"
    else
        fail "$name" "after $ms ms: $outcome"
    fi
}

# ---- Java client ----------------------------------------------------------------------------

JAVA_CASES=()
declare -A JAVA_SIDE=()
declare -A JAVA_EXPECT=()

# java_case NAME SIDE REGEX KIND ARG...: a Client.java case. SIDE "client": the outcome must
# match REGEX. SIDE "server": the call must fail and the server must log REGEX for it, as a
# refused client may see no more than a broken pipe.
java_case() {
    local id=${#JAVA_CASES[@]} IFS=$'\t'
    JAVA_CASES+=("$1")
    JAVA_SIDE[$id]=$2
    JAVA_EXPECT[$id]=$3
    shift 3
    printf '%s\n' "$1"$'\t'"$id"$'\t'"${*:2}" >>"$WORK/java.cases"
}

master_url() {
    printf 'https://%s:%s%s' "$1" "${JETTY_PORT[$2]}" "$STATUS_PATH"
}

# Expected outcome of a GET that reached server NAME over PROTOCOL, answering for ADDRESS.
java_ok() {
    printf '^OK 200 %s server=%s body=.*"hostname":"%s"' "$(re_quote "$1")" \
        "$(re_quote "$2")" "$(re_quote "$3")"
}

# Every master calls every other master by IP, as Exhibitor does.
add_peer_cases() {
    local a b proto dir
    for a in "${NODES[@]}"; do
        dir=${NODE_DIR[$a]}
        for b in "${NODES[@]}"; do
            [ "$a" != "$b" ] || continue
            for proto in "${PROTOCOLS[@]}"; do
                java_case "peer call $a -> $b, $proto (Java HttpsURLConnection)" client \
                    "$(java_ok "$proto" "master-$b" "$b")" \
                    https "$proto" "$dir/clientstore.jks" "$dir/truststore.jks" "$PASSWORD" \
                    "$(master_url "$b" "master-$b")"
            done
        done
    done
}

# The certificate of a store's entry as Client.java describes it: EKU OIDs, then the SANs
# as TYPE:VALUE (2 DNS name, 7 IP address), sorted. Anchored: nothing more, nothing less.
entry_profile() {
    local eku=$1 addr=$2 sans
    sans=$(printf '%s\n' 2:localhost 2:exhibitor 7:127.0.0.1 "7:$addr" | LC_ALL=C sort -u |
        paste -sd,)
    printf ' eku=%s san=%s$' "$(re_quote "$eku")" "$(re_quote "$sans")"
}

# Each store opens as Exhibitor opens it, holding the expected entry. The EKU and the SANs
# are stated as well: a certificate without an EKU passes every consumer, so only this
# notices one.
add_load_cases() {
    local addr dir
    java_case "load truststore.jks: one trusted entry root-cert" client \
        '^OK root-cert:trusted eku=none san=none$' load "$TREE/truststore.jks" "$PASSWORD"
    for addr in "${NODES[@]}"; do
        dir=${NODE_DIR[$addr]}
        java_case "load $addr serverstore.jks: server-cert, chain of 2, serverAuth, SANs" client \
            "^OK server-cert:key:chain=2$(entry_profile "$EKU_SERVER" "$addr")" \
            load "$dir/serverstore.jks" "$PASSWORD"
        java_case "load $addr clientstore.jks: client-cert, chain of 2, clientAuth, SANs" client \
            "^OK client-cert:key:chain=2$(entry_profile "$EKU_CLIENT" "$addr")" \
            load "$dir/clientstore.jks" "$PASSWORD"
        java_case "load $addr truststore.jks: one trusted entry root-cert" client \
            '^OK root-cert:trusted eku=none san=none$' load "$dir/truststore.jks" "$PASSWORD"
    done
}

# Refusals by the server go to a master's localhost listener, so that a missing node-address
# SAN fails the peer calls alone and does not hide these.
add_java_refusals() {
    local a=${NODES[0]} b=${NODES[1]} proto a_dir b_dir url foreign_dir
    a_dir=${NODE_DIR[$a]}
    b_dir=${NODE_DIR[$b]}
    foreign_dir=$(foreign_node_dir)
    url=https://localhost:${JETTY_PORT[local-$a]}$STATUS_PATH
    for proto in "${PROTOCOLS[@]}"; do
        java_case "refused, $proto: Java client without a client certificate" server \
            'Empty client certificate chain' \
            https "$proto" - "$a_dir/truststore.jks" "$PASSWORD" "$url"
        java_case "refused, $proto: Java client certificate from a foreign tree" server \
            "$FOREIGN_CHAIN" \
            https "$proto" "$foreign_dir/clientstore.jks" "$a_dir/truststore.jks" "$PASSWORD" \
            "$url"
        java_case "refused, $proto: Java client trusting only a foreign root" client \
            "^ERR .*$FOREIGN_CHAIN" \
            https "$proto" "$a_dir/clientstore.jks" "$foreign_dir/truststore.jks" "$PASSWORD" \
            "$url"
        java_case "refused, $proto: $a's server certificate at $b's address (hostname)" client \
            "^ERR .*No subject alternative names matching IP address $(re_quote "$b") found" \
            https "$proto" "$b_dir/clientstore.jks" "$b_dir/truststore.jks" "$PASSWORD" \
            "$(master_url "$b" impostor)"
    done
    java_case "wrong store password: clientstore load fails, saying why" client \
        '^ERR .*password was incorrect' load "$a_dir/clientstore.jks" "wrong-$PASSWORD"
    java_case "wrong store password: truststore load fails, saying why" client \
        '^ERR .*password was incorrect' load "$a_dir/truststore.jks" "wrong-$PASSWORD"
}

# The foreign tree's first node directory, in either layout.
foreign_node_dir() {
    local dir
    for dir in "$FOREIGN"/node_*/ "$FOREIGN"/[0-9]*/; do
        if [ -d "$dir" ]; then
            echo "${dir%/}"
            return 0
        fi
    done
}

run_java_cases() {
    local log=$WORK/java-client.log id line started=$SECONDS failed_before=$FAILED
    : >"$WORK/java.cases"
    add_load_cases
    add_peer_cases
    add_java_refusals
    JAVA_MARK=$(log_size "$WORK/jetty.log")
    spawn "$log" "$CLIENT_TIMEOUT" java "${JAVA_OPTS[@]}" "$HERE/Client.java" "$WORK/java.cases"
    reap "$SPAWNED"
    echo "# Java client ran ${#JAVA_CASES[@]} cases in $((SECONDS - started)) s"
    for id in "${!JAVA_CASES[@]}"; do
        line=$(awk -F'\t' -v id="$id" '$1 == id' "$log")
        judge_java_case "$id" "$line"
    done
    if [ "$FAILED" -gt "$failed_before" ]; then
        grep -Ev '^[0-9]+'$'\t' "$log" >"$WORK/java-client.stderr"
        log_since "$WORK/jetty.log" "$JAVA_MARK" "$WORK/jetty-during-java.log"
        show_log "$WORK/java-client.stderr" "Java client's other output"
        show_log "$WORK/jetty-during-java.log" "Jetty log while the Java client ran"
    fi
}

# judge_java_case ID RESULT_LINE: RESULT_LINE is "ID MS LOCAL_PORT OUTCOME", tab-separated.
judge_java_case() {
    local id=$1 name=${JAVA_CASES[$1]} regex=${JAVA_EXPECT[$1]} ms port outcome
    IFS=$'\t' read -r _ ms port outcome <<<"$2"
    if [ -z "$2" ]; then
        fail "$name" "no result from Client.java (crashed or timed out)"
    elif [ "$ms" -ge "$CASE_MAX_MS" ]; then
        fail "$name" "took $ms ms (limit $CASE_MAX_MS): $outcome"
    elif [ "${JAVA_SIDE[$id]}" = client ] && ! [[ $outcome =~ $regex ]]; then
        fail "$name" "got: $outcome$(jetty_saw "$port")$(want "$regex")"
    elif [ "${JAVA_SIDE[$id]}" = server ] && ! java_refused_by_server "$port" "$regex" "$outcome"
    then
        fail "$name" "got: $outcome$(jetty_saw "$port")$(want "an error; Jetty logging: $regex")"
    else
        pass "$name"
    fi
}

# What Jetty logged about the connection from client port PORT, if anything.
jetty_saw() {
    [ "$1" -gt 0 ] || return 0
    tail -c +"$((JAVA_MARK + 1))" "$WORK/jetty.log" | grep -E "from [^ ]+:$1: " |
        sed 's/^/\n     jetty: /'
}

java_refused_by_server() {
    local port=$1 regex=$2 outcome=$3
    [[ $outcome == ERR* ]] && [ "$port" -gt 0 ] &&
        eventually "$LOG_LAG" log_has "$WORK/jetty.log" "$JAVA_MARK" \
            "handshake failed from [^ ]+:$port: .*($regex)"
}

# ---- curl -----------------------------------------------------------------------------------

# curl_request ARG...: runs curl; leaves status in CURL_CODE, headers/body/stderr in
# $WORK/curl.*, and where Jetty's log lines of this request begin in JETTY_MARK.
curl_request() {
    # curl creates its output files only when data arrives: no stale answer may remain.
    rm -f "$WORK/curl.headers" "$WORK/curl.body"
    JETTY_MARK=$(log_size "$WORK/jetty.log")
    CURL_CODE=$(curl -sS --connect-timeout 5 --max-time "$CURL_TIMEOUT" \
        -D "$WORK/curl.headers" -o "$WORK/curl.body" -w '%{http_code}' "$@" \
        2>"$WORK/curl.stderr")
    CURL_STATUS=$?
}

# jetty_lines: Jetty's log lines of the last request, once Jetty has had time to log the
# handshake, into $WORK/jetty-this-request.log, whose path goes to stdout.
jetty_lines() {
    eventually "$LOG_LAG" log_has "$WORK/jetty.log" "$JETTY_MARK" 'handshake'
    log_since "$WORK/jetty.log" "$JETTY_MARK" "$WORK/jetty-this-request.log"
    echo "$WORK/jetty-this-request.log"
}

header() {
    tr -d '\r' <"$WORK/curl.headers" | sed -n "s/^$1: //Ip" | tail -n 1
}

# check_answer NAME PROTOCOL SERVER ADDRESS [LOG...]: the last request got Exhibitor's
# status from SERVER, over PROTOCOL, presenting a client certificate.
check_answer() {
    local name=$1 proto=$2 server=$3 addr=$4
    shift 4
    if [ "$CURL_STATUS" -eq 0 ] && [ "$CURL_CODE" = 200 ] &&
        [ "$(header X-Interop-Server)" = "$server" ] &&
        [ "$(header X-Tls-Protocol)" = "$proto" ] &&
        [[ $(header X-Client-Subject) == CN=client,* ]] &&
        grep -q "\"hostname\":\"$addr\"" "$WORK/curl.body"; then
        pass "$name"
    else
        fail "$name" "$(describe_answer)$(want "HTTP 200 from $server over $proto," \
            "client CN=client, hostname $addr")" "$(jetty_lines)" "$@"
    fi
}

# What the last curl request got, on one line.
describe_answer() {
    local got="curl exit $CURL_STATUS, HTTP $CURL_CODE" server
    server=$(header X-Interop-Server 2>/dev/null)
    if [ -n "$server" ]; then
        got+=", from $server over $(header X-Tls-Protocol)"
        got+=", client $(header X-Client-Subject)"
    fi
    if [ -s "$WORK/curl.body" ]; then
        got+=", body: $(head -c 200 "$WORK/curl.body" | tr -s '\n' ' ')"
    fi
    if [ -s "$WORK/curl.stderr" ]; then
        got+=", $(head -n 1 "$WORK/curl.stderr")"
    fi
    printf 'got: %s' "$got"
}

curl_pem_args() {
    printf '%s\n' --cacert "$1/root-cert.pem" --cert "$1/client-cert.pem" --key "$1/client-key.pem"
}

protocol_args() {
    case $1 in
    TLSv1.2) printf '%s\n' --tlsv1.2 --tls-max 1.2 ;;
    TLSv1.3) printf '%s\n' --tlsv1.3 ;;
    esac
}

# The operator's health check as DC/OS documents it, on every master; by IP as well.
run_curl_cases() {
    local addr dir proto args
    for addr in "${NODES[@]}"; do
        dir=${NODE_DIR[$addr]}
        for proto in "${PROTOCOLS[@]}"; do
            mapfile -t args < <(curl_pem_args "$dir"; protocol_args "$proto")
            curl_request "${args[@]}" "https://localhost:${JETTY_PORT[local-$addr]}$STATUS_PATH"
            check_answer "operator curl to localhost on $addr, $proto" "$proto" \
                "local-$addr" "$addr"
        done
        mapfile -t args < <(curl_pem_args "$dir")
        curl_request "${args[@]}" "$(master_url "$addr" "master-$addr")"
        check_answer "curl to $addr by IP" TLSv1.3 "master-$addr" "$addr"
    done
    run_curl_refusals
}

# refused_for SIDE REGEX CLIENT_LOG: the refusal reason is in the refusing side's log:
# the client's (CLIENT_LOG) or Jetty's, for the last request.
refused_for() {
    case $1 in
    client) grep -Eq "$2" "$3" ;;
    server) eventually "$LOG_LAG" log_has "$WORK/jetty.log" "$JETTY_MARK" \
        "handshake failed from .*($2)" ;;
    esac
}

# curl_refused NAME SIDE REGEX ARG...: curl must fail, and SIDE must say why (REGEX).
curl_refused() {
    local name=$1 side=$2 regex=$3
    shift 3
    curl_request "$@"
    if [ "$CURL_STATUS" -ne 0 ] && refused_for "$side" "$regex" "$WORK/curl.stderr"; then
        pass "$name"
    else
        fail "$name" "$(describe_answer)$(want "a failure, and the $side saying: $regex")" \
            "$(jetty_lines)"
    fi
}

run_curl_refusals() {
    local a=${NODES[0]} b=${NODES[1]} proto a_dir foreign_dir url args tls b_re
    a_dir=${NODE_DIR[$a]}
    b_re=$(re_quote "$b")
    foreign_dir=$(foreign_node_dir)
    url=https://localhost:${JETTY_PORT[local-$a]}$STATUS_PATH
    for proto in "${PROTOCOLS[@]}"; do
        mapfile -t tls < <(protocol_args "$proto")
        curl_refused "refused, $proto: curl without a client certificate" \
            server 'Empty client certificate chain' \
            "${tls[@]}" --cacert "$a_dir/root-cert.pem" "$url"
        curl_refused "refused, $proto: curl with a client certificate from a foreign tree" \
            server "$FOREIGN_CHAIN" \
            "${tls[@]}" --cacert "$a_dir/root-cert.pem" --cert "$foreign_dir/client-cert.pem" \
            --key "$foreign_dir/client-key.pem" "$url"
        curl_refused "refused, $proto: curl trusting only a foreign root" \
            client 'self-signed certificate in certificate chain|unable to get local issuer' \
            "${tls[@]}" --cacert "$foreign_dir/root-cert.pem" --cert "$a_dir/client-cert.pem" \
            --key "$a_dir/client-key.pem" "$url"
        mapfile -t args < <(curl_pem_args "$a_dir")
        curl_refused "refused, $proto: curl to $a's server certificate at $b's address" \
            client "no alternative certificate subject name matches target host name '$b_re'" \
            "${tls[@]}" "${args[@]}" "$(master_url "$b" impostor)"
    done
}

# ---- nginx ----------------------------------------------------------------------------------

# One Admin Router per master, proxying to that master's localhost Jetty by the name
# "exhibitor". Besides "/" (both protocols named, as nginx 1.22 leaves TLS 1.3 out by
# default) there are locations pinning each protocol and two that must fail: a foreign
# client certificate, and a proxy_ssl_name the server certificate does not carry.
# Session reuse is off so that every request proves a full handshake.
nginx_config() {
    local dir=$1 addr=$2 port=$3 node=$4 foreign=$5
    cat <<EOF
daemon off;
master_process off;
worker_processes 1;
pid "$dir/nginx.pid";
error_log "$dir/error.log" info;
events { worker_connections 64; }
http {
    access_log "$dir/access.log";
    client_body_temp_path "$dir/client_body";
    proxy_temp_path "$dir/proxy";
    fastcgi_temp_path "$dir/fastcgi";
    uwsgi_temp_path "$dir/uwsgi";
    scgi_temp_path "$dir/scgi";

    upstream exhibitor {
        server 127.0.0.1:${JETTY_PORT[local-$addr]};
    }

    server {
        listen $addr:$port;
        proxy_ssl_certificate "$node/client-cert.pem";
        proxy_ssl_certificate_key "$node/client-key.pem";
        proxy_ssl_trusted_certificate "$node/root-cert.pem";
        proxy_ssl_verify on;
        proxy_ssl_name exhibitor;
        proxy_ssl_server_name on;
        proxy_ssl_protocols TLSv1.2 TLSv1.3;
        proxy_ssl_session_reuse off;
        proxy_connect_timeout 5s;
        proxy_send_timeout 5s;
        proxy_read_timeout 5s;

        location / {
            proxy_pass https://exhibitor;
        }
        location /TLSv1.2/ {
            proxy_ssl_protocols TLSv1.2;
            proxy_pass https://exhibitor/;
        }
        location /TLSv1.3/ {
            proxy_ssl_protocols TLSv1.3;
            proxy_pass https://exhibitor/;
        }
        location /foreign-client/ {
            proxy_ssl_certificate "$foreign/client-cert.pem";
            proxy_ssl_certificate_key "$foreign/client-key.pem";
            proxy_pass https://exhibitor/;
        }
        location /wrong-name/ {
            proxy_ssl_name not-exhibitor;
            proxy_pass https://exhibitor/;
        }
    }
}
EOF
}

# start_nginx ADDRESS: a throwaway prefix under WORK, a free port, a bounded wait.
start_nginx() {
    local addr=$1 dir=$WORK/nginx-$1 port attempt
    mkdir -p "$dir"
    for attempt in 1 2 3; do
        port=$(free_port "$addr") || break
        nginx_config "$dir" "$addr" "$port" "${NODE_DIR[$addr]}" "$(foreign_node_dir)" \
            >"$dir/nginx.conf"
        spawn "$dir/stderr.log" "$SERVER_LIFETIME" "$(nginx_bin)" -p "$dir" -c "$dir/nginx.conf"
        if wait_for "$READY_TIMEOUT" "$SPAWNED" port_open "$addr" "$port"; then
            NGINX_PORT[$addr]=$port
            [ "$attempt" -eq 1 ] || echo "# nginx for $addr started on try $attempt (port race)"
            pass "nginx: Admin Router for $addr starts"
            return 0
        fi
        grep -q 'Address already in use' "$dir/error.log" "$dir/stderr.log" 2>/dev/null || break
    done
    fail "nginx: Admin Router for $addr starts" "no listener on $addr:$port" \
        "$dir/error.log" "$dir/stderr.log"
    return 1
}

run_nginx_cases() {
    local addr proto
    for addr in "${NODES[@]}"; do
        start_nginx "$addr" || continue
        nginx_request "$addr" /
        check_answer "Admin Router on $addr reaches Exhibitor as https://exhibitor" TLSv1.3 \
            "local-$addr" "$addr" "$WORK/nginx-this-request.log"
        for proto in "${PROTOCOLS[@]}"; do
            nginx_request "$addr" "/$proto/"
            check_answer "Admin Router on $addr reaches Exhibitor, $proto" "$proto" \
                "local-$addr" "$addr" "$WORK/nginx-this-request.log"
        done
    done
    run_nginx_refusals
}

# nginx_request ADDRESS PREFIX: GET the status through ADDRESS's nginx; its error log lines
# of this request go to $WORK/nginx-this-request.log.
nginx_request() {
    local addr=$1 prefix=$2 log mark
    log=$WORK/nginx-$addr/error.log
    mark=$(log_size "$log")
    curl_request "http://$addr:${NGINX_PORT[$addr]}${prefix%/}$STATUS_PATH"
    log_since "$log" "$mark" "$WORK/nginx-this-request.log"
}

# nginx_refused NAME ADDRESS PREFIX SIDE REGEX: nginx answers 502 and SIDE says why: "server"
# is Jetty, "client" is nginx itself.
nginx_refused() {
    local name=$1 addr=$2 prefix=$3 side=$4 regex=$5
    nginx_request "$addr" "$prefix"
    if [ "$CURL_CODE" = 502 ] && refused_for "$side" "$regex" "$WORK/nginx-this-request.log"; then
        pass "$name"
    else
        fail "$name" "$(describe_answer)$(want "HTTP 502, and the $side saying: $regex")" \
            "$WORK/nginx-this-request.log" "$(jetty_lines)"
    fi
}

run_nginx_refusals() {
    local a=${NODES[0]}
    [[ -v "NGINX_PORT[$a]" ]] || return 0
    nginx_refused "refused: Admin Router with a client certificate from a foreign tree" \
        "$a" /foreign-client/ server "$FOREIGN_CHAIN"
    nginx_refused "refused: Admin Router verifying a name the server certificate lacks" \
        "$a" /wrong-name/ client 'upstream SSL certificate does not match "not-exhibitor"'
}

# ---- main -----------------------------------------------------------------------------------

main() {
    local started=$SECONDS
    if [ $# -gt 2 ]; then
        echo "usage: $0 [TREE_DIR [FOREIGN_TREE_DIR]]" >&2
        exit 2
    fi
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/interop.XXXXXX") || exit 1
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    check_tools || finish
    prepare_trees "$@"
    discover_nodes
    check_store_formats
    start_jetty
    run_java_cases
    run_curl_cases
    run_nginx_cases
    echo "# suite took $((SECONDS - started)) s"
    summary
}

main "$@"
