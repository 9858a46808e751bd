# ipvsd against the VM's real IPVS (scripts/ipvs-vm --with ipvsd [--with checkd] --stage this):
# Debian's samples applied and compared with the tables keepalived builds from them
# (expected/*.txt, written by make-expected); with checkd in the VM, the health scenario
# (configs/health.conf) on real servers in namespaces: a health flip gives weight 0 or removal,
# losing quorum brings the sorry server, the NAT data path answers; restarting ipvsd keeps the
# table and its counters; hand changes with ipvsadm are repaired.
# Prints PASS/FAIL lines; exits non-zero when anything failed.
source /ipvs-vm/lib.sh
source /ipvs-vm/topology.sh
expected=/ipvs-vm/expected
failures=0

start_ipvsd() { # config
    ipvsd -f "$1" >>/tmp/ipvsd.log 2>&1 &
    ipvsd_pid=$!
}
stop_ipvsd() {
    kill -TERM "$ipvsd_pid" 2>/dev/null
    wait_until 20 bash -c "! kill -0 $ipvsd_pid 2>/dev/null" || kill -9 "$ipvsd_pid"
    wait "$ipvsd_pid" 2>/dev/null
}
start_checkd() {
    checkd -f "$1" >>/tmp/checkd.log 2>&1 &
    checkd_pid=$!
}
log_tail() { # why: what a failure shows of the daemons' logs
    echo "--- $1"
    tail -20 /tmp/ipvsd.log 2>/dev/null | sed 's/^/ipvsd: /'
    tail -20 /tmp/checkd.log 2>/dev/null | sed 's/^/checkd: /'
}
check() { # name command...: PASS or FAIL with what the command printed and the logs
    local name=$1
    shift
    if "$@" >/tmp/check.out 2>&1; then pass "$name"; else
        fail "$name" "$(head -c 3000 /tmp/check.out)"
        log_tail "$name"
    fi
}

# 1. Debian's samples: ipvsd alone (no checkd yet: every real server counts as up, or down
# with alpha) builds the table keepalived builds before its first check.
ipvsadm -C
for sample in $(samples_with_virtual_servers); do
    if [ ! -f "$expected/$sample.txt" ]; then
        fail "sample-$sample" "no $expected/$sample.txt (Tests/IPVSVM/make-expected writes it)"
        continue
    fi
    : >/tmp/ipvsd.log
    start_ipvsd "/samples/$sample"
    check "sample-$sample" wait_for_table "$expected/$sample.txt" 30
    stop_ipvsd
    ipvsadm -C
done

# 2. The health scenario on real servers in namespaces.
build_topology
: >/tmp/ipvsd.log
start_ipvsd /ipvs-vm/configs/health.conf
if [ -x /bin/checkd ]; then
    start_checkd /ipvs-vm/configs/health.conf
    health=checkd
else
    echo "SKIP health-*: no checkd in the VM"
    health=""
fi
check health-all-up wait_for_table "$expected/health-all-up.txt" 60
served_by_both() { # port: the client reaches both real servers through IPVS NAT
    local seen="" answer
    for _ in 1 2 3 4 5 6; do answer=$(client_get "$1") || return 1; seen="$seen $answer"; done
    echo "answers:$seen"
    [[ $seen == *rs1* && $seen == *rs2* ]]
}
check nat-data-path served_by_both 80
if [ -n "$health" ]; then
    stop_real_server 1
    check health-rs1-down wait_for_table "$expected/health-rs1-down.txt" 60
    check sorry-server-answers bash -c "source /ipvs-vm/topology.sh; [ \"\$(client_get 82)\" = rs3 ]"
    start_real_server 1
    check health-rs1-back wait_for_table "$expected/health-rs1-back.txt" 60
fi

# 3. Restarting ipvsd leaves the table and its counters alone: the traffic above counted
# connections; the stats (updated by the kernel every 2 s) must be the same after ipvsd stops
# and after the new one has adopted the table. First after a crash (SIGKILL), then after a
# clean stop (SIGTERM, what `systemctl restart` sends).
wait_until 10 bash -c 'ipvsadm -Ln --stats >/tmp/stats.a; sleep 2.5; ipvsadm -Ln --stats | cmp -s - /tmp/stats.a'
restart_keeps_counters() { # signal
    grep -qE '^TCP .* [1-9][0-9]* +[0-9]+ +[0-9]+' /tmp/stats.a || { echo "no traffic counted:"; cat /tmp/stats.a; return 1; }
    kill "-$1" "$ipvsd_pid"
    wait "$ipvsd_pid" 2>/dev/null
    ipvsadm -Ln --stats >/tmp/stats.b
    start_ipvsd /ipvs-vm/configs/health.conf
    wait_until 30 bus_name_owned org.keepalive.Ipvs1 || { echo "ipvsd did not come back on the bus"; return 1; }
    sleep 6 # past one repair round
    ipvsadm -Ln --stats >/tmp/stats.c
    diff /tmp/stats.a /tmp/stats.b || { echo "stopping ipvsd with SIG$1 changed the table"; return 1; }
    diff /tmp/stats.a /tmp/stats.c || { echo "the new ipvsd changed the table or its counters"; return 1; }
}
check restart-after-crash-keeps-table-and-counters restart_keeps_counters KILL
check restart-keeps-table-and-counters restart_keeps_counters TERM

# 4. Changes made by hand are reconciled back.
ipvsadm -e -t 10.60.100.1:80 -r 10.61.2.2:80 -m -w 7
ipvsadm -d -t 10.60.100.1:81 -r 10.61.2.2:80
ipvsadm -D -t 10.60.100.1:82
check hand-changes-repaired wait_for_table "$expected/health-all-up.txt" 30

stop_ipvsd
[ -z "${checkd_pid:-}" ] || kill -9 "$checkd_pid"
ipvsadm -C

# 5. Direct routing over a bridge: ipvsd's table sends the client to the real server, which
# answers it directly.
build_dr_segment
: >/tmp/ipvsd.log
start_ipvsd /ipvs-vm/configs/dr.conf
dr_answers() {
    wait_until 30 bash -c 'ipvsadm -Ln | grep -qE "^  -> 10.62.0.20:80 +Route +1 "' || { ipvsadm -Ln; return 1; }
    local answer
    answer=$(dr_client_get) || { echo "no answer through the VIP"; return 1; }
    [ "$answer" = drs ] || { echo "answer: $answer"; return 1; }
    ipvsadm -Lnc | grep -q '10.62.100.1:80 *10.62.0.20:80' || { echo "no IPVS connection entry:"; ipvsadm -Lnc; return 1; }
}
check dr-data-path dr_answers
stop_ipvsd
ipvsadm -C
echo "ipvsd stage: $failures failed"
[ "$failures" = 0 ]
