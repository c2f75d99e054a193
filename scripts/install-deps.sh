#!/bin/sh
# Installs, from Debian's archive, everything needed to build exhibitor-tls-artifacts and run
# all of its tests (unit, CLI, interop with Java/Jetty/nginx/curl, container contract, static
# musl build). Safe to run again. Uses sudo only when not already root.
set -eu

packages='
    build-essential pkg-config clang libclang-rt-14-dev
    libgnutls28-dev libtasn1-6-dev libtasn1-bin libyaml-dev libjansson-dev
    libcmocka-dev bats bats-assert valgrind cppcheck clang-tidy clang-format shellcheck
    default-jdk-headless libjetty9-java nginx-light curl openssl jq file
    musl-tools busybox-static dpkg-dev autoconf automake libtool
    hyperfine ca-certificates gnutls-bin time
'

if [ "$(id -u)" -eq 0 ]; then
    as_root=
elif command -v sudo >/dev/null 2>&1; then
    as_root=sudo
else
    echo "install-deps: not root and no sudo: cannot install packages" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# scripts/build-static.sh takes Debian's sources with `apt-get source`, which needs deb-src
# entries: add them, for the same archives and suites as the deb entries, unless some exist.
if ! grep -rqsE '^(Types:.*deb-src|deb-src[[:space:]])' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
            $as_root tee /etc/apt/sources.list.d/exhibitor-tls-artifacts-deb-src.sources >/dev/null
    elif [ -f /etc/apt/sources.list ]; then
        sed -n 's/^deb\([[:space:]]\)/deb-src\1/p' /etc/apt/sources.list |
            $as_root tee /etc/apt/sources.list.d/exhibitor-tls-artifacts-deb-src.list >/dev/null
    else
        echo "install-deps: found no Debian archive entry to add deb-src for" >&2
        exit 1
    fi
fi
# shellcheck disable=SC2086
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "install-deps: build and test dependencies are installed" >&2
