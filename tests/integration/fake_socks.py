#!/usr/bin/env python3
"""fake_socks.py: a SOCKS5 stand-in for tor's SOCKS port (issue 15).

Usage: fake_socks.py PORTFILE LOG MODE [NAME=HOST:PORT ...]

Listens on 127.0.0.1 (any free port, written to PORTFILE) and appends one
line per CONNECT request to LOG: "domain NAME PORT" when the client left
the name to the proxy (socks5h, ATYP 3), "ipv4 ADDR PORT" or "ipv6 ..."
when it resolved the name itself.  MODE:
  map      CONNECT NAME:80 goes to HOST:PORT (as tor maps an onion name to
           the service); any other target is refused (reply 4, host
           unreachable), as tor refuses an unknown onion name
  hang     accept, read the greeting, never answer
  garbage  answer the greeting with bytes that are not SOCKS5
Stops on SIGTERM.
"""
import socket
import sys
import threading


def log(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


def recv_exact(c, n):
    b = b""
    while len(b) < n:
        part = c.recv(n - len(b))
        if not part:
            raise EOFError
        b += part
    return b


def relay(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def target(c):
    ver, cmd, _, atyp = recv_exact(c, 4)
    if ver != 5 or cmd != 1:
        raise EOFError
    if atyp == 3:
        name = recv_exact(c, recv_exact(c, 1)[0]).decode("ascii", "replace")
        kind = "domain"
    elif atyp == 1:
        name, kind = socket.inet_ntop(socket.AF_INET, recv_exact(c, 4)), "ipv4"
    elif atyp == 4:
        name, kind = socket.inet_ntop(socket.AF_INET6, recv_exact(c, 16)), "ipv6"
    else:
        raise EOFError
    port = int.from_bytes(recv_exact(c, 2), "big")
    return kind, name, port


def serve(c, logpath, mode, table):
    try:
        if mode == "hang":
            c.recv(16)
            threading.Event().wait()
        greet = recv_exact(c, 2)
        recv_exact(c, greet[1])
        if mode == "garbage":
            c.sendall(b"HTTP/1.0 200 OK\r\n\r\nnot socks\n")
            return
        c.sendall(b"\x05\x00")
        kind, name, port = target(c)
        log(logpath, "%s %s %d" % (kind, name, port))
        to = table.get(name.lower()) if kind == "domain" and port == 80 else None
        if to is None:
            c.sendall(b"\x05\x04\x00\x01" + bytes(6))
            return
        up = socket.create_connection(to, timeout=10)
        up.settimeout(None)
        c.sendall(b"\x05\x00\x00\x01" + bytes(6))
        threading.Thread(target=relay, args=(up, c), daemon=True).start()
        relay(c, up)
    except (EOFError, OSError):
        pass
    finally:
        c.close()


def main():
    portfile, logpath, mode = sys.argv[1:4]
    table = {}
    for m in sys.argv[4:]:
        name, _, hp = m.partition("=")
        host, _, port = hp.rpartition(":")
        table[name.lower()] = (host, int(port))
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    open(logpath, "a").close()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, logpath, mode, table),
                         daemon=True).start()


if __name__ == "__main__":
    main()
