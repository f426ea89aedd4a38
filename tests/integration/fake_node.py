#!/usr/bin/env python3
# fake_node.py MODE PORT [GNUPGHOME PEER_FPR POST_FILE]: a hostile peerfeed
# node on 127.0.0.1:PORT for t0320-fetch-hostile.  Modes:
#   hang     accept connections and never answer
#   big      answer every request with a 2 GB body (Content-Length set)
#   foreign  a correctly sealed page whose one post is POST_FILE (a post
#            attributed to someone else), signed by the node's own key
#   badjson  a correctly sealed page whose plaintext is not JSON
# The sealed modes decrypt the request with gpg in GNUPGHOME to echo its
# nonce, so everything but the hostile part is what a real node sends.
import json, socket, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, port = sys.argv[1], int(sys.argv[2])

def gpg(home, args, data):
    return subprocess.run(["gpg", "--homedir", home, "--batch", "--no-tty",
                           "--trust-model", "always"] + args, input=data,
                          capture_output=True, check=True).stdout

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        self.do_POST()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        if mode == "big":
            self.send_response(200)
            self.send_header("Content-Length", str(2 << 30))
            self.end_headers()
            chunk = b"\0" * 65536
            try:
                for _ in range((2 << 30) // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        if not body:            # the ETag probe: ask for the real request
            self.send_response(400)
            self.end_headers()
            return
        home, peer, post = sys.argv[3], sys.argv[4], sys.argv[5]
        req = json.loads(gpg(home, ["--decrypt"], body))
        if mode == "badjson":
            plain = b'{"v":1,"from": oops'
        else:
            p = open(post).read()
            sig = open(post + ".sig").read()
            pid = json.loads(p)["id"]
            plain = json.dumps({"v": 1, "from": req["to"], "to": req["from"],
                                "nonce": req["nonce"], "posts": [
                                    {"id": pid, "author": req["to"],
                                     "post": p, "sig": sig}],
                                "next": "1." + pid, "more": False}).encode()
        out = gpg(home, ["--sign", "--encrypt", "-r", peer], plain)
        self.send_response(200)
        self.send_header("Content-Type", "application/pgp-encrypted")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

if mode == "hang":
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    held = []
    while True:
        held.append(s.accept())
else:
    ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
