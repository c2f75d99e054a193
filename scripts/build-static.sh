#!/bin/sh
# Builds build/static/exhibitor-tls-artifacts: one fully static, stripped executable, linked
# with musl against static GMP, nettle, libtasn1, GnuTLS, libyaml and jansson built here from
# pinned sources.
#
#   scripts/build-static.sh               static libraries (cached) + the program
#   scripts/build-static.sh --deps-only   only the static libraries (used by the Dockerfile)
#   scripts/build-static.sh --fetch-only  only fetch and check the source archives
#   scripts/build-static.sh --print-prefix
#                                          print the install prefix of the cached libraries
#
# Sources are Debian bookworm's source packages: the .orig archive (for nettle, libtasn1 and
# GnuTLS byte-identical to the upstream release) plus Debian's patches, applied the way
# dpkg-source applies them. They come from `apt-get source` where apt knows a deb-src entry
# (Debian machines; scripts/install-deps.sh adds one), or else are downloaded from the pinned
# URLs below (the Alpine container build). Every archive is checked against its SHA-256 before
# it is unpacked, whichever way it came.
#
# The libraries are built once per set of pins and compiler and kept outside the work tree in
# ${EXHIBITOR_TLS_ARTIFACTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exhibitor-tls-artifacts}
# (static-<key>/); a second run only relinks the program.
#
# Environment:
#   EXHIBITOR_TLS_ARTIFACTS_CACHE    cache directory (see above)
#   EXHIBITOR_TLS_ARTIFACTS_SOURCES  auto (default), apt or download
#   MUSL_CC                          the musl C compiler (default: musl-gcc, or cc where
#                                    cc targets musl, as on Alpine); CC is not looked at, as
#                                    make passes on whatever CC it was given
#   JOBS                             parallel make jobs (default: number of CPUs)
set -eu

# ---- pins: the one place where versions and checksums live ------------------------------------
#
# Debian source package and version, one a line, in build order.
PACKAGES='
libyaml     0.2.5-1
jansson     2.14-2
gmp         2:6.2.1+dfsg1-1.1
nettle      3.8.1-2
libtasn1-6  4.19.0-2+deb12u1
gnutls28    3.7.9-2+deb12u7
'
# file, SHA-256, then the URLs to fetch it from when apt-get source is not used, tried in order.
# The first URL of each .orig archive (but GMP's) is the upstream release: Debian's .orig is the
# same file, its SHA-256 equal, and the upstream OpenPGP signature that Debian ships beside it
# (.orig.tar.*.asc, checked with the key in debian/upstream/signing-key.asc) verifies.
# GMP's .orig is Debian's DFSG repack of gmp-6.2.1 (the GFDL manual removed), and those of
# libyaml and jansson are GitHub's archives of the release tags (no generated files), none of
# them an upstream release archive: they come from Debian only.
# snapshot.debian.org/file/<SHA-1> keeps every file Debian ever published, after
# deb.debian.org's pool has moved on.
FILES='
gmp_6.2.1+dfsg1.orig.tar.xz 471b9e463e04362a0124f215afc5f0a4b99caedeeb62634c61bbc12988efa64c
  https://deb.debian.org/debian/pool/main/g/gmp/gmp_6.2.1+dfsg1.orig.tar.xz
  https://snapshot.debian.org/file/474ba18fd92d10773361820c75ae947051a5b12c
gmp_6.2.1+dfsg1-1.1.debian.tar.xz 4e3e324d72fe688e409c716d33b35aa8657f6016cc1aabd5d9c7ec137412e5ef
  https://deb.debian.org/debian/pool/main/g/gmp/gmp_6.2.1+dfsg1-1.1.debian.tar.xz
  https://snapshot.debian.org/file/8c8bda6fc99fc20144835d6451664d2db7e6b7c2
nettle_3.8.1.orig.tar.gz 364f3e2b77cd7dcde83fd7c45219c834e54b0c75e428b6f894a23d12dd41cbfe
  https://ftp.gnu.org/gnu/nettle/nettle-3.8.1.tar.gz
  https://deb.debian.org/debian/pool/main/n/nettle/nettle_3.8.1.orig.tar.gz
  https://snapshot.debian.org/file/1be40366f8db2d5bb65e45883d6d76a96b39eb73
nettle_3.8.1-2.debian.tar.xz 8f1eae9c6afffe545de294140f33d53352261478268dafee5ef72d840e1b3d7b
  https://deb.debian.org/debian/pool/main/n/nettle/nettle_3.8.1-2.debian.tar.xz
  https://snapshot.debian.org/file/0d65d117b540fc44d478388fb9976561f77f6121
libtasn1-6_4.19.0.orig.tar.gz 1613f0ac1cf484d6ec0ce3b8c06d56263cc7242f1c23b30d82d23de345a63f7a
  https://ftp.gnu.org/gnu/libtasn1/libtasn1-4.19.0.tar.gz
  https://deb.debian.org/debian/pool/main/libt/libtasn1-6/libtasn1-6_4.19.0.orig.tar.gz
  https://snapshot.debian.org/file/9c4b6616de65513a0a4d27e0b7f25184391ca8fd
libtasn1-6_4.19.0-2+deb12u1.debian.tar.xz 878db2aeeb04e43a70750480a4f17498b7ed46fb5fe433acb6721b3e6d38088c
  https://deb.debian.org/debian/pool/main/libt/libtasn1-6/libtasn1-6_4.19.0-2+deb12u1.debian.tar.xz
  https://snapshot.debian.org/file/202449b91404227c489bd01d11f5666e15df4ca5
gnutls28_3.7.9.orig.tar.xz aaa03416cdbd54eb155187b359e3ec3ed52ec73df4df35a0edd49429ff64d844
  https://www.gnupg.org/ftp/gcrypt/gnutls/v3.7/gnutls-3.7.9.tar.xz
  https://deb.debian.org/debian/pool/main/g/gnutls28/gnutls28_3.7.9.orig.tar.xz
  https://snapshot.debian.org/file/8896a303b70481dbfa6e3824a0d62ccd36acad29
gnutls28_3.7.9-2+deb12u7.debian.tar.xz bcfcf396482ce7635df255abeff1c811321a84f016c95677db28f56908b25595
  https://deb.debian.org/debian/pool/main/g/gnutls28/gnutls28_3.7.9-2+deb12u7.debian.tar.xz
  https://snapshot.debian.org/file/ca11670f3997c32da1e6b2c3a1069a500c35f8cb
libyaml_0.2.5.orig.tar.gz fa240dbf262be053f3898006d502d514936c818e422afdcf33921c63bed9bf2e
  https://deb.debian.org/debian/pool/main/liby/libyaml/libyaml_0.2.5.orig.tar.gz
  https://snapshot.debian.org/file/db474288fde305468602e051d963c6936ef5a9ae
libyaml_0.2.5-1.debian.tar.xz 8730e0510129e516c3c7c1cda7428e02a0a122699e57ed203f835a338a686d1f
  https://deb.debian.org/debian/pool/main/liby/libyaml/libyaml_0.2.5-1.debian.tar.xz
  https://snapshot.debian.org/file/de733ba5904f1da6e24f017a44f2128d2e8635b7
jansson_2.14.orig.tar.gz c739578bf6b764aa0752db9a2fdadcfe921c78f1228c7ec0bb47fa804c55d17b
  https://deb.debian.org/debian/pool/main/j/jansson/jansson_2.14.orig.tar.gz
  https://snapshot.debian.org/file/c3c2b631864eca28de482e51fc027c9cd276eb67
jansson_2.14-2.debian.tar.xz e89fe4fd8221f6934ddb50f2e7f8404311928d0e23e49a5599f3d3d14ee8cb88
  https://deb.debian.org/debian/pool/main/j/jansson/jansson_2.14-2.debian.tar.xz
  https://snapshot.debian.org/file/b397245e2b8f4d63b4c67aa3910dfaea2332bbde
'
# Bump when a configure line below changes, so the cache key changes with it.
RECIPE=1

# ---- configure lines ---------------------------------------------------------------------------

# GnuTLS with only what the program uses: no PKCS#11, tools, docs, tests, NLS, IDN, C++,
# compression, TPM, DANE, Guile or OpenSSL compatibility layer.
GNUTLS_OPTIONS='--without-p11-kit --with-included-unistring --without-idn --disable-libdane
    --without-tpm --without-tpm2 --without-zlib --without-brotli --without-zstd
    --disable-tools --disable-doc --disable-manpages --disable-gtk-doc --disable-tests
    --disable-full-test-suite --disable-valgrind-tests --disable-nls --disable-cxx
    --disable-guile --disable-openssl-compatibility --disable-rpath'
NETTLE_OPTIONS='--disable-documentation --disable-openssl --enable-fat'
LIBTASN1_OPTIONS='--disable-doc --disable-valgrind-tests'
GMP_OPTIONS='--disable-cxx'
LIBYAML_OPTIONS=''
JANSSON_OPTIONS=''
# For the libraries and the program; -ffunction-sections lets the linker drop what is unused.
OPT_CFLAGS='-O2 -pipe -fstack-protector-strong -ffunction-sections -fdata-sections'

# ---- helpers -----------------------------------------------------------------------------------

me=build-static
die() {
    echo "$me: $*" >&2
    exit 1
}
note() { echo "$me: $*" >&2; }

# run LOG STEP CMD...: run CMD with its output in LOG; on failure show the log's tail and stop.
run() {
    run_log=$1 run_step=$2
    shift 2
    if ! "$@" >>"$run_log" 2>&1; then
        tail -n 25 "$run_log" >&2
        die "$run_step failed (full log: $run_log)"
    fi
}

sha256_of() { sha256sum "$1" | cut -d ' ' -f 1; }

# pinned_sha FILE: the pinned SHA-256 of FILE, or nothing.
pinned_sha() {
    printf '%s\n' "$FILES" | awk -v f="$1" '$1 == f { print $2 }'
}
# pinned_urls FILE: the URLs of FILE, one a line.
pinned_urls() {
    printf '%s\n' "$FILES" | awk -v f="$1" '
        /^[^ ]/ { on = ($1 == f) }
        /^ +/ && on { print $1 }'
}

# ---- setup -------------------------------------------------------------------------------------

deps_only=0
fetch_only=0
print_prefix=0
case ${1-} in
    '') ;;
    --deps-only) deps_only=1 ;;
    --fetch-only) fetch_only=1 ;;
    --print-prefix) print_prefix=1 ;;
    -h | --help)
        sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown option '$1' (try --help)" ;;
esac

repo=$(cd "$(dirname "$0")/.." && pwd)
umask 022
# Nothing from a calling make or the caller's build environment leaks into these builds.
unset CDPATH MAKEFLAGS MFLAGS MAKELEVEL CFLAGS CPPFLAGS LDFLAGS LIBS CC

if [ -n "${MUSL_CC-}" ]; then
    CC=$MUSL_CC
elif command -v musl-gcc >/dev/null 2>&1; then
    CC=musl-gcc
elif command -v cc >/dev/null 2>&1 && cc -dumpmachine 2>/dev/null | grep -q musl; then
    CC=cc
else
    die "no musl C compiler: install musl-tools (Debian), build on Alpine, or set MUSL_CC"
fi
command -v "${CC%% *}" >/dev/null 2>&1 || die "C compiler '$CC' not found"
for tool in make tar xz patch sha256sum pkg-config autoreconf libtoolize m4 awk; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "'$tool' is missing: run scripts/install-deps.sh (Debian) or see the Dockerfile (Alpine)"
done
JOBS=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}

arch=$(uname -m)
# A generic CPU in the triplet: GMP otherwise tunes its assembly for the build machine's CPU
# and the binary could crash on an older one.
triplet=$arch-pc-linux-musl

# Flags that keep GCC 14 and later as lenient as GCC 12 towards the old C in configure checks
# and in these 2020-2023 releases; each is used only if the compiler knows it.
compat_flags=
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf '%s\n' '#include <stdio.h>' '#ifdef __GLIBC__' '#error glibc' '#endif' \
    'int main(void) { return 0; }' >"$probe_dir/p.c"
for flag in -std=gnu17 -Wno-error=implicit-function-declaration -Wno-error=implicit-int \
    -Wno-error=int-conversion -Wno-error=incompatible-pointer-types -Wno-error=return-mismatch; do
    if $CC -Werror "$flag" -c -o "$probe_dir/p.o" "$probe_dir/p.c" >/dev/null 2>&1; then
        compat_flags="$compat_flags $flag"
    fi
done
$CC -static -o "$probe_dir/p" "$probe_dir/p.c" >/dev/null 2>&1 ||
    die "'$CC' is not a C compiler for musl that links static programs"
cc_id=$($CC --version 2>/dev/null | head -n 1)
deps_cflags="$OPT_CFLAGS$compat_flags"

cache_root=${EXHIBITOR_TLS_ARTIFACTS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/exhibitor-tls-artifacts}
key=$(printf '%s\n' "$RECIPE" "$PACKAGES" "$FILES" "$GNUTLS_OPTIONS" "$NETTLE_OPTIONS" \
    "$LIBTASN1_OPTIONS" "$GMP_OPTIONS" "$LIBYAML_OPTIONS" "$JANSSON_OPTIONS" "$deps_cflags" \
    "$CC" "$cc_id" "$triplet" |
    sha256sum | cut -c 1-16)
prefix=$cache_root/static-$key
sources=$cache_root/sources

if [ "$print_prefix" = 1 ]; then
    echo "$prefix"
    exit 0
fi

# ---- sources -----------------------------------------------------------------------------------

# fetch_apt PKG VERSION: put the source package's files into $sources with apt-get source.
fetch_apt() {
    fa_dir=$(mktemp -d "$sources/apt.XXXXXX")
    chmod 755 "$fa_dir" # lets apt's unprivileged _apt user write there when run as root
    if ! (cd "$fa_dir" && apt-get source --download-only -q "$1=$2") >"$fa_dir.log" 2>&1; then
        rm -rf "$fa_dir"
        grep -E '^E:' "$fa_dir.log" | head -n 3 >&2 || true
        rm -f "$fa_dir.log"
        die "apt-get source $1=$2 failed: add a deb-src entry (scripts/install-deps.sh does), " \
            "update the pins if Debian has moved on, or set EXHIBITOR_TLS_ARTIFACTS_SOURCES=download"
    fi
    rm -f "$fa_dir.log"
    for fa_f in "$fa_dir"/*; do
        if [ -n "$(pinned_sha "${fa_f##*/}")" ]; then mv -f "$fa_f" "$sources/"; fi
    done
    rm -rf "$fa_dir"
}

# fetch_url FILE: download FILE from its pinned URLs into $sources.
fetch_url() {
    for fu_url in $(pinned_urls "$1"); do
        note "downloading $fu_url"
        if command -v curl >/dev/null 2>&1; then
            curl -fsSL --retry 3 --connect-timeout 20 -o "$sources/$1.part" "$fu_url" || continue
        else
            wget -q -O "$sources/$1.part" "$fu_url" || continue
        fi
        if [ "$(sha256_of "$sources/$1.part")" = "$(pinned_sha "$1")" ]; then
            mv -f "$sources/$1.part" "$sources/$1"
            return 0
        fi
        note "$fu_url: SHA-256 mismatch, trying the next URL"
    done
    rm -f "$sources/$1.part"
    die "could not download $1 with its pinned SHA-256 from any of its URLs"
}

# need FILE PKG VERSION: make sure $sources/FILE is there with its pinned SHA-256.
need() {
    want=$(pinned_sha "$1")
    [ -n "$want" ] || die "internal: $1 is not pinned"
    if [ -f "$sources/$1" ] && [ "$(sha256_of "$sources/$1")" = "$want" ]; then
        return 0
    fi
    rm -f "$sources/$1"
    mode=${EXHIBITOR_TLS_ARTIFACTS_SOURCES:-auto}
    case $mode in
        auto)
            if command -v apt-get >/dev/null 2>&1 && apt-cache showsrc "$2" 2>/dev/null |
                grep -qx "Version: $3"; then
                mode=apt
            else
                mode=download
            fi
            ;;
        apt | download) ;;
        *) die "EXHIBITOR_TLS_ARTIFACTS_SOURCES must be auto, apt or download, not '$mode'" ;;
    esac
    if [ "$mode" = apt ]; then
        note "apt-get source $2=$3"
        fetch_apt "$2" "$3"
    else
        fetch_url "$1"
    fi
    [ -f "$sources/$1" ] || die "$1 was not fetched"
    got=$(sha256_of "$sources/$1")
    if [ "$got" != "$want" ]; then
        mv -f "$sources/$1" "$sources/$1.bad"
        die "SHA-256 mismatch for $1: got $got, pinned $want (kept as $sources/$1.bad)"
    fi
}

# fetch PKG VERSION: make sure both archives of the source package are in $sources, checked;
# sets $up_orig and $up_deb to their names.
fetch() {
    up_v=${2#*:}
    up_orig=$(printf '%s\n' "$FILES" | awk -v p="${1}_${up_v%-*}.orig.tar." 'index($1, p) == 1 { print $1 }')
    up_deb=${1}_$up_v.debian.tar.xz
    [ -n "$up_orig" ] || die "internal: no .orig archive pinned for $1"
    need "$up_orig" "$1" "$2"
    need "$up_deb" "$1" "$2"
}

# unpack PKG VERSION DIR: the .orig archive with Debian's patches applied, in DIR.
unpack() {
    fetch "$1" "$2"
    rm -rf "$3"
    mkdir -p "$3"
    tar -xf "$sources/$up_orig" -C "$3" --strip-components=1
    rm -rf "$3/debian"
    tar -xf "$sources/$up_deb" -C "$3"
    if [ -f "$3/debian/patches/series" ]; then
        # As dpkg-source applies a 3.0 (quilt) series: in order, -p1, no fuzz.
        sed -e 's/#.*//' "$3/debian/patches/series" | while read -r up_p _; do
            [ -n "$up_p" ] || continue
            (cd "$3" && patch -p1 -s -t -N -F 0 -E --no-backup-if-mismatch <"debian/patches/$up_p") ||
                die "Debian patch $up_p does not apply to $1 $2"
        done
    fi
}

# ---- the static libraries ----------------------------------------------------------------------

build_deps() {
    mkdir -p "$cache_root" "$sources"
    work=$(mktemp -d "$cache_root/work.XXXXXX")
    trap 'rm -rf "$work" "$probe_dir"' EXIT
    stage=$work/prefix
    log=$work/build.log
    : >"$log"
    note "building GMP, nettle, libtasn1, GnuTLS, libyaml and jansson for musl into $prefix (minutes)"
    export PKG_CONFIG_LIBDIR="$stage/lib/pkgconfig" PKG_CONFIG_PATH=
    common="--prefix=$stage --libdir=$stage/lib --build=$triplet --host=$triplet"
    common="$common --disable-shared --enable-static"

    printf '%s\n' "$PACKAGES" | while read -r pkg ver; do
        [ -n "$pkg" ] || continue
        src=$work/$pkg
        t0=$(date +%s)
        unpack "$pkg" "$ver" "$src"
        cd "$src"
        case $pkg in
            gmp)
                # Debian's GMP source lacks the generated Makefile.in files for its patched
                # Makefile.am: regenerate, as Debian's build does.
                run "$log" "autoreconf (gmp)" autoreconf -fi
                # shellcheck disable=SC2086
                run "$log" "configure (gmp)" ./configure $common $GMP_OPTIONS \
                    CC="$CC" CFLAGS="$deps_cflags"
                ;;
            nettle)
                # shellcheck disable=SC2086
                run "$log" "configure (nettle)" ./configure $common $NETTLE_OPTIONS \
                    CC="$CC" CFLAGS="$deps_cflags" CPPFLAGS="-I$stage/include" LDFLAGS="-L$stage/lib"
                ;;
            libtasn1-6)
                # shellcheck disable=SC2086
                run "$log" "configure (libtasn1)" ./configure $common $LIBTASN1_OPTIONS \
                    CC="$CC" CFLAGS="$deps_cflags"
                ;;
            gnutls28)
                # Debian's patches touch configure.ac and Makefile.am files: regenerate, as
                # Debian's build does, but with the gettext and gtk-doc macros GnuTLS ships.
                run "$log" "autoreconf (gnutls)" env AUTOPOINT=true GTKDOCIZE=true autoreconf -fi
                # shellcheck disable=SC2086
                run "$log" "configure (gnutls)" ./configure $common $GNUTLS_OPTIONS \
                    CC="$CC" CFLAGS="$deps_cflags" CPPFLAGS="-I$stage/include" LDFLAGS="-L$stage/lib"
                ;;
            libyaml | jansson)
                # GitHub's archives of the tags: no configure script until autoreconf.
                run "$log" "autoreconf ($pkg)" autoreconf -fi
                if [ "$pkg" = libyaml ]; then opts=$LIBYAML_OPTIONS; else opts=$JANSSON_OPTIONS; fi
                # shellcheck disable=SC2086
                run "$log" "configure ($pkg)" ./configure $common $opts CC="$CC" CFLAGS="$deps_cflags"
                ;;
        esac
        run "$log" "make ($pkg)" make -j "$JOBS"
        run "$log" "make install ($pkg)" make install
        cd "$work"
        rm -rf "$src"
        note "$pkg $ver done in $(($(date +%s) - t0)) s"
    done

    # The prefix must not point into the work directory once it moves into place.
    for pc in "$stage"/lib/pkgconfig/*.pc; do
        sed -i "s#$stage#$prefix#g" "$pc"
    done
    rm -rf "$stage/share" "$stage"/lib/*.la
    printf '%s\n' "$PACKAGES" >"$stage/PINS"
    if [ -e "$prefix" ]; then
        note "another run finished $prefix first; keeping that one"
    else
        mv "$stage" "$prefix"
    fi
    cd "$repo"
    rm -rf "$work"
}

if [ "$fetch_only" = 1 ]; then
    mkdir -p "$sources"
    printf '%s\n' "$PACKAGES" | while read -r pkg ver; do
        [ -z "$pkg" ] || fetch "$pkg" "$ver"
    done
    note "all source archives are in $sources, with their pinned SHA-256"
    exit 0
fi

if [ -f "$prefix/PINS" ]; then
    note "static libraries cached in $prefix"
else
    build_deps
fi
[ "$deps_only" = 1 ] && exit 0

# ---- the program -------------------------------------------------------------------------------

[ -f "$repo/src/main.c" ] || die "no src/main.c in $repo: nothing to link yet"
out=$repo/build/static
bin=$out/exhibitor-tls-artifacts
mkdir -p "$out"
# Objects built against another set of libraries are not reused.
if [ "$(cat "$out/.deps-key" 2>/dev/null || true)" != "$key" ]; then
    rm -rf "$out"
    mkdir -p "$out"
    echo "$key" >"$out/.deps-key"
fi
export PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH=
if ! make -C "$repo" --no-print-directory BUILD=build/static CC="$CC" \
    PKG_CONFIG='pkg-config --static' ASN1PARSER="$prefix/bin/asn1Parser" \
    CFLAGS="$OPT_CFLAGS" LDFLAGS='-static -s -Wl,--gc-sections' "build/static/exhibitor-tls-artifacts"; then
    die "linking the static program failed"
fi

# ---- the checks the result must pass -----------------------------------------------------------

if command -v readelf >/dev/null 2>&1; then
    if readelf -lW "$bin" | grep -q 'INTERP'; then die "$bin asks for a dynamic loader"; fi
    if readelf -dW "$bin" 2>/dev/null | grep -q 'NEEDED'; then die "$bin needs shared libraries"; fi
    if readelf -SW "$bin" | grep -q '\.symtab'; then die "$bin is not stripped"; fi
fi
if command -v file >/dev/null 2>&1; then
    file -L "$bin" | grep -q 'statically linked' || die "file(1) does not call $bin statically linked"
fi
"$bin" --version >/dev/null || die "$bin --version failed"
size=$(wc -c <"$bin")
limit=$((3 * 1024 * 1024))
if [ "$size" -ge "$limit" ]; then
    note "warning: $bin is $size bytes, over the 3 MiB goal"
fi
note "built $bin ($size bytes, static, stripped)"
