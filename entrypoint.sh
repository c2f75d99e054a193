#!/bin/sh
# Entry point of the exhibitor-tls-artifacts image.
#
# Runs the program with every argument, in its place (exec), so that signals reach it and its
# exit code is the container's. What it writes into the working directory (/build, where the
# caller mounts a directory of the host) must belong to that directory's owner, not to root:
#
# - running as root (plain `docker run`): the program runs as the owner and group of the
#   working directory, unless that is root itself;
# - running as another user (`docker run --user UID:GID`, as the bootstrap script does): it
#   runs as that user, who then owns what it writes.
#
# Dropping to the owner uses setpriv from util-linux (Alpine package setpriv, /usr/bin/setpriv):
# BusyBox's setpriv applet cannot change user IDs, its su needs a passwd entry, and Debian's
# BusyBox (the tests use it) has no chpst.
set -eu

prog=/usr/local/bin/exhibitor-tls-artifacts

if [ "$(id -u)" = 0 ]; then
    owner=$(stat -c %u .) || exit 1
    group=$(stat -c %g .) || exit 1
    if [ "$owner" != 0 ]; then
        setpriv=/usr/bin/setpriv
        if [ ! -x "$setpriv" ]; then
            echo "entrypoint: $setpriv (util-linux) is missing: cannot run as $owner:$group, the owner of $(pwd)" >&2
            exit 1
        fi
        exec "$setpriv" --reuid="$owner" --regid="$group" --clear-groups -- "$prog" "$@"
    fi
fi
exec "$prog" "$@"
