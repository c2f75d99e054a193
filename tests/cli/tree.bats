#!/usr/bin/env bats
# One default run (RSA-4096) for three masters, checked by the programs that read the files:
# OpenSSL for the certificates, keytool for the keystores.

load helpers

NODES="10.192.0.2 10.192.0.3 10.192.0.4"

setup_file() {
    TREE_PARENT=$(mktemp -d)
    export TREE_PARENT
    # shellcheck disable=SC2086
    "$EXHIBITOR_TLS_ARTIFACTS_BIN" -d "$TREE_PARENT/artifacts" $NODES \
        >"$TREE_PARENT/stdout" 2>"$TREE_PARENT/stderr"
    echo $? >"$TREE_PARENT/status"
}

teardown_file() {
    rm -rf "$TREE_PARENT"
}

setup() {
    T=$TREE_PARENT/artifacts
}

@test "three masters: exit 0, 3 directories and 20 files, nothing else" {
    [ "$(cat "$TREE_PARENT/status")" -eq 0 ]
    [ "$(find "$T" -mindepth 1 -type d | wc -l)" -eq 3 ]
    [ "$(find "$T" -type f | wc -l)" -eq 20 ]
    [ -z "$(find "$T" ! -type f ! -type d)" ]
    expected="root-cert.pem truststore.jks"
    for n in node_10_192_0_2 node_10_192_0_3 node_10_192_0_4; do
        expected="$expected $n/client-cert.pem $n/client-key.pem $n/clientstore.jks"
        expected="$expected $n/root-cert.pem $n/serverstore.jks $n/truststore.jks"
    done
    for f in $expected; do
        [ -s "$T/$f" ] || { echo "missing $f" >&2; return 1; }
    done
    [ -z "$(find "$TREE_PARENT" -maxdepth 1 -name '.*staging*')" ]
}

@test "summary on stdout names the directory, the masters and the expiry; progress on stderr" {
    out=$(cat "$TREE_PARENT/stdout")
    err=$(cat "$TREE_PARENT/stderr")
    [[ "$out" == *"$T"* ]]
    [[ "$out" == *"node_10_192_0_3"*"10.192.0.3"* ]]
    [[ "$out" == *"valid until $(date -u -d '+3650 days' +%Y-%m-%d)"* ]]
    [[ "$err" == *"server key for 10.192.0.4"* ]]
    [[ "$err" == *"[7/7]"* ]]
    [[ "$out" != *"[7/7]"* ]]
}

@test "modes: keys and stores 0600, certificates 0644, directories 0755" {
    [ "$(stat -c %a "$T")" = 755 ]
    [ "$(stat -c %a "$T/root-cert.pem")" = 644 ]
    [ "$(stat -c %a "$T/truststore.jks")" = 600 ]
    for d in "$T"/node_*; do
        [ "$(stat -c %a "$d")" = 755 ]
        for f in client-key.pem clientstore.jks serverstore.jks truststore.jks; do
            [ "$(stat -c %a "$d/$f")" = 600 ] || { echo "$d/$f" >&2; return 1; }
        done
        for f in client-cert.pem root-cert.pem; do
            [ "$(stat -c %a "$d/$f")" = 644 ] || { echo "$d/$f" >&2; return 1; }
        done
    done
}

@test "every certificate verifies against the root, with the node's SANs and usages" {
    require openssl
    for d in "$T"/node_*; do
        ip=${d##*/node_}
        ip=${ip//_/.}
        cmp "$d/root-cert.pem" "$T/root-cert.pem"
        run openssl verify -CAfile "$T/root-cert.pem" "$d/client-cert.pem"
        expect_status 0
        for role in server client; do
            if [ $role = server ]; then
                keytool -exportcert -rfc -storetype JKS -storepass "$STOREPASS" \
                    -keystore "$d/serverstore.jks" -alias server-cert >"$BATS_TEST_TMPDIR/s.pem" 2>/dev/null
                pem=$BATS_TEST_TMPDIR/s.pem
                purpose=sslserver
                eku="TLS Web Server Authentication"
            else
                pem=$d/client-cert.pem
                purpose=sslclient
                eku="TLS Web Client Authentication"
            fi
            run openssl verify -purpose $purpose -CAfile "$T/root-cert.pem" "$pem"
            expect_status 0
            run openssl x509 -in "$pem" -noout -subject -ext subjectAltName,basicConstraints,keyUsage,extendedKeyUsage
            expect_output "CN = $role"
            expect_output "DNS:localhost, DNS:exhibitor, IP Address:127.0.0.1, IP Address:$ip"
            expect_output "CA:FALSE"
            expect_output "Digital Signature, Key Encipherment"
            expect_output "$eku"
        done
    done
}

@test "the root is a CA, RSA-4096 with SHA-256, valid 3650 days, never written as a key" {
    run openssl x509 -in "$T/root-cert.pem" -noout -text
    expect_output "Public-Key: (4096 bit)"
    expect_output "sha256WithRSAEncryption"
    expect_output "CA:TRUE"
    expect_output "Certificate Sign, CRL Sign"
    expect_output "Subject: C = US, ST = CA, L = San Francisco, O = Mesosphere, CN = root"
    end=$(openssl x509 -in "$T/root-cert.pem" -noout -enddate | cut -d= -f2)
    days=$(( ($(date -d "$end" +%s) - $(date +%s)) / 86400 ))
    [ "$days" -ge 3649 ] && [ "$days" -le 3650 ]
    [ ! -e "$T/root-key.pem" ]
    keys=$(grep -rl "PRIVATE KEY" "$T")
    [ "$(echo "$keys" | grep -vc client-key.pem)" -eq 0 ]
}

@test "client-key.pem is PKCS#1 and belongs to client-cert.pem" {
    for d in "$T"/node_*; do
        head -1 "$d/client-key.pem" | grep -qx -- "-----BEGIN RSA PRIVATE KEY-----"
        a=$(openssl x509 -in "$d/client-cert.pem" -noout -pubkey | sha256sum)
        b=$(openssl pkey -in "$d/client-key.pem" -pubout | sha256sum)
        [ "$a" = "$b" ]
    done
}

@test "serial numbers: at least 64 bits, all distinct" {
    serials=$(for f in "$T/root-cert.pem" "$T"/node_*/client-cert.pem; do
        openssl x509 -in "$f" -noout -serial | cut -d= -f2
    done)
    [ "$(echo "$serials" | sort -u | wc -l)" -eq 4 ]
    for s in $serials; do
        [ "${#s}" -ge 16 ] || { echo "short serial $s" >&2; return 1; }
    done
}

@test "keytool opens every store as genuine JKS with the expected alias and entry type" {
    require keytool
    check() { # store alias type chain-length
        run keytool -list -v -storetype JKS -storepass "$STOREPASS" -keystore "$1"
        expect_status 0
        expect_output "Keystore type: JKS"
        expect_output "Alias name: $2"
        expect_output "Entry type: $3"
        [ -z "$4" ] || expect_output "Certificate chain length: $4"
        [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' ')" = feedfeed ]
    }
    check "$T/truststore.jks" root-cert trustedCertEntry
    for d in "$T"/node_*; do
        cmp "$d/truststore.jks" "$T/truststore.jks"
        check "$d/truststore.jks" root-cert trustedCertEntry
        check "$d/serverstore.jks" server-cert PrivateKeyEntry 2
        check "$d/clientstore.jks" client-cert PrivateKeyEntry 2
    done
}

@test "keytool -importkeystore to PKCS#12 recovers every private key with Java's own protector" {
    require keytool
    for d in "$T"/node_*; do
        for s in serverstore clientstore; do
            rm -f "$BATS_TEST_TMPDIR/x.p12"
            run keytool -importkeystore -noprompt -srcstoretype JKS -srckeystore "$d/$s.jks" \
                -srcstorepass "$STOREPASS" -deststoretype PKCS12 \
                -destkeystore "$BATS_TEST_TMPDIR/x.p12" -deststorepass "$STOREPASS"
            expect_status 0
            expect_output "1 entries successfully imported, 0 entries failed"
        done
    done
}

@test "clientstore.jks holds the same client certificate as client-cert.pem" {
    for d in "$T"/node_*; do
        keytool -exportcert -rfc -storetype JKS -storepass "$STOREPASS" \
            -keystore "$d/clientstore.jks" -alias client-cert 2>/dev/null |
            openssl x509 -outform DER | sha256sum >"$BATS_TEST_TMPDIR/a"
        openssl x509 -in "$d/client-cert.pem" -outform DER | sha256sum >"$BATS_TEST_TMPDIR/b"
        cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
    done
}
