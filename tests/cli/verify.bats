#!/usr/bin/env bats
# verify: a good tree passes; then one mutation per check, each of which verify must name, and
# nothing else, with exit 1. Trees are ECDSA P-256 for speed; one node directory is made by
# OpenSSL, certtool and keytool instead of this tool, Java's EC key encoding included.

load helpers

setup_file() {
    require openssl
    require keytool
    require certtool
    require jq
    FIXTURES=$(mktemp -d)
    export FIXTURES
    "$EXHIBITOR_TLS_ARTIFACTS_BIN" -q -k ecdsa-p256 -d "$FIXTURES/good" 10.0.0.1 10.0.0.2 fd00::2
    "$EXHIBITOR_TLS_ARTIFACTS_BIN" -q -k ecdsa-p256 -d "$FIXTURES/other" 10.0.0.1
    make_foreign_node "$FIXTURES/foreign" 10.0.0.9
}

teardown_file() {
    rm -rf "$FIXTURES"
}

setup() {
    scratch
}

quiet() {
    "$@" >/dev/null 2>&1 || {
        echo "failed: $*" >&2
        "$@"
    }
}

kt() {
    quiet keytool "$@" -storetype JKS -storepass "$STOREPASS" -noprompt
}

# A certificate signed by the test's root; $3 extra certtool template lines.
certtool_sign() {
    local work=$1 name=$2
    printf '%s\n' "${@:3}" >"$work/$name.tmpl"
    quiet certtool --generate-certificate --load-request "$work/$name.csr" \
        --load-ca-certificate "$work/root-cert.pem" --load-ca-privkey "$work/root.key" \
        --template "$work/$name.tmpl" --outfile "$work/$name.pem"
}

# A node directory for ADDRESS made without this tool: root by OpenSSL; the server key made
# by keytool (EC, PKCS#8 without its public point, as Java writes it) and certified by certtool;
# the client key and certificate by OpenSSL (RSA), its keystore imported by keytool. Beside it,
# expired-serverstore.jks: the same server key with a certificate that expired in 2021.
make_foreign_node() {
    local dir=$1 ip=$2 work=$1.work
    local sans=("dns_name = localhost" "dns_name = exhibitor" "ip_address = 127.0.0.1"
        "ip_address = $ip")
    mkdir -p "$dir" "$work"
    quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=root \
        -days 400 -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign -keyout "$work/root.key" \
        -out "$work/root-cert.pem"

    kt -genkeypair -keystore "$work/server.jks" -alias server-cert -keyalg EC \
        -groupname secp256r1 -dname CN=server -validity 400
    kt -certreq -keystore "$work/server.jks" -alias server-cert -file "$work/server.csr"
    cp "$work/server.csr" "$work/expired.csr"
    cp "$work/server.jks" "$work/expired.jks"
    certtool_sign "$work" server "expiration_days = 400" signing_key tls_www_server "${sans[@]}"
    certtool_sign "$work" expired 'activation_date = "2020-01-01 00:00:00"' \
        'expiration_date = "2021-01-01 00:00:00"' signing_key tls_www_server "${sans[@]}"
    for s in server expired; do
        cat "$work/$s.pem" "$work/root-cert.pem" >"$work/$s-chain.pem"
        kt -importcert -keystore "$work/$s.jks" -alias server-cert -file "$work/$s-chain.pem"
    done

    quiet openssl req -new -newkey rsa:2048 -nodes -subj /CN=client -keyout "$work/client.key" \
        -out "$work/client.csr"
    certtool_sign "$work" client "expiration_days = 400" signing_key encryption_key \
        tls_www_client "${sans[@]}"
    quiet openssl pkcs12 -export -inkey "$work/client.key" -in "$work/client.pem" \
        -certfile "$work/root-cert.pem" -name client-cert -passout "pass:$STOREPASS" \
        -out "$work/client.p12"
    quiet keytool -importkeystore -srckeystore "$work/client.p12" -srcstoretype PKCS12 \
        -srcstorepass "$STOREPASS" -destkeystore "$dir/clientstore.jks" -deststoretype JKS \
        -deststorepass "$STOREPASS" -noprompt
    quiet openssl rsa -in "$work/client.key" -traditional -out "$dir/client-key.pem"
    kt -importcert -keystore "$dir/truststore.jks" -alias root-cert -file "$work/root-cert.pem"

    cp "$work/root-cert.pem" "$dir/root-cert.pem"
    cp "$work/client.pem" "$dir/client-cert.pem"
    cp "$work/server.jks" "$dir/serverstore.jks"
    cp "$work/expired.jks" "$dir.expired-serverstore.jks"
    chmod 600 "$dir"/*.jks "$dir/client-key.pem"
}

good_copy() {
    cp -a "$FIXTURES/good" "$SCRATCH/tree"
    T=$SCRATCH/tree
}

# Flips the lowest bit of the byte in the middle of a file.
flip_middle_byte() {
    local size off byte
    size=$(stat -c %s "$1")
    off=$((size / 2))
    byte=$(od -An -tu1 -j "$off" -N1 "$1" | tr -d ' ')
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' $((byte ^ 1)))" | dd of="$1" bs=1 seek="$off" conv=notrunc status=none
}

# Passes when the last run's FAIL lines are exactly those starting with the prefixes given
# (each prefix "FILE: CHECK:" naming at least one line, and no other FAIL line).
fails_exactly() {
    local fails line prefix matched
    fails=$(printf '%s\n' "$output" | grep '^FAIL' || true)
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        matched=0
        for prefix in "$@"; do
            [[ "$line" == "FAIL  $prefix"* ]] && matched=1
        done
        if [ "$matched" -eq 0 ]; then
            printf 'unexpected failure: %s\nall output:\n%s\n' "$line" "$output" >&2
            return 1
        fi
    done <<<"$fails"
    for prefix in "$@"; do
        if ! grep -qF "FAIL  $prefix" <<<"$fails"; then
            printf 'no failure "%s"; all output:\n%s\n' "$prefix" "$output" >&2
            return 1
        fi
    done
}

@test "a good tree passes: every check ok, a totals line, exit 0" {
    run "$BIN" verify "$FIXTURES/good"
    expect_status 0
    expect_output "3 nodes, 90 checks: 90 ok, 0 warn, 0 FAIL: ready"
    not_ok=$(printf '%s\n' "$output" | grep -v -E '^ok  ' | grep -v 'checks:' || true)
    [ -z "$not_ok" ]
    for check in files mode store trust key same-client chain role san validity same-root; do
        expect_output ": $check: "
    done
    expect_output "ok    node_fd00__2/serverstore.jks: san: names localhost, exhibitor, 127.0.0.1, fd00::2"
}

@test "--json: one document with every check, the totals and the result" {
    run "$BIN" verify --json "$FIXTURES/good"
    expect_status 0
    [ "$(jq -r .result <<<"$output")" = ok ]
    [ "$(jq -r .layout <<<"$output")" = tree ]
    [ "$(jq '.checks | length' <<<"$output")" -eq 90 ]
    [ "$(jq .totals.fail <<<"$output")" -eq 0 ]
    [ "$(jq -r '.nodes[] | .address' <<<"$output" | sort | tr '\n' ' ')" = "10.0.0.1 10.0.0.2 fd00::2 " ]

    good_copy
    rm "$T/node_10_0_0_2/serverstore.jks"
    run "$BIN" verify --json "$T"
    expect_status 1
    [ "$(jq -r .result <<<"$output")" = fail ]
    [ "$(jq -r '.checks[] | select(.status == "fail") | .file + " " + .check' <<<"$output")" = \
        "node_10_0_0_2/serverstore.jks files" ]
}

@test "a single node directory passes; its address comes from its name or --node" {
    run "$BIN" verify "$FIXTURES/good/node_10_0_0_2"
    expect_status 0
    expect_output "1 node, 27 checks: 27 ok"

    # As installed on a master, the name tells nothing: a warning until --node names it.
    cp -a "$FIXTURES/good/node_10_0_0_2" "$SCRATCH/exhibitor-tls-artifacts"
    run "$BIN" verify "$SCRATCH/exhibitor-tls-artifacts"
    expect_status 0
    expect_output "warn  serverstore.jks: san: names localhost, exhibitor, 127.0.0.1, 10.0.0.2; the node's own address not checked"
    expect_output "give --node ADDRESS"
    run "$BIN" verify --node 10.0.0.2 "$SCRATCH/exhibitor-tls-artifacts"
    expect_status 0
    expect_output "27 ok, 0 warn, 0 FAIL"
    run "$BIN" verify -q --node 10.0.0.1 "$SCRATCH/exhibitor-tls-artifacts"
    expect_status 1
    fails_exactly "serverstore.jks: san: does not name 10.0.0.1" \
        "clientstore.jks: san: does not name 10.0.0.1" "client-cert.pem: san: does not name 10.0.0.1"

    # The bare-address layout.
    mkdir "$SCRATCH/bare"
    cp -a "$FIXTURES/good/node_10_0_0_1" "$SCRATCH/bare/10.0.0.1"
    cp -a "$FIXTURES/good/node_fd00__2" "$SCRATCH/bare/fd00::2"
    cp "$FIXTURES/good/root-cert.pem" "$FIXTURES/good/truststore.jks" "$SCRATCH/bare/"
    run "$BIN" verify "$SCRATCH/bare"
    expect_status 0
    expect_output "2 nodes, 62 checks: 62 ok"
}

@test "a node directory made by OpenSSL, certtool and keytool passes, Java's EC key included" {
    run "$BIN" verify "$FIXTURES/foreign" --node 10.0.0.9 --warn-days 7
    expect_status 0
    expect_output "27 ok, 0 warn, 0 FAIL"
    expect_output "ok    serverstore.jks: key: 'server-cert' opens with the key password and matches its certificate (an EC key stored without its public point"
    expect_output "ok    clientstore.jks: key: 'client-cert' opens with the key password and matches its certificate"
}

@test "a missing file: files" {
    good_copy
    rm "$T/node_10_0_0_2/truststore.jks"
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_2/truststore.jks: files: missing"
}

@test "an empty directory: all six files missing" {
    mkdir "$SCRATCH/empty"
    run "$BIN" verify -q "$SCRATCH/empty"
    expect_status 1
    fails_exactly "root-cert.pem: files: missing" "truststore.jks: files: missing" \
        "serverstore.jks: files: missing" "clientstore.jks: files: missing" \
        "client-cert.pem: files: missing" "client-key.pem: files: missing"
}

@test "a flipped byte in each store: store" {
    for store in truststore.jks node_10_0_0_1/truststore.jks node_10_0_0_1/serverstore.jks \
        node_10_0_0_1/clientstore.jks; do
        rm -rf "$SCRATCH/tree"
        good_copy
        flip_middle_byte "$T/$store"
        run "$BIN" verify -q "$T"
        expect_status 1
        fails_exactly "$store: store: "
    done
    expect_output "the file was altered"
}

@test "a wrong store password: store, for every keystore" {
    run "$BIN" verify -q --store-password not-the-password "$FIXTURES/good"
    expect_status 1
    fails_exactly "truststore.jks: store: keystore integrity digest does not match" \
        "node_10_0_0_1/truststore.jks: store: " "node_10_0_0_1/serverstore.jks: store: " \
        "node_10_0_0_1/clientstore.jks: store: " "node_10_0_0_2/truststore.jks: store: " \
        "node_10_0_0_2/serverstore.jks: store: " "node_10_0_0_2/clientstore.jks: store: " \
        "node_fd00__2/truststore.jks: store: " "node_fd00__2/serverstore.jks: store: " \
        "node_fd00__2/clientstore.jks: store: "
    expect_output "the store password is most likely wrong"
    [ "$(printf '%s\n' "$output" | grep -c '^FAIL')" -eq 10 ]
}

@test "a key from another node: key" {
    good_copy
    cp "$T/node_10_0_0_1/client-key.pem" "$T/node_10_0_0_2/client-key.pem"
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_2/client-key.pem: key: does not match client-cert.pem"
}

@test "a keystore from another tree: chain" {
    good_copy
    cp "$FIXTURES/other/node_10_0_0_1/serverstore.jks" "$T/node_10_0_0_1/serverstore.jks"
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_1/serverstore.jks: chain: 'server-cert': the chain ends with another root"
}

@test "a client certificate and key from another tree: chain, and a different client" {
    good_copy
    cp "$FIXTURES/other/node_10_0_0_1/client-cert.pem" "$FIXTURES/other/node_10_0_0_1/client-key.pem" \
        "$T/node_10_0_0_1/"
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_1/client-cert.pem: chain: not signed by the root in root-cert.pem" \
        "node_10_0_0_1/clientstore.jks: same-client: "
}

@test "a node with another tree's root: same-root" {
    good_copy
    cp "$FIXTURES/other/root-cert.pem" "$T/node_10_0_0_2/root-cert.pem"
    run "$BIN" verify -q "$T"
    expect_status 1
    expect_output "FAIL  node_10_0_0_2/root-cert.pem: same-root: another root than the tree's root-cert.pem"
}

@test "a server certificate without the node's address: san" {
    good_copy
    cp "$T/node_10_0_0_2/serverstore.jks" "$T/node_10_0_0_1/serverstore.jks"
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_1/serverstore.jks: san: does not name 10.0.0.1 (it names: localhost, exhibitor, 127.0.0.1, 10.0.0.2)"
}

@test "a client keystore where the server's belongs: role" {
    good_copy
    cp "$T/node_10_0_0_1/clientstore.jks" "$T/node_10_0_0_1/serverstore.jks"
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_1/serverstore.jks: role: not fit for TLS server use: extendedKeyUsage lacks serverAuth"
}

@test "an expired certificate: validity" {
    cp -a "$FIXTURES/foreign" "$SCRATCH/node"
    cp "$FIXTURES/foreign.expired-serverstore.jks" "$SCRATCH/node/serverstore.jks"
    run "$BIN" verify -q --node 10.0.0.9 "$SCRATCH/node"
    expect_status 1
    fails_exactly "serverstore.jks: validity: expired on 2021-01-01 00:00 UTC"
}

@test "expiring within --warn-days: a warning with the date, exit 0" {
    run "$BIN" verify -q --warn-days 4000 "$FIXTURES/good/node_10_0_0_1"
    expect_status 0
    expect_output "warn  serverstore.jks: validity: expires on $(date -u -d '+3650 days' +%Y-%m-%d)"
    expect_output "27 checks: 23 ok, 4 warn, 0 FAIL: ready, with warnings"
}

@test "a key readable by group or others: mode" {
    good_copy
    chmod 644 "$T/node_10_0_0_1/client-key.pem"
    chmod 640 "$T/node_fd00__2/serverstore.jks"
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_1/client-key.pem: mode: mode 0644: group or others may read it" \
        "node_fd00__2/serverstore.jks: mode: mode 0640"
}

@test "a PKCS#12 keystore under a .jks name: store, said plainly" {
    good_copy
    quiet keytool -importkeystore -srckeystore "$T/node_10_0_0_1/serverstore.jks" \
        -srcstoretype JKS -srcstorepass "$STOREPASS" -destkeystore "$SCRATCH/p12.jks" \
        -deststoretype PKCS12 -deststorepass "$STOREPASS" -noprompt
    install -m 600 "$SCRATCH/p12.jks" "$T/node_10_0_0_1/serverstore.jks"
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_1/serverstore.jks: store: a PKCS#12 keystore under a .jks name, not JKS"
}

@test "a truststore that trusts another root as well: trust" {
    good_copy
    quiet keytool -importcert -storetype JKS -keystore "$T/node_10_0_0_1/truststore.jks" \
        -storepass "$STOREPASS" -alias stranger -file "$FIXTURES/other/root-cert.pem" -noprompt
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_1/truststore.jks: trust: holds the root in root-cert.pem ('root-cert') and 1 other certificate"
}

@test "a client key that is not a key: key" {
    good_copy
    printf 'not a key\n' >"$T/node_10_0_0_2/client-key.pem"
    run "$BIN" verify -q "$T"
    expect_status 1
    fails_exactly "node_10_0_0_2/client-key.pem: key: not an unencrypted PEM private key"
}

@test "usage errors exit 2 with one line" {
    run "$BIN" verify
    expect_status 2
    expect_output "no PATH given"
    run "$BIN" verify "$SCRATCH/nonexistent"
    expect_status 2
    expect_output "No such file or directory"
    run "$BIN" verify "$FIXTURES/good/root-cert.pem"
    expect_status 2
    expect_output "not a directory"
    run "$BIN" verify --node 10.0.0.1 "$FIXTURES/good"
    expect_status 2
    expect_output "--node is for one node directory"
    run "$BIN" verify --node 010.0.0.1 "$FIXTURES/good/node_10_0_0_1"
    expect_status 2
    run "$BIN" verify --warn-days soon "$FIXTURES/good"
    expect_status 2
    run "$BIN" verify --frobnicate "$FIXTURES/good"
    expect_status 2
    expect_output "unknown option '--frobnicate'"
    run "$BIN" verify --help
    expect_status 0
    expect_output "Usage: exhibitor-tls-artifacts verify"
}
