"""A tiny DNS responder for the packets tests: answers every A question on
127.0.0.1:53 (UDP) with 192.0.2.7 (TEST-NET-1, documentation only) and every
other question with NXDOMAIN. Stdlib only; exits after 30 seconds."""
import socket, struct, sys, time

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", 53))
sock.settimeout(0.5)
print("ready", flush=True)
end = time.time() + 30
while time.time() < end:
    try:
        query, peer = sock.recvfrom(512)
    except socket.timeout:
        continue
    if len(query) < 12:
        continue
    (ident,) = struct.unpack("!H", query[:2])
    at = 12
    while at < len(query) and query[at] != 0:
        at += query[at] + 1
    question = query[12 : at + 5]
    qtype = struct.unpack("!H", query[at + 1 : at + 3])[0] if at + 3 <= len(query) else 0
    if qtype == 1:
        flags, answers = 0x8180, 1
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 7])
    else:
        flags, answers, answer = 0x8183, 0, b""
    header = struct.pack("!HHHHHH", ident, flags, 1, answers, 0, 0)
    sock.sendto(header + question + answer, peer)
