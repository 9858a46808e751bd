#!/usr/bin/python3
"""Sends one VRRPv3 IPv4 advert to 224.0.0.18, as another router on the link would.

Usage: vrrp-advert.py SOURCE VRID PRIORITY INTERVAL_CS VIP...
Run it inside the namespace whose interface holds SOURCE; TTL 255 as RFC 5798 wants.
"""
import socket
import struct
import sys

GROUP = "224.0.0.18"


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def main():
    source, vrid, priority, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    vips = [socket.inet_aton(v) for v in sys.argv[5:]]
    header = struct.pack("!BBBBH", 0x31, vrid, priority, len(vips), interval & 0x0FFF)
    body = header + b"\0\0" + b"".join(vips)
    pseudo = socket.inet_aton(source) + socket.inet_aton(GROUP) + struct.pack("!BBH", 0, 112, len(body))
    packet = header + struct.pack("!H", checksum(pseudo + body)) + b"".join(vips)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(source))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0xC0)
    sock.sendto(packet, (GROUP, 0))


main()
