#!/usr/bin/env python3
# fake_node.py MODE PORT [GNUPGHOME PEER_FPR POST_FILE [MEDIA_DIR]]: a
# hostile peerfeed node on 127.0.0.1:PORT for t0320-fetch-hostile.  Modes:
#   hang     accept connections and never answer
#   big      answer every request with a 2 GB body (Content-Length set)
#   foreign  a correctly sealed page whose one post is POST_FILE (a post
#            attributed to someone else), signed by the node's own key
#   badjson  a correctly sealed page whose plaintext is not JSON
#   posts    a correctly sealed page of every post in the directory
#            POST_FILE (*.json with *.json.sig, read at each request), and
#            GET /media/<sha256> answered with whatever bytes the test put
#            in MEDIA_DIR/<sha256> (a wrong digest, too many bytes)
# The sealed modes decrypt the request with gpg in GNUPGHOME to echo its
# nonce, so everything but the hostile part is what a real node sends.
#
# fake_node.py corpus PORT GNUPGHOME PEER_FPR SLOTDIR: many hostile friends
# at once for t0812-hostile-fetch.  A request to /s<K>/peerfeed/... is
# answered by the recipe of the case file named in SLOTDIR/s<K>.case, as
# the friend whose fingerprint is in SLOTDIR/s<K>.fpr (its secret key, and
# the "other" key named in SLOTDIR/other.fpr, are in GNUPGHOME).  The
# recipes are those of tests/hostile/README, section "fetch"; they are
# read at each request, so the test changes them between runs.
import glob, json, os, socket, subprocess, sys, threading, time
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
        if mode == "posts":
            return self.media()
        self.do_POST()

    def media(self):
        name = os.path.basename(self.path)
        try:
            data = open(os.path.join(sys.argv[6], name), "rb").read()
        except OSError:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def page(self, req, files):
        posts = []
        for f in files:
            p = open(f).read()
            posts.append({"id": json.loads(p)["id"], "author": req["to"],
                          "post": p, "sig": open(f + ".sig").read()})
        return json.dumps({"v": 1, "from": req["to"], "to": req["from"],
                           "nonce": req["nonce"], "posts": posts,
                           "next": "1." + posts[-1]["id"],
                           "more": False}).encode()

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
        elif mode == "posts":
            plain = self.page(req, sorted(glob.glob(post + "/*.json")))
        else:
            plain = self.page(req, [post])
        out = gpg(home, ["--sign", "--encrypt", "-r", peer], plain)
        self.send_response(200)
        self.send_header("Content-Type", "application/pgp-encrypted")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

if mode == "corpus":
    sys.dont_write_bytecode = True      # nothing in the source tree
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "hostile"))
    import fake_corpus
    fake_corpus.serve(port, sys.argv[3], sys.argv[4], sys.argv[5])
elif mode == "hang":
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    held = []
    while True:
        held.append(s.accept())
else:
    ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
