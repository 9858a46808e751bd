# lvs_sync_daemon end to end (scripts/ipvs-vm --with ipvsd --with vrrpd [--with keepalived]
# --stage this): ipvsd follows vrrpd's VI_SYNC (configs/sync.conf). While it is MASTER the
# kernel runs the master sync daemon, and a standby director (namespace "standby", its own
# IPVS table) running the backup daemon receives the connections clients make through the
# VIP; when Debian's keepalived with a higher priority appears in "standby", VI_SYNC goes
# BACKUP and ipvsd switches the kernel to the backup daemon.
# Prints PASS/FAIL/SKIP lines; exits non-zero when anything failed.
source /ipvs-vm/lib.sh
source /ipvs-vm/topology.sh
failures=0
conf=/ipvs-vm/configs/sync.conf

check() { # name command...
    local name=$1
    shift
    if "$@" >/tmp/check.out 2>&1; then pass "$name"; else
        fail "$name" "$(head -c 2000 /tmp/check.out)"
        echo "--- $name: daemon logs"
        tail -15 /tmp/sync-ipvsd.log | sed 's/^/ipvsd: /'
        tail -15 /tmp/sync-vrrpd.log | sed 's/^/vrrpd: /'
        tail -10 /tmp/sync-keepalived.log 2>/dev/null | sed 's/^/keepalived: /'
    fi
}
if [ ! -x /bin/vrrpd ] || [ ! -x /bin/ipvsd ]; then
    echo "SKIP sync-daemon-*: vrrpd or ipvsd is not in the VM"
    exit 0
fi

ipvsadm -C
# Its own client and real server (topology.sh's helpers, other names and addresses), removed
# at the end: other stages build theirs.
echo 1 >/proc/sys/net/ipv4/ip_forward
ip addr add 10.71.100.1/32 dev lo
veth_namespace sync-cl 10.71.0
veth_namespace sync-rs 10.72.0
mkdir -p /tmp/www/sync-rs
echo sync-rs >/tmp/www/sync-rs/index.html
ip netns exec sync-rs httpd -f -p 80 -h /tmp/www/sync-rs &
httpd_pid=$!
wait_until 10 ip netns exec sync-rs timeout 2 wget -q -O /dev/null http://127.0.0.1/
ip netns add standby
ip link add sync-m type veth peer name sync-b netns standby
ip addr add 10.70.0.1/24 dev sync-m
ip link set sync-m up
ip -n standby addr add 10.70.0.2/24 dev sync-b
ip -n standby link set sync-b up
ip -n standby link set lo up
ip netns exec standby ipvsadm --start-daemon backup --mcast-interface sync-b --syncid 7

daemon_line() { ipvsadm -L --daemon 2>&1; }
sync_daemon_is() { # role: the only daemon ipvsd left running
    local shown
    shown=$(daemon_line)
    echo "$shown"
    [ "$(grep -c 'sync daemon' <<<"$shown")" = 1 ] && grep -q "^$1 sync daemon (mcast=sync-m, syncid=7" <<<"$shown"
}

ipvsd -f "$conf" >/tmp/sync-ipvsd.log 2>&1 &
ipvsd_pid=$!
check sync-daemon-backup-before-vrrpd wait_until 30 sync_daemon_is backup
vrrpd -f "$conf" >/tmp/sync-vrrpd.log 2>&1 &
vrrpd_pid=$!
check sync-daemon-master-follows-vrrpd wait_until 40 sync_daemon_is master

# Connections through the VIP show up in the standby director's table.
synced() {
    ip netns exec sync-cl timeout 5 wget -q -O - http://10.71.100.1/
    ip netns exec standby ipvsadm -Lnc
    ip netns exec standby ipvsadm -Lnc | grep -q '10.71.100.1:80 *10.72.0.2:80'
}
check sync-daemon-connections-synced wait_until 30 synced

if [ -x /bin/keepalived ]; then
    ip netns exec standby keepalived --vrrp --dont-fork --log-console --use-file /ipvs-vm/configs/sync-peer.conf \
        --pid /run/sync-ka.pid --vrrp_pid /run/sync-ka-vrrp.pid >/tmp/sync-keepalived.log 2>&1 &
    keepalived_pid=$!
    check sync-daemon-backup-follows-vrrpd wait_until 40 sync_daemon_is backup
    kill -9 "$keepalived_pid" $(cat /run/sync-ka-vrrp.pid 2>/dev/null) 2>/dev/null
else
    echo "SKIP sync-daemon-backup-follows-vrrpd: no keepalived in the VM"
fi

kill -TERM "$ipvsd_pid" "$vrrpd_pid"
wait_until 20 bash -c "! kill -0 $ipvsd_pid 2>/dev/null && ! kill -0 $vrrpd_pid 2>/dev/null" ||
    kill -9 "$ipvsd_pid" "$vrrpd_pid" 2>/dev/null
wait "$ipvsd_pid" "$vrrpd_pid" 2>/dev/null
ipvsadm --stop-daemon master 2>/dev/null
ipvsadm --stop-daemon backup 2>/dev/null
ip netns exec standby ipvsadm --stop-daemon backup
kill -9 "$httpd_pid"
ip netns del sync-cl
ip netns del sync-rs
ip netns del standby
ip addr del 10.71.100.1/32 dev lo
ipvsadm -C
echo "sync-daemon stage: $failures failed"
[ "$failures" = 0 ]
