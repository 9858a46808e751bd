# Issue 8's "the IPVS table converges" under kills (scripts/ipvs-vm --with ipvsd --with checkd
# --stage this): for CONVERGE_ROUNDS rounds (default 20; scripts/ipvs-vm --env CONVERGE_ROUNDS=N)
# a round applies an event (nothing, a health flip of rs1, or a Reload of both daemons switching
# between configs/health.conf and configs/converge-b.conf), kill -9s ipvsd or checkd at a random
# moment 0-2 s later (so often while the event is being applied), restarts it, and then:
#   the kernel table (ipvsadm -Ln, connection counts aside) becomes the one expected for the
#   configuration and rs1's health within CONVERGE_BOUND seconds (default 60): no destination
#   missing that should be there, no stray one, every weight and scheduler right;
#   rs2, healthy throughout, never leaves ports 80 and 81 nor drops to weight 0 on the way.
# CONVERGE_SEED replays a run's choices (printed first). Prints PASS/FAIL lines; exits non-zero
# when anything failed.
source /ipvs-vm/lib.sh
source /ipvs-vm/topology.sh
failures=0
rounds=${CONVERGE_ROUNDS:-20}
bound=${CONVERGE_BOUND:-60}
seed=${CONVERGE_SEED:-$(($(date +%s) % 32768))}
RANDOM=$seed
config=/tmp/converge.conf
echo "converge: $rounds rounds, bound ${bound}s, seed $seed"

declare -A pid
start() { # daemon
    "$1" -f "$config" >>"/tmp/$1.log" 2>&1 &
    pid[$1]=$!
}
bus_name() { case $1 in ipvsd) echo org.keepalive.Ipvs1 ;; checkd) echo org.keepalive.Check1 ;; esac; }
root_path() { case $1 in ipvsd) echo /org/keepalive/Ipvs1 ;; checkd) echo /org/keepalive/Check1 ;; esac; }
log_tail() {
    for daemon in ipvsd checkd; do tail -15 "/tmp/$daemon.log" 2>/dev/null | sed "s/^/$daemon: /"; done
}
now() { cut -d' ' -f1 /proc/uptime; }

# The expected table for a configuration (a: health.conf, b: converge-b.conf) and rs1's health.
expected_table() { # config health
    case $1-$2 in
    a-up) echo /ipvs-vm/expected/health-all-up.txt ;;
    a-down) echo /ipvs-vm/expected/health-rs1-down.txt ;;
    b-up) echo /ipvs-vm/expected/converge-b-all-up.txt ;;
    b-down) echo /ipvs-vm/expected/converge-b-rs1-down.txt ;;
    esac
}
use_config() { # a|b: written beside and renamed, so no daemon reads half a file
    case $1 in
    a) cp /ipvs-vm/configs/health.conf "$config.new" ;;
    b) cp /ipvs-vm/configs/converge-b.conf "$config.new" ;;
    esac
    mv "$config.new" "$config"
    current_config=$1
}

# rs2 is healthy in every state: in both configurations it is on ports 80 and 81 with weight > 0.
rs2_serving() {
    awk '/^TCP/ { service = $2 } /^  -> 10.61.2.2:80 / && $4 > 0 { up[service] = 1 }
        END { exit !(up["10.60.100.1:80"] && up["10.60.100.1:81"]) }' "$1"
}

# converge SECONDS WANTED: polls the table until it is WANTED; once started (guard_rs2=1), fails
# at once when rs2 is missing from a reading. Sets converged_after (seconds).
guard_rs2=0
converge() {
    local started deadline
    started=$(now)
    deadline=$(($(date +%s) + $1))
    without_connections "$2" >/tmp/table.wanted
    while :; do
        table >/tmp/table.now 2>&1
        if [ "$guard_rs2" = 1 ] && ! rs2_serving /tmp/table.now; then
            echo "rs2 lost on the way, $(awk -v a="$started" -v b="$(now)" 'BEGIN { print b - a }')s in:"
            cat /tmp/table.now
            return 1
        fi
        if without_connections /tmp/table.now | cmp -s - /tmp/table.wanted; then
            converged_after=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
            return 0
        fi
        [ "$(date +%s)" -le "$deadline" ] || break
        sleep 0.2
    done
    echo "--- expected ($2)"
    cat "$2"
    echo "--- ipvsadm -Ln after ${1}s"
    cat /tmp/table.now
    without_connections /tmp/table.now | diff /tmp/table.wanted -
    return 1
}
both_on_the_bus() { bus_name_owned org.keepalive.Ipvs1 && bus_name_owned org.keepalive.Check1; }

build_topology
ipvsadm -C
use_config a
rs1=up
start ipvsd
start checkd
if converge 90 "$(expected_table a up)" >/tmp/check.out 2>&1 && wait_until 30 both_on_the_bus; then
    pass "converge-start (seed $seed, $rounds rounds, bound ${bound}s)"
else
    fail converge-start "$(head -c 3000 /tmp/check.out)"
    log_tail
    echo "converge stage: $failures failed"
    exit 1
fi

guard_rs2=1
slowest=0
stage_started=$(now)
for round in $(seq "$rounds"); do
    victims=(ipvsd checkd)
    victim=${victims[RANDOM % 2]}
    events=(none flip reload)
    event=${events[RANDOM % 3]}
    delay_ms=$((RANDOM % 2000))
    reloads=()
    case $event in
    flip)
        if [ "$rs1" = up ]; then stop_real_server 1; rs1=down; else start_real_server 1; rs1=up; fi ;;
    reload)
        if [ "$current_config" = a ]; then use_config b; else use_config a; fi
        for daemon in ipvsd checkd; do
            dbus-send --system --print-reply --reply-timeout=30000 --dest="$(bus_name $daemon)" \
                "$(root_path $daemon)" "$(bus_name $daemon).Reload" >/dev/null 2>&1 &
            reloads+=($!)
        done ;;
    esac
    usleep $((delay_ms * 1000))
    kill -9 "${pid[$victim]}"
    wait "${pid[$victim]}" 2>/dev/null
    start "$victim"
    name=$(printf 'converge-round-%02d' "$round")
    what="$event, kill -9 $victim after ${delay_ms} ms, config $current_config, rs1 $rs1"
    if converge "$bound" "$(expected_table "$current_config" "$rs1")" >/tmp/check.out 2>&1 &&
        wait_until 30 both_on_the_bus; then
        pass "$name ($what: converged in ${converged_after}s)"
        slowest=$(awk -v a="$slowest" -v b="$converged_after" 'BEGIN { print (b > a ? b : a) }')
    else
        fail "$name" "($what) $(head -c 3000 /tmp/check.out)"
        log_tail
    fi
    [ ${#reloads[@]} = 0 ] || wait "${reloads[@]}" 2>/dev/null
done
elapsed=$(awk -v a="$stage_started" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')
echo "TIME converge $rounds rounds in ${elapsed}s (seed $seed), slowest convergence ${slowest}s"
[ "$failures" = 0 ] && pass "converge-all-rounds ($rounds rounds)"

# Settled: a few check rounds later (delay_loop 1) the table is still the expected one, so the
# last round did not pass on a reading taken before a restarted daemon's first report.
sleep 5
without_connections "$(expected_table "$current_config" "$rs1")" >/tmp/table.wanted
if table | without_connections | cmp -s - /tmp/table.wanted; then pass converge-settled; else
    fail converge-settled "$(table | without_connections | diff /tmp/table.wanted -)"
    log_tail
fi

kill -9 "${pid[ipvsd]}" "${pid[checkd]}" 2>/dev/null
wait "${pid[ipvsd]}" "${pid[checkd]}" 2>/dev/null
ipvsadm -C
echo "converge stage: $failures failed"
[ "$failures" = 0 ]
