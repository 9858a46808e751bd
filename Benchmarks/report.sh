#!/usr/bin/env bash
# One report of every benchmark, keepalive beside Debian's keepalived measured in the same run,
# each row with its ratio (ours / keepalived; below 1 is better for times and memory, above 1 for
# throughput). Re-run it with one command:
#
#   sudo Benchmarks/report.sh [--runs N] [--out FILE]
#
# It builds release binaries, then runs config-parse.sh, vrrp-failover.sh, dbus-benchmark,
# check-throughput.sh, checkd-load.sh, ipvs-apply.sh and checker-vm.sh (the last two boot the
# IPVS VM). A benchmark that cannot run here prints why and leaves its rows out; nothing is
# asserted.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
runs=5
out=""
while (($#)); do
    case "$1" in
        --runs) runs=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--out FILE]" >&2; exit 2 ;;
    esac
done
((EUID == 0)) || { echo "needs root: namespaces, raw sockets and the VM" >&2; exit 1; }

rows=$(mktemp)
logs=$(mktemp -d)
trap 'rm -rf "$rows" "$logs"' EXIT
export BENCH_ROWS=$rows

(cd "$repo" && swift build -c release >"$logs/build.log" 2>&1) || { tail -30 "$logs/build.log"; exit 1; }
bin=$(cd "$repo" && swift build -c release --show-bin-path)

run() { # name command...: runs one benchmark, keeping its full output for the end
    local name=$1
    shift
    echo "report: $name" >&2
    if ! "$@" >"$logs/$name.log" 2>&1; then
        echo "report: $name did not finish; its rows are missing (log below)" >&2
        tail -15 "$logs/$name.log" >&2
    fi
}

run config-parse "$here/config-parse.sh" 3
run vrrp-failover "$here/vrrp-failover.sh" --runs "$runs" --vrrpd "$bin/vrrpd"
run dbus "$bin/dbus-benchmark" 10000
# dbus-benchmark has no keepalived counterpart (keepalived's D-Bus only answers root's calls and
# has no signal we can time the same way): its rows carry n/a.
awk '/^method round trip|^signal delivery/ {
        n = split($0, f, /  +/); printf "D-Bus %s: median / p99\t%s / %s µs\tn/a\tn/a\n", f[1], f[2], f[3]
    }' "$logs/dbus.log" >>"$rows"
[ -x "$here/check-throughput.sh" ] && run check-throughput "$here/check-throughput.sh"
run checkd-load "$here/checkd-load.sh" 20 10000 --checkd "$bin/checkd"
[ -x "$here/ipvs-apply.sh" ] && run ipvs-apply "$here/ipvs-apply.sh"
[ -x "$here/checker-vm.sh" ] && run checker-vm "$here/checker-vm.sh" 1000 20 --checkd "$bin/checkd"

{
    echo "keepalive benchmark report, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
        "$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r), $(swift --version 2>&1 | head -1 | sed 's/ (.*//')," \
        "$(keepalived --version 2>&1 | head -1)"
    echo
    echo "| measure | keepalive | keepalived | ratio |"
    echo "| --- | ---: | ---: | ---: |"
    awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$rows"
} | tee ${out:+"$out"}
