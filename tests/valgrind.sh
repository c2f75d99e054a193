#!/bin/sh
# Runs the unit tests and a generator run under valgrind; any error or definite leak fails.
# ECDSA keys keep the generator run short: RSA key generation under valgrind takes minutes.
set -eu

build=${1:?usage: valgrind.sh BUILD_DIR}
vg() {
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$@"
}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for t in "$build"/tests/test_*; do
    echo "== valgrind $t"
    JKS_FIXTURES=$build/fixtures vg "$t" >"$scratch/out" 2>&1 || {
        cat "$scratch/out"
        echo "valgrind: $t failed" >&2
        exit 1
    }
done
echo "== valgrind $build/exhibitor-tls-artifacts"
vg "$build/exhibitor-tls-artifacts" -q -k ecdsa-p256 -d "$scratch/tree" 10.0.0.1 fd00::2
vg "$build/exhibitor-tls-artifacts" verify -q "$scratch/tree" >/dev/null
vg "$build/exhibitor-tls-artifacts" inspect "$scratch/tree/node_10_0_0_1/serverstore.jks" >/dev/null
# The error paths too, each with its own exit code (valgrind's own would be 99).
expect_exit() {
    want=$1
    shift
    rc=0
    "$@" 2>/dev/null || rc=$?
    [ "$rc" -eq "$want" ] || { echo "valgrind: exit $rc, not $want: $*" >&2; exit 1; }
}
expect_exit 2 vg "$build/exhibitor-tls-artifacts" -q -k ecdsa-p256 -d "$scratch/tree" 10.0.0.1
expect_exit 2 vg "$build/exhibitor-tls-artifacts" -q 010.0.0.1
chmod 0644 "$scratch/tree/node_10_0_0_1/client-key.pem"
expect_exit 1 vg "$build/exhibitor-tls-artifacts" verify -q "$scratch/tree"
expect_exit 1 vg "$build/exhibitor-tls-artifacts" inspect "$scratch/tree/root-cert.pem"
EXHIBITOR_TLS_ARTIFACTS_TEST_FAULT=fail-after:3 \
    expect_exit 1 vg "$build/exhibitor-tls-artifacts" -q -k ecdsa-p256 -d "$scratch/t2" 10.0.0.1
echo "valgrind: no errors, no definite leaks"
