#!/usr/bin/python3
"""Floods a LAN with malformed VRRPv2 adverts from a packet socket, class by class.

usage: advert-flood.py IFACE SRC VRID PASSWORD VIP SECONDS RATE

Every packet is built by hand here (not by the project's encoder), so the reason a receiver must
drop it for is known independently of the code under test. Frames are multicast to 224.0.0.18,
so every router on the LAN gets every packet. Prints one JSON object: drop reason -> packets
sent, using vrrpd's reason names (AdvertDropReason.name), plus "sent" and "seconds".
"""
import json
import os
import random
import socket
import struct
import sys
import time

iface, src, vrid, password, vip, seconds, rate = sys.argv[1:8]
vrid, seconds, rate = int(vrid), float(seconds), int(rate)
src_ip = socket.inet_aton(src)
group_ip = socket.inet_aton("224.0.0.18")
vip_ip = socket.inet_aton(vip)
pw = password.encode()[:8].ljust(8, b"\0")
rng = random.Random(1)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def vrrp2(vrid=vrid, priority=100, addresses=(vip_ip,), auth_type=1, auth=pw, interval=1, version=2, kind=1,
          bad_checksum=False):
    body = struct.pack("!BBBBBBH", (version << 4) | kind, vrid, priority, len(addresses), auth_type, interval, 0)
    body += b"".join(addresses) + auth
    value = checksum(body)
    if bad_checksum:
        value ^= 0x5A5A
    return body[:6] + struct.pack("!H", value) + body[8:]


def vrrp3(vrid=vrid, priority=100, addresses=(vip_ip,), centiseconds=100):
    body = struct.pack("!BBBBH", 0x31, vrid, priority, len(addresses), centiseconds & 0x0FFF) + b"\0\0"
    body += b"".join(addresses)
    pseudo = src_ip + group_ip + struct.pack("!BBH", 0, 112, len(body))
    value = checksum(pseudo + body)
    return body[:6] + struct.pack("!H", value) + body[8:]


def ipv4(payload, ttl=255, options=b""):
    ihl = 5 + len(options) // 4
    header = struct.pack("!BBHHHBBH4s4s", (4 << 4) | ihl, 0xC0, ihl * 4 + len(payload), rng.randrange(65536), 0,
                         ttl, 112, 0, src_ip, group_ip) + options
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


good = vrrp2()
# Each class: (reason the receiver must give, list of IP packets to cycle through).
classes = {
    # Cut short inside the fixed header, then cut anywhere after it: every byte position.
    "truncated": [ipv4(good[:k]) for k in range(0, 8)],
    "vrrp_length": [ipv4(good[:k]) for k in range(8, len(good))]
    # Oversize: a valid advert followed by junk up to a 1500-byte MTU.
    + [ipv4(good + bytes(rng.randrange(256) for _ in range(1500 - 20 - len(good))))],
    # Garbage: random bytes whose version nibble is neither 2 nor 3.
    "version": [ipv4(bytes([v << 4 | 1]) + bytes(rng.randrange(256) for _ in range(39))) for v in (0, 1, 4, 7, 15)]
    + [ipv4(vrrp2(version=v)) for v in (0, 1, 4, 5, 9, 15)],
    "type": [ipv4(vrrp2(kind=k)) for k in (0, 2, 3, 15)],
    "checksum": [ipv4(vrrp2(bad_checksum=True))],
    "auth_type_invalid": [ipv4(vrrp2(auth_type=t)) for t in (3, 4, 200, 255)],
    "ttl": [ipv4(good, ttl=t) for t in (1, 64, 128, 254)],
    # IP options (NOP NOP NOP EOL) on an advert for a VRID nobody runs.
    "unknown_vrid": [ipv4(vrrp2(vrid=(vrid % 250) + 3), options=b"\x01\x01\x01\x00"), ipv4(vrrp2(vrid=(vrid % 250) + 4))],
    "version_mismatch": [ipv4(vrrp3())],
    "auth_type_mismatch": [ipv4(vrrp2(auth_type=0, auth=b"\0" * 8))],
    # Forged priority 255 without the password.
    "auth_failure": [ipv4(vrrp2(priority=255, auth=b"forged!!")), ipv4(vrrp2(priority=255, auth=b"\0" * 8))],
    "advert_interval": [ipv4(vrrp2(interval=3)), ipv4(vrrp2(interval=2))],
    "address_count": [ipv4(vrrp2(addresses=(vip_ip, socket.inet_aton("192.0.2.1"))))],
    "address_list": [ipv4(vrrp2(addresses=(socket.inet_aton("192.0.2.1"),)))],
}

sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind((iface, 0))
mac = sock.getsockname()[4]
ethernet = bytes.fromhex("01005e000012") + mac + b"\x08\x00"
frames = [(reason, ethernet + packet) for reason, packets in classes.items() for packet in packets]
# Round-robin over classes (not over packets), so each reason gets its share of the rate.
by_reason = {}
for reason, frame in frames:
    by_reason.setdefault(reason, []).append(frame)
order = list(by_reason.items())

sent = {reason: 0 for reason in by_reason}
total = 0
start = time.monotonic()
batch = max(1, rate // 100)
next_batch = start
while True:
    now = time.monotonic()
    if now - start >= seconds:
        break
    if now < next_batch:
        time.sleep(next_batch - now)
    for _ in range(batch):
        reason, frames_of_reason = order[total % len(order)]
        frame = frames_of_reason[sent[reason] % len(frames_of_reason)]
        try:
            sock.send(frame)
        except OSError:
            continue  # ENOBUFS: not sent, not counted
        sent[reason] += 1
        total += 1
    next_batch += batch / rate
elapsed = time.monotonic() - start
sent["sent"] = total
print(json.dumps({"reasons": {k: v for k, v in sent.items() if k != "sent"}, "sent": total, "seconds": elapsed}))
