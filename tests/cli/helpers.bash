# shellcheck shell=bash disable=SC2034,SC2154 # loaded by bats: it sets status and output, the tests use BIN and STOREPASS
# Shared by the CLI tests: the binary under test and a scratch directory per test.

BIN=${EXHIBITOR_TLS_ARTIFACTS_BIN:?set EXHIBITOR_TLS_ARTIFACTS_BIN to the binary under test}
STOREPASS=not-relevant-for-security

scratch() {
    SCRATCH=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/cli.XXXXXX")
    cd "$SCRATCH" || return 1
}

# Fails, showing the output, unless the last `run` exited with $1.
expect_status() {
    if [ "$status" -ne "$1" ]; then
        printf 'expected exit %s, got %s; output:\n%s\n' "$1" "$status" "$output" >&2
        return 1
    fi
}

# Fails unless the last `run`'s output contains $1.
expect_output() {
    case "$output" in
    *"$1"*) ;;
    *)
        printf 'output lacks "%s":\n%s\n' "$1" "$output" >&2
        return 1
        ;;
    esac
}

# Fails unless the directory holds nothing at all (no target, no staging directory).
expect_empty_dir() {
    local left
    left=$(ls -A "$1")
    if [ -n "$left" ]; then
        printf 'expected %s to be empty, found:\n%s\n' "$1" "$left" >&2
        return 1
    fi
}

require() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "required tool '$1' is not installed (run scripts/install-deps.sh)" >&2
        return 1
    }
}
