# Benchmarks/ipvs-apply.sh's keepalived half, run after bench-ipvsd.sh in the same VM: Debian's
# keepalived (`--check`, its checker alone; no checkers, so every real server counts as up)
# applies the same table from bench-ipvsd.sh's files to an empty kernel table, then a reload
# (SIGHUP) changing 1% of the weights, timed the same way (polling /proc/net/ip_vs every 50 ms);
# then the resident memory of its parent and checker processes holding that table.
[ -f /tmp/bench.conf ] && [ -f /tmp/bench-reweigh.conf ] || {
    echo "FAIL bench-keepalived: run it after bench-ipvsd.sh (its table files are missing)"
    exit 1
}
command -v keepalived >/dev/null || { echo "FAIL bench-keepalived: no keepalived in the VM"; exit 1; }
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
destinations() { grep -c '^  -> [0-9A-F]' /proc/net/ip_vs; }
heavy_weights() { awk '$1 == "->" && $4 + 0 >= 100' /proc/net/ip_vs | wc -l; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

ipvsadm -C
cp /tmp/bench.conf /tmp/keepalived-bench.conf
start=$(now_ms)
keepalived --check --dont-fork --log-console --use-file /tmp/keepalived-bench.conf --pid /run/kab.pid \
    --checkers_pid /run/kab-checkers.pid >/tmp/keepalived-bench.log 2>&1 &
pid=$!
until [ "$(destinations)" = 10000 ]; do
    kill -0 $pid 2>/dev/null || { echo "FAIL bench-keepalived: keepalived exited"; tail -20 /tmp/keepalived-bench.log; exit 1; }
    sleep 0.05
done
echo "BENCH keepalived-apply $(($(now_ms) - start)) ms (from starting keepalived, 10000 destinations)"
sleep 6 # as for ipvsd: let it settle before the reload
checker=$(cat /run/kab-checkers.pid 2>/dev/null)
echo "BENCH keepalived-rss $(($(rss_kib $pid) + $(rss_kib "${checker:-0}"))) KiB (parent + checker, 10000 destinations)"
cp /tmp/bench-reweigh.conf /tmp/keepalived-bench.conf
start=$(now_ms)
kill -HUP $pid
until [ "$(heavy_weights)" = 100 ]; do
    kill -0 $pid 2>/dev/null || { echo "FAIL bench-keepalived: keepalived exited on reload"; exit 1; }
    sleep 0.05
done
echo "BENCH keepalived-reweigh $(($(now_ms) - start)) ms (from SIGHUP, 100 weights)"
kill -9 $pid ${checker:-} 2>/dev/null
wait $pid 2>/dev/null
ipvsadm -C
