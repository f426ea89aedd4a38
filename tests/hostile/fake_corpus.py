# fake_corpus.py: the hostile friends of t0812-hostile-fetch, served by
# tests/integration/fake_node.py in mode "corpus" (see there).  One raw
# socket server answers for every slot /s<K>/ by the recipe of the case
# file the test put in the slot; the recipes are described in
# tests/hostile/README (section "fetch").  Plain sockets, so the answers
# can be anything: broken HTTP, endless bodies, silence.
import gzip, json, os, random, re, socket, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import load, one   # the case file format

SEEN = []            # nonces of earlier requests (for replayed answers)
LOCK = threading.Lock()


class Ctx:
    def __init__(self, home, me, slotdir, port):
        self.home, self.me, self.slotdir, self.port = home, me, slotdir, port

    def gpg(self, args, data, sigtime=None):
        cmd = ["gpg", "--homedir", self.home, "--batch", "--no-tty",
               "--trust-model", "always"]
        if sigtime:
            cmd += ["--faked-system-time", "%d!" % (time.time() + sigtime),
                    "--ignore-time-conflict", "--ignore-valid-from"]
        r = subprocess.run(cmd + args, input=data, capture_output=True)
        # Decrypting to a hidden recipient, gpg tries every secret key
        # of the home and exits 2 though it decrypted with the right one.
        if r.returncode != 0 and not (args == ["--decrypt"] and r.stdout):
            raise RuntimeError(r.stderr.decode()[-300:])
        return r.stdout

    def fpr(self, name):
        with open(os.path.join(self.slotdir, name + ".fpr")) as f:
            return f.read().strip()


def now_rfc3339():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + \
        ".%03dZ" % (int(t * 1000) % 1000)


def new_id():
    return "%013d-%04x" % (int(time.time() * 1000), random.getrandbits(16))


def post_json(author, pid=None, extra=None, image=None):
    t = now_rfc3339()
    p = {"@context": "https://www.w3.org/ns/activitystreams",
         "id": pid or new_id(), "type": "Note", "attributedTo": author,
         "published": t, "updated": t, "to": ["public"],
         "content": "from the hostile corpus"}
    if image:
        p["attachment"] = [{"type": "Image", "mediaType": "image/png",
                            "digest": image[0], "size": image[1],
                            "name": "x.png"}]
    if extra:
        p.update(extra)
    return json.dumps(p, indent=2) + "\n"


IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def image_sha():
    import hashlib
    return hashlib.sha256(IMAGE).hexdigest()


def armor_sig(raw):
    """raw, a binary signature, armored (with its CRC-24, RFC 4880 6.1)."""
    import base64
    crc = 0xB704CE
    for b in raw:
        crc ^= b << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    b64 = base64.b64encode(raw).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return ("-----BEGIN PGP SIGNATURE-----\n\n" + "\n".join(lines) + "\n=" +
            base64.b64encode((crc & 0xFFFFFF).to_bytes(3, "big")).decode() +
            "\n-----END PGP SIGNATURE-----\n")


def forge(ctx, who, data):
    """A signature by who over data, then one byte of data changed and
    the signature's unsigned digest prefix (RFC 4880 5.2.3) set to match
    the changed bytes: a BAD signature that only gpg can tell."""
    import hashlib
    raw = ctx.gpg(["-u", who + "!", "--detach-sign"], data)
    changed = data.replace(b"hostile corpus", b"hostile corpuS", 1)
    hdr = 2 if raw[0] & 0x40 else 1 + (1, 2, 4)[raw[0] & 3]
    body = raw[hdr:]
    hl = body[4] << 8 | body[5]
    ul = body[6 + hl] << 8 | body[7 + hl]
    h = hashlib.new({8: "sha256", 9: "sha384", 10: "sha512",
                     11: "sha224"}[body[3]])
    h.update(changed + body[:6 + hl] + b"\x04\xff" + (6 + hl).to_bytes(4, "big"))
    at = hdr + 8 + hl + ul
    return changed, armor_sig(raw[:at] + h.digest()[:2] + raw[at + 2:])


def make_post(ctx, slot, spec):
    """One entry of posts[] for the post recipe spec."""
    me = ctx.fpr(slot)
    other = ctx.fpr("other")
    kind, _, arg = spec.partition("=")
    pid = new_id()
    author, signer, text = me, me, None
    entry = {}
    if kind == "foreign":
        author, signer = other, other
    elif kind == "id":
        pid = arg
    elif kind == "good-image":
        text = post_json(me, pid, image=(image_sha(), len(IMAGE)))
    elif kind == "json":
        base = json.loads(post_json(me, pid))
        if arg == "dup":
            text = post_json(me, pid)[:-3] + ',\n  "content": "again"\n}\n'
        elif arg == "deep":
            text = post_json(me, pid)[:-3] + ',\n  "x": ' + "[" * 50 + "]" * 50 + "\n}\n"
        elif arg == "nul":
            text = post_json(me, pid).replace("hostile corpus", "hostile\\u0000corpus")
        elif arg == "badutf8":
            text = post_json(me, pid).replace("hostile", "hostile\udcff")
        elif arg == "huge":
            text = post_json(me, pid, {"content": "h" * 70000})
        elif arg == "type":
            text = post_json(me, pid, {"type": "Article"})
        elif arg == "to":
            text = post_json(me, pid, {"to": ["friends"]})
        elif arg == "updated":
            text = post_json(me, pid, {"updated": "1999-01-01T00:00:00.000Z"})
        elif arg == "extra":
            text = post_json(me, pid, {"x": 1})
        elif arg == "array":
            text = "[" + json.dumps(base) + "]\n"
        elif arg == "imgdigest":
            text = post_json(me, pid, image=("../../../peerfeed.conf", 10))
    if text is None:
        text = post_json(author, pid)
    data = text.encode("utf-8", "surrogateescape")
    sigspec = arg if kind == "sig" else ""
    if sigspec == "none":
        sig = ""
    elif sigspec == "garbage":
        sig = "-----BEGIN PGP SIGNATURE-----\n\nZ2FyYmFnZQ==\n-----END PGP SIGNATURE-----\n"
    elif sigspec == "empty":
        sig = "-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n"
    elif sigspec == "clearsign":
        sig = ctx.gpg(["-u", me + "!", "--clearsign"], data).decode()
    elif sigspec == "inline":
        sig = ctx.gpg(["-u", me + "!", "--armor", "--sign"], data).decode()
    elif sigspec == "forged":
        data, sig = forge(ctx, me, data)
    elif sigspec == "textmode":
        sig = ctx.gpg(["-u", me + "!", "--textmode", "--armor",
                       "--detach-sign"], data).decode()
    elif sigspec == "two":
        sig = ctx.gpg(["-u", me + "!", "-u", other + "!", "--armor",
                       "--detach-sign"], data).decode()
    else:
        who = other if sigspec == "other" else signer
        what = data + b" " if sigspec == "otherbytes" else data
        sig = ctx.gpg(["-u", who + "!", "--armor", "--detach-sign"], what).decode()
    entry = {"id": pid, "author": me, "post": data.decode("utf-8", "surrogateescape"),
             "sig": sig}
    if kind == "entry-id":
        entry["id"] = arg
    elif kind == "entry-author":
        entry["author"] = other
    elif kind == "entry":
        if arg == "string":
            return "not an object"
        if arg == "nosig":
            del entry["sig"]
        if arg == "postnum":
            entry["post"] = 12
    return entry


def page_text(ctx, slot, c, req):
    """The plaintext of the answer to req (a dict) for case c."""
    me = ctx.fpr(slot)
    spec = one(c, "post", "good")
    posts = [make_post(ctx, slot, spec)]
    if spec == "twice":
        posts = [make_post(ctx, slot, "good")] * 2
    # next names the last post if its id is one (a bad id must be refused
    # for itself, not for a bad cursor).
    last = posts[-1].get("id", "") if isinstance(posts[-1], dict) else ""
    last = last if re.fullmatch(r"[0-9]{13}-[0-9a-f]{4}", str(last)) else ""
    page = {"v": 1, "from": me, "to": req["from"], "nonce": req["nonce"],
            "posts": posts, "next": "%d.%s" % (int(time.time() * 1000), last),
            "more": False}
    p = one(c, "page", "")
    op, _, arg = p.partition(" ")
    if op == "raw":
        return arg.encode("utf-8", "surrogatepass")
    if op == "set":
        k, _, v = arg.partition("=")
        v = v.replace("{OTHER}", ctx.fpr("other"))
        page[k] = json.loads(v)
    elif op == "del":
        del page[arg]
    elif op == "replay":
        with LOCK:
            old = [n for n in SEEN if n != req["nonce"]]
        page["nonce"] = old[-1] if old else "%032x" % 1
    elif op == "more-forever":
        page["more"] = True
        page["next"] = "%d.%s" % (int(time.time() * 1000) + random.getrandbits(20),
                                  page["posts"][0]["id"])
    elif op == "many":
        page["posts"] = posts * int(arg)
    elif op == "pad":
        page["pad"] = "p" * int(arg)
    elif op == "deep":
        page["x"] = json.loads("[" * 100 + "]" * 100)
    text = json.dumps(page)
    if op == "dup":
        text = text[:-1] + ', "%s": %s}' % (arg, json.dumps(page[arg]))
    return text.encode()


def seal(ctx, slot, c, plain):
    me, other = ctx.fpr(slot), ctx.fpr("other")
    opts = dict(kv.split("=", 1) for kv in (one(c, "seal", "") or "").split() if "=" in kv)
    sign = opts.get("sign", "h")
    enc = opts.get("encrypt", "me")
    if opts.get("plain") == "bomb":
        plain = b"\0" * 40000000
    names = {"h": me, "other": other, "me": ctx.me}
    args = ["-z", "9"] if opts.get("plain") == "bomb" else []
    if sign != "none":
        for k in sign.split("+"):
            args += ["-u", names[k] + "!"]
    if enc == "none":
        args += ["--sign"]
    elif enc == "symmetric":
        args += ["--passphrase", "x", "--pinentry-mode", "loopback",
                 "--symmetric"] + (["--sign"] if sign != "none" else [])
    else:
        for k in enc.split("+"):
            args += ["-r", names[k]]
        args += ["--encrypt"] + (["--sign"] if sign != "none" else [])
    st = opts.get("sigtime")
    out = ctx.gpg(args, plain, int(st) if st else None)
    if "truncate" in opts:
        out = out[:int(opts["truncate"])]
    if "flip" in opts:
        i = int(opts["flip"]) % len(out)
        out = out[:i] + bytes([out[i] ^ 0x41]) + out[i + 1:]
    return out


def reply(conn, status, body=b"", ctype=None, extra=b""):
    h = b"HTTP/1.1 %d X\r\n" % status
    if ctype:
        h += b"Content-Type: " + ctype.encode() + b"\r\n"
    h += extra + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    conn.sendall(h + body)


def endless(conn, head, chunked=False):
    conn.sendall(head)
    chunk = b"\0" * 65536
    try:
        for _ in range(40000):
            conn.sendall((b"10000\r\n" + chunk + b"\r\n") if chunked else chunk)
    except OSError:
        pass


def http_recipe(ctx, conn, slot, c, path):
    """Answer by the case's http: directive; True if it did."""
    h = one(c, "http")
    if h is None:
        return False
    op, _, arg = h.partition(" ")
    ctype = one(c, "ctype")
    body = c.get("body", [b""])[-1]
    if "body-random" in c:
        body = os.urandom(int(one(c, "body-random")))
    if op == "status":
        reply(conn, int(arg), body, None if ctype == "-" else (ctype or "text/html"))
    elif op == "raw":
        conn.sendall(arg.encode().replace(b"\\r\\n", b"\r\n"))
    elif op == "redirect":
        code, _, loc = arg.partition(" ")
        base = "http://127.0.0.1:%d/%s" % (ctx.port, slot)
        m = re.search(r"/chain/([0-9]+)", path)
        n = int(m.group(1)) + 1 if m else 0
        loc = loc.replace("{SELF}", base + "/peerfeed/feed").replace(
            "{CHAIN}", base + "/chain/%d" % n).replace(
            "{BIGURL}", "http://127.0.0.1:%d/big" % ctx.port)
        reply(conn, int(code), b"", "text/html", b"Location: " + loc.encode() + b"\r\n")
    elif op == "hang":
        time.sleep(90)
    elif op == "hang-body":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pgp-encrypted\r\n"
                     b"Content-Length: 1000\r\n\r\nx")
        time.sleep(90)
    elif op == "trickle":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pgp-encrypted\r\n"
                     b"Content-Length: 100000\r\n\r\n")
        try:
            for _ in range(60):
                conn.sendall(b"\x84")
                time.sleep(2)
        except OSError:
            pass
    elif op == "big":
        endless(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/pgp-encrypted\r\n"
                b"Content-Length: %s\r\n\r\n" % arg.encode())
    elif op == "big-chunked":
        endless(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/pgp-encrypted\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n", chunked=True)
    elif op == "big-close":
        endless(conn, b"HTTP/1.0 200 OK\r\nContent-Type: application/pgp-encrypted\r\n\r\n")
    elif op == "short-body":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pgp-encrypted\r\n"
                     b"Content-Length: 5000\r\n\r\n\x84\x5e\x03")
    elif op == "close":
        pass
    elif op == "huge-header":
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"h" * 200000 + b"\r\n\r\n")
    elif op == "many-headers":
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + b"X-H: 1\r\n" * 10000 +
                     b"Content-Length: 0\r\n\r\n")
    elif op == "bad-chunk":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pgp-encrypted\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
    elif op == "gzip-bomb":
        z = gzip.compress(b"\0" * (64 << 20), 9)
        reply(conn, 200, z, "application/pgp-encrypted", b"Content-Encoding: gzip\r\n")
    else:
        reply(conn, 500, b"unknown recipe " + h.encode())
    return True


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        d = conn.recv(65536)
        if not d:
            return None, None, None
        data += d
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path = lines[0].split(" ")[:2]
    n = 0
    for l in lines[1:]:
        if l.lower().startswith("content-length:"):
            n = int(l.split(":", 1)[1])
    while len(body) < n:
        d = conn.recv(65536)
        if not d:
            break
        body += d
    return method, path, body


def handle(ctx, conn):
    try:
        method, path, body = read_request(conn)
        if path is None:
            return
        if path == "/big":
            endless(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\n")
            return
        m = re.match(r"/(s[0-9]+)/", path)
        if not m:
            reply(conn, 404)
            return
        slot = m.group(1)
        c = load(os.path.join(ctx.slotdir, slot + ".case"))
        if "/media/" in path:
            return media(ctx, conn, c)
        if http_recipe(ctx, conn, slot, c, path):
            return
        if not body:
            reply(conn, 400)
            return
        req = json.loads(ctx.gpg(["--decrypt"], body))
        plain = page_text(ctx, slot, c, req)
        with LOCK:
            SEEN.append(req["nonce"])
        out = seal(ctx, slot, c, plain)
        ct = one(c, "ctype", "application/pgp-encrypted")
        reply(conn, 200, out, None if ct == "-" else ct)
    except Exception as e:  # the fetcher sees a 500; the log says why
        print("fake_corpus: %s" % e, file=sys.stderr)
        try:
            reply(conn, 500, str(e).encode()[:200])
        except OSError:
            pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def media(ctx, conn, c):
    how = one(c, "media", "good")
    if how == "big":
        endless(conn, b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n"
                b"Content-Length: 2147483648\r\n\r\n")
    elif how == "wrong":
        reply(conn, 200, IMAGE[:-1] + b"!", "image/png")
    else:
        reply(conn, 200, IMAGE, "image/png")


def serve(port, home, me, slotdir):
    ctx = Ctx(home, me, slotdir, port)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=handle, args=(ctx, conn), daemon=True).start()
