#!/bin/bash
# A master added later, from the same root: make a tree for two masters keeping the root key,
# issue a third master's directory from that root with --ca-cert/--ca-key, put the three node
# directories side by side as they would be on the cluster, and run the whole interop suite on
# it. Every master, old and new, must reach every other.
#
# usage: grown-tree.sh   (EXHIBITOR_TLS_ARTIFACTS_BIN: the generator; INTEROP_GEN_ARGS passed on)
set -euo pipefail

bin=${EXHIBITOR_TLS_ARTIFACTS_BIN:?set EXHIBITOR_TLS_ARTIFACTS_BIN to the generator}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
read -ra gen_args <<<"${INTEROP_GEN_ARGS:-}"

"$bin" -q "${gen_args[@]}" --keep-ca-key -d "$work/first" 127.0.0.2 127.0.0.3
"$bin" -q "${gen_args[@]}" -d "$work/later" --ca-cert "$work/first/root-cert.pem" \
    --ca-key "$work/first/root-key.pem" 127.0.0.4
# The root key stays with the operator, never in the tree that goes to the masters.
mv "$work/first/root-key.pem" "$work/root-key.pem"
cmp "$work/first/root-cert.pem" "$work/later/root-cert.pem"
cp -a "$work/later/node_127_0_0_4" "$work/first/"

echo "== interop on a tree grown by --ca-cert: 127.0.0.4 was issued after 127.0.0.2 and .3"
"$here/run.sh" "$work/first"
