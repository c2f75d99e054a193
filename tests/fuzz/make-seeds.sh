#!/bin/sh
# Makes the fuzzer's seed corpus at run time (nothing here is committed): keystores written by
# the JDK's keytool (RSA and EC private keys, a chain of two, a trusted certificate, one store
# with all of them, and a PKCS#12 under a .jks name) and by this tool (RSA and EC trees).
#
#   make-seeds.sh BINARY DIR
set -eu

bin=${1:?usage: make-seeds.sh BINARY DIR}
dir=${2:?usage: make-seeds.sh BINARY DIR}
pass=not-relevant-for-security

for tool in keytool "$bin"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "make-seeds: $tool not found (run scripts/install-deps.sh, then make)" >&2
        exit 1
    }
done
rm -rf "$dir"
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

kt() {
    keytool "$@" -storepass "$pass" -noprompt >/dev/null 2>&1 || {
        echo "make-seeds: keytool $1 failed" >&2
        exit 1
    }
}

# keytool: a CA, a leaf it signs (chain of two), an EC key, a trusted certificate.
kt -genkeypair -storetype JKS -keystore "$work/ca.jks" -alias ca -keyalg RSA -keysize 2048 \
    -dname CN=seed-ca -ext bc:c -validity 30
kt -exportcert -storetype JKS -keystore "$work/ca.jks" -alias ca -rfc -file "$work/ca.pem"
kt -genkeypair -storetype JKS -keystore "$work/mixed.jks" -alias rsa-leaf -keyalg RSA \
    -keysize 2048 -dname CN=leaf -validity 30
kt -certreq -storetype JKS -keystore "$work/mixed.jks" -alias rsa-leaf -file "$work/leaf.csr"
kt -gencert -storetype JKS -keystore "$work/ca.jks" -alias ca -infile "$work/leaf.csr" \
    -outfile "$work/leaf.pem" -rfc -ext san=dns:localhost,ip:127.0.0.1 -validity 30
cat "$work/leaf.pem" "$work/ca.pem" >"$work/chain.pem"
kt -importcert -storetype JKS -keystore "$work/mixed.jks" -alias rsa-leaf -file "$work/chain.pem"
cp "$work/mixed.jks" "$dir/keytool-rsa-chain.jks"
kt -genkeypair -storetype JKS -keystore "$work/ec.jks" -alias ec-key -keyalg EC \
    -groupname secp256r1 -dname CN=ec -validity 30
cp "$work/ec.jks" "$dir/keytool-ec.jks"
kt -importcert -storetype JKS -keystore "$work/trust.jks" -alias trusted-ca -file "$work/ca.pem"
cp "$work/trust.jks" "$dir/keytool-trusted.jks"
kt -importkeystore -srckeystore "$work/ec.jks" -srcstoretype JKS -srcstorepass "$pass" \
    -destkeystore "$work/mixed.jks" -deststoretype JKS -deststorepass "$pass"
kt -importcert -storetype JKS -keystore "$work/mixed.jks" -alias trusted-ca -file "$work/ca.pem"
cp "$work/mixed.jks" "$dir/keytool-mixed.jks"
kt -importkeystore -srckeystore "$work/ec.jks" -srcstoretype JKS -srcstorepass "$pass" \
    -destkeystore "$dir/keytool-pkcs12.jks" -deststoretype PKCS12 -deststorepass "$pass"

# This tool: the three stores of a node, RSA and EC.
for type in ecdsa-p256 rsa-2048; do
    "$bin" -q -k "$type" -d "$work/tree-$type" 10.0.0.1
    for store in truststore serverstore clientstore; do
        cp "$work/tree-$type/node_10_0_0_1/$store.jks" "$dir/ours-$type-$store.jks"
    done
done
echo "make-seeds: $(find "$dir" -type f | wc -l) seeds in $dir" >&2
