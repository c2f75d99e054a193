#!/bin/bash
# enter-root.sh ROOT HOSTDIR UID:GID ARG...
#
# Does, in the throwaway root ROOT, what
#   docker run --rm -v HOSTDIR:/build --user UID:GID IMAGE ARG...
# does with the image: a private mount namespace, HOSTDIR bind-mounted at /build, the device
# nodes a container gets, a clean environment, the working directory /build, then the image's
# ENTRYPOINT (/usr/local/bin/entrypoint.sh) run by exec as UID:GID with ARG... Every step execs
# the next, so the exit code and signals are the entry point's. Needs root.
set -euo pipefail

[ $# -ge 3 ] || {
    echo "usage: enter-root.sh ROOT HOSTDIR UID:GID ARG..." >&2
    exit 64
}

# shellcheck disable=SC2016 # expanded by the inner bash
exec unshare --mount --fork -- bash -c '
    set -eu
    root=$1 hostdir=$2 user=$3
    shift 3
    mount --make-rprivate /
    mount --bind "$hostdir" "$root/build"
    for dev in null zero random urandom; do
        mount --bind "/dev/$dev" "$root/dev/$dev"
    done
    exec chroot --userspec="$user" "$root" /bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/ \
        /bin/sh -c "cd /build && exec /usr/local/bin/entrypoint.sh \"\$@\"" entrypoint "$@"
' enter-root "$@"
