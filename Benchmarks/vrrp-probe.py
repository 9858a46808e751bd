#!/usr/bin/python3
"""The client side of Benchmarks/vrrp-failover.sh, run inside the client namespace.

It pings the virtual address through the kernel (so the client's own ARP cache decides where
each ping goes, as for any real client) and reads the replies off a packet socket, which tells
which router's MAC answered. Times come from the monotonic clock of this one process, which
also does the action that starts the clock (a kill, a link down, a D-Bus call).

  vrrp-probe.py failover IFACE VIP READY_MAC WANT_MAC ACTION...   -> seconds to the first reply from WANT_MAC
  vrrp-probe.py switchover IFACE VIP READY_MAC WANT_MAC WINDOW CMD... -> "lost gap" at 10 ms pings
  vrrp-probe.py stats [DECIMALS] < numbers                         -> "median p99"

ACTION words: kill9:PID, term:PID, down:NAMESPACE:INTERFACE (done in that order at t0).
"""
import os
import select
import socket
import struct
import subprocess
import sys
import time

ETH_P_IP = 0x0800


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


class Pinger:
    def __init__(self, iface, vip):
        self.vip = vip
        self.vip_bytes = socket.inet_aton(vip)
        self.ident = os.getpid() & 0xFFFF
        self.seq = 0
        self.sent = {}
        self.send_socket = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        self.listen = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.listen.bind((iface, ETH_P_IP))
        self.listen.setblocking(False)

    def ping(self):
        self.seq = (self.seq + 1) & 0xFFFF
        header = struct.pack("!BBHHH", 8, 0, 0, self.ident, self.seq)
        payload = b"vrrp-bench"
        packet = struct.pack("!BBHHH", 8, 0, checksum(header + payload), self.ident, self.seq) + payload
        self.sent[self.seq] = time.monotonic()
        try:
            self.send_socket.sendto(packet, (self.vip, 0))
        except OSError:
            pass  # no route or neighbour yet: a lost ping like any other

    def replies(self, wait):
        """(arrival time, source MAC, seq) for each echo reply from the VIP within `wait` s."""
        found = []
        ready, _, _ = select.select([self.listen], [], [], max(wait, 0))
        while ready:
            try:
                frame = self.listen.recv(2048)
            except BlockingIOError:
                break
            now = time.monotonic()
            if len(frame) < 42 or frame[12:14] != b"\x08\x00":
                continue
            ihl = (frame[14] & 0x0F) * 4
            if frame[23] != 1 or frame[26:30] != self.vip_bytes:
                continue
            icmp = frame[14 + ihl :]
            if len(icmp) < 8 or icmp[0] != 0:
                continue
            ident, seq = struct.unpack("!HH", icmp[4:8])
            if ident == self.ident:
                found.append((now, frame[6:12].hex(":"), seq))
        return found

    def wait_for(self, mac, interval, timeout):
        """Pings every `interval` until a reply comes from `mac`; its arrival time, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.ping()
            next_ping = time.monotonic() + interval
            while time.monotonic() < next_ping:
                for arrival, source, _ in self.replies(next_ping - time.monotonic()):
                    if source == mac:
                        return arrival
        return None


def act(words):
    for word in words:
        kind, _, rest = word.partition(":")
        if kind == "kill9":
            os.kill(int(rest), 9)
        elif kind == "term":
            os.kill(int(rest), 15)
        elif kind == "down":
            namespace, interface = rest.split(":")
            subprocess.run(["ip", "-n", namespace, "link", "set", interface, "down"], check=True)
        else:
            raise SystemExit("unknown action " + word)


def failover(iface, vip, ready_mac, want_mac, *actions):
    pinger = Pinger(iface, vip)
    if pinger.wait_for(ready_mac.lower(), 0.01, 30) is None:
        raise SystemExit("the VIP never answered from " + ready_mac)
    start = time.monotonic()
    act(actions)
    arrival = pinger.wait_for(want_mac.lower(), 0.002, 30)
    if arrival is None:
        raise SystemExit("no reply from " + want_mac + " within 30 s")
    print("%.4f" % (arrival - start))


def switchover(iface, vip, ready_mac, want_mac, window, *command):
    pinger = Pinger(iface, vip)
    if pinger.wait_for(ready_mac.lower(), 0.01, 30) is None:
        raise SystemExit("the VIP never answered from " + ready_mac)
    answered = {}
    last_source = None
    start = time.monotonic()
    end = start + float(window)
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    next_ping = start
    while time.monotonic() < end:
        if time.monotonic() >= next_ping:
            pinger.ping()
            next_ping += 0.01
        for arrival, source, seq in pinger.replies(next_ping - time.monotonic()):
            answered.setdefault(seq, arrival)
            last_source = source
    for arrival, source, seq in pinger.replies(0.3):
        answered.setdefault(seq, arrival)
        last_source = source
    child.wait()
    if last_source != want_mac.lower():
        raise SystemExit("the switchover never moved the VIP to " + want_mac)
    sent = [seq for seq, at in pinger.sent.items() if at >= start]
    lost = sum(1 for seq in sent if seq not in answered)
    times = sorted(at for seq, at in answered.items() if seq in sent)
    gap = max((b - a for a, b in zip([start] + times, times)), default=float(window))
    print("%d %.4f" % (lost, gap))


def stats(decimals="3"):
    values = sorted(float(line) for line in sys.stdin if line.strip())
    if not values:
        print("- -")
        return
    median = values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    p99 = values[min(len(values) - 1, int(0.99 * len(values) + 0.999999) - 1)]
    print("%.*f %.*f" % (int(decimals), median, int(decimals), p99))


if __name__ == "__main__":
    mode, arguments = sys.argv[1], sys.argv[2:]
    {"failover": failover, "switchover": switchover, "stats": stats}[mode](*arguments)
