# Benchmarks/ipvs-apply.sh's ipvsd half: ipvsd (no checkd: every real server counts as up)
# applies the benchmark's table (100 virtual_server blocks of 100 real_server each, the table
# `ipvs-vm-test bench` applies) to an empty kernel table, then a reload (SIGHUP) changing 1% of
# the weights. Times run from starting ipvsd / sending SIGHUP until /proc/net/ip_vs shows the
# whole result, polled every 50 ms.
source /ipvs-vm/lib.sh

write_config() { # file bump: bump=1 raises every 100th real server's weight by 100
    awk -v bump="$2" 'BEGIN {
        for (s = 0; s < 100; s++) {
            printf "virtual_server 10.100.%d.%d 80 {\n    lb_algo wlc\n    lb_kind NAT\n    protocol TCP\n", int(s / 250), s % 250 + 1
            for (d = 0; d < 100; d++) {
                weight = 1 + d % 10
                if (bump && (s * 100 + d) % 100 == 0) weight += 100
                printf "    real_server 10.%d.%d.%d 8080 {\n        weight %d\n    }\n", 101 + int(s / 250), s % 250, d + 1, weight
            }
            print "}"
        }
    }' >"$1"
}
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
destinations() { grep -c '^  -> [0-9A-F]' /proc/net/ip_vs; }
heavy_weights() { awk '$1 == "->" && $4 + 0 >= 100' /proc/net/ip_vs | wc -l; }

write_config /tmp/bench.conf 0
write_config /tmp/bench-reweigh.conf 1
ipvsadm -C
start=$(now_ms)
ipvsd -t -f /tmp/bench.conf >/dev/null 2>&1
echo "BENCH ipvsd-config-test $(($(now_ms) - start)) ms"

cp /tmp/bench.conf /tmp/ipvsd-bench.conf
start=$(now_ms)
ipvsd -f /tmp/ipvsd-bench.conf >/tmp/ipvsd-bench.log 2>&1 &
pid=$!
until [ "$(destinations)" = 10000 ]; do
    kill -0 $pid 2>/dev/null || { echo "FAIL bench-ipvsd: ipvsd exited"; tail -20 /tmp/ipvsd-bench.log; exit 1; }
    sleep 0.05
done
echo "BENCH ipvsd-apply $(($(now_ms) - start)) ms (from starting ipvsd, 10000 destinations)"
wait_until 60 bus_name_owned org.keepalive.Ipvs1
sleep 6 # let the first repair round pass
echo "BENCH ipvsd-rss $(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status) KiB (10000 destinations)"
cp /tmp/bench-reweigh.conf /tmp/ipvsd-bench.conf
start=$(now_ms)
kill -HUP $pid
until [ "$(heavy_weights)" = 100 ]; do sleep 0.05; done
echo "BENCH ipvsd-reweigh $(($(now_ms) - start)) ms (from SIGHUP, 100 weights)"
kill -TERM $pid
wait $pid
ipvsadm -C
