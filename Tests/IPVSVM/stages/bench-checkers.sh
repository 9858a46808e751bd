# Benchmarks/checker-vm.sh's stage: checkd-load's TCP_CHECK load (CHECKER_SERVERS real servers at
# delay_loop 1 on loopback, half accepting on port 80, half refused on port 81) checked for
# CHECKER_SECONDS by checkd, then by Debian's keepalived checker (`keepalived --check`, which
# needs the IPVS this VM has). CPU is the checker process's utime + stime from /proc/PID/stat;
# checks are the kernel's TCP ActiveOpens (every connect made in the VM), the accepted ones its
# PassiveOpens. Prints one BENCH line per checker; asserts nothing.
source /ipvs-vm/lib.sh
servers=${CHECKER_SERVERS:-1000}
seconds=${CHECKER_SECONDS:-20}
settle=${CHECKER_SETTLE:-8}
hz=100 # USER_HZ of Debian's kernels; busybox has no getconf

awk -v count="$servers" 'BEGIN {
    print "global_defs {\n    router_id checkers\n}"
    print "virtual_server 10.0.0.1 80 {\n    delay_loop 1\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP"
    for (i = 0; i < count; i++) {
        printf "    real_server 127.%d.%d.%d %d {\n", 1 + int(i / 62500), int(i / 250) % 250, i % 250 + 1, i % 2 ? 81 : 80
        print "        TCP_CHECK {\n            connect_timeout 2\n        }\n    }"
    }
    print "}"
}' >/tmp/checkers.conf
ulimit -n 65536
accept-close 80 &
listener=$!

tcp_field() { # the Tcp: counter in column $1 of /proc/net/snmp
    awk -v column="$1" '$1 == "Tcp:" && $2 ~ /^[0-9]+$/ { print $column }' /proc/net/snmp
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
now() { cut -d' ' -f1 /proc/uptime; }

measure() { # name pid: one BENCH line for the checker process pid
    local name=$1 pid=$2
    sleep "$settle"
    kill -0 "$pid" 2>/dev/null || { echo "FAIL bench-checkers: $name exited"; return 1; }
    local active0 passive0 cpu0 start active1 passive1 cpu1 end rss
    active0=$(tcp_field 6) passive0=$(tcp_field 7) cpu0=$(ticks "$pid") start=$(now)
    sleep "$seconds"
    active1=$(tcp_field 6) passive1=$(tcp_field 7) cpu1=$(ticks "$pid") end=$(now)
    rss=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
    awk -v name="$name" -v servers="$servers" -v a="$((active1 - active0))" -v p="$((passive1 - passive0))" \
        -v cpu="$((cpu1 - cpu0))" -v hz="$hz" -v elapsed="$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" \
        -v rss="$rss" 'BEGIN {
            seconds = cpu / hz
            printf "BENCH checker-vm %s servers=%d seconds=%.1f checks_per_s=%.0f accepted_per_s=%.0f cpu_pct=%.1f us_per_check=%.1f rss_mib=%s\n",
                name, servers, elapsed, a / elapsed, p / elapsed, seconds / elapsed * 100, a ? seconds / a * 1e6 : 0, rss
        }'
}

if [ -x /bin/checkd ]; then
    checkd -f /tmp/checkers.conf >/tmp/checkd-bench.log 2>&1 &
    pid=$!
    measure checkd "$pid"
    tail -5 /tmp/checkd-bench.log | sed 's/^/checkd log: /'
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
fi

if [ -x /bin/keepalived ]; then
    rm -f /run/ka-bench-checkers.pid
    keepalived --check --dont-fork --log-console --use-file /tmp/checkers.conf --pid /run/ka-bench.pid \
        --checkers_pid /run/ka-bench-checkers.pid >/tmp/keepalived-bench.log 2>&1 &
    parent=$!
    wait_until 30 test -s /run/ka-bench-checkers.pid
    child=$(cat /run/ka-bench-checkers.pid 2>/dev/null)
    if [ -n "$child" ]; then
        measure keepalived "$child"
        tail -5 /tmp/keepalived-bench.log | sed 's/^/keepalived log: /'
    else
        echo "FAIL bench-checkers: keepalived's checker did not start"
        tail -20 /tmp/keepalived-bench.log
    fi
    kill -9 "$parent" $child 2>/dev/null
    wait "$parent" 2>/dev/null
    ipvsadm -C
fi
kill -9 "$listener"
exit 0
