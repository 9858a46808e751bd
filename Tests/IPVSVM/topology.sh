# The VM's network for the ipvsd scenarios, sourced by stage scripts: the VM itself is the
# director; a client namespace and three real-server namespaces hang off it by veth pairs.
#   client  10.60.0.2/24 via 10.60.0.1          VIP 10.60.100.1 on the director's lo
#   rsN     10.61.N.2/24 via 10.61.N.1 (N = 1..3), busybox httpd on port 80 answering "rsN"
# NAT replies come back through the director (ip_forward on). busybox wget -T crashes (static
# 1.35): time requests out with `timeout` instead.

build_topology() {
    echo 1 >/proc/sys/net/ipv4/ip_forward
    ip addr add 10.60.100.1/32 dev lo
    veth_namespace client 10.60.0
    for n in 1 2 3; do
        veth_namespace "rs$n" "10.61.$n"
        mkdir -p "/tmp/www/rs$n"
        echo "rs$n" >"/tmp/www/rs$n/index.html"
        start_real_server "$n"
    done
}

# veth_namespace NAME PREFIX: namespace NAME at PREFIX.2/24, the director at PREFIX.1.
veth_namespace() {
    ip netns add "$1"
    ip link add "to-$1" type veth peer name eth0 netns "$1"
    ip addr add "$2.1/24" dev "to-$1"
    ip link set "to-$1" up
    ip -n "$1" addr add "$2.2/24" dev eth0
    ip -n "$1" link set eth0 up
    ip -n "$1" link set lo up
    ip -n "$1" route add default via "$2.1"
}

start_real_server() {
    ip netns exec "rs$1" httpd -f -p 80 -h "/tmp/www/rs$1" &
    echo $! >"/run/httpd-rs$1.pid"
    wait_until 10 ip netns exec "rs$1" timeout 2 wget -q -O /dev/null http://127.0.0.1/
}

stop_real_server() {
    kill -9 "$(cat "/run/httpd-rs$1.pid")"
    wait "$(cat "/run/httpd-rs$1.pid")" 2>/dev/null
}

# client_get PORT: what the client gets from the VIP.
client_get() { ip netns exec client timeout 5 wget -q -O - "http://10.60.100.1:$1/"; }

# The direct-routing segment: bridge br-dr with the director at 10.62.0.1, the client namespace
# drc at 10.62.0.10 and the real server namespace drs at 10.62.0.20, which holds VIP 10.62.100.1
# on its lo without answering ARP for it and serves "drs" on port 80.
build_dr_segment() {
    ip link add br-dr type bridge
    ip addr add 10.62.0.1/24 dev br-dr
    ip link set br-dr up
    ip addr add 10.62.100.1/32 dev lo
    for end in drc:10 drs:20; do
        local ns=${end%%:*} host=${end##*:}
        ip netns add "$ns"
        ip link add "to-$ns" type veth peer name eth0 netns "$ns"
        ip link set "to-$ns" master br-dr up
        ip -n "$ns" addr add "10.62.0.$host/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
    done
    ip -n drc route add 10.62.100.1/32 via 10.62.0.1
    ip netns exec drs sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/arp_ignore; echo 2 >/proc/sys/net/ipv4/conf/all/arp_announce'
    ip -n drs addr add 10.62.100.1/32 dev lo
    mkdir -p /tmp/www/drs
    echo drs >/tmp/www/drs/index.html
    ip netns exec drs httpd -f -p 80 -h /tmp/www/drs &
    wait_until 10 ip netns exec drs timeout 2 wget -q -O /dev/null http://10.62.0.20/
}

dr_client_get() { ip netns exec drc timeout 5 wget -q -O - http://10.62.100.1/; }
