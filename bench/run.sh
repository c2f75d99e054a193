#!/usr/bin/env bash
# The benchmark behind `make bench`: prints one Markdown table (and the machine it ran on) on
# stdout, progress on stderr. Every figure is the median of several runs; the runs of every
# configuration are interleaved, round by round, so that a change in the machine's load over
# the minutes the bench takes falls on all of them alike.
#
# Rows:
#   - this tool (build/exhibitor-tls-artifacts) for 1, 3 and 7 masters, RSA-4096 and ECDSA-P256,
#     with -j 1 and with the default -j (no -j option: the number of online CPUs): wall time,
#     CPU time (user + system), peak RSS, all from wait4(2) (bench/measure.c);
#   - the key-generation floor of each row: the same number of keys of the same type made by
#     GnuTLS alone on the same number of threads (bench/keygen_floor.c), timed the same way,
#     and the row's wall time over it;
#   - "outside keygen": per run, the wall time less the span of that run's own key generation,
#     timed inside it by an LD_PRELOAD library (bench/keygen_shim.c, dynamic binary only): what
#     the tool spends on everything but keys, free of the key-to-key luck that makes the ratio
#     of medians above swing by +-20% and more. The goal against the floor is decided on
#     1 + outside keygen / floor; the plain ratio is shown beside it;
#   - the static binary (build/static/exhibitor-tls-artifacts, after `make static`) for 3
#     masters, if it exists;
#   - the alternatives, where installed, on the same keys for 3 masters (1 + 2n RSA-4096 keys):
#     `openssl genrsa 4096` one key after another and with `xargs -P` (default -j ways), and
#     `keytool -genkeypair -storetype JKS` building the same stores per master;
#   - the binaries' sizes, and the goals of issue 6 as PASS or MISS, from the figures above.
#
# Settings (environment; `make bench BENCH_RUNS=9` passes them through):
#   BENCH_RUNS=5         runs of each RSA row and its floor
#   BENCH_GOAL_RUNS=9    runs of the 3-master RSA-4096 default -j row and its floor, the row
#                        the goal against the floor is about (RSA key generation times vary by
#                        4x and more from key to key)
#   BENCH_EC_RUNS=21     runs of each ECDSA row and its floor
#   BENCH_ALT_RUNS=3     runs of each alternative (openssl, keytool)
#   BENCH_MASTERS="1 3 7"   master counts of this tool's rows
#   BENCH_ALT_MASTERS=3  master counts of the alternatives' rows ("" for none)
#   BENCH_STATIC=1       0: leave out the static binary's rows
#   BENCH_BIN, BENCH_STATIC_BIN   the binaries (default build/..., build/static/...)
#   BENCH_HELPERS=build/bench     where `make bench` built measure, keygen_floor, keygen_shim.so
#   TMPDIR               where the runs write their trees (a real file system: the tool fsyncs)
#
# With the defaults it takes 7 to 9 minutes on 2 cores of a 2020s x86-64 server (AMD EPYC, see
# bench/RESULTS.md), most of it in the RSA rows, their floors and the alternatives; the RSA
# rows' share varies with the luck of RSA key generation.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
# Widths in characters (the table has a few non-ASCII signs), numbers with a decimal point.
export LC_ALL=C.UTF-8

# ---- internal sub-commands: the alternatives, each run as one process to time ----------------

# openssl-seq DIR K: K RSA-4096 keys, one after another.
# openssl-par DIR K P: K RSA-4096 keys, P at a time.
# keytool DIR NODE...: the root and, per node, a truststore, a serverstore and a clientstore.
case "${1:-}" in
openssl-seq)
    for ((i = 1; i <= $3; i++)); do
        openssl genrsa -out "$2/key$i.pem" 4096 2>/dev/null
    done
    exit 0
    ;;
openssl-par)
    seq "$3" | xargs -P "$4" -I{} openssl genrsa -out "$2/key{}.pem" 4096 2>/dev/null
    exit 0
    ;;
keytool)
    dir=$2
    shift 2
    pw=not-relevant-for-security
    rest='O=Mesosphere,L=San Francisco,ST=CA,C=US'
    kt() {
        keytool "$@" -storetype JKS -storepass "$pw" -keypass "$pw" -noprompt >/dev/null 2>&1
    }
    ktc() { # -keypass is refused by the certificate-only commands
        keytool "$@" -storetype JKS -storepass "$pw" -noprompt >/dev/null 2>&1
    }
    gen=(-genkeypair -keyalg RSA -keysize 4096 -sigalg SHA256withRSA -validity 3650)
    kt "${gen[@]}" -keystore "$dir/root.jks" -alias root -dname "CN=root,$rest" -ext bc:c
    ktc -exportcert -keystore "$dir/root.jks" -alias root -file "$dir/root-cert.der"
    ktc -importcert -keystore "$dir/truststore.jks" -alias root-cert -file "$dir/root-cert.der"
    for node in "$@"; do
        nd="$dir/node_${node//./_}"
        san="san=dns:localhost,dns:exhibitor,ip:127.0.0.1,ip:$node"
        mkdir "$nd"
        ktc -importcert -keystore "$nd/truststore.jks" -alias root-cert \
            -file "$dir/root-cert.der"
        kt "${gen[@]}" -keystore "$nd/serverstore.jks" -alias server-cert \
            -dname "CN=server,$rest" -ext "$san" -ext eku=serverAuth
        kt "${gen[@]}" -keystore "$nd/clientstore.jks" -alias client-cert \
            -dname "CN=client,$rest" -ext "$san" -ext eku=clientAuth
    done
    exit 0
    ;;
"") ;;
*)
    echo "usage: bench/run.sh   (settings in the environment; see the top of the file)" >&2
    exit 2
    ;;
esac

# ---- settings --------------------------------------------------------------------------------

RUNS=${BENCH_RUNS:-5}
GOAL_RUNS=${BENCH_GOAL_RUNS:-9}
EC_RUNS=${BENCH_EC_RUNS:-21}
ALT_RUNS=${BENCH_ALT_RUNS:-3}
MASTERS=${BENCH_MASTERS:-1 3 7}
ALT_MASTERS=${BENCH_ALT_MASTERS-3}
STATIC=${BENCH_STATIC:-1}
BIN=${BENCH_BIN:-$top/build/exhibitor-tls-artifacts}
STATIC_BIN=${BENCH_STATIC_BIN:-$top/build/static/exhibitor-tls-artifacts}
HELPERS=${BENCH_HELPERS:-$top/build/bench}
MEASURE=$HELPERS/measure
FLOOR=$HELPERS/keygen_floor
SHIM=$HELPERS/keygen_shim.so
NCPU=$(getconf _NPROCESSORS_ONLN) # what the tool's default -j is

for v in RUNS GOAL_RUNS EC_RUNS ALT_RUNS; do
    if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
        echo "bench: BENCH_$v must be a positive number, not '${!v}'" >&2
        exit 2
    fi
done
for f in "$BIN" "$MEASURE" "$FLOOR" "$SHIM"; do
    if [ ! -f "$f" ]; then
        echo "bench: $f is missing: run \`make bench\`" >&2
        exit 2
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/eta-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$work/results" "$work/out" "$work/bin"

# The binaries as they are now: a rebuild while the bench runs (`make`, `make static`) must not
# change, or take away, what is being measured.
cp "$BIN" "$work/bin/dynamic"
run_bin=$work/bin/dynamic
static_bin=""
if [ "$STATIC" = 1 ] && [ -x "$STATIC_BIN" ] && cp "$STATIC_BIN" "$work/bin/static" 2>/dev/null; then
    static_bin=$work/bin/static
fi

log() { printf 'bench: %s\n' "$*" >&2; }

nodes() { # the first N master addresses
    local i
    for ((i = 2; i < $1 + 2; i++)); do
        printf '10.192.0.%d\n' "$i"
    done
}

# ---- the rows --------------------------------------------------------------------------------
# A row of this tool: "name|binary|key type|masters|-j option (empty: default)|threads|runs".

rows=()
add_row() { rows+=("$1|$2|$3|$4|$5|$6|$7"); }
for type in rsa-4096 ecdsa-p256; do
    for n in $MASTERS; do
        for j in 1 default; do
            if [ "$type" = ecdsa-p256 ]; then
                runs=$EC_RUNS
            elif [ "$n" = 3 ] && [ "$j" = default ] && [ "$GOAL_RUNS" -gt "$RUNS" ]; then
                runs=$GOAL_RUNS
            else
                runs=$RUNS
            fi
            if [ "$j" = 1 ]; then
                add_row "$type-$n-j1" "$run_bin" "$type" "$n" 1 1 "$runs"
            else
                add_row "$type-$n-jd" "$run_bin" "$type" "$n" "" "$NCPU" "$runs"
            fi
        done
    done
done
# The -j 2 goal needs a -j 2 row: the default is that only on two CPUs.
if [ "$NCPU" -gt 2 ]; then
    add_row rsa-4096-7-j2 "$run_bin" rsa-4096 7 2 2 "$RUNS"
fi
have_static=0
if [ -n "$static_bin" ]; then
    have_static=1
    add_row static-rsa-4096-3-jd "$static_bin" rsa-4096 3 "" "$NCPU" "$RUNS"
    add_row static-ecdsa-p256-3-jd "$static_bin" ecdsa-p256 3 "" "$NCPU" "$EC_RUNS"
fi

# One run of a row of this tool, and a check that it wrote the whole tree.
run_tool() {
    local name=$1 bin=$2 type=$3 n=$4 j=$5
    local out=$work/out/artifacts args=(-q -k "$type" -d "$work/out/artifacts")
    local -a addrs
    mapfile -t addrs < <(nodes "$n")
    [ -n "$j" ] && args+=(-j "$j")
    rm -rf "$out"
    local -a env=()
    # The dynamic binary's key generation is timed inside each run too (bench/keygen_shim.c).
    [ "$bin" = "$run_bin" ] &&
        env=("BENCH_KEYGEN_LOG=$work/results/$name.keygen" "LD_PRELOAD=$SHIM")
    if ! env "${env[@]}" "$MEASURE" "$work/results/$name" "$bin" "${args[@]}" "${addrs[@]}"; then
        echo "bench: $bin ${args[*]} ${addrs[*]} failed" >&2
        exit 1
    fi
    local files
    files=$(find "$out" -type f | wc -l)
    if [ "$files" -ne $((2 + 6 * n)) ]; then
        echo "bench: $name wrote $files files, not $((2 + 6 * n))" >&2
        exit 1
    fi
    rm -rf "$out"
}

run_floor() { # type keys threads; preloaded as the tool is, for an even comparison
    local f=$work/results/floor-$1-$2-$3
    if ! BENCH_KEYGEN_LOG=$f.keygen LD_PRELOAD=$SHIM "$MEASURE" "$f" "$FLOOR" "$1" "$2" "$3" \
        >/dev/null; then
        echo "bench: keygen_floor $1 $2 $3 failed" >&2
        exit 1
    fi
}

# ---- the runs --------------------------------------------------------------------------------

read -r -a stat0 < <(head -n 1 /proc/stat)
start=$SECONDS

max_runs=0
for row in "${rows[@]}"; do
    IFS='|' read -r _ _ _ _ _ _ runs <<<"$row"
    [ "$runs" -gt "$max_runs" ] && max_runs=$runs
done
log "this tool: $max_runs rounds; each row and its floor run in every round up to its count"
for ((round = 1; round <= max_runs; round++)); do
    log "round $round/$max_runs ($((SECONDS - start)) s so far)"
    declare -A floor_done=()
    for row in "${rows[@]}"; do
        IFS='|' read -r name bin type n j threads runs <<<"$row"
        [ "$round" -le "$runs" ] || continue
        keys=$((1 + 2 * n))
        fkey=$type-$keys-$threads
        # Alternate which goes first, so neither always runs on a warmer (or busier) machine.
        if [ $((round % 2)) -eq 0 ] && [ -z "${floor_done[$fkey]:-}" ]; then
            run_floor "$type" "$keys" "$threads"
            floor_done[$fkey]=1
        fi
        run_tool "$name" "$bin" "$type" "$n" "$j"
        if [ -z "${floor_done[$fkey]:-}" ]; then
            run_floor "$type" "$keys" "$threads"
            floor_done[$fkey]=1
        fi
    done
    unset floor_done
done

have_openssl=0
have_keytool=0
command -v openssl >/dev/null 2>&1 && have_openssl=1
command -v keytool >/dev/null 2>&1 && have_keytool=1
if [ -n "$ALT_MASTERS" ] && [ $((have_openssl + have_keytool)) -gt 0 ]; then
    for ((round = 1; round <= ALT_RUNS; round++)); do
        log "alternatives: round $round/$ALT_RUNS ($((SECONDS - start)) s so far)"
        for n in $ALT_MASTERS; do
            keys=$((1 + 2 * n))
            d=$work/out/alt
            if [ "$have_openssl" = 1 ]; then
                rm -rf "$d" && mkdir "$d"
                "$MEASURE" "$work/results/openssl-seq-$n" "$self" openssl-seq "$d" "$keys"
                rm -rf "$d" && mkdir "$d"
                "$MEASURE" "$work/results/openssl-par-$n" "$self" openssl-par "$d" "$keys" "$NCPU"
            fi
            if [ "$have_keytool" = 1 ]; then
                rm -rf "$d" && mkdir "$d"
                mapfile -t addrs < <(nodes "$n")
                "$MEASURE" "$work/results/keytool-$n" "$self" keytool "$d" "${addrs[@]}"
                if [ "$(find "$d" -name '*store.jks' | wc -l)" -ne $((1 + 3 * n)) ]; then
                    echo "bench: keytool did not make the stores" >&2
                    exit 1
                fi
            fi
            rm -rf "$d"
        done
    done
fi

elapsed=$((SECONDS - start))
read -r -a stat1 < <(head -n 1 /proc/stat)

# ---- figures ---------------------------------------------------------------------------------

median() { # of the numbers on stdin
    sort -g | awk '{ a[NR] = $1 } END {
        if (NR == 0) exit 1
        if (NR % 2) printf "%.6f\n", a[(NR + 1) / 2]
        else printf "%.6f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# fig FILE wall|cpu|rss|min|max|n
fig() {
    case $2 in
    wall) awk '{ print $1 }' "$1" | median ;;
    cpu) awk '{ print $2 + $3 }' "$1" | median ;;
    rss) awk '{ print $4 / 1024 }' "$1" | median ;;
    min) sort -g "$1" | awk 'NR == 1 { print $1 }' ;;
    max) sort -g "$1" | awk '{ m = $1 } END { print m }' ;;
    maxrss) awk '$4 > m { m = $4 } END { printf "%.1f\n", m / 1024 }' "$1" ;;
    n) wc -l <"$1" | tr -d ' ' ;;
    esac
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# The median time a row's runs spent outside key generation: each run's wall time less the span
# of its key generation, timed inside the run; empty when that is not known for every run.
outside() { # results file, keys a run makes
    local k=$1.keygen
    [ -f "$k" ] && [ "$(wc -l <"$k")" -eq "$(wc -l <"$1")" ] || return 0
    awk -v keys="$2" '$3 != keys { bad = 1 } END { exit bad }' "$k" || return 0
    paste -d ' ' "$1" "$k" | awk '{ print $1 - $6 }' | median
}
cmp() { awk "BEGIN { exit !($1) }"; }

table=()
add() { # one table row from its cells
    local IFS='|'
    table+=("$*")
}
jlabel() { [ -n "$1" ] && echo "$1" || echo "$NCPU (default)"; }
plural() { [ "$1" = 1 ] && echo "1 master" || echo "$1 masters"; }

# The tool's rows.
for row in "${rows[@]}"; do
    IFS='|' read -r name bin type n j threads runs <<<"$row"
    r=$work/results/$name
    fl=$work/results/floor-$type-$((1 + 2 * n))-$threads
    wall=$(fig "$r" wall)
    fwall=$(fig "$fl" wall)
    out=$(outside "$r" $((1 + 2 * n)))
    [ -n "$out" ] && out=$(calc %.3f "$out")
    who="this tool"
    [ "$bin" = "$static_bin" ] && who="static binary"
    add "$who, $type, $(plural "$n")" "$((1 + 2 * n))" "$(jlabel "$j")" "$(fig "$r" n)" \
        "$(calc %.3f "$wall") ($(calc %.3f "$(fig "$r" min)")–$(calc %.3f "$(fig "$r" max)"))" \
        "$(calc %.3f "$(fig "$r" cpu)")" "$(calc %.1f "$(fig "$r" rss)")" "${out:-n/a}" \
        "$(calc %.3f "$fwall") ($(fig "$fl" n))" "$(calc %.2f "$wall / $fwall")×" ""
done

# The alternatives, against the floor and this tool's wall time on the same keys and cores.
for n in $ALT_MASTERS; do
    keys=$((1 + 2 * n))
    alts=()
    [ "$have_openssl" = 1 ] && alts+=("openssl-seq|openssl genrsa 4096, one at a time|1|1"
        "openssl-par|openssl genrsa 4096, xargs -P $NCPU||$NCPU")
    [ "$have_keytool" = 1 ] && alts+=("keytool|keytool -genkeypair, JKS stores (lower bound)|1|1")
    for alt in "${alts[@]}"; do
        IFS='|' read -r key label j threads <<<"$alt"
        r=$work/results/$key-$n
        fl=$work/results/floor-rsa-4096-$keys-$threads
        ours=$work/results/rsa-4096-$n-j${j:-d}
        wall=$(fig "$r" wall)
        fcell=""
        ratio=""
        vs=""
        if [ -f "$fl" ]; then
            fcell="$(calc %.3f "$(fig "$fl" wall)") ($(fig "$fl" n))"
            ratio="$(calc %.2f "$wall / $(fig "$fl" wall)")×"
        fi
        [ -f "$ours" ] && vs="$(calc %.1f "$wall / $(fig "$ours" wall)")× this tool's wall at -j $(jlabel "$j")"
        add "$label, $(plural "$n")" "$keys" "$(jlabel "$j")" "$(fig "$r" n)" \
            "$(calc %.3f "$wall") ($(calc %.3f "$(fig "$r" min)")–$(calc %.3f "$(fig "$r" max)"))" \
            "$(calc %.3f "$(fig "$r" cpu)")" "$(calc %.1f "$(fig "$r" rss)")" "" "$fcell" "$ratio" "$vs"
    done
done

# Sizes.
size_kib() { calc %.1f "$(stat -c %s "$1") / 1024"; }
strip -o "$work/stripped" "$run_bin" 2>/dev/null || cp "$run_bin" "$work/stripped"
nlibs=$(ldd "$run_bin" 2>/dev/null | grep -c '=>' || true)
add "size: ${BIN#"$top"/}" "" "" "" "" "" "" "" "" "" \
    "$(size_kib "$run_bin") KiB ($(size_kib "$work/stripped") KiB stripped); dynamic, $nlibs shared libraries"
if [ -n "$static_bin" ]; then
    add "size: ${STATIC_BIN#"$top"/}" "" "" "" "" "" "" "" "" "" \
        "$(size_kib "$static_bin") KiB ($(file -b "$static_bin" | grep -oE 'static(-pie)? linked|statically linked' || echo static))"
else
    add "size: ${STATIC_BIN#"$top"/}" "" "" "" "" "" "" "" "" "" \
        "$([ "$STATIC" = 1 ] && echo 'not there (make static)' || echo 'left out (BENCH_STATIC=0)')"
fi

# The goals.
verdict() { if cmp "$1"; then echo PASS; else echo MISS; fi; }
r3=$work/results/rsa-4096-3-jd
if [ -f "$r3" ]; then
    # Decided on 1 + (time outside key generation, timed in the same runs) / floor: the plain
    # ratio of medians carries the floor's and the runs' own key-generation luck, easily +-20%
    # with a dozen runs. It is shown beside it.
    f3=$(fig "$work/results/floor-rsa-4096-7-$NCPU" wall)
    raw=$(calc %.3f "$(fig "$r3" wall) / $f3")
    o3=$(outside "$r3" 7)
    if [ -n "$o3" ]; then
        x=$(calc %.4f "1 + $o3 / $f3")
        add "GOAL 3 masters RSA-4096 ≤ 1.15× floor" 7 "$(jlabel "")" "" "" "" "" \
            "$(calc %.3f "$o3")" "$(calc %.3f "$f3")" "${raw}×" \
            "$(verdict "$x <= 1.15"): 1 + outside ÷ floor = $(calc %.3f "$x")×"
    else
        add "GOAL 3 masters RSA-4096 ≤ 1.15× floor" 7 "$(jlabel "")" "" "" "" "" "" \
            "$(calc %.3f "$f3")" "${raw}×" "$(verdict "$raw <= 1.15"): wall ÷ floor"
    fi
fi
e3=$work/results/ecdsa-p256-3-jd
if [ -f "$e3" ]; then
    ms=$(calc %.1f "$(fig "$e3" wall) * 1000")
    add "GOAL 3 masters ECDSA-P256 < 50 ms" 7 "$(jlabel "")" "" "$ms ms" "" "" "" "" "" \
        "$(verdict "$ms < 50")"
fi
maxrss=0
for row in "${rows[@]}"; do
    IFS='|' read -r name _ <<<"$row"
    m=$(fig "$work/results/$name" maxrss)
    cmp "$m > $maxrss" && maxrss=$m
done
add "GOAL peak RSS < 16 MiB (highest of every run above)" "" "" "" "" "" "$maxrss" "" "" "" \
    "$(verdict "$maxrss < 16")"
r7a=$work/results/rsa-4096-7-j1
r7b=$work/results/rsa-4096-7-j2
[ "$NCPU" = 2 ] && r7b=$work/results/rsa-4096-7-jd
if [ -f "$r7a" ] && [ -f "$r7b" ]; then
    s=$(calc %.2f "$(fig "$r7a" wall) / $(fig "$r7b" wall)")
    fs=$(calc %.2f "$(fig "$work/results/floor-rsa-4096-15-1" wall) / $(fig "$work/results/floor-rsa-4096-15-2" wall)")
    add "GOAL 7 masters RSA-4096: -j 2 ≥ 1.6× faster than -j 1" 15 "1 vs 2" "" "" "" "" "" "" "" \
        "$(verdict "$s >= 1.6"): ${s}× (the floor's: ${fs}×)"
elif [ "$NCPU" -lt 2 ]; then
    add "GOAL 7 masters RSA-4096: -j 2 ≥ 1.6× faster than -j 1" 15 "" "" "" "" "" "" "" "" \
        "MISS (one CPU: cannot be shown here)"
fi

# ---- output ----------------------------------------------------------------------------------

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
gnutls_version=$(pkg-config --modversion gnutls 2>/dev/null || echo unknown)
# How busy the machine was with other work while the bench ran: its busy CPU time (from
# /proc/stat) less the bench's own (bash's `times`: the children it waited for).
hz=$(getconf CLK_TCK)
busy() { echo $(($2 + $3 + $4 + $7 + $8)); } # user nice system irq softirq
busy_s=$(calc %.1f "($(busy "${stat1[@]}") - $(busy "${stat0[@]}")) / $hz")
steal_s=$(calc %.1f "(${stat1[8]} - ${stat0[8]}) / $hz")
times >"$work/times" # in this shell: in $(...) it would be a subshell's
ours_s=$(awk 'NR == 2 {
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' \
    "$work/times")
others=$(calc %.0f "100 * ($busy_s - $ours_s) / ($elapsed * $NCPU + 0.001)")
[ "$others" -lt 0 ] && others=0

echo "## exhibitor-tls-artifacts benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- machine: $NCPU online CPUs ($cpu_model), $mem memory, Linux $(uname -r), $(uname -m)"
echo "- GnuTLS $gnutls_version (pkg-config); $(openssl version 2>/dev/null || echo 'no openssl');" \
    "$(java -version 2>&1 | head -n 1 || echo 'no java')"
alt_runs=none
[ -n "$ALT_MASTERS" ] && alt_runs=$ALT_RUNS
echo "- runs: RSA $RUNS (3-master default -j row $GOAL_RUNS), ECDSA $EC_RUNS," \
    "alternatives $alt_runs;" \
    "bench wall time $elapsed s"
echo "- other load while the bench ran: ${others}% of the machine's CPU time was used by" \
    "other processes (VM steal ${steal_s} s)"
if [ "$others" -gt 10 ]; then
    echo "- WARNING: the machine was not idle; wall times (and the goals decided on them) may" \
        "suffer from it, the -j rows most: run the bench again on an idle machine"
fi
echo
header=("run" "keys" "-j" "runs" "wall s: median (min–max)" "CPU s" "peak RSS MiB"
    "outside keygen s" "floor s (runs)" "wall ÷ floor" "result")
widths=()
for ((c = 0; c < ${#header[@]}; c++)); do
    widths[c]=${#header[c]}
done
for line in "${table[@]}"; do
    IFS='|' read -r -a cells <<<"$line"
    for ((c = 0; c < ${#header[@]}; c++)); do
        cell=${cells[c]:-}
        [ ${#cell} -gt "${widths[c]}" ] && widths[c]=${#cell}
    done
done
print_row() { # the cells
    local c cell out="|" v=("$@")
    for ((c = 0; c < ${#header[@]}; c++)); do
        cell=${v[c]:-}
        out+=" $cell$(printf '%*s' $((widths[c] - ${#cell})) '') |"
    done
    echo "$out"
}
print_row "${header[@]}"
rule=()
for ((c = 0; c < ${#header[@]}; c++)); do
    rule[c]=$(printf '%*s' "${widths[c]}" '' | tr ' ' '-')
done
print_row "${rule[@]}"
for line in "${table[@]}"; do
    IFS='|' read -r -a cells <<<"$line"
    print_row "${cells[@]}"
done
echo
echo "The floor is GnuTLS generating the same keys on the same number of threads and nothing"
echo "else (bench/keygen_floor.c), timed like the tool, process start included. \"Outside"
echo "keygen\" is, per run, the wall time less the span of that run's own key generation"
echo "(timed inside it, bench/keygen_shim.c): the time the tool spends on everything else."
if [ -n "$ALT_MASTERS" ] && [ "$have_keytool" = 1 ]; then
    echo "keytool: self-signed leaf stores (signing them with the root would start Java 4 more"
    echo "times per store), no PEM files: a lower bound for a tool built on keytool."
fi
if [ "$have_static" = 1 ]; then
    echo "The static binary's rows use the same floor: Debian's shared GnuTLS, nettle and GMP."
elif [ "$STATIC" = 1 ]; then
    echo "The static binary was not there: run \`make static\` for its rows."
fi
log "done in $elapsed s"
