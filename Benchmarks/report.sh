#!/usr/bin/env bash
# One report of every benchmark, keepalive beside Debian's keepalived measured in the same run,
# each row with its ratio (ours / keepalived: below 1 is better for times and memory, above 1 for
# throughput). Re-run it with one command:
#
#   sudo Benchmarks/report.sh [--quick] [--out FILE] [--scratch-path DIR]
#
# It builds the release binaries it needs (into DIR, default .build), then runs config-parse.sh,
# vrrp-failover.sh, dbus-benchmark, check-throughput.sh, checkd-load.sh, ipvs-apply.sh and
# checker-vm.sh (the last two boot the IPVS VM; set IPVS_VM_SCRATCH to choose where its static driver is built). A
# benchmark that cannot run here says why and leaves its rows out; nothing is asserted.
# --quick runs every benchmark with few repetitions, to check the report works (4.5 minutes on
# 2 cores once built, most of it the IPVS VM and the v2 failovers); the full run took 10 (7.5 of it
# the failovers: 5 v2 and 20 v3 runs per mode and daemon).
# The output names the repetitions, the machine, and the load average at the start and the end
# (a busy machine makes noisy numbers).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
quick=0
out=""
scratch=.build
while (($#)); do
    case "$1" in
        --quick) quick=1; shift ;;
        --out) out=${2:?--out needs a file}; shift 2 ;;
        --scratch-path) scratch=${2:?--scratch-path needs a directory}; shift 2 ;;
        *) echo "usage: $0 [--quick] [--out FILE] [--scratch-path DIR]" >&2; exit 2 ;;
    esac
done
((EUID == 0)) || { echo "needs root: namespaces, raw sockets and the VM" >&2; exit 1; }

# Repetitions: full, or --quick.
if ((quick)); then
    v2_runs=1 v3_runs=2 parse_runs=1 dbus_messages=2000 check_seconds=3 load_seconds=5
else
    v2_runs=5 v3_runs=20 parse_runs=3 dbus_messages=10000 check_seconds=10 load_seconds=20
fi

rows=$(mktemp)
logs=$(mktemp -d)
trap 'rm -rf "$rows" "$logs"' EXIT
export BENCH_ROWS=$rows
load() { cut -d' ' -f1-3 /proc/loadavg; }
started=$(date +%s)
load_at_start=$(load)

cd "$repo" || exit 1
echo "report: building release binaries in $scratch" >&2
for product in vrrpd checkd kactl ipvsd dbus-benchmark check-throughput; do
    swift build -c release --scratch-path "$scratch" --product "$product" >>"$logs/build.log" 2>&1 ||
        { tail -30 "$logs/build.log"; exit 1; }
done
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
built=$(date +%s)

run() { # name command...: runs one benchmark, keeping its full output for the end
    local name=$1 began=$SECONDS
    shift
    echo "report: $name" >&2
    if ! "$@" >"$logs/$name.log" 2>&1; then
        echo "report: $name did not finish; its rows are missing (log below)" >&2
        tail -15 "$logs/$name.log" >&2
    fi
    echo "report: $name took $((SECONDS - began)) s" >&2
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
row() { printf '%s\t%s\t%s\t%s\n' "$@" >>"$rows"; }

run config-parse env KACTL="$bin/kactl" "$here/config-parse.sh" "$parse_runs"
run vrrp-failover "$here/vrrp-failover.sh" --runs "$v2_runs" --v3-runs "$v3_runs" --vrrpd "$bin/vrrpd" \
    --kactl "$bin/kactl"

run dbus "$bin/dbus-benchmark" "$dbus_messages"
# dbus-benchmark has no keepalived counterpart (keepalived's D-Bus only answers root's calls and
# has no signal we can time the same way): its rows carry n/a.
awk -v n="$dbus_messages" '/^method round trip|^signal delivery/ {
        split($0, f, /  +/); printf "D-Bus %s, %d messages: median / p99\t%s / %s µs\tn/a\tn/a\n", f[1], n, f[2], f[3]
    }' "$logs/dbus.log" >>"$rows"

run check-throughput env SCRATCH_PATH="$scratch" "$here/check-throughput.sh" "$check_seconds" 10000 10000
run checkd-load "$here/checkd-load.sh" "$load_seconds" 10000 --checkd "$bin/checkd"

# The IPVS VM: ipvsd and keepalived's checker each apply 10,000 destinations to an empty table,
# then a reload changes 1% of the weights; the IPVS module's own requests and `ipvsadm -R` give
# the floor. Times are in an emulated VM (TCG): compare them with each other only.
run ipvs-apply env IPVSD="$bin/ipvsd" "$here/ipvs-apply.sh"
bench() { awk -v name="$1" '$1 == name { print $2 }' "$logs/ipvs-apply.log" | head -1; }
if [ -n "$(bench ipvsd-apply)" ]; then
    row "IPVS apply, 10,000 destinations, empty table (VM): ipvsd / keepalived --check" \
        "$(bench ipvsd-apply) ms" "$(bench keepalived-apply) ms" "$(ratio "$(bench ipvsd-apply)" "$(bench keepalived-apply)")"
    row "IPVS reload changing 1% of the weights (VM): ipvsd / keepalived --check" \
        "$(bench ipvsd-reweigh) ms" "$(bench keepalived-reweigh) ms" \
        "$(ratio "$(bench ipvsd-reweigh)" "$(bench keepalived-reweigh)")"
    row "IPVS apply, same table, floor: one netlink request per entry / ipvsadm -R (VM)" \
        "$(bench ipvs-module-apply) ms" "$(bench ipvsadm-R-apply) ms" \
        "$(ratio "$(bench ipvs-module-apply)" "$(bench ipvsadm-R-apply)")"
    row "RSS ipvsd holding 10,000 destinations (keepalived: parent + checker) (VM)" \
        "$(awk -v k="$(bench ipvsd-rss)" 'BEGIN { printf "%.1f MiB", k / 1024 }')" \
        "$(awk -v k="$(bench keepalived-rss)" 'BEGIN { if (k != "") printf "%.1f MiB", k / 1024; else print "n/a" }')" \
        "$(ratio "$(bench ipvsd-rss)" "$(bench keepalived-rss)")"
fi
# checkd beside keepalived's checker under the same TCP_CHECK load in the VM (1,000 servers: in
# an emulated VM neither reaches more).
run checker-vm "$here/checker-vm.sh" 1000 "$load_seconds" --checkd "$bin/checkd"
load_at_end=$(load)
finished=$(date +%s)

{
    echo "keepalive benchmark report, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores," \
        "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)," \
        "$(. /etc/os-release && echo "$PRETTY_NAME"), $(swift --version 2>&1 | head -1 | sed 's/ (.*//')," \
        "$(keepalived --version 2>&1 | head -1)"
    echo "load average (1, 5, 15 min): $load_at_start at the start, $load_at_end at the end"
    echo "repetitions$( ((quick)) && echo " (--quick)"): failover $v2_runs runs at v2 and $v3_runs at v3 per mode;" \
        "config parse median of $parse_runs; D-Bus $dbus_messages messages of each kind;" \
        "checks ${check_seconds} s (check-throughput) and ${load_seconds} s (checkd-load); IPVS one VM run"
    echo "took $((finished - built)) s after a $((built - started)) s build"
    echo
    echo "| measure | keepalive | keepalived | ratio |"
    echo "| --- | ---: | ---: | ---: |"
    awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$rows"
} | tee ${out:+"$out"}
