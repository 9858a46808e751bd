#!/usr/bin/python3
"""A tiny SMTP sink for tests: accepts every mail on 127.0.0.1 and prints each as one JSON line.

Prints "PORT <n>" once listening (port 0 picks a free one), then for every mail
{"helo": ..., "from": ..., "to": [...], "data": ...} with the DATA section as received
(CRLF kept, dot-stuffing undone). A recipient "nobody@..." is refused with 550. Standard library only, so CI needs no pip.
"""
import asyncio
import json
import sys


async def session(reader, writer):
    def reply(line):
        writer.write((line + "\r\n").encode())

    helo, sender, recipients = None, None, []
    reply("220 sink ESMTP ready")
    await writer.drain()
    while True:
        raw = await reader.readline()
        if not raw:
            break
        line = raw.decode(errors="replace").rstrip("\r\n")
        verb = line[:4].upper()
        if verb in ("HELO", "EHLO"):
            helo = line[5:]
            reply("250 sink")
        elif line.upper().startswith("MAIL FROM:"):
            sender, recipients = line[10:].strip("<> "), []
            reply("250 OK")
        elif line.upper().startswith("RCPT TO:"):
            recipient = line[8:].strip("<> ")
            if recipient.startswith("nobody@"):
                reply("550 no such user")
            else:
                recipients.append(recipient)
                reply("250 OK")
        elif verb == "DATA":
            reply("354 end with .")
            await writer.drain()
            lines = []
            while True:
                raw = await reader.readline()
                if not raw or raw in (b".\r\n", b".\n"):
                    break
                if raw.startswith(b".."):
                    raw = raw[1:]
                lines.append(raw.decode(errors="replace"))
            print(json.dumps({"helo": helo, "from": sender, "to": recipients, "data": "".join(lines)}), flush=True)
            reply("250 queued")
        elif verb == "QUIT":
            reply("221 bye")
            await writer.drain()
            break
        else:
            reply("502 not implemented")
        await writer.drain()
    writer.close()


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = await asyncio.start_server(session, "127.0.0.1", port)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
