#!/usr/bin/env bash
# checkd beside Debian's keepalived checker under the same TCP_CHECK load, in the qemu VM of
# scripts/ipvs-vm (keepalived's checker exits on the host, which has no IPVS): SERVERS real
# servers at delay_loop 1 on the VM's loopback, half accepting, half refused, each checker
# measured for SECONDS (Tests/IPVSVM/stages/bench-checkers.sh). Prints both side by side and
# writes a BENCH_ROWS row when set (Benchmarks/report.sh).
#
# usage: sudo Benchmarks/checker-vm.sh [SERVERS=1000] [SECONDS=20] [--checkd PATH]
# The VM is emulated (TCG, one vCPU): 10,000 servers a second is beyond it, hence 1,000 by
# default. Its numbers compare the two checkers with each other, not with a real host.
set -euo pipefail
cd "$(dirname "$0")/.."
servers=1000 seconds=20 checkd=""
args=()
while (($#)); do
    case "$1" in
        --checkd) checkd=${2:?}; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
[ ${#args[@]} -ge 1 ] && servers=${args[0]}
[ ${#args[@]} -ge 2 ] && seconds=${args[1]}
((EUID == 0)) || { echo "needs root: the VM's rig" >&2; exit 1; }
if [ -z "$checkd" ]; then
    scratch=${CHECKD_SCRATCH:-.build}
    swift build -c release --scratch-path "$scratch" --product checkd >/dev/null
    checkd="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/checkd"
fi
command -v keepalived >/dev/null || { echo "keepalived is not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/accept-close" Benchmarks/fixtures/accept-close.c
echo "CHECKER_SERVERS=$servers CHECKER_SECONDS=$seconds source /ipvs-vm/stages/bench-checkers.sh" \
    >"$work/bench-checkers.sh"
echo "host: $(uptime | sed 's/^ *//')"
VM_TIMEOUT=${VM_TIMEOUT:-$((300 + 4 * seconds))} scripts/ipvs-vm --no-driver --with "$checkd" \
    --with "$(command -v keepalived)" --with "$work/accept-close" --stage "$work/bench-checkers.sh" \
    --console "$work/console.log" >"$work/vm.log" 2>&1 || { tail -40 "$work/vm.log"; exit 1; }
grep -a ' log: ' "$work/console.log" | tr -d '\r' || true
grep -E '^FAIL|^ipvs-vm: VM ran' "$work/vm.log" || true

field() { # checker key
    grep "^BENCH checker-vm $1 " "$work/vm.log" | tr ' ' '\n' | awk -F= -v key="$2" '$1 == key { print $2 }'
}
printf '%-28s %12s %12s\n' "TCP_CHECK, $servers servers" checkd keepalived
for key in checks_per_s accepted_per_s cpu_pct us_per_check rss_mib; do
    printf '%-28s %12s %12s\n' "$key" "$(field checkd "$key")" "$(field keepalived "$key")"
done
ours=$(field checkd us_per_check) theirs=$(field keepalived us_per_check)
if [ -n "${BENCH_ROWS:-}" ] && [ -n "$ours" ] && [ -n "$theirs" ]; then
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    printf 'TCP_CHECK in the IPVS VM, %s servers at delay_loop 1: CPU per check (checks/s)\t%s µs (%s/s)\t%s µs (%s/s)\t%s\n' \
        "$servers" "$ours" "$(field checkd checks_per_s)" "$theirs" "$(field keepalived checks_per_s)" "$ratio" \
        >>"$BENCH_ROWS"
fi
