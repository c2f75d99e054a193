# syntax=docker/dockerfile:1
# The exhibitor-tls-artifacts image: the static program, its entry point, and Alpine's BusyBox
# /bin/sh with util-linux's setpriv.
#
#   docker build -t exhibitor-tls-artifacts .
#   docker run --rm -v "$PWD:/build" exhibitor-tls-artifacts 10.192.0.2 10.192.0.3 10.192.0.4
#
# The build stage runs scripts/build-static.sh, the same script `make static` runs on Debian:
# here it downloads the pinned source archives (checked against their SHA-256) instead of
# using apt-get source, and builds with Alpine's native musl toolchain.

ARG ALPINE_IMAGE=alpine:3.22

FROM ${ALPINE_IMAGE} AS build
RUN apk add --no-cache autoconf automake binutils build-base curl file libtool linux-headers \
        m4 patch pkgconf tar xz
WORKDIR /src
ENV EXHIBITOR_TLS_ARTIFACTS_CACHE=/cache \
    EXHIBITOR_TLS_ARTIFACTS_SOURCES=download
# The static libraries first, in their own layer: rebuilt only when the build script changes.
COPY scripts/build-static.sh scripts/build-static.sh
RUN scripts/build-static.sh --deps-only
COPY Makefile ./
COPY src/ src/
RUN scripts/build-static.sh

FROM ${ALPINE_IMAGE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="exhibitor-tls-artifacts" \
      org.opencontainers.image.description="Makes the root CA, PEM files and Java KeyStores for Exhibitor mutual TLS on DC/OS masters" \
      org.opencontainers.image.version="${VERSION}"
RUN apk add --no-cache setpriv
COPY --from=build /src/build/static/exhibitor-tls-artifacts /usr/local/bin/exhibitor-tls-artifacts
COPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh
WORKDIR /build
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["--help"]
