#!/usr/bin/env bats
# inspect: the fields `keytool -list -v` shows, compared line for line with keytool's own
# listing of keytool-made stores (RSA and EC private keys, a chain of two, a trusted
# certificate, all in one store) and of this tool's stores; and the refusals.

load helpers

# The lines both listings share, in order: keytool's extension dump and warnings aside.
FIELDS='^(Alias name|Creation date|Entry type|Certificate chain length|Certificate\[[0-9]+\]|Owner|Issuer|Serial number|Valid from|Signature algorithm name|Subject Public Key Algorithm|Version):|^	 SHA(1|256):'

setup_file() {
    require keytool
    FIXTURES=$(mktemp -d)
    export FIXTURES
    make_keytool_store "$FIXTURES"
    "$EXHIBITOR_TLS_ARTIFACTS_BIN" -q -k ecdsa-p256 -d "$FIXTURES/tree" 10.0.0.1
}

teardown_file() {
    rm -rf "$FIXTURES"
}

setup() {
    scratch
}

kt() {
    keytool "$@" -storepass "$STOREPASS" -noprompt >/dev/null 2>&1 || {
        echo "keytool $1 failed" >&2
        return 1
    }
}

# mixed.jks: an RSA key certified by a CA (chain of two), an EC key (self-signed), and the CA
# as a trusted certificate entry.
make_keytool_store() {
    local d=$1
    kt -genkeypair -storetype JKS -keystore "$d/ca.jks" -alias ca -keyalg RSA -keysize 2048 \
        -dname "CN=Test CA, O=Example, C=US" -ext bc:c -validity 30
    kt -exportcert -storetype JKS -keystore "$d/ca.jks" -alias ca -rfc -file "$d/ca.pem"
    kt -genkeypair -storetype JKS -keystore "$d/mixed.jks" -alias rsa-server -keyalg RSA \
        -keysize 2048 -dname "CN=server, OU=Ops, O=Example, C=US" -validity 30
    kt -certreq -storetype JKS -keystore "$d/mixed.jks" -alias rsa-server -file "$d/server.csr"
    kt -gencert -storetype JKS -keystore "$d/ca.jks" -alias ca -infile "$d/server.csr" \
        -outfile "$d/server.pem" -rfc -ext san=dns:localhost,ip:127.0.0.1 -validity 30
    cat "$d/server.pem" "$d/ca.pem" >"$d/chain.pem"
    kt -importcert -storetype JKS -keystore "$d/mixed.jks" -alias rsa-server -file "$d/chain.pem"
    kt -genkeypair -storetype JKS -keystore "$d/mixed.jks" -alias ec-client -keyalg EC \
        -groupname secp256r1 -dname CN=client -validity 30
    kt -importcert -storetype JKS -keystore "$d/mixed.jks" -alias trusted-ca -file "$d/ca.pem"
}

keytool_fields() {
    TZ=UTC keytool -list -v -keystore "$1" -storepass "$2" 2>/dev/null | grep -E "$FIELDS"
}

@test "a keytool-made store with three kinds of entry: the same fields as keytool -list -v" {
    run "$BIN" inspect --store-password "$STOREPASS" "$FIXTURES/mixed.jks"
    expect_status 0
    expect_output "Your keystore contains 3 entries"
    expect_output "Integrity: the digest matches the store password"
    ours=$(grep -E "$FIELDS" <<<"$output")
    theirs=$(keytool_fields "$FIXTURES/mixed.jks" "$STOREPASS")
    [ "$(grep -c '^Alias name:' <<<"$theirs")" -eq 3 ]
    diff <(echo "$theirs") <(echo "$ours")
    expect_output "Entry type: trustedCertEntry"
    expect_output "Certificate chain length: 2"
    expect_output "Subject Public Key Algorithm: 256-bit EC (secp256r1) key"
    expect_output "Subject Public Key Algorithm: 2048-bit RSA key"
    expect_output "Owner: CN=server, OU=Ops, O=Example, C=US"
    expect_output "Subject alternative names: localhost, 127.0.0.1"
}

@test "with the password each private key is opened and matched, Java's EC encoding included" {
    run "$BIN" inspect --store-password "$STOREPASS" "$FIXTURES/mixed.jks"
    expect_status 0
    [ "$(grep -c '^Private key: opens with the store password and matches Certificate\[1\]' <<<"$output")" -eq 2 ]
    expect_output "matches Certificate[1] (EC, stored without its public point)"
}

@test "this tool's keystores: the same fields as keytool -list -v" {
    for store in serverstore clientstore truststore; do
        f=$FIXTURES/tree/node_10_0_0_1/$store.jks
        run "$BIN" inspect --store-password "$STOREPASS" "$f"
        expect_status 0
        diff <(keytool_fields "$f" "$STOREPASS") <(grep -E "$FIELDS" <<<"$output")
    done
    expect_output "Alias name: root-cert"
}

@test "without a password: listed, with the digest and the keys left unchecked, and said so" {
    run "$BIN" inspect "$FIXTURES/mixed.jks"
    expect_status 0
    expect_output "Integrity: NOT checked, and private keys not opened: no --store-password given"
    expect_output "Private key: not opened (no --store-password given)"
    diff <(keytool_fields "$FIXTURES/mixed.jks" "$STOREPASS") <(grep -E "$FIELDS" <<<"$output")
}

@test "a wrong password, a flipped byte, a truncated store: exit 1, naming what is wrong" {
    run "$BIN" inspect --store-password wrong "$FIXTURES/mixed.jks"
    expect_status 1
    expect_output "integrity digest does not match"

    cp "$FIXTURES/tree/truststore.jks" "$SCRATCH/t.jks"
    printf '\x7f' | dd of="$SCRATCH/t.jks" bs=1 seek=9 conv=notrunc status=none
    run "$BIN" inspect "$SCRATCH/t.jks"
    expect_status 1
    expect_output "keystore offset 8: entry count"

    head -c 100 "$FIXTURES/tree/truststore.jks" >"$SCRATCH/short.jks"
    run "$BIN" inspect "$SCRATCH/short.jks"
    expect_status 1
    expect_output "truncated at offset"
}

@test "a PKCS#12 keystore under a .jks name is named as such" {
    kt -importkeystore -srckeystore "$FIXTURES/mixed.jks" -srcstoretype JKS \
        -srcstorepass "$STOREPASS" -destkeystore "$SCRATCH/p12.jks" -deststoretype PKCS12
    run "$BIN" inspect "$SCRATCH/p12.jks"
    expect_status 1
    expect_output "a PKCS#12 keystore under a .jks name, not JKS"
}

@test "usage errors exit 2" {
    run "$BIN" inspect
    expect_status 2
    expect_output "no keystore given"
    run "$BIN" inspect "$SCRATCH/missing.jks"
    expect_status 2
    expect_output "No such file or directory"
    run "$BIN" inspect "$SCRATCH"
    expect_status 2
    expect_output "not a regular file"
    run "$BIN" inspect --store-password
    expect_status 2
    run "$BIN" inspect --help
    expect_status 0
    expect_output "Usage: exhibitor-tls-artifacts inspect"
}
