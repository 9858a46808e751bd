#!/usr/bin/env bash
# Failover times and memory of vrrpd beside Debian's keepalived, in one lab and one run: a bridge,
# two routers (A priority 150, B priority 100) and a client, each in its own network namespace.
# The client (Benchmarks/vrrp-probe.py) pings the VIP through its own ARP cache and times, on one
# monotonic clock, from the failure it causes to the first echo reply that B's MAC sends.
#   hard failover:     kill -9 A's daemon and set A's link down
#   graceful failover: SIGTERM A's daemon (it sends priority 0)
#   switchover:        `kactl switchover` on A while the client pings every 10 ms (keepalived: n/a);
#                      busctl calls Switchover() instead when there is no kactl beside vrrpd
# at VRRPv2 advert_int 1 and VRRPv3 advert_int 0.1, then RSS with 1 and 200 instances.
# Usage: Benchmarks/vrrp-failover.sh [--runs N] [--v3-runs N] [--vrrpd PATH] [--kactl PATH]
#   (root; prints a table; asserts nothing). --runs counts the v2 runs (each takes seconds),
#   --v3-runs the v3 ones (default: the same).
set -uo pipefail

runs=20
v3_runs=""
vrrpd=""
kactl=""
while (($#)); do
    case "$1" in
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --v3-runs) v3_runs=${2:?--v3-runs needs a number}; shift 2 ;;
        --vrrpd) vrrpd=${2:?--vrrpd needs a path}; shift 2 ;;
        --kactl) kactl=${2:?--kactl needs a path}; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--v3-runs N] [--vrrpd PATH] [--kactl PATH]" >&2; exit 2 ;;
    esac
done
v3_runs=${v3_runs:-$runs}
[[ $runs =~ ^[1-9][0-9]*$ && $v3_runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs and --v3-runs must be positive numbers" >&2; exit 2; }
((EUID == 0)) || { echo "needs root: creates network namespaces" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
probe="$here/vrrp-probe.py"
keepalived=/usr/sbin/keepalived
if [[ -z $vrrpd ]]; then
    for candidate in "$repo"/.build/release/vrrpd "$repo"/.build/debug/vrrpd "$repo"/.build*/release/vrrpd \
        "$repo"/.build*/debug/vrrpd; do
        [[ -x $candidate ]] && { vrrpd=$candidate; break; }
    done
fi
[[ -x $vrrpd ]] || { echo "no vrrpd binary: build it (swift build -c release --product vrrpd) or pass --vrrpd" >&2; exit 1; }
[[ -n $kactl || ! -x $(dirname "$vrrpd")/kactl ]] || kactl=$(dirname "$vrrpd")/kactl
[[ -x $keepalived ]] || { echo "no $keepalived (apt-get install keepalived)" >&2; exit 1; }

tag="kavb-$$"
ns_a="$tag-a" ns_b="$tag-b" ns_s="$tag-s" ns_c="$tag-c"
prefix="10.249.$(($$ % 200 + 20))"
vip="$prefix.100"
work=$(mktemp -d /tmp/kavb.XXXXXX)
declare -A daemon_pid=()   # router -> pid of its daemon (vrrpd, or keepalived's parent)
declare -A daemon_kind=()  # router -> vrrpd or keepalived
declare -A bus_pid=()

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if ((status != 0 && status != 130)); then
        for log in "$work"/*.log; do [[ -f $log ]] && { echo "--- $log" >&2; tail -n 15 "$log" >&2; }; done
    fi
    for router in "${!daemon_pid[@]}"; do stop_daemon "$router" KILL; done
    for pid in "${bus_pid[@]}"; do kill -KILL "$pid" 2>/dev/null; { wait "$pid"; } 2>/dev/null; done
    for ns in "$ns_a" "$ns_b" "$ns_c" "$ns_s"; do ip netns delete "$ns" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

# --- the lab -------------------------------------------------------------------------------
for ns in "$ns_a" "$ns_b" "$ns_s" "$ns_c"; do ip netns add "$ns" || exit 1; done
ip -n "$ns_s" link add br0 type bridge stp_state 0 mcast_snooping 0
ip -n "$ns_s" link set br0 up
for host in "a:$ns_a:1" "b:$ns_b:2" "c:$ns_c:3"; do
    IFS=: read -r name ns number <<<"$host"
    ip -n "$ns_s" link add "p$name" type veth peer name "vr$name" netns "$ns"
    ip -n "$ns_s" link set "p$name" master br0 up
    ip -n "$ns" address add "$prefix.$number/24" dev "vr$name"
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "vr$name" up
done
mac_a=$(ip -n "$ns_a" -br link show vra | awk '{print $3}')
mac_b=$(ip -n "$ns_b" -br link show vrb | awk '{print $3}')

# A private dbus-daemon per router: vrrpd serves its objects there (Switchover is called on it).
for router in a b; do
    mkdir -p "$work/bus-$router"
    cat >"$work/bus-$router/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$work/bus-$router/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
    dbus-daemon --config-file="$work/bus-$router/bus.conf" --nofork >/dev/null 2>&1 &
    bus_pid[$router]=$!
done

# --- daemons -------------------------------------------------------------------------------
namespace_of() { [[ $1 == a ]] && echo "$ns_a" || echo "$ns_b"; }

# configuration ROUTER VERSION INTERVAL PRIORITY COUNT: COUNT instances on the router's veth.
configuration() {
    local router=$1 version=$2 interval=$3 priority=$4 count=$5 i
    printf 'global_defs {\n    router_id kavb_%s\n}\n' "$router"
    for ((i = 1; i <= count; i++)); do
        local name=bench address="$vip/24"
        ((count > 1)) && { name="bench$i"; address="10.248.$((i / 250)).$((i % 250 + 1))/32"; }
        cat <<EOF
vrrp_instance $name {
    version $version
    interface vr$router
    virtual_router_id $i
    priority $priority
    advert_int $interval
    virtual_ipaddress {
        $address
    }
}
EOF
    done
}

# start_daemon KIND ROUTER CONFIG_FILE
start_daemon() {
    local kind=$1 router=$2 config=$3 ns
    ns=$(namespace_of "$router")
    if [[ $kind == vrrpd ]]; then
        ip netns exec "$ns" "$vrrpd" -f "$config" --bus-address "unix:path=$work/bus-$router/bus" \
            --interfaces-directory "$repo/dbus" >>"$work/vrrpd-$router.log" 2>&1 &
    else
        rm -f "$work/ka-$router.pid" "$work/ka-$router.vrrp.pid"
        ip netns exec "$ns" "$keepalived" -n -l -D -P -f "$config" -p "$work/ka-$router.pid" \
            -r "$work/ka-$router.vrrp.pid" >>"$work/keepalived-$router.log" 2>&1 &
    fi
    daemon_pid[$router]=$!
    daemon_kind[$router]=$kind
    disown "$!"   # no job notice when the probe kills it; stop_daemon polls for the exit

}

# keepalived's VRRP child, the process that speaks the protocol (none for vrrpd).
vrrp_child() {
    local file="$work/ka-$1.vrrp.pid"
    [[ ${daemon_kind[$1]:-} == keepalived ]] || return 0
    for _ in $(seq 100); do [[ -s $file ]] && break; sleep 0.05; done
    cat "$file" 2>/dev/null
}

# stop_daemon ROUTER SIGNAL: signals and reaps it (SIGKILL after 10 s), keepalived's child too.
stop_daemon() {
    local router=$1 signal=$2 pid=${daemon_pid[$1]:-} child
    [[ -n $pid ]] || return 0
    child=$(vrrp_child "$router")
    [[ $signal == KILL && -n $child ]] && kill -KILL "$child" 2>/dev/null
    kill "-$signal" "$pid" 2>/dev/null
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    [[ -n $child ]] && kill -KILL "$child" 2>/dev/null
    unset "daemon_pid[$router]"
}

holds_vip() { ip -n "$(namespace_of "$1")" -4 -br addr show dev "vr$1" | grep -qw "$vip/24"; }

# Waits until A alone holds the VIP, then a few adverts more so B has settled as BACKUP.
wait_settled() {
    local settle=$1
    for _ in $(seq 1200); do
        if holds_vip a && ! holds_vip b; then sleep "$settle"; return 0; fi
        sleep 0.05
    done
    echo "the lab never settled with A as MASTER" >&2
    return 1
}

# --- measurements --------------------------------------------------------------------------
declare -A result=()   # "metric|kind" -> text for the table
declare -A median=()

summarise() {   # summarise KEY FILE UNIT [DECIMALS]
    local numbers
    numbers=$(python3 "$probe" stats "${4:-3}" <"$2")
    read -r med p99 <<<"$numbers"
    result[$1]="$med / $p99 $3"
    median[$1]=$med
}

# failovers KIND VERSION INTERVAL SETTLE
failovers() {
    local kind=$1 version=$2 interval=$3 settle=$4 mode i child actions count=$runs
    ((version == 3)) && count=$v3_runs
    configuration a "$version" "$interval" 150 1 >"$work/a.conf"
    configuration b "$version" "$interval" 100 1 >"$work/b.conf"
    start_daemon "$kind" b "$work/b.conf"
    start_daemon "$kind" a "$work/a.conf"
    for mode in hard graceful; do
        : >"$work/$mode"
        for ((i = 1; i <= count; i++)); do
            wait_settled "$settle" || return 1
            if [[ $mode == hard ]]; then
                child=$(vrrp_child a)
                actions=(${child:+kill9:$child} "kill9:${daemon_pid[a]}" "down:$ns_a:vra")
            else
                actions=("term:${daemon_pid[a]}")
            fi
            ip netns exec "$ns_c" python3 "$probe" failover vrc "$vip" "$mac_a" "$mac_b" "${actions[@]}" \
                >>"$work/$mode" || return 1
            stop_daemon a KILL
            # What a killed daemon left behind goes, as an operator's restart would have it.
            ip -n "$ns_a" addr del "$vip/24" dev vra 2>/dev/null
            ip -n "$ns_a" link set vra up
            start_daemon "$kind" a "$work/a.conf"
        done
        summarise "$mode v$version|$kind" "$work/$mode" s
        printf '  %s %s v%s: %s\n' "$kind" "$mode" "$version" "${result[$mode v$version|$kind]}" >&2
    done
    if [[ $kind == vrrpd ]]; then switchovers "$version" "$settle" "$count" || return 1; fi
    stop_daemon a TERM
    stop_daemon b TERM
}

# Switchover and ResetPriority on A's instance: kactl as an operator types it, else busctl.
if [[ -n $kactl ]]; then
    switchover_a=("$kactl" switchover bench --bus-address "unix:path=$work/bus-a/bus")
    reset_a=("$kactl" reset-priority bench --bus-address "unix:path=$work/bus-a/bus")
    switchover_by="kactl switchover"
else
    instance_a=(busctl "--address=unix:path=$work/bus-a/bus" call org.keepalive.Vrrp1
        /org/keepalive/Vrrp1/instance/bench org.keepalive.Vrrp1.Instance)
    switchover_a=("${instance_a[@]}" Switchover)
    reset_a=("${instance_a[@]}" ResetPriority)
    switchover_by="Switchover() by busctl"
fi

# switchovers VERSION SETTLE COUNT: a switchover on A, then a priority reset so A takes the VIP back.
switchovers() {
    local version=$1 settle=$2 count=$3 i window=2
    ((version == 2)) && window=5
    : >"$work/lost"
    : >"$work/gap"
    for ((i = 1; i <= count; i++)); do
        wait_settled "$settle" || return 1
        read -r lost gap < <(ip netns exec "$ns_c" python3 "$probe" switchover vrc "$vip" "$mac_a" "$mac_b" \
            "$window" "${switchover_a[@]}") || return 1
        [[ -n ${gap:-} ]] || return 1
        echo "$lost" >>"$work/lost"
        echo "$gap" >>"$work/gap"
        "${reset_a[@]}" >/dev/null || return 1
    done
    summarise "switchover lost v$version|vrrpd" "$work/lost" pings 0
    summarise "switchover gap v$version|vrrpd" "$work/gap" s
    printf '  vrrpd switchover v%s: lost %s, gap %s\n' "$version" "${result[switchover lost v$version|vrrpd]}" \
        "${result[switchover gap v$version|vrrpd]}" >&2
}

rss_kb() {   # rss_kb PID...: summed VmRSS
    local total=0 pid value
    for pid in "$@"; do
        value=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        total=$((total + ${value:-0}))
    done
    echo "$total"
}

# memory KIND COUNT: RSS once COUNT instances on A (alone on the link) all hold their VIPs.
memory() {
    local kind=$1 count=$2 held child
    configuration a 2 1 150 "$count" >"$work/mem.conf"
    start_daemon "$kind" a "$work/mem.conf"
    for _ in $(seq 600); do
        held=$(ip -n "$ns_a" -4 -o addr show dev vra | grep -c -e "10\.248\." -e "$vip/")
        ((held >= count)) && break
        sleep 0.1
    done
    sleep 3
    child=$(vrrp_child a)
    result["RSS $count instance(s)|$kind"]="$(($(rss_kb "${daemon_pid[a]}" $child) / 1024)) MiB"
    median["RSS $count instance(s)|$kind"]=$(rss_kb "${daemon_pid[a]}" $child)
    ((held >= count)) || result["RSS $count instance(s)|$kind"]+=" (only $held/$count VIPs)"
    stop_daemon a TERM
    ip -n "$ns_a" addr flush dev vra scope global
    ip -n "$ns_a" address add "$prefix.1/24" dev vra
}

echo "vrrpd: $vrrpd; keepalived: $($keepalived --version 2>&1 | head -1); $runs v2 runs, $v3_runs v3 runs each" >&2
for kind in vrrpd keepalived; do
    failovers "$kind" 2 1 2 || exit 1
    failovers "$kind" 3 0.1 0.5 || exit 1
done
for kind in vrrpd keepalived; do
    memory "$kind" 1
    memory "$kind" 200
done

# --- the table -----------------------------------------------------------------------------
rows=("hard v2" "graceful v2" "switchover lost v2" "switchover gap v2" "hard v3" "graceful v3"
    "switchover lost v3" "switchover gap v3" "RSS 1 instance(s)" "RSS 200 instance(s)")
labels=("hard failover, v2 advert_int 1 (median / p99 of $runs)" "graceful failover, v2 advert_int 1 (of $runs)"
    "$switchover_by, v2: pings lost at 10 ms (of $runs)" "$switchover_by, v2: longest gap in replies"
    "hard failover, v3 advert_int 0.1 (of $v3_runs)" "graceful failover, v3 advert_int 0.1 (of $v3_runs)"
    "$switchover_by, v3: pings lost at 10 ms (of $v3_runs)" "$switchover_by, v3: longest gap in replies"
    "RSS vrrpd, 1 instance (keepalived: parent + VRRP child)" "RSS vrrpd, 200 instances (keepalived: parent + VRRP child)")
printf '\n%-58s | %-18s | %-18s | %s\n' "median / p99" vrrpd keepalived "ratio (median)"
printf '%s\n' "$(printf -- '-%.0s' $(seq 112))"
for index in "${!rows[@]}"; do
    row=${rows[$index]}
    ours=${result[$row|vrrpd]:-n/a}
    theirs=${result[$row|keepalived]:-n/a}
    ratio=n/a
    if [[ -n ${median[$row|vrrpd]:-} && -n ${median[$row|keepalived]:-} ]]; then
        ratio=$(python3 -c "a, b = ${median[$row|vrrpd]}, ${median[$row|keepalived]}; print('%.2f' % (a / b) if b else '-')")
    fi
    printf '%-58s | %-18s | %-18s | %s\n' "${labels[$index]}" "$ours" "$theirs" "$ratio"
    # Benchmarks/report.sh collects every benchmark's rows into one table.
    if [[ -n ${BENCH_ROWS:-} ]]; then
        printf '%s\t%s\t%s\t%s\n' "${labels[$index]}" "$ours" "$theirs" "$ratio" >>"$BENCH_ROWS"
    fi
done
