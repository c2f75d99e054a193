#!/bin/sh
# exhibitor-tls-artifacts.sh: make the Exhibitor TLS artifacts of a DC/OS cluster with Docker.
#
#   curl -LsSf URL | sh -s -- 10.192.0.2 10.192.0.3 10.192.0.4
#   sh exhibitor-tls-artifacts.sh [-b DIR] [TOOL OPTIONS] NODE...
#
# Runs the exhibitor-tls-artifacts container image with the current directory (or DIR) mounted
# at /build, as the calling user, so ./artifacts appears here and belongs to you.
# POSIX sh: runs under dash, BusyBox sh, bash and others.
set -eu

# The image to run: EXHIBITOR_TLS_ARTIFACTS_IMAGE, or else this one. In the repository it is a
# placeholder (upper case, so Docker refuses it instead of pulling anything); the copy attached
# to each release names that release's image.
DEFAULT_IMAGE='ghcr.io/OWNER/exhibitor-tls-artifacts:VERSION'

me=exhibitor-tls-artifacts.sh

# die CODE MESSAGE: one line on stderr, exit CODE (2: bad use of this script, 1: no Docker).
die() {
    code=$1
    shift
    echo "$me: $*" >&2
    exit "$code"
}

usage() {
    cat <<EOF
Usage: $me [-b DIR] [TOOL OPTIONS] NODE...

Makes the Exhibitor TLS artifacts for the DC/OS masters NODE... by running the container image
$image
with Docker, as the calling user ($(id -u):$(id -g)) and without network access.

This script's own options:
  -b, --bind-directory DIR  mount DIR at /build instead of the current directory; the
                            artifacts are written there (default: $PWD)
  -h, --help                show this help, then the tool's
  --                        pass everything after it to the tool unread

Every other argument goes to the tool unchanged.

Environment:
  EXHIBITOR_TLS_ARTIFACTS_IMAGE  image to run (default: $DEFAULT_IMAGE)

EOF
}

main() {
    image=${EXHIBITOR_TLS_ARTIFACTS_IMAGE:-$DEFAULT_IMAGE}
    bind_dir=.
    help=0

    # Pick out this script's options; the others stay in "$@", in their order.
    n=$#
    while [ "$n" -gt 0 ]; do
        arg=$1
        shift
        n=$((n - 1))
        case $arg in
            -b | --bind-directory)
                [ "$n" -gt 0 ] || die 2 "$arg needs a directory"
                bind_dir=$1
                shift
                n=$((n - 1))
                ;;
            --bind-directory=*) bind_dir=${arg#*=} ;;
            -b?*) bind_dir=${arg#-b} ;;
            -h | --help) help=1 ;;
            --)
                while [ "$n" -gt 0 ]; do
                    set -- "$@" "$1"
                    shift
                    n=$((n - 1))
                done
                ;;
            *) set -- "$@" "$arg" ;;
        esac
    done

    [ -n "$bind_dir" ] || die 2 "the bind directory is empty"
    [ -d "$bind_dir" ] || die 2 "no such directory: $bind_dir"
    bind_dir=$(cd -- "$bind_dir" && pwd -P) || die 2 "cannot enter $bind_dir"
    case $bind_dir in
        *:*) die 2 "docker -v cannot mount a path with a ':' in it: $bind_dir" ;;
    esac

    if [ "$help" = 1 ]; then
        usage
        set -- --help
    fi

    command -v docker >/dev/null 2>&1 ||
        die 1 "docker is not installed (or not on PATH): see https://docs.docker.com/engine/install/"
    docker version </dev/null >/dev/null 2>&1 ||
        die 1 "docker does not answer: is the Docker daemon running, and may $(id -un 2>/dev/null || id -u) use it?"
    case $image in
        *OWNER* | *:VERSION)
            die 2 "no image set: export EXHIBITOR_TLS_ARTIFACTS_IMAGE=REGISTRY/NAME:TAG (this copy has a placeholder)"
            ;;
    esac
    if [ "$help" = 1 ]; then
        echo "The tool's own help, from the image:"
        echo
    fi

    # No -t and no -i: no terminal is needed, and under `curl | sh` standard input is this script.
    exec docker run --rm --network none --user "$(id -u):$(id -g)" \
        -v "$bind_dir:/build" "$image" "$@" </dev/null
}

# Called only once the whole script has been read: a download cut short runs nothing.
main "$@"
