#!/usr/bin/env bats
# Operator workflows: an existing root, the master list, layout, certificate knobs and --json.

load helpers

setup() {
    scratch
}

# An expired self-signed CA, made with GnuTLS's certtool and explicit dates.
make_expired_ca() {
    certtool --generate-privkey --key-type ecdsa --outfile old-key.pem 2>/dev/null
    cat >old.cfg <<'CFG'
cn = "old root"
ca
cert_signing_key
activation_date = "2020-01-01 00:00:00"
expiration_date = "2020-06-01 00:00:00"
CFG
    certtool --generate-self-signed --load-privkey old-key.pem --template old.cfg \
        --outfile old-cert.pem 2>/dev/null
}

@test "--keep-ca-key writes root-key.pem 0600 that belongs to the root, with a warning" {
    run "$BIN" -q --keep-ca-key -k ecdsa-p256 10.0.0.1
    expect_status 0
    expect_output "WARNING"
    expect_output "root-key.pem"
    expect_output "offline"
    [ "$(stat -c %a artifacts/root-key.pem)" = 600 ]
    [ ! -e artifacts/node_10_0_0_1/root-key.pem ]
    a=$(openssl x509 -in artifacts/root-cert.pem -noout -pubkey | sha256sum)
    b=$(openssl pkey -in artifacts/root-key.pem -pubout | sha256sum)
    [ "$a" = "$b" ]
}

@test "--ca-cert/--ca-key: a later node is issued by the same root, which the old stores trust" {
    "$BIN" -q --keep-ca-key -k ecdsa-p256 10.0.0.1 10.0.0.2
    run "$BIN" -k ecdsa-p256 -d later --ca-cert artifacts/root-cert.pem \
        --ca-key artifacts/root-key.pem 10.0.0.9
    expect_status 0
    expect_output "existing root CA"
    cmp artifacts/root-cert.pem later/root-cert.pem
    cmp artifacts/root-cert.pem later/node_10_0_0_9/root-cert.pem
    [ ! -e later/root-key.pem ]
    run openssl verify -CAfile artifacts/node_10_0_0_1/root-cert.pem \
        later/node_10_0_0_9/client-cert.pem
    expect_status 0
    for t in artifacts later; do
        keytool -exportcert -rfc -storetype JKS -storepass "$STOREPASS" -alias root-cert \
            -keystore "$t/truststore.jks" 2>/dev/null | openssl x509 -outform DER >"$t.der"
    done
    cmp artifacts.der later.der
}

@test "--ca-cert refuses a key of another root, a non-CA certificate and an expired CA" {
    "$BIN" -q --keep-ca-key -k ecdsa-p256 -d a 10.0.0.1
    "$BIN" -q --keep-ca-key -k ecdsa-p256 -d b 10.0.0.1
    run "$BIN" -k ecdsa-p256 -d x --ca-cert a/root-cert.pem --ca-key b/root-key.pem 10.0.0.2
    expect_status 2
    expect_output "does not belong"
    run "$BIN" -k ecdsa-p256 -d x --ca-cert a/node_10_0_0_1/client-cert.pem \
        --ca-key a/node_10_0_0_1/client-key.pem 10.0.0.2
    expect_status 2
    expect_output "not a CA"
    make_expired_ca
    run "$BIN" -k ecdsa-p256 -d x --ca-cert old-cert.pem --ca-key old-key.pem 10.0.0.2
    expect_status 2
    expect_output "expired"
    run "$BIN" -k ecdsa-p256 -d x --ca-cert missing.pem --ca-key a/root-key.pem 10.0.0.2
    expect_status 2
    expect_output "missing.pem"
    run "$BIN" -k ecdsa-p256 -d x --ca-cert a/root-cert.pem 10.0.0.2
    expect_status 2
    expect_output "go together"
    run "$BIN" -k ecdsa-p256 -d x --keep-ca-key --ca-cert a/root-cert.pem \
        --ca-key a/root-key.pem 10.0.0.2
    expect_status 2
    [ ! -e x ]
}

@test "--master-list reads master_list from config.yaml, merged with the command line" {
    cat >config.yaml <<'YAML'
cluster_name: test
master_discovery: static
master_list:
- 10.0.0.1
- 10.0.0.2
resolvers: [8.8.8.8]
YAML
    run "$BIN" -q -k ecdsa-p256 --master-list config.yaml 10.0.0.3
    expect_status 0
    [ -d artifacts/node_10_0_0_1 ] && [ -d artifacts/node_10_0_0_2 ] && [ -d artifacts/node_10_0_0_3 ]
    [ "$(find artifacts -mindepth 1 -type d | wc -l)" -eq 3 ]
}

@test "--master-list errors: duplicate, bad entry, missing key, empty list, not YAML, no file" {
    printf 'master_list:\n- 10.0.0.1\n- 10.0.0.2\n' >dup.yaml
    run "$BIN" -k ecdsa-p256 --master-list dup.yaml 10.0.0.2
    expect_status 2
    expect_output "dup.yaml:3"
    expect_output "given twice"
    printf 'master_list:\n- 10.0.0.1\n- 010.0.0.2\n' >bad.yaml
    run "$BIN" -k ecdsa-p256 --master-list bad.yaml
    expect_status 2
    expect_output "bad.yaml:3"
    expect_output "leading zeros"
    printf 'cluster_name: x\n' >nokey.yaml
    run "$BIN" -k ecdsa-p256 --master-list nokey.yaml
    expect_status 2
    expect_output "nokey.yaml: no master_list"
    printf 'master_list: []\n' >empty.yaml
    run "$BIN" -k ecdsa-p256 --master-list empty.yaml
    expect_status 2
    expect_output "empty.yaml:1: master_list is empty"
    printf 'master_list:\n  - [10.0.0.1\n' >broken.yaml
    run "$BIN" -k ecdsa-p256 --master-list broken.yaml
    expect_status 2
    expect_output "broken.yaml:"
    expect_output "not YAML"
    printf 'master_list: 10.0.0.1\n' >scalar.yaml
    run "$BIN" -k ecdsa-p256 --master-list scalar.yaml
    expect_status 2
    expect_output "not a list"
    run "$BIN" -k ecdsa-p256 --master-list nowhere.yaml
    expect_status 2
    expect_output "nowhere.yaml"
    expect_empty_dir_but_yaml
}

expect_empty_dir_but_yaml() {
    [ -z "$(find . -mindepth 1 ! -name '*.yaml')" ]
}

@test "--dir-format address names directories by the bare address" {
    run "$BIN" -q -k ecdsa-p256 --dir-format address 10.0.0.1 fd00::1
    expect_status 0
    [ -f artifacts/10.0.0.1/serverstore.jks ] && [ -f artifacts/fd00::1/serverstore.jks ]
    run "$BIN" -k ecdsa-p256 -d y --dir-format bare 10.0.0.1
    expect_status 2
    expect_output "--dir-format 'bare'"
}

@test "--days sets the validity; out-of-range values are refused" {
    run "$BIN" -q -k ecdsa-p256 --days 1 -d one 10.0.0.1
    expect_status 0
    end=$(openssl x509 -in one/node_10_0_0_1/client-cert.pem -noout -enddate | cut -d= -f2)
    left=$(( $(date -d "$end" +%s) - $(date +%s) ))
    [ "$left" -gt 86000 ] && [ "$left" -le 86400 ]
    run "$BIN" -q -k ecdsa-p256 --days 36500 -d long 10.0.0.1
    expect_status 0
    for bad in 0 36501 -5 ten 1e3; do
        run "$BIN" -k ecdsa-p256 --days "$bad" -d z 10.0.0.1
        expect_status 2
        expect_output "--days"
    done
    [ ! -e z ]
}

@test "subject fields are set, and bad ones refused" {
    run "$BIN" -q -k ecdsa-p256 --country de --state Berlin --locality Berlin \
        --organization "Example GmbH" 10.0.0.1
    expect_status 0
    run openssl x509 -in artifacts/root-cert.pem -noout -subject
    expect_output "C = DE, ST = Berlin, L = Berlin, O = Example GmbH, CN = root"
    for args in "--country USA" "--country 1X" "--state=" "--organization=$(printf 'x%.0s' {1..65})"; do
        # shellcheck disable=SC2086
        run "$BIN" -k ecdsa-p256 -d z $args 10.0.0.1
        expect_status 2
    done
    [ ! -e z ]
}

@test "--san adds names to every node's certificates; a bad one is refused" {
    run "$BIN" -q -k ecdsa-p256 --san zk.example.com --san 127.0.0.7 --san 10.0.0.1 10.0.0.1 10.0.0.2
    expect_status 0
    for n in 10_0_0_1 10_0_0_2; do
        run openssl x509 -in "artifacts/node_$n/client-cert.pem" -noout -ext subjectAltName
        expect_output "DNS:zk.example.com"
        expect_output "IP Address:127.0.0.7"
    done
    # The node's own address is not repeated when --san names it too.
    run openssl x509 -in artifacts/node_10_0_0_1/client-cert.pem -noout -ext subjectAltName
    [ "$(grep -o '10.0.0.1' <<<"$output" | wc -l)" -eq 1 ]
    run "$BIN" -k ecdsa-p256 -d z --san "bad name" 10.0.0.1
    expect_status 2
    expect_output "--san"
    [ ! -e z ]
}

@test "--store-password protects the stores with another password" {
    run "$BIN" -q -k ecdsa-p256 --store-password 'other-pässword' 10.0.0.1
    expect_status 0
    run keytool -list -storetype JKS -storepass 'other-pässword' -keystore artifacts/node_10_0_0_1/serverstore.jks
    expect_status 0
    expect_output "server-cert"
    run keytool -list -storetype JKS -storepass "$STOREPASS" -keystore artifacts/node_10_0_0_1/serverstore.jks
    [ "$status" -ne 0 ]
    run "$BIN" -k ecdsa-p256 -d z --store-password short 10.0.0.1
    expect_status 2
    expect_output "--store-password"
}

@test "--json: one document on stdout that matches the files on disk" {
    require jq
    "$BIN" --json -k ecdsa-p256 10.0.0.1 fd00::2 >out.json 2>err.txt
    jq -e . out.json >/dev/null
    grep -q "server key for 10.0.0.1" err.txt
    [ "$(jq -r .output_dir out.json)" = "$SCRATCH/artifacts" ]
    [ "$(jq -r '.files | join(",")' out.json)" = "root-cert.pem,truststore.jks" ]
    root_fp=$(openssl x509 -in artifacts/root-cert.pem -noout -fingerprint -sha256 | cut -d= -f2)
    [ "$(jq -r .root.sha256_fingerprint out.json)" = "$root_fp" ]
    [ "$(jq '.nodes | length' out.json)" -eq 2 ]
    for i in 0 1; do
        dir=$(jq -r ".nodes[$i].directory" out.json)
        [ "$(jq -r ".nodes[$i].files | join(\" \")" out.json)" = "$(cd "artifacts/$dir" && echo *)" ]
        pem=artifacts/$dir/client-cert.pem
        fp=$(openssl x509 -in "$pem" -noout -fingerprint -sha256 | cut -d= -f2)
        serial=$(openssl x509 -in "$pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
        [ "$(jq -r ".nodes[$i].certificates.client.sha256_fingerprint" out.json)" = "$fp" ]
        [ "$(jq -r ".nodes[$i].certificates.client.serial" out.json)" = "$serial" ]
        end=$(date -u -d "$(openssl x509 -in "$pem" -noout -enddate | cut -d= -f2)" +%Y-%m-%dT%H:%M:%SZ)
        [ "$(jq -r ".nodes[$i].certificates.client.not_after" out.json)" = "$end" ]
    done
    [ "$(jq -r '.nodes[1].certificates.server.sans | join(",")' out.json)" = \
        "DNS:localhost,DNS:exhibitor,IP:127.0.0.1,IP:fd00::2" ]
}

@test "--master-list naming a FIFO is refused at once, not read forever" {
    mkfifo pipe.yaml
    run timeout 10 "$BIN" -k ecdsa-p256 --master-list pipe.yaml
    expect_status 2
    expect_output "not a regular file"
}

@test "--master-list refuses a repeated key, several documents, a NUL, deep nesting, two files" {
    printf 'master_list:\n- 10.0.0.1\nmaster_list:\n- 10.0.0.2\n' >twice.yaml
    run "$BIN" -k ecdsa-p256 --master-list twice.yaml
    expect_status 2
    expect_output "twice.yaml:3: master_list is given twice"
    printf 'master_list:\n- 10.0.0.1\n---\nmaster_list:\n- 10.0.0.2\n' >docs.yaml
    run "$BIN" -k ecdsa-p256 --master-list docs.yaml
    expect_status 2
    expect_output "more than one YAML document"
    printf 'master_list:\n- "10.0.0.1\\u0000x"\n' >nul.yaml
    run "$BIN" -k ecdsa-p256 --master-list nul.yaml
    expect_status 2
    expect_output "nul.yaml:2"
    { printf 'master_list: '; printf '[%.0s' {1..5000}; printf ']%.0s' {1..5000}; echo; } >deep.yaml
    run timeout 10 "$BIN" -k ecdsa-p256 --master-list deep.yaml
    expect_status 2
    expect_output "nested more than 32 levels"
    printf 'master_list:\n- 10.0.0.1\n' >one.yaml
    run "$BIN" -k ecdsa-p256 --master-list one.yaml --master-list one.yaml
    expect_status 2
    expect_output "given twice"
    expect_empty_dir_but_yaml
}

@test "--ca-cert refuses an intermediate CA and an Ed25519 root before making any key" {
    certtool --generate-privkey --key-type ecdsa --outfile rk.pem 2>/dev/null
    printf 'cn = "r"\nca\ncert_signing_key\nexpiration_days = 30\n' >r.cfg
    certtool --generate-self-signed --load-privkey rk.pem --template r.cfg --outfile rc.pem 2>/dev/null
    certtool --generate-privkey --key-type ecdsa --outfile ik.pem 2>/dev/null
    printf 'cn = "i"\nca\ncert_signing_key\nexpiration_days = 30\n' >i.cfg
    certtool --generate-certificate --load-privkey ik.pem --load-ca-certificate rc.pem \
        --load-ca-privkey rk.pem --template i.cfg --outfile ic.pem 2>/dev/null
    run "$BIN" -k ecdsa-p256 -d x --ca-cert ic.pem --ca-key ik.pem 10.0.0.1
    expect_status 2
    expect_output "not a self-signed root CA"
    run "$BIN" -q -k ecdsa-p256 -d ok --ca-cert rc.pem --ca-key rk.pem 10.0.0.1
    expect_status 0
    certtool --generate-privkey --key-type ed25519 --outfile ek.pem 2>/dev/null
    certtool --generate-self-signed --load-privkey ek.pem --template r.cfg --outfile ec.pem 2>/dev/null
    run "$BIN" -k ecdsa-p256 -d x --ca-cert ec.pem --ca-key ek.pem 10.0.0.1
    expect_status 2
    expect_output "only RSA and ECDSA roots"
    [ ! -e x ]
}
