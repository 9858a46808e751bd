# Not part of CI: Tests/IPVSVM/make-expected runs this with Debian's keepalived in the VM to
# write Tests/IPVSVM/expected/*.txt: the table keepalived's checker builds from each sample before
# any check has run (every real server up, or down with alpha), and the tables of the health
# scenario (configs/health.conf) as keepalived's own checks see real servers go and come back.
source /ipvs-vm/lib.sh
source /ipvs-vm/topology.sh

# Sample checks must not fail before the snapshot: every other address is routed to a link
# where nobody answers ARP or neighbour solicitations for half a minute, so a check only fails
# at its own connect timeout (3 s or more in the samples), after keepalived has built its table.
ip netns add void
ip link add ka0 type veth peer name ka1 netns void
ip link set ka0 up
ip -n void link set ka1 up
for family in ipv4 ipv6; do
    echo 30 >/proc/sys/net/$family/neigh/ka0/mcast_solicit
    echo 30 >/proc/sys/net/$family/neigh/ka0/ucast_solicit 2>/dev/null
done
ip route add default dev ka0
ip -6 route add default dev ka0

start_keepalived() { # config
    keepalived --check --dont-fork --use-file "$1" --pid /run/ka.pid --checkers_pid /run/ka-checkers.pid \
        >/tmp/keepalived.log 2>&1 &
    keepalived_pid=$!
}
stop_keepalived() {
    kill -9 $keepalived_pid $(cat /run/ka-checkers.pid 2>/dev/null) 2>/dev/null
    wait $keepalived_pid 2>/dev/null
    ipvsadm -C
}
snapshot() { # name gap: a table that stayed the same for gap seconds
    echo "EXPECTED-BEGIN $1"
    wait_for_stable_table 30 "$2" | tee "/tmp/$1" || echo "EXPECTED-UNSTABLE"
    echo "EXPECTED-END $1"
}

ipvsadm -C
for sample in $(samples_with_virtual_servers); do
    start_keepalived "/samples/$sample"
    snapshot "$sample" 0.5
    stop_keepalived
done

# The health scenario, with checks every second: three seconds unchanged is three rounds.
build_topology
start_keepalived /ipvs-vm/configs/health.conf
snapshot health-all-up 3
stop_real_server 1
wait_for_change /tmp/health-all-up 30
snapshot health-rs1-down 3
start_real_server 1
wait_for_change /tmp/health-rs1-down 30
snapshot health-rs1-back 3
stop_keepalived
