#!/usr/bin/env bash
# Parse time and peak memory of `kactl config check` beside `keepalived -t` on the same generated
# files. keepalived checks that interfaces exist, so both run in a namespace with veth eth0..eth3 (this kernel has no dummy driver).
# Usage: [KACTL=path] Benchmarks/config-parse.sh [runs]   (root; prints a table; asserts nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
work=$(mktemp -d)
ns="kabench$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# KACTL=path uses a kactl already built (Benchmarks/report.sh passes its own).
kactl=${KACTL:-}
if [ -z "$kactl" ]; then
    swift build -c release --product kactl >/dev/null
    kactl=$(swift build -c release --show-bin-path)/kactl
fi

ip netns add "$ns"
for i in 0 1 2 3; do ip -n "$ns" link add "eth$i" type veth peer name "peer$i"; ip -n "$ns" link set "eth$i" up; done

python3 - "$work" <<'PY'
import sys
out = sys.argv[1]

def instances(n):
    parts = []
    for i in range(n):
        parts.append(f"""vrrp_instance VI_{i} {{
    state BACKUP
    interface eth{i // 255}
    virtual_router_id {i % 255 + 1}
    priority 100
    advert_int 1
    authentication {{
        auth_type PASS
        auth_pass pw{i % 1000}
    }}
    virtual_ipaddress {{
        10.{i // 256}.{i % 256}.1/24
    }}
}}
""")
    return "".join(parts)

def real_servers(services, per_service):
    parts = []
    for vs in range(services):
        parts.append(f"virtual_server 10.1.{vs // 256}.{vs % 256} 80 {{\n    delay_loop 6\n    lb_algo rr\n"
                     "    lb_kind NAT\n    protocol TCP\n")
        for rs in range(per_service):
            n = vs * per_service + rs
            parts.append(f"    real_server 10.{2 + n // 65536}.{n // 256 % 256}.{n % 256} 80 {{\n        weight 1\n"
                         "        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n")
        parts.append("}\n")
    return "".join(parts)

open(f"{out}/instances-1000.conf", "w").write(instances(1000))
open(f"{out}/real-servers-10000.conf", "w").write(real_servers(100, 100))
open(f"{out}/real-servers-100000.conf", "w").write(real_servers(1000, 100))
open(f"{out}/one-service-10000.conf", "w").write(real_servers(1, 10000))
PY

# Median of the runs' wall seconds and the peak RSS (KiB) of the last run.
measure() {
    local times=() rss=0 line
    for _ in $(seq "$runs"); do
        /usr/bin/time -o "$work/time" -f "%e %M" ip netns exec "$ns" "$@" >/dev/null 2>&1 || true
        line=$(tail -n 1 "$work/time")
        times+=("${line% *}"); rss=${line#* }
    done
    printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")" "$rss"
}

printf '%-28s %10s %10s %12s %12s %8s\n' "config" "ours s" "kad s" "ours MiB" "kad MiB" "ratio"
for name in instances-1000 real-servers-10000 one-service-10000 real-servers-100000; do
    file="$work/$name.conf"
    # Both must accept the file, or the timing means nothing.
    "$kactl" config check -f "$file" >/dev/null || { echo "kactl refused $name" >&2; exit 1; }
    ip netns exec "$ns" keepalived -t -f "$file" >/dev/null 2>&1 || { echo "keepalived -t refused $name" >&2; exit 1; }
    read -r ours_s ours_kb < <(measure "$kactl" config check -f "$file")
    read -r kad_s kad_kb < <(measure keepalived -t -f "$file")
    ratio=$(awk -v a="$ours_s" -v b="$kad_s" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    ours_mib=$(awk -v k="$ours_kb" 'BEGIN { printf "%.1f", k / 1024 }')
    kad_mib=$(awk -v k="$kad_kb" 'BEGIN { printf "%.1f", k / 1024 }')
    printf '%-28s %10s %10s %12s %12s %8s\n' "$name" "$ours_s" "$kad_s" "$ours_mib" "$kad_mib" "$ratio"
    # Benchmarks/report.sh collects every benchmark's rows into one table.
    if [ -n "${BENCH_ROWS:-}" ]; then
        printf 'config parse, %s: time\t%s s\t%s s\t%s\n' "$name" "$ours_s" "$kad_s" "$ratio" >>"$BENCH_ROWS"
        printf 'config parse, %s: peak RSS\t%s MiB\t%s MiB\t%s\n' "$name" "$ours_mib" "$kad_mib" \
            "$(awk -v a="$ours_mib" -v b="$kad_mib" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" >>"$BENCH_ROWS"
    fi
done
echo "(median of $runs runs; ratio = ours / keepalived; $(nproc) cores, $(uname -r))"
