#!/bin/bash
# The container contract and the bootstrap script, tested without a Docker engine.
#
#   EXHIBITOR_TLS_ARTIFACTS_BIN=build/static/exhibitor-tls-artifacts tests/container/run.sh
#
# A throwaway root stands in for the image: BusyBox (Debian's busybox-static) for /bin/sh and
# the applets, util-linux's setpriv (as the image has it), the static program and entrypoint.sh.
# enter-root.sh enters it the way `docker run -v DIR:/build [--user U:G]` enters the image, and
# stand-in/docker does the same for the bootstrap script, recording how it was called.
# Needs root (unshare, mount, chroot), busybox-static, dash, shellcheck and file.
# Ends with "N passed, N failed"; exits non-zero when a check failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${EXHIBITOR_TLS_ARTIFACTS_BIN:-$repo/build/static/exhibitor-tls-artifacts}
owner=4321 # uid and gid of the scratch directories that play the mounted host directory
other=5555 # a uid that is neither root nor the owner

passed=0 failed=0
ok() {
    passed=$((passed + 1))
    echo "ok - $1"
}
not_ok() {
    failed=$((failed + 1))
    echo "not ok - $1"
    shift
    local line
    for line in "$@"; do echo "#   $line"; done
}
# check NAME COMMAND...: one test, passed when COMMAND succeeds.
check() {
    local name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}
fatal() {
    echo "container tests: $*" >&2
    echo "$passed passed, $((failed + 1)) failed"
    exit 1
}

[ "$(id -u)" = 0 ] || fatal "must run as root (it uses unshare, mount and chroot)"
[ -x "$bin" ] || fatal "no program at $bin (set EXHIBITOR_TLS_ARTIFACTS_BIN)"
for tool in unshare chroot setpriv dash shellcheck file ldd; do
    command -v "$tool" >/dev/null || fatal "$tool is missing (scripts/install-deps.sh installs it)"
done
busybox=$(command -v busybox) || fatal "busybox is missing (package busybox-static)"
file -L "$busybox" | grep -q 'statically linked' || fatal "$busybox is not static (install busybox-static)"

tmp=$(mktemp -d /tmp/container-tests.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

# ---- the throwaway root ----------------------------------------------------------------------

root=$tmp/root
mkdir -p "$root"/{bin,dev,build,usr/local/bin,usr/bin,tmp}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
# setpriv as the image has it (util-linux), with the libraries it needs.
cp /usr/bin/setpriv "$root/usr/bin/setpriv"
while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done < <(ldd /usr/bin/setpriv | grep -o '/[^ ]*')
cp "$bin" "$root/usr/local/bin/exhibitor-tls-artifacts"
cp "$repo/entrypoint.sh" "$root/usr/local/bin/entrypoint.sh"
chmod 755 "$root/usr/local/bin/entrypoint.sh"
for dev in null zero random urandom; do : >"$root/dev/$dev"; done
chmod 1777 "$root/tmp"

# scratch NAME [UID]: a fresh directory owned by UID (default: $owner), mode 0755.
scratch() {
    local d=$tmp/scratch-$1
    rm -rf "$d"
    mkdir -p "$d"
    chown "${2:-$owner}:${2:-$owner}" "$d"
    chmod 755 "$d"
    echo "$d"
}
# run_in DIR UID:GID ARG...: like docker run --rm -v DIR:/build --user UID:GID IMAGE ARG...;
# sets $rc, $out and $err.
run_in() {
    local dir=$1 user=$2
    shift 2
    "$here/enter-root.sh" "$root" "$dir" "$user" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}
ecdsa=(--key-type ecdsa-p256)
nodes=(10.192.0.2 10.192.0.3 10.192.0.4)

# tree_ok DIR UID: DIR holds the artifacts tree of the three nodes, everything owned by UID
# (user and group), with the modes the spec demands. Prints what is wrong.
tree_ok() {
    local dir=$1 uid=$2 bad=0 f n
    local files=(root-cert.pem truststore.jks)
    for n in "${nodes[@]}"; do
        for f in client-cert.pem client-key.pem clientstore.jks root-cert.pem serverstore.jks \
            truststore.jks; do
            files+=("node_${n//./_}/$f")
        done
    done
    [ -d "$dir" ] || {
        echo "no directory $dir"
        return 1
    }
    n=$(find "$dir" -type f | wc -l)
    [ "$n" = 20 ] || {
        echo "$n files, not 20"
        bad=1
    }
    n=$(find "$dir" -mindepth 1 -type d | wc -l)
    [ "$n" = 3 ] || {
        echo "$n directories, not 3"
        bad=1
    }
    for f in "${files[@]}"; do
        [ -f "$dir/$f" ] || {
            echo "missing $f"
            bad=1
        }
    done
    while read -r f; do
        echo "not owned by $uid:$uid: $f"
        bad=1
    done < <(find "$dir" \( ! -user "$uid" -o ! -group "$uid" \) -print)
    while read -r f; do
        echo "directory mode not 0755: $f"
        bad=1
    done < <(find "$dir" -type d ! -perm 0755 -print)
    while read -r f; do
        echo "mode not 0600: $f"
        bad=1
    done < <(find "$dir" -type f \( -name '*-key.pem' -o -name '*.jks' \) ! -perm 0600 -print)
    while read -r f; do
        echo "mode not 0644: $f"
        bad=1
    done < <(find "$dir" -type f -name '*-cert.pem' ! -perm 0644 -print)
    return "$bad"
}
# expect_tree NAME DIR UID: a test that tree_ok DIR UID holds.
expect_tree() {
    local why
    if why=$(tree_ok "$2" "$3" 2>&1); then ok "$1"; else not_ok "$1" "$why"; fi
}
# expect_rc NAME WANT: a test that the last run_in exited with WANT.
expect_rc() {
    if [ "$rc" = "$2" ]; then ok "$1"; else not_ok "$1" "exit $rc, want $2" "stderr: $err"; fi
}
empty_dir() { [ -z "$(ls -A "$1")" ]; }

echo "# container contract, in a throwaway root"

# ---- the binary -----------------------------------------------------------------------------

is_static() { file -L "$1" | grep -q 'statically linked'; }
is_stripped() { [[ "$(file -L "$1")" == *", stripped"* ]]; }
no_shared_libs() { ! ldd "$1" 2>&1 | grep -q '=>'; }
check "file(1) calls the binary statically linked" is_static "$bin"
check "file(1) calls the binary stripped" is_stripped "$bin"
check "ldd finds no shared library" no_shared_libs "$bin"
size=$(wc -c <"$bin")
check "binary is under 3 MiB ($size bytes)" test "$size" -lt $((3 * 1024 * 1024))

bare=$tmp/bare
mkdir -p "$bare"
cp "$bin" "$bare/exhibitor-tls-artifacts"
version_in_bare_root() { chroot "$bare" /exhibitor-tls-artifacts --version >/dev/null; }
check "binary alone in an empty root: --version" version_in_bare_root
chroot "$bare" /exhibitor-tls-artifacts -q -d /out "${ecdsa[@]}" 10.0.0.1 >/dev/null 2>&1
rc=$?
n=$(find "$bare/out" -type f 2>/dev/null | wc -l)
if [ "$rc" = 0 ] && [ "$n" = 8 ]; then
    ok "binary alone in an empty root writes one node's artifacts"
else
    not_ok "binary alone in an empty root writes one node's artifacts" "exit $rc, $n files (want 8)"
fi

# ---- docker run -v DIR:/build IMAGE ... (as root) --------------------------------------------

d=$(scratch version)
run_in "$d" 0:0 --version
expect_rc "--version exits 0" 0
check "--version prints a version" test -n "$out"
run_in "$d" 0:0 --help
expect_rc "--help exits 0" 0
check "--help writes nothing into /build" empty_dir "$d"

d=$(scratch root)
run_in "$d" 0:0 "${ecdsa[@]}" "${nodes[@]}"
expect_rc "three masters (EC): exit 0" 0
expect_tree "three masters (EC): 20 files in ./artifacts, owned by /build's owner $owner" \
    "$d/artifacts" "$owner"
check "three masters: summary on stdout" test -n "$out"
check "nothing else is left in /build" test "$(ls -A "$d")" = artifacts

before=$(find "$d" -printf '%p %s %T@\n' | sort | sha256sum)
run_in "$d" 0:0 "${ecdsa[@]}" "${nodes[@]}"
expect_rc "existing ./artifacts: exit 2" 2
check "existing ./artifacts: one line on stderr" test "$(printf '%s\n' "$err" | wc -l)" = 1
check "existing ./artifacts: left untouched" \
    test "$(find "$d" -printf '%p %s %T@\n' | sort | sha256sum)" = "$before"

d=$(scratch badnode)
run_in "$d" 0:0 "${ecdsa[@]}" 10.192.0.2 010.192.0.3
expect_rc "bad node address: exit 2" 2
check "bad node address: the error names it" grep -q '010.192.0.3' "$tmp/err"
check "bad node address: nothing written" empty_dir "$d"
run_in "$d" 0:0 "${ecdsa[@]}" 10.192.0.2 10.192.0.2
expect_rc "duplicate node: exit 2" 2
run_in "$d" 0:0
expect_rc "no node at all: exit 2" 2
check "failed runs wrote nothing" empty_dir "$d"

d=$(scratch dflag)
mkdir "$d/out"
chown "$owner:$owner" "$d/out"
run_in "$d" 0:0 -q -d out/tls "${ecdsa[@]}" "${nodes[@]}"
expect_rc "-q -d out/tls: exit 0" 0
check "-q: nothing on stdout or stderr" test -z "$out$err"
expect_tree "-d out/tls: the tree there, owned by $owner" "$d/out/tls" "$owner"

d=$(scratch rsa)
run_in "$d" 0:0 "${nodes[@]}"
expect_rc "three masters with the default RSA-4096 keys: exit 0" 0
expect_tree "RSA: 20 files, owned by $owner" "$d/artifacts" "$owner"
check "RSA: client key is PKCS#1" grep -q 'BEGIN RSA PRIVATE KEY' "$d/artifacts/node_10_192_0_2/client-key.pem"

d=$(scratch rootowned 0)
run_in "$d" 0:0 "${ecdsa[@]}" "${nodes[@]}"
expect_rc "/build owned by root: exit 0" 0
expect_tree "/build owned by root: files stay root's" "$d/artifacts" 0

# ---- docker run --user UID:GID ... ----------------------------------------------------------

d=$(scratch user)
run_in "$d" "$owner:$owner" "${ecdsa[@]}" "${nodes[@]}"
expect_rc "--user $owner:$owner (the owner): exit 0" 0
expect_tree "--user $owner:$owner: files owned by $owner" "$d/artifacts" "$owner"

d=$(scratch otheruser)
chmod 1777 "$d"
run_in "$d" "$other:$other" "${ecdsa[@]}" "${nodes[@]}"
expect_rc "--user $other:$other in a world-writable /build: exit 0" 0
expect_tree "--user $other:$other: files owned by the user the container runs as" \
    "$d/artifacts" "$other"

d=$(scratch notwritable)
run_in "$d" "$other:$other" "${ecdsa[@]}" "${nodes[@]}"
check "--user without write access to /build: exit 1 (got $rc)" test "$rc" = 1
check "--user without write access: nothing written" empty_dir "$d"

# ---- signals --------------------------------------------------------------------------------

# The entry point execs: the program is the process docker started, and a SIGTERM sent to it
# (docker stop) makes it clean up and stop.
d=$(scratch signal)
"$here/enter-root.sh" "$root" "$d" 0:0 --key-type rsa-4096 "${nodes[@]}" >/dev/null 2>"$tmp/err" &
upid=$!
cpid='' exe=''
for _ in $(seq 100); do
    cpid=$(grep -l "^PPid:[[:space:]]*$upid\$" /proc/[0-9]*/status 2>/dev/null | head -n 1 | cut -d / -f 3)
    exe=$(readlink "/proc/$cpid/exe" 2>/dev/null || true)
    [ "${exe##*/}" = exhibitor-tls-artifacts ] && break
    sleep 0.05
done
check "the entry point execs: the program is the container's first process" \
    test "${exe##*/}" = exhibitor-tls-artifacts
check "it runs as /build's owner" test "$(stat -c %u "/proc/$cpid" 2>/dev/null)" = "$owner"
sleep 0.5
kill -TERM "$cpid" 2>/dev/null
wait "$upid"
rc=$?
check "SIGTERM stops it with a non-zero exit (got $rc)" test "$rc" != 0
check "SIGTERM: no artifacts and no staging directory left" empty_dir "$d"

# ---- the bootstrap script -------------------------------------------------------------------

echo "# bootstrap script, with a stand-in docker"

boot=$repo/exhibitor-tls-artifacts.sh
# A copy outside the checkout: the non-root caller below must be able to run it, and the checkout
# may sit under a directory only root can enter (mktemp -d makes them 0700).
stand_in=$tmp/stand-in
cp -r "$here/stand-in" "$stand_in"
cp "$here/enter-root.sh" "$tmp/enter-root.sh" # the stand-in finds it beside its folder
chmod -R a+rX "$stand_in" "$tmp/enter-root.sh"
log=$tmp/docker.log
export FAKE_DOCKER_LOG=$log FAKE_DOCKER_ROOT=$root
export EXHIBITOR_TLS_ARTIFACTS_IMAGE=registry.example/exhibitor-tls-artifacts:test
base_path=/usr/sbin:/usr/bin:/sbin:/bin
if PATH=$base_path command -v docker >/dev/null; then fatal "$base_path has a docker"; fi

# boot_run SHELL HOW DIR ARG...: run the bootstrap script with SHELL (dash or busybox) in DIR,
# HOW = file (sh script.sh ARG...) or pipe (sh -s -- ARG... reading the script from standard
# input, as curl | sh does); stand-in docker first on PATH. Sets $rc, $out, $err; $log holds
# the docker calls.
boot_run() {
    local how=$2 dir=$3 shcmd=(dash)
    [ "$1" = busybox ] && shcmd=("$busybox" sh)
    shift 3
    : >"$log"
    if [ "$how" = pipe ]; then
        (cd "$dir" && PATH=$stand_in:$base_path "${shcmd[@]}" -s -- "$@" <"$boot") >"$tmp/out" 2>"$tmp/err"
    else
        (cd "$dir" && PATH=$stand_in:$base_path "${shcmd[@]}" "$boot" "$@" </dev/null) >"$tmp/out" 2>"$tmp/err"
    fi
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}
# run_line: the docker run call recorded in $log.
run_line() { grep ' docker run ' "$log" || true; }
# has ARG...: the docker run call has ARG... side by side; lacks ARG: it has no ARG.
has() {
    local q
    q=$(printf '%q ' "$@")
    [[ " $(run_line) " == *" ${q% } "* ]]
}
lacks() { ! has "$1"; }
no_terminal_flags() {
    local f
    for f in -t -i -it -ti --tty --interactive; do lacks "$f" || return 1; done
}
run_line_ends_with() { [[ "$(run_line)" == *" $1" ]]; }
docker_stdin_is_null() { run_line | grep -q '^stdin=/dev/null '; }
# one_line_about WORD: $err is one line that mentions WORD.
one_line_about() { [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ "$err" == *"$1"* ]]; }
posix_sh_ok() { shellcheck -s sh "$1" && dash -n "$1" && "$busybox" sh -n "$1"; }
help_follows() { [ "$(grep -c . "$1")" -gt 20 ] && grep -q -- '--key-type' "$1"; }

for name in dash busybox; do
    for how in pipe file; do
        t="$name, $how:"
        d=$(scratch "boot-$name-$how")
        boot_run "$name" "$how" "$d" "${ecdsa[@]}" "${nodes[@]}"
        expect_rc "$t three masters: exit 0" 0
        expect_tree "$t ./artifacts owned by the directory's owner" "$d/artifacts" "$owner"
        check "$t checked that docker answers first" grep -q '^stdin=.* docker version$' "$log"
        check "$t docker run --rm" has --rm
        check "$t no -t, --tty, -i or --interactive" no_terminal_flags
        check "$t runs as the calling user (--user 0:0)" has --user 0:0
        check "$t mounts the current directory at /build" has -v "$d:/build"
        check "$t the image from EXHIBITOR_TLS_ARTIFACTS_IMAGE" has "$EXHIBITOR_TLS_ARTIFACTS_IMAGE"
        check "$t passes the arguments, in order, after the image" run_line_ends_with \
            "$EXHIBITOR_TLS_ARTIFACTS_IMAGE --key-type ecdsa-p256 10.192.0.2 10.192.0.3 10.192.0.4"
        check "$t docker's standard input is /dev/null" docker_stdin_is_null
    done

    t="$name:"
    d=$(scratch "boot-$name-bad")
    boot_run "$name" pipe "$d" "${ecdsa[@]}" 10.192.0.2 10.192.0.256
    expect_rc "$t bad node: the tool's exit 2 comes back" 2
    check "$t bad node: nothing written" empty_dir "$d"

    d=$(scratch "boot-$name-b")
    mkdir -p "$d/sub dir"
    chown "$owner:$owner" "$d/sub dir"
    boot_run "$name" pipe "$d" -b "sub dir" "${ecdsa[@]}" "${nodes[@]}"
    expect_rc "$t -b 'sub dir': exit 0" 0
    check "$t -b 'sub dir': mounts its absolute path" has -v "$d/sub dir:/build"
    expect_tree "$t -b 'sub dir': the artifacts land there" "$d/sub dir/artifacts" "$owner"
    check "$t -b is not passed on to the tool" lacks "-b"

    boot_run "$name" pipe "$d" --bind-directory="$d/sub dir" -q -- --key-type ecdsa-p256 '10.0.0.1' 'a b'
    check "$t --bind-directory=DIR and --: mounts DIR" has -v "$d/sub dir:/build"
    check "$t arguments with spaces arrive whole" \
        run_line_ends_with "-q --key-type ecdsa-p256 10.0.0.1 a\\ b"
    expect_rc "$t ... and the tool rejects 'a b' with exit 2" 2

    mkdir -p "$d/a:b"
    boot_run "$name" pipe "$d" -b "a:b" 10.0.0.1
    expect_rc "$t -b with a ':' in the path (docker -v cannot mount it): exit 2" 2
    check "$t -b with a ':': one line, docker never called" \
        test "$(printf '%s\n' "$err" | wc -l)" = 1 -a ! -s "$log"

    boot_run "$name" pipe "$d" -b "$d/missing" 10.0.0.1
    expect_rc "$t -b with a missing directory: exit 2" 2
    check "$t -b with a missing directory: one line, docker never called" \
        test "$(printf '%s\n' "$err" | wc -l)" = 1 -a ! -s "$log"
    boot_run "$name" pipe "$d" -b
    expect_rc "$t -b without a directory: exit 2" 2

    d=$(scratch "boot-$name-nodocker")
    stand_in=$tmp/empty boot_run "$name" pipe "$d" 10.0.0.1
    expect_rc "$t no docker on PATH: exit 1" 1
    check "$t no docker: one line that says so" one_line_about docker

    FAKE_DOCKER_DOWN=1 boot_run "$name" pipe "$d" 10.0.0.1
    expect_rc "$t docker does not answer: exit 1" 1
    check "$t docker does not answer: one line, no docker run" \
        test "$(printf '%s\n' "$err" | wc -l)" = 1 -a -z "$(run_line)"
    check "$t no docker: nothing written" empty_dir "$d"

    EXHIBITOR_TLS_ARTIFACTS_IMAGE='' boot_run "$name" pipe "$d" 10.0.0.1
    expect_rc "$t placeholder image in the repository's copy: exit 2" 2
    check "$t placeholder image: one line naming EXHIBITOR_TLS_ARTIFACTS_IMAGE" \
        one_line_about EXHIBITOR_TLS_ARTIFACTS_IMAGE

    boot_run "$name" pipe "$d" -h
    expect_rc "$t -h: exit 0" 0
    check "$t -h: explains -b/--bind-directory" grep -q -- '--bind-directory' "$tmp/out"
    check "$t -h: then the tool's --help, through docker" has --help
    check "$t -h: the tool's help follows" help_follows "$tmp/out"

    # A caller who is not root: --user is that user, whatever id(1) of root would say.
    d=$(scratch "boot-$name-nonroot")
    sh_cmd=(dash)
    [ "$name" = busybox ] && sh_cmd=("$busybox" sh)
    : >"$log"
    chmod 666 "$log"
    (cd "$d" && FAKE_DOCKER_RECORD_ONLY=1 PATH=$stand_in:$base_path \
        setpriv --reuid="$owner" --regid="$owner" --clear-groups "${sh_cmd[@]}" -s -- 10.0.0.1 <"$boot") \
        >/dev/null 2>"$tmp/err"
    rc=$?
    check "$t caller uid $owner: --user $owner:$owner (exit $rc)" has --user "$owner:$owner"
done

# ---- static checks --------------------------------------------------------------------------

echo "# shell files"
shell_files=("$repo/entrypoint.sh" "$repo/exhibitor-tls-artifacts.sh" "$repo/scripts/build-static.sh"
    "$here/run.sh" "$here/enter-root.sh" "$here/stand-in/docker")
for f in "${shell_files[@]}"; do
    check "shellcheck ${f#"$repo"/}" shellcheck "$f"
done
for f in "$repo/entrypoint.sh" "$repo/exhibitor-tls-artifacts.sh" "$repo/scripts/build-static.sh"; do
    check "POSIX sh (shellcheck -s sh, dash -n, busybox sh -n): ${f#"$repo"/}" posix_sh_ok "$f"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
