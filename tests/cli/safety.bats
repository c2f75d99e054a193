#!/usr/bin/env bats
# What must be refused, and what must never be left behind. Most runs use ECDSA P-256 keys,
# which take microseconds, so each case costs only a process start.

load helpers

setup() {
    scratch
}

@test "no masters: exit 2, one line, nothing written" {
    run "$BIN"
    expect_status 2
    expect_output "no masters given"
    [ "${#lines[@]}" -eq 1 ]
    expect_empty_dir .
}

@test "each bad node: exit 2, one line naming it, nothing on disk" {
    for bad in 256.1.1.1 10.1 010.0.0.1 0x0a.0.0.1 1.2.3.4. "bad node" a/b .. ../x "" \
        "tab	x" 1.2.3.4.5 "fe80::1%lo"; do
        run "$BIN" -k ecdsa-p256 10.0.0.1 "$bad"
        expect_status 2
        [ "${#lines[@]}" -eq 1 ] || { echo "more than one line for '$bad': $output" >&2; return 1; }
        expect_output "node '${bad//	/?}'" # a tab is shown as ?
        expect_empty_dir .
    done
}

@test "the same address twice: exit 2, nothing written" {
    run "$BIN" -k ecdsa-p256 10.0.0.1 10.0.0.2 10.0.0.1
    expect_status 2
    expect_output "given twice"
    expect_empty_dir .
    run "$BIN" -k ecdsa-p256 fd00::1 FD00:0::1
    expect_status 2
    expect_empty_dir .
}

@test "unknown option, missing value, bad --key-type and --jobs: exit 2, one line" {
    for args in "--frobnicate 10.0.0.1" "-Z 10.0.0.1" "10.0.0.1 -d" "--key-type rsa-1024 10.0.0.1" \
        "-j 0 10.0.0.1" "-j many 10.0.0.1" "-j 999 10.0.0.1"; do
        # shellcheck disable=SC2086
        run "$BIN" $args
        expect_status 2
        [ "${#lines[@]}" -eq 1 ] || { echo "'$args': $output" >&2; return 1; }
        expect_empty_dir .
    done
    run "$BIN" --frobnicate 10.0.0.1
    expect_output "--frobnicate"
}

@test "an existing target is refused with exit 2 and left untouched: directory, file, symlinks" {
    mkdir artifacts
    touch artifacts/mine
    run "$BIN" -k ecdsa-p256 10.0.0.1
    expect_status 2
    expect_output "already exists"
    [ "$(ls -A artifacts)" = mine ]

    touch plain-file
    run "$BIN" -k ecdsa-p256 -d plain-file 10.0.0.1
    expect_status 2
    [ -f plain-file ] && [ ! -s plain-file ]

    ln -s does-not-exist dangling
    run "$BIN" -k ecdsa-p256 -d dangling 10.0.0.1
    expect_status 2
    expect_output "symbolic link"
    [ ! -e does-not-exist ]

    mkdir real && ln -s real link-to-dir
    run "$BIN" -k ecdsa-p256 -d link-to-dir 10.0.0.1
    expect_status 2
    expect_empty_dir real
    [ -z "$(find . -maxdepth 1 -name '.*staging*')" ]
}

@test "a missing parent directory is a usage error" {
    run "$BIN" -k ecdsa-p256 -d no/such/parent 10.0.0.1
    expect_status 2
    expect_output "no/such"
    expect_empty_dir .
}

@test "-d writes where asked, trailing slash accepted" {
    mkdir out
    run "$BIN" -q -k ecdsa-p256 -d out/tree/ 10.0.0.1
    expect_status 0
    [ -f out/tree/node_10_0_0_1/serverstore.jks ]
    [ "$(ls -A out)" = tree ]
}

@test "modes are exact under umask 000 and 077" {
    for mask in 000 077; do
        (umask "$mask" && "$BIN" -q -k ecdsa-p256 -d "t$mask" 10.0.0.1 fd00::1)
        [ "$(stat -c %a "t$mask")" = 755 ]
        [ "$(stat -c %a "t$mask/node_fd00__1")" = 755 ]
        [ "$(stat -c %a "t$mask/root-cert.pem")" = 644 ]
        [ "$(stat -c %a "t$mask/truststore.jks")" = 600 ]
        for f in client-key.pem clientstore.jks serverstore.jks truststore.jks; do
            [ "$(stat -c %a "t$mask/node_10_0_0_1/$f")" = 600 ]
        done
        for f in client-cert.pem root-cert.pem; do
            [ "$(stat -c %a "t$mask/node_10_0_0_1/$f")" = 644 ]
        done
    done
}

@test "a write failure midway leaves no target and no staging directory, exit 1" {
    for n in 0 1 7 13; do
        EXHIBITOR_TLS_ARTIFACTS_TEST_FAULT=fail-after:$n run "$BIN" -k ecdsa-p256 10.0.0.1 10.0.0.2
        expect_status 1
        expect_output "write: "  # glibc and musl word EIO differently
        expect_empty_dir .
    done
}

@test "SIGTERM while files are being written leaves nothing behind" {
    EXHIBITOR_TLS_ARTIFACTS_TEST_FAULT=sigterm-after:5 run "$BIN" -k ecdsa-p256 10.0.0.1 10.0.0.2
    [ "$status" -eq 143 ]
    expect_empty_dir .
}

@test "SIGTERM and SIGINT while keys are being made leave nothing behind" {
    for sig in TERM INT; do
        # A background job of a non-interactive shell starts with SIGINT ignored: undo that.
        env --default-signal=INT "$BIN" -j 1 10.0.0.1 10.0.0.2 10.0.0.3 2>/dev/null &
        pid=$!
        sleep 0.5
        kill -s "$sig" "$pid"
        rc=0
        wait "$pid" || rc=$?
        [ "$rc" -gt 128 ] || { echo "SIG$sig: exit $rc" >&2; return 1; }
        expect_empty_dir .
    done
}

@test "--quiet prints nothing; --help and --version print to stdout and exit 0" {
    run "$BIN" -q -k ecdsa-p256 10.0.0.1
    expect_status 0
    [ -z "$output" ]
    [ -d artifacts/node_10_0_0_1 ]
    run "$BIN" --help
    expect_status 0
    expect_output "Usage: exhibitor-tls-artifacts"
    expect_output "--output-dir"
    run "$BIN" --version
    expect_status 0
    expect_output "exhibitor-tls-artifacts "
}

@test "IPv6 and DNS names: directory names and SANs of the matching type" {
    run "$BIN" -q -k ecdsa-p256 FD00::0002 Master-1.Example.com
    expect_status 0
    [ -d artifacts/node_fd00__2 ] && [ -d artifacts/node_master-1_example_com ]
    run openssl x509 -in artifacts/node_fd00__2/client-cert.pem -noout -ext subjectAltName
    expect_output "IP Address:FD00:0:0:0:0:0:0:2"
    run openssl x509 -in artifacts/node_master-1_example_com/client-cert.pem -noout -ext subjectAltName
    expect_output "DNS:master-1.example.com"
}

@test "-j 1 and -j 4 make the same tree; ECDSA keys use digitalSignature only" {
    "$BIN" -q -j 1 -k ecdsa-p256 -d a 10.0.0.1 10.0.0.2 10.0.0.3
    "$BIN" -q -j 4 -k ecdsa-p256 -d b 10.0.0.1 10.0.0.2 10.0.0.3
    [ "$(cd a && find . | sort)" = "$(cd b && find . | sort)" ]
    run openssl x509 -in a/node_10_0_0_2/client-cert.pem -noout -text
    expect_output "ecdsa-with-SHA256"
    expect_output "Digital Signature"
    [[ "$output" != *"Key Encipherment"* ]]
    head -1 a/node_10_0_0_2/client-key.pem | grep -qx -- "-----BEGIN EC PRIVATE KEY-----"
    run "$BIN" -q -k ecdsa-p384 -d c 10.0.0.1
    run openssl x509 -in c/root-cert.pem -noout -text
    expect_output "ecdsa-with-SHA384"
}

@test "a key generation failure in a worker ends the run cleanly: exit 1, the key named" {
    for jobs in 1 2 4; do
        EXHIBITOR_TLS_ARTIFACTS_TEST_FAULT=keygen-fail:4 run "$BIN" -j "$jobs" -k ecdsa-p256 \
            10.0.0.1 10.0.0.2 10.0.0.3
        expect_status 1
        expect_output "server key for 10.0.0.2: generate ecdsa-p256 key: fault injected"
        expect_empty_dir .
    done
}

@test "errors name the exact option, even inside a cluster, and show control characters as ?" {
    run "$BIN" -rf 10.0.0.1
    expect_status 2
    expect_output "unknown option '-r'"
    run "$BIN" 10.0.0.1 -qx
    expect_output "unknown option '-x'"
    run "$BIN" verify -qx t
    expect_output "verify: unknown option '-x'"
    run "$BIN" $'10.0.0.1\nforged: line\e[31m'
    expect_status 2
    [ "${#lines[@]}" -eq 1 ]
    expect_output "10.0.0.1?forged: line?[31m"
    expect_empty_dir .
}

@test "IPv4 written as IPv6, clashing directory names, names too long for a directory: exit 2" {
    for bad in ::ffff:10.0.0.1 ::10.0.0.1; do
        run "$BIN" -k ecdsa-p256 "$bad"
        expect_status 2
        expect_output "give it as IPv4"
    done
    run "$BIN" -k ecdsa-p256 1.2.3.4.5.6.7.a 1:2:3:4:5:6:7:a
    expect_status 2
    expect_output "would share the directory node_1_2_3_4_5_6_7_a"
    long=$(printf 'a%.0s' {1..63}).$(printf 'b%.0s' {1..63}).$(printf 'c%.0s' {1..63}).$(printf 'd%.0s' {1..61})
    run "$BIN" -k ecdsa-p256 "$long"
    expect_status 2
    expect_output "more than a file name may have"
    expect_empty_dir .
    run "$BIN" -q -k ecdsa-p256 --dir-format address "$long"
    expect_status 0
}

@test "a signal the process was started ignoring does not abort the write" {
    (trap '' TERM && EXHIBITOR_TLS_ARTIFACTS_TEST_FAULT=sigterm-after:3 \
        "$BIN" -q -k ecdsa-p256 10.0.0.1 10.0.0.2)
    [ "$(find artifacts -type f | wc -l)" -eq 14 ]
}

@test "a failed write names the target; a full stdout is exit 1 and says so" {
    EXHIBITOR_TLS_ARTIFACTS_TEST_FAULT=fail-after:2 run "$BIN" -k ecdsa-p256 -d out 10.0.0.1
    expect_status 1
    expect_output "writing 'out': node_10_0_0_1/"
    run bash -c '"$0" -k ecdsa-p256 -d full 10.0.0.1 >/dev/full' "$BIN"
    expect_status 1
    expect_output "writing to standard output failed: No space left on device"
    run bash -c '"$0" --json -k ecdsa-p256 -d json 10.0.0.1 >/dev/full' "$BIN"
    expect_status 1
    expect_output "the tree was written"
}
