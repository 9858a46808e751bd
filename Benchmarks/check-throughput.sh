#!/usr/bin/env bash
# Real-server check throughput: TCP_CHECK and HTTP_GET attempts a second from one process, with
# its CPU time (getrusage) and RSS, against a page server in a child process on loopback.
# Then tries keepalived's checker process (-C) on a config with the same number of real servers.
# Usage: Benchmarks/check-throughput.sh [seconds] [rate] [servers]   (prints numbers; asserts nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
rate=${2:-10000}
servers=${3:-10000}
scratch=${SCRATCH_PATH:-.build}

swift build -c release --scratch-path "$scratch" --product check-throughput >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/check-throughput

# Enough descriptors for the checks in flight. Each attempt in flight holds a socket, and the
# benchmark caps them (--max-inflight, default 8000): at the descriptor limit libdispatch's
# thread-pool monitor traps (SIGILL) in any Swift process, so checkd must bound them too.
ulimit -n 65536 2>/dev/null || true

for kind in tcp http; do
    out=$("$bin" "$kind" --rate "$rate" --seconds "$seconds" --servers "$servers")
    echo "$out"
    echo
    # Benchmarks/report.sh collects every benchmark's rows into one table; keepalived's checker
    # cannot run on a kernel without IPVS, so its column stays n/a (see below).
    if [ -n "${BENCH_ROWS:-}" ]; then
        name=$([ "$kind" = http ] && echo HTTP_GET || echo TCP_CHECK)
        rate_done=$(awk '/^checks\/s:/ { print $2 }' <<<"$out")
        cpu=$(awk -F'= ' '/^CPU:/ { print $2 }' <<<"$out" | sed 's/ of one core//')
        printf '%s, %s real servers, target %s/s: checks/s and CPU\t%s/s, %s of a core\tn/a (no IPVS here)\tn/a\n' \
            "$name" "$servers" "$rate" "$rate_done" "$cpu" >>"$BENCH_ROWS"
    fi
done

# keepalived beside it: the same number of TCP_CHECKs with delay_loop 1 (= $servers checks/s).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/keepalived.conf" "$servers" <<'PY'
import sys
path, count = sys.argv[1], int(sys.argv[2])
with open(path, "w") as out:
    out.write("global_defs {\n  router_id bench\n}\nvirtual_server 10.0.0.1 80 {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n")
    for i in range(count):
        out.write(f"  real_server 127.1.{i // 250}.{i % 250 + 1} 80 {{\n    TCP_CHECK {{\n      connect_timeout 2\n    }}\n  }}\n")
    out.write("}\n")
PY
echo "keepalived -C (checkers only), $servers TCP_CHECKs with delay_loop 1, for $seconds s:"
if ! command -v keepalived >/dev/null; then
    echo "  not run: keepalived is not installed"
    exit 0
fi
log="$work/keepalived.log"
timeout -s KILL $((seconds + 5)) keepalived -C -n -l -D -f "$work/keepalived.conf" \
    -p "$work/k.pid" -c "$work/c.pid" >"$log" 2>&1 &
keepalived_job=$!
sleep "$seconds"
if grep -q "Can't initialize ipvs" "$log"; then
    echo "  not run: keepalived's checker process needs the kernel's IPVS and exits without it:"
    grep -E "ipvs|FATAL" "$log" | sed 's/^/    /' | head -3
    echo "  (this host kernel has no ip_vs; under the qemu IPVS VM the CPU is emulated, so its numbers would not compare)"
else
    checker=$(cat "$work/c.pid" 2>/dev/null || true)
    if [ -n "$checker" ] && [ -r "/proc/$checker/stat" ]; then
        read -r utime stime < <(awk '{print $14, $15}' "/proc/$checker/stat")
        hz=$(getconf CLK_TCK)
        awk -v u="$utime" -v s="$stime" -v hz="$hz" -v t="$seconds" \
            'BEGIN { printf "  CPU: %.2f s user + %.2f s system = %.1f%% of one core\n", u/hz, s/hz, (u+s)/hz/t*100 }'
        grep VmRSS "/proc/$checker/status" | sed 's/^/  /'
    else
        echo "  keepalived's checker process is not running; its log:"
        tail -5 "$log" | sed 's/^/    /'
    fi
fi
# The parent keepalived, then the process `timeout` started it as (both ours, by pid).
[ -s "$work/k.pid" ] && kill -KILL "$(cat "$work/k.pid")" 2>/dev/null || true
kill -KILL "$keepalived_job" 2>/dev/null || true
wait 2>/dev/null || true
