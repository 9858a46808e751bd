#!/usr/bin/env bash
# checkd under keepalived's classic load: 10,000 real servers with TCP_CHECK at delay_loop 1 on
# loopback, half of them accepting (port 80) and half refusing (port 81), in a namespace of its
# own with a private bus. Counts the checks from the SYNs checkd sends (nftables counters), so
# nothing in checkd is instrumented; reports checks/s, checkd's CPU and RSS, and the share of
# the 10,000-a-second rounds that happened.
#
# usage: sudo Benchmarks/checkd-load.sh [SECONDS=20] [SERVERS=10000] [--checkd PATH]
# Prints numbers, asserts nothing. keepalived's checker cannot run here (it exits without IPVS).
set -uo pipefail
seconds=20 servers=10000 checkd=""
args=()
while (($#)); do
    case "$1" in
        --checkd) checkd=${2:?}; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
[ ${#args[@]} -ge 1 ] && seconds=${args[0]}
[ ${#args[@]} -ge 2 ] && servers=${args[1]}
((EUID == 0)) || { echo "needs root: a network namespace and nftables" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
if [ -z "$checkd" ]; then
    (cd "$repo" && swift build -c release --product checkd >/dev/null) || exit 1
    checkd="$(cd "$repo" && swift build -c release --show-bin-path)/checkd"
fi

ns="kacl-$$"
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" nft -f - <<'NFT'
table inet kacl {
    chain out {
        type filter hook output priority 0; policy accept;
        tcp dport 80 tcp flags syn counter
        tcp dport 81 tcp flags syn counter
    }
}
NFT
syns() { # "accepting refused": SYNs checkd sent so far
    ip netns exec "$ns" nft -j list table inet kacl | python3 -c '
import json, sys
counts = [e["counter"]["packets"] for item in json.load(sys.stdin)["nftables"] if "rule" in item
          for e in item["rule"]["expr"] if "counter" in e]
print(*counts)'
}

# The accepting half: one listener on every loopback address, closing each connection at once.
ip netns exec "$ns" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(4096)
while True:
    c, _ = s.accept(); c.close()' &
pids+=($!)
disown

python3 - "$work/keepalived.conf" "$servers" <<'PY'
import sys
path, count = sys.argv[1], int(sys.argv[2])
with open(path, "w") as out:
    out.write("global_defs {\n    router_id load\n}\n")
    out.write("virtual_server 10.0.0.1 80 {\n    delay_loop 1\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n")
    for i in range(count):
        port = 80 if i % 2 == 0 else 81
        out.write(f"    real_server 127.{1 + i // 62500}.{i // 250 % 250}.{i % 250 + 1} {port} {{\n"
                  "        TCP_CHECK {\n            connect_timeout 2\n        }\n    }\n")
    out.write("}\n")
PY

cat >"$work/bus.conf" <<CONF
<busconfig>
  <type>system</type>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="org.freedesktop.DBus"/>
    <allow receive_type="method_call"/>
  </policy>
  <includedir>$repo/dbus</includedir>
</busconfig>
CONF
dbus-daemon --config-file="$work/bus.conf" --nofork >/dev/null 2>&1 &
pids+=($!)
disown
for _ in $(seq 100); do [ -S "$work/bus" ] && break; sleep 0.05; done

ip netns exec "$ns" "$checkd" -f "$work/keepalived.conf" --bus-address "unix:path=$work/bus" \
    --interfaces-directory "$repo/dbus" >"$work/checkd.log" 2>&1 &
checkd_pid=$!
pids+=($checkd_pid)
disown
# warmup is up to delay_loop (1 s); give it a few rounds to settle.
sleep 5
kill -0 "$checkd_pid" 2>/dev/null || { echo "checkd exited:"; tail -20 "$work/checkd.log"; exit 1; }

ticks() { awk '{ print $14 + $15 }' "/proc/$checkd_pid/stat"; }
read -r accept0 refuse0 < <(syns)
cpu0=$(ticks)
start=$(date +%s.%N)
sleep "$seconds"
read -r accept1 refuse1 < <(syns)
kill -0 "$checkd_pid" 2>/dev/null || { echo "checkd-load: checkd exited during the run:" >&2; tail -20 "$work/checkd.log" >&2; exit 1; }
cpu1=$(ticks)
end=$(date +%s.%N)
rss=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$checkd_pid/status")
hz=$(getconf CLK_TCK)

# A benchmark that cannot read its counters says so and fails (report.sh then marks it missing).
[ -n "${accept0:-}" ] && [ -n "${accept1:-}" ] && [ -n "${refuse1:-}" ] || {
    echo "checkd-load: could not read the SYN counters (accept: '${accept0:-}' -> '${accept1:-}')" >&2
    exit 1
}
python3 - "$servers" "$accept0" "$refuse0" "$accept1" "$refuse1" "$cpu0" "$cpu1" "$hz" "$start" "$end" "$rss" <<'PY' || exit 1
import os, sys
servers, a0, r0, a1, r1, c0, c1, hz = map(int, sys.argv[1:9])
start, end, rss = float(sys.argv[9]), float(sys.argv[10]), sys.argv[11]
elapsed = end - start
accepted, refused = a1 - a0, r1 - r0
# A refused server is retried once (retry 1, delay_before_retry 1): keepalived's default.
checks = accepted + refused
rate = checks / elapsed
cpu = (c1 - c0) / hz / elapsed * 100
on_time = min(1.0, accepted / (servers / 2) / elapsed)
print(f"checkd: {servers} real servers, TCP_CHECK, delay_loop 1, half refusing, {elapsed:.1f} s")
print(f"  checks/s:          {rate:.0f} ({accepted / elapsed:.0f}/s to accepting servers, {refused / elapsed:.0f}/s to refusing ones)")
print(f"  rounds on time:    {on_time * 100:.1f}% of the accepting servers' 1 s rounds")
print(f"  checkd CPU:        {cpu:.1f}% of one core (utime + stime), {(c1 - c0) / hz / max(checks, 1) * 1e6:.1f} µs per check")
print(f"  host load:          {open('/proc/loadavg').read().split()[0]} (1-minute load average, on {os.cpu_count()} cores)")
print(f"  checkd peak RSS:   {rss} MiB")
rows = os.environ.get("BENCH_ROWS")
if rows:
    with open(rows, "a") as out:
        out.write(f"checkd, {servers} TCP_CHECK at delay_loop 1: checks/s, CPU, peak RSS\t"
                  f"{rate:.0f}/s, {cpu:.0f}% of a core, {rss} MiB\tn/a (no IPVS here)\tn/a\n")
PY
echo "keepalived's checker: not run (it exits at start when the kernel has no IPVS, as here)."
