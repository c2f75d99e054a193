#!/bin/sh
# Makes JKS fixtures with the JDK's keytool, for the unit tests' reader checks. Nothing made here
# is committed: every run makes them anew in the directory given.
#
#   mixed.jks (password fixture-pass): "rsa-server" (RSA 2048 private key, self-signed),
#   "ec-client" (EC P-256 private key), "trusted-ca" (a trusted certificate entry).
#   *.der: each entry's certificate, as keytool exports it.
set -eu

dir=${1:?usage: make-fixtures.sh DIR}
pass=fixture-pass

if ! command -v keytool >/dev/null 2>&1; then
    echo "make-fixtures: keytool not found: install default-jdk-headless" >&2
    exit 1
fi
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"

kt() {
    keytool "$@" -storetype JKS -storepass "$pass" -noprompt >/dev/null 2>&1 || {
        echo "make-fixtures: keytool $1 failed" >&2
        exit 1
    }
}

kt -genkeypair -keystore ca.jks -alias ca -keyalg RSA -keysize 2048 -dname CN=fixture-ca \
    -ext bc:c -validity 30
kt -exportcert -keystore ca.jks -alias ca -file trusted-ca.der
kt -genkeypair -keystore mixed.jks -alias rsa-server -keyalg RSA -keysize 2048 \
    -dname CN=server -validity 30
kt -genkeypair -keystore mixed.jks -alias ec-client -keyalg EC -groupname secp256r1 \
    -dname CN=client -validity 30
kt -importcert -keystore mixed.jks -alias trusted-ca -file trusted-ca.der
kt -exportcert -keystore mixed.jks -alias rsa-server -file rsa-server.der
kt -exportcert -keystore mixed.jks -alias ec-client -file ec-client.der
rm ca.jks
