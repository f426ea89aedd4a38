#!/usr/bin/env python3
# hostile.py: replay the hostile-input corpus (tests/hostile/README) against
# a running node.  The shell runners (tests/integration/t081*-hostile-*.sh)
# set the node up with lib.sh and call one mode of this script:
#   hostile.py public VARS DIR...    raw HTTP requests to the web server
#   hostile.py private VARS DIR...   sealed requests built with plain gpg
# VARS is a JSON file of placeholders ({A}, {PUB_SHA}, ...) and settings
# (host, port, base, gnupg home, key fingerprints).  Each case prints one
# TAP line; the exit status is the number of failed cases (capped at 100).
import base64, json, os, random, re, socket, subprocess, sys, time

TIMEOUT = 20


def unescape(s):
    """A case value: \\xNN, \\r, \\n, \\t, \\0 and \\\\ escapes, to bytes."""
    out, i = bytearray(), 0
    b = s.encode("utf-8", "surrogateescape")
    while i < len(b):
        c = b[i]
        if c == 0x5c and i + 1 < len(b):
            n = chr(b[i + 1])
            if n == "x" and i + 3 < len(b):
                out.append(int(b[i + 2:i + 4], 16))
                i += 4
                continue
            out.extend({"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0",
                        "\\": b"\\"}.get(n, b"\\" + n.encode()))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def load(path):
    """The case file as {key: [values as bytes]}, plus its description."""
    c = {"_file": path, "_desc": ""}
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                c["_desc"] = c["_desc"] or line[1:].strip()
                continue
            if not line.strip():
                continue
            k, _, v = line.partition(": ")
            c.setdefault(k.strip(), []).append(unescape(v))
    return c


def one(c, k, default=None):
    v = c.get(k)
    return v[-1].decode("utf-8", "surrogateescape") if v else default


PH = re.compile(rb"\{([A-Z][A-Z0-9_]*)([+-][0-9]+)?\}")


def subst(b, vars):
    """Replace {NAME}, {NAME_LOWER}, {NAME_UP}, {NAME_n} (first n chars),
    {NAME_nB} (from char n on) and {NAME+n} (arithmetic) in bytes b."""
    def rep(m):
        name, t = m.group(1).decode(), ""
        if name not in vars and "_" in name:
            name, t = name.rsplit("_", 1)
        if name not in vars:
            return m.group(0)
        v = vars[name]
        if m.group(2):
            return str(int(v) + int(m.group(2))).encode()
        v = str(v)
        if t == "LOWER":
            v = v.lower()
        elif t == "UP":
            v = v.upper()
        elif t.endswith("B") and t[:-1].isdigit():
            v = v[int(t[:-1]):]
        elif t.isdigit():
            v = v[:int(t)]
        elif t:
            return m.group(0)
        return v.encode()
    return PH.sub(rep, b)


class Tap:
    def __init__(self):
        self.n = 0
        self.fails = 0

    def result(self, c, ok, why=""):
        self.n += 1
        name = os.path.relpath(c["_file"], os.environ.get("HOSTILE_DIR", "."))
        if ok:
            print("ok %d - %s: %s" % (self.n, name, c["_desc"]))
        else:
            self.fails += 1
            print("not ok %d - %s: %s\n#   %s" % (self.n, name, c["_desc"],
                                                why.replace("\n", "\n#   ")))
        sys.stdout.flush()


def status_ok(want, got):
    """want: an exact code, a class like 4xx, or classes run together (2xx4xx)."""
    for w in re.findall(r"[0-9x]{3}", want):
        if re.fullmatch(w.replace("x", "[0-9]"), str(got)):
            return True
    return False


def http(host, port, raw):
    """Send raw bytes, read the answer to the end: (status, headers, body)."""
    s = socket.create_connection((host, port), timeout=TIMEOUT)
    try:
        s.sendall(raw)
        data = b""
        while True:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            data += d
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    while re.match(rb"HTTP/1\.[01] 1[0-9][0-9] ", head) and body.startswith(b"HTTP/"):
        head, _, body = body.partition(b"\r\n\r\n")   # 100 Continue
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] ([0-9]{3})", lines[0] if lines else b"")
    if not m:
        return 0, {}, data
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(b":")
        hdrs[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    if hdrs.get("transfer-encoding", "").lower() == "chunked":
        body = dechunk(body)
    return int(m.group(1)), hdrs, body


def dechunk(b):
    out = b""
    while b:
        line, _, b = b.partition(b"\r\n")
        try:
            n = int(line.split(b";")[0], 16)
        except ValueError:
            break
        if n == 0:
            break
        out += b[:n]
        b = b[n + 2:]
    return out


def judge(c, vars, status, hdrs, body):
    """Why the answer breaks the case's expectations, or None."""
    want = one(c, "expect", "4xx")
    if status == 0:
        return "no HTTP answer: %r" % body[:200]
    if 500 <= status and not (one(c, "by") == "server" and str(status) == want):
        return "server error %d: %r" % (status, body[:300])
    if not status_ok(want, status):
        return "status %d, expected %s: %r" % (status, want, body[:300])
    ctype = hdrs.get("content-type", "")
    err = None
    if 400 <= status < 500:
        if ctype.startswith("application/json"):
            try:
                err = json.loads(body)
                assert isinstance(err, dict) and set(err) == {"error", "detail"}
                assert all(isinstance(v, str) for v in err.values())
            except Exception:
                return "a 4xx whose JSON body is not {error, detail}: %r" % body[:300]
        elif one(c, "by") not in ("server", "either"):
            return "a %d without the JSON error body (%s): %r" % (
                status, ctype, body[:200])
    for k in ("error", "detail"):
        w = c.get(k)
        if not w:
            continue
        w = subst(w[-1], vars).decode("utf-8", "surrogateescape")
        if err is None:
            return "expected a JSON error with %s %r, got %d %r" % (
                k, w, status, body[:200])
        if (k == "error" and err["error"] != w) or w not in err[k]:
            return "%s is %r, expected %r" % (k, err[k], w)
    for w in c.get("body-has", []):
        if subst(w, vars) not in body:
            return "body lacks %r" % subst(w, vars)
    return None


# ---------------------------------------------------------------- public
def public_request(c, vars):
    method, _, target = one(c, "request", "GET /").partition(" ")
    target = subst(target.encode("utf-8", "surrogateescape"), vars)
    if "rawpath" in c:
        target = subst(c["rawpath"][-1], vars)
    elif not target.startswith(b"http"):
        target = vars["BASE"].encode() + target
    else:
        target = target.replace(b"/peerfeed/peerfeed", b"/peerfeed")
    ver = one(c, "version", "HTTP/1.1")
    body = b""
    if "body" in c:
        body = subst(c["body"][-1], vars)
    if "body-repeat" in c:
        t, n = c["body-repeat"][-1].rsplit(b" ", 1)
        body = t * int(n)
    hdrs = b""
    if one(c, "nohost") is None:
        hdrs += b"Host: 127.0.0.1\r\n"
    given = b""
    for h in c.get("header", []):
        given += subst(h, vars) + b"\r\n"
    hdrs += given
    low = given.lower()
    if body and b"content-length:" not in low and b"transfer-encoding:" not in low:
        hdrs += b"Content-Length: %d\r\n" % len(body)
    hdrs += b"Connection: close\r\n"
    return (method.encode() + b" " + target + b" " + ver.encode() + b"\r\n" +
            hdrs + b"\r\n" + body)


def run_public(vars, dirs):
    tap = Tap()
    for c in cases(dirs):
        raw = public_request(c, vars)
        try:
            st, h, b = http(vars["HOST"], vars["PORT"], raw)
        except OSError as e:
            tap.result(c, False, "connection: %s" % e)
            continue
        why = judge(c, vars, st, h, b)
        if why is None and one(c, "request", "").startswith("HEAD") and b:
            why = "HEAD answered with a body"
        tap.result(c, why is None, why or "")
    return tap


def cases(dirs):
    out = []
    for d in dirs:
        for f in sorted(os.listdir(d)):
            if f.endswith(".case"):
                out.append(load(os.path.join(d, f)))
    return out


# ---------------------------------------------------------------- private
class Sealer:
    """Builds request bodies with plain gpg in one home holding every
    requester's secret key (vars["W"]); key names map to fingerprints."""

    def __init__(self, vars):
        self.v = vars

    def gpg(self, args, data, sigtime=None):
        cmd = ["gpg", "--homedir", self.v["W"], "--batch", "--no-tty",
               "--trust-model", "always", "--no-auto-key-locate"]
        if sigtime:
            cmd += ["--faked-system-time", "%d!" % (int(time.time()) + sigtime),
                    "--ignore-time-conflict", "--ignore-valid-from"]
        r = subprocess.run(cmd + args, input=data, capture_output=True)
        if r.returncode != 0:
            raise RuntimeError("gpg %s: %s" % (" ".join(args),
                                               r.stderr.decode()[-300:]))
        return r.stdout

    def fpr(self, name):
        return self.v["KEYS"][name]

    def seal(self, c, plain, armor=False):
        sign = one(c, "sign", "f")
        enc = one(c, "encrypt", "a")
        extra = (one(c, "gpg", "") or "").split()
        if armor and "--armor" not in extra:
            extra.append("--armor")
        st = one(c, "sigtime")
        args = []
        if sign != "none":
            for k in sign.split(","):
                args += ["-u", self.fpr(k) + "!"]
        pw = ["--passphrase", "hostile", "--pinentry-mode", "loopback"]
        if enc == "none":
            args += ["--sign"]
        elif enc == "clearsign":
            args += ["--clearsign"]
        elif enc == "detach":
            args += ["--detach-sign"]
        elif enc == "symmetric":
            args += pw + ["--symmetric"] + (["--sign"] if sign != "none" else [])
        else:
            sym = enc.endswith("+symmetric")
            for k in enc.replace("+symmetric", "").split(","):
                args += ["-r", self.fpr(k)]
            if sym:
                args += pw + ["--symmetric"]
            args += ["--encrypt"] + (["--sign"] if sign != "none" else [])
        return self.gpg(extra + args, plain, int(st) if st else None)


def default_req(vars, ep):
    r = [("v", "1"), ("from", '"%s"' % vars["F"]), ("to", '"%s"' % vars["A"]),
         ("aud", '"%s/%s"' % (vars["URL"], ep)), ("ts", str(int(time.time()))),
         ("nonce", '"%s"' % "%032x" % random.getrandbits(128))]
    if ep == "media":
        r.append(("media", '"%s"' % vars["PUB_SHA"]))
    return r


def plaintext(c, vars, ep):
    """The request plaintext of case c as bytes, and its members."""
    members = default_req(vars, ep)
    nonce = json.loads(dict(members)["nonce"])
    pv = dict(vars, NONCE=nonce, TS=dict(members)["ts"],
              AUD="%s/%s" % (vars["URL"], ep))
    pv["TS_MS"] = str(int(pv["TS"]) * 1000)
    pv["AUD_UP"] = pv["AUD"].upper()
    pv["AUD_PATH"] = "/peerfeed/" + ep
    pv["AUD_DOUBLE"] = pv["AUD"] + "/" + ep
    pv["AUD_ENC"] = pv["AUD"][:-1] + "%%%02x" % ord(pv["AUD"][-1])
    pv["AUD_OTHER"] = "http://other.example/peerfeed/" + ep
    for s in c.get("set", []):
        k, _, v = subst(s, pv).decode("utf-8", "surrogateescape").partition("=")
        members = [(mk, v if mk == k else mv) for mk, mv in members]
        if k not in dict(members):
            members.append((k, v))
    for d in c.get("del", []):
        members = [m for m in members if m[0] != d.decode()]
    text = "{" + ",".join('"%s":%s' % m for m in members) + "}"
    if "plain-py" in c:
        req = {k: json.loads(v) for k, v in members}
        p = eval(c["plain-py"][-1].decode(), {"__builtins__": __builtins__},
                 {"req": req, "dumps": lambda o, **kw: json.dumps(
                     o, separators=(",", ":"), **kw)})
        text = p
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogatepass")
    return text, members, pv


def wrap(c, body, plain, sealer):
    """Apply the case's wrap: transformation to the sealed body."""
    w = one(c, "wrap")
    if w is None:
        return body
    op, _, arg = w.partition(":")

    def pos(a, n):
        if a.endswith("%"):
            return n * int(a[:-1]) // 100
        return int(a) % n if int(a) < 0 else int(a)
    if op == "empty":
        return b""
    if op == "plain":
        return plain
    if op == "replace":
        return bytes.fromhex(arg)
    if op == "truncate":
        return body[:pos(arg, len(body))]
    if op == "cut":
        return body[:-int(arg)]
    if op == "flip":
        i = pos(arg, len(body))
        return body[:i] + bytes([body[i] ^ 0x41]) + body[i + 1:]
    if op == "append":
        return body + bytes.fromhex(arg)
    if op == "prepend":
        return bytes.fromhex(arg) + body
    if op == "concat":
        return body + body
    if op == "double":
        return sealer.seal(c, body)
    if op == "pad":
        return body + b"\0" * (int(arg) - len(body))
    if op == "pkesk-only":
        b = body[1]
        n = b + 2 if b < 192 else ((b - 192) << 8) + body[2] + 192 + 3
        return body[:n]
    lines = body.split(b"\n")
    # The CRC line: "=" and 4 characters, right before the end line (a
    # base64 line may start with "=" padding too).
    crc = [i for i, l in enumerate(lines[:-1]) if l.startswith(b"=") and
           len(l.rstrip()) == 5 and lines[i + 1].startswith(b"-----END")]
    if op == "armor-crlf":
        return body.replace(b"\n", b"\r\n")
    if op == "armor-nocrc":
        return b"\n".join(l for i, l in enumerate(lines) if i not in crc)
    if op == "armor-badcrc":
        return b"\n".join(b"=AAAA" if i in crc else l for i, l in enumerate(lines))
    if op == "armor-header":
        return b"\n".join([lines[0], arg.encode()] + lines[1:])
    if op == "armor-type":
        return body.replace(b"PGP MESSAGE", b"PGP " + arg.encode())
    if op == "armor-noend":
        return b"\n".join(l for l in lines if not l.startswith(b"-----END"))
    if op == "armor-nobody":
        return lines[0] + b"\n\n" + b"-----END PGP MESSAGE-----\n"
    if op == "armor-badb64":
        return b"\n".join(lines[:3] + [b"!!!!" + lines[3]] + lines[4:])
    if op == "armor-leading-ws":
        return b"\n\n  \t\n" + body
    if op == "armor-truncate":
        return b"\n".join(lines[:3] + lines[-3:])
    if op == "armor-nul":
        return b"\n".join(lines[:3] + [lines[3][:10] + b"\0" + lines[3][10:]] +
                          lines[4:])
    raise RuntimeError("unknown wrap " + w)


def post(vars, ep, hint, body, ctype, extra=b""):
    raw = (b"POST " + vars["BASE"].encode() + b"/" + ep.encode() +
           b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
    if ctype is not None:
        raw += b"Content-Type: " + ctype + b"\r\n"
    if hint is not None:
        raw += b"Peerfeed-From: " + hint + b"\r\n"
    raw += extra + b"Content-Length: %d\r\n\r\n" % len(body) + body
    return http(vars["HOST"], vars["PORT"], raw)


def run_private(vars, dirs):
    tap = Tap()
    sealer = Sealer(vars)
    for c in cases(dirs):
        ep = os.path.basename(os.path.dirname(c["_file"]))
        try:
            why = private_case(c, vars, sealer, ep)
        except Exception as e:   # a recipe gpg cannot build is a test bug
            why = "could not build the request: %s" % e
        tap.result(c, why is None, why or "")
    return tap


def private_case(c, vars, sealer, ep):
    build_ep = one(c, "endpoint", ep)
    plain, members, pv = plaintext(c, vars, build_ep)
    armor = "--armor" in (one(c, "gpg", "") or "")
    body = wrap(c, sealer.seal(c, plain), plain, sealer)
    hint = one(c, "hint", "{F}")
    hint = None if hint == "-" else subst(hint.encode("utf-8", "surrogateescape"), pv)
    ct = one(c, "ctype", "application/pgp-encrypted")
    ct = None if ct == "-" else ct.encode()
    send = one(c, "send")
    if send:
        first = body
        if send == "reseal":
            body = sealer.seal(c, plain)
        elif send == "rearmor":
            body = sealer.seal(c, plain, armor=True)
        elif send in ("newts", "uppernonce"):
            d = dict(members)
            if send == "newts":
                d["ts"] = str(int(d["ts"]) + 1)
            else:
                d["nonce"] = d["nonce"].upper()
            body = sealer.seal(c, ("{" + ",".join('"%s":%s' % m for m in d.items())
                                   + "}").encode())
        elif send == "refused-first":
            d = dict(members)
            d["aud"] = '"http://other.example/peerfeed/%s"' % ep
            first = sealer.seal(c, ("{" + ",".join('"%s":%s' % m for m in d.items())
                                    + "}").encode())
        st, h, b = post(vars, ep, hint, first, ct)
        if not status_ok(one(c, "first", "200"), st):
            return "first request: %d, expected %s: %r" % (st, one(c, "first"), b[:200])
    st, h, b = post(vars, ep, hint, body, ct)
    why = judge(c, pv, st, h, b)
    if why is None and st == 200:
        why = check_answer(vars, ep, b, plain)
    return why


def check_answer(vars, ep, body, plain):
    """A 200 must be a response sealed by the owner for the requester."""
    r = subprocess.run(["gpg", "--homedir", vars["W"], "--batch", "--no-tty",
                        "--trust-model", "always", "--status-fd", "2",
                        "--decrypt"], input=body, capture_output=True)
    if r.returncode != 0 or ("VALIDSIG" not in r.stderr.decode() or
                             vars["A"] not in r.stderr.decode()):
        return "a 200 that is not a response signed by the owner"
    if ep == "feed":
        try:
            d = json.loads(r.stdout)
            req = json.loads(plain)
        except ValueError:
            return "a 200 whose plaintext is not JSON"
        if d.get("nonce") != req.get("nonce"):
            return "the response does not echo the nonce"
    return None


# ---------------------------------------------------------------- fetch
def run_fetch_check(vars, args):
    """After one peerfeed-fetch run: args are SLOTMAP ERR BEFORE AFTER.
    SLOTMAP has one "fpr case-file" line per hostile friend of the run,
    ERR the fetcher's stderr, BEFORE and AFTER the files under the
    node's friends/ before and after the run."""
    slotmap, errf, before, after = args
    err = open(errf, errors="replace").read().splitlines()
    new = set(open(after).read().split()) - set(open(before).read().split())
    tap = Tap()
    for line in open(slotmap):
        fpr, path = line.split()
        c = load(path)
        mine = [l for l in err if fpr in l]
        stored = sorted(f for f in new if "/friends/%s/posts/" % fpr in f
                        and f.endswith(".json"))
        media = [f for f in new if "/friends/%s/media/" % fpr in f]
        want = one(c, "stored", "0")
        want = len(stored) if want == "any" else int(want)
        e = one(c, "error", None)
        why = None
        if len(stored) != want:
            why = "%d posts stored, expected %d: %s" % (len(stored), want, stored)
        elif media:
            why = "media stored from a hostile friend: %s" % media
        elif e is not None and not mine:
            why = "the friend is not named on stderr"
        elif e and not any(e.lower() in l.lower() for l in mine):
            why = "no %r in: %s" % (e, mine)
        elif e is None and any("note:" not in l for l in mine):
            why = "a good friend failed: %s" % mine
        tap.result(c, why is None, why or "")
        for l in mine:
            said = l[l.find("): ") + 3 if "): " in l else 0:][:200]
            print("#   said: %s" % said.encode("ascii", "backslashreplace")
                  .decode().replace("\0", "\\0"))
    return tap


# ---------------------------------------------------------------- cli
def cli(vars, *args):
    r = subprocess.run([vars["PEERFEED"], "-d", vars["NODE"]] + list(args),
                       capture_output=True, timeout=60)
    return r.returncode, r.stdout.decode(errors="replace"), \
        r.stderr.decode(errors="replace")


def tree(d):
    """{relative path: bytes or a marker} of everything under d."""
    out = {}
    for root, dirs, files in os.walk(d):
        for f in dirs + files:
            p = os.path.join(root, f)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                out[rel] = "link:" + os.readlink(p)
            elif os.path.isfile(p):
                out[rel] = open(p, "rb").read()
            elif not os.path.isdir(p):
                out[rel] = "special"
    return out


def hand_edit(c, vars, posts, victim):
    """Apply the case's edit: to posts/<victim>.json; the file it names."""
    op, _, arg = one(c, "edit").partition(":")
    f = os.path.join(posts, victim + ".json")
    data = open(f, "rb").read()
    arg = subst(arg.encode("utf-8", "surrogateescape"), vars).decode(
        "utf-8", "surrogateescape")
    if op == "truncate":
        data = data[:int(arg)]
    elif op == "replace":
        data = arg.encode()
    elif op == "dup":
        data = data.rstrip()[:-1] + b',\n  "%s": "again"\n}\n' % arg.encode()
    elif op == "nul":
        data = data.replace(b'"content": "', b'"content": "\\u0000', 1)
    elif op == "badutf8":
        data = data.replace(b'"content": "', b'"content": "\xff\xfe', 1)
    elif op == "deep":
        data = data.rstrip()[:-1] + b',\n  "x": ' + b"[" * 20 + b"]" * 20 + b"\n}\n"
    elif op == "huge":
        data = data.replace(b'"content": "', b'"content": "' + b"h" * 70000, 1)
    elif op == "append":
        data += arg.encode()
    elif op == "prepend":
        data = arg.encode() + data
    elif op == "set":
        k, _, v = arg.partition("=")
        d = json.loads(data, object_pairs_hook=lambda kv: kv)
        d = [(dk, json.loads(v) if dk == k else dv) for dk, dv in d]
        if k not in [dk for dk, _ in d]:
            d.append((k, json.loads(v)))
        data = ("{\n" + ",\n".join("  %s: %s" % (json.dumps(dk), json.dumps(dv))
                                    for dk, dv in d) + "\n}\n").encode()
        if "NaN" in v:
            data = data.replace(b"NaN", b"NaN")
    elif op == "sig":
        sig = f + ".sig"
        if arg == "garbage":
            open(sig, "w").write("-----BEGIN PGP SIGNATURE-----\n\nZ2FyYmFnZQ==\n"
                                 "-----END PGP SIGNATURE-----\n")
        elif arg == "delete":
            os.unlink(sig)
        elif arg == "empty":
            open(sig, "w").close()
        elif arg == "swap":
            other = sorted(x for x in os.listdir(posts) if x.endswith(".json.sig")
                           and not x.startswith(victim))[0]
            open(sig, "wb").write(open(os.path.join(posts, other), "rb").read())
        return "posts/" + victim + ".json"
    elif op == "newfile":
        name, _, content = arg.partition("=")
        open(os.path.join(posts, name), "w").write(content)
        return "posts/" + name.replace(".sig", "")
    elif op == "mkdir":
        os.mkdir(os.path.join(posts, arg))
        return "posts/" + arg
    elif op == "symlink":
        name, _, target = arg.partition("=")
        os.symlink(target, os.path.join(posts, name))
        return "posts/" + name
    elif op == "fifo":
        os.mkfifo(os.path.join(posts, arg))
        return "posts/" + arg
    open(f, "wb").write(data)
    return "posts/" + victim + ".json"


def cli_edit_case(c, vars, node, victim, ids):
    import shutil
    posts = os.path.join(node, "posts")
    named = hand_edit(c, vars, posts, victim)
    edited = tree(posts)
    rule = one(c, "rule", "")
    verify = ["--verify"] if one(c, "verify") else []
    why = None
    rc, out, err = cli(vars, "check", *verify)
    if rc >= 128 or rc < 0:
        return "check crashed (%d): %s" % (rc, err[-300:])
    if rule:
        if rc != 1:
            return "check exit %d, expected 1 (problems): %s%s" % (rc, out, err)
        hit = [l for l in err.splitlines() if named in l]
        if not hit:
            return "check does not name %s: %s" % (named, err[-400:])
        if not any(rule.lower() in l.lower() for l in hit) and not verify and \
                "not in the index" not in " ".join(hit):
            return "check names %s but not the rule %r: %s" % (named, rule, hit)
    rc, out, err = cli(vars, "reindex")
    if rc != 0:
        return "reindex exit %d: %s" % (rc, err[-300:])
    rc, out, err = cli(vars, "list", "--json", "--limit", "1000")
    if rc != 0:
        return "list exit %d: %s" % (rc, err[-300:])
    for i in ids:
        if i != victim and i not in out:
            return "post %s lost after reindex" % i
    rc, out, err = cli(vars, "show", victim)
    if rc >= 128 or rc < 0 or (rc != 0 and not err.strip()):
        return "show %s: exit %d without a message" % (victim, rc)
    rc, out, err = cli(vars, "check", "--verify")
    if rc >= 128 or rc < 0:
        return "check --verify crashed (%d)" % rc
    if tree(posts) != edited:
        return "the CLI changed posts/ (it must only report)"
    return None


def run_cli(vars, dirs):
    import shutil
    tap = Tap()
    node = vars["NODE"]
    ids = sorted(f[:-5] for f in os.listdir(os.path.join(node, "posts"))
                 if f.endswith(".json"))
    victim = ids[1]
    saved = {d: os.path.join(vars["T"], d + ".orig")
             for d in ("posts", "index", "public", "media", "friends")}
    for d, to in saved.items():
        if os.path.exists(to):
            shutil.rmtree(to)
        shutil.copytree(os.path.join(node, d), to, symlinks=True)
    for c in cases(dirs):
        try:
            if "edit" in c:
                why = cli_edit_case(c, vars, node, victim, ids)
            else:
                why = cli_args_case(c, vars)
        except Exception as e:
            why = "runner: %r" % e
        for d, to in saved.items():
            shutil.rmtree(os.path.join(node, d))
            shutil.copytree(to, os.path.join(node, d), symlinks=True)
        tap.result(c, why is None, why or "")
    return tap


def cli_args_case(c, vars):
    import shlex
    node = vars["NODE"]
    dirs = ("posts", "media", "public", "friends")
    before = {d: tree(os.path.join(node, d)) for d in dirs}
    a = subst(c["args"][-1], dict(vars, LONG5001="x" * 5001)).decode()
    rc, out, err = cli(vars, *shlex.split(a))
    if rc >= 128 or rc < 0:
        return "crashed (%d): %s" % (rc, err[-300:])
    if rc == 0:
        return "accepted (exit 0): %s" % out[-300:]
    if not err.strip() or not re.search(r"peerfeed|usage", err):
        return "exit %d without a clear message: %r" % (rc, err[-300:])
    for d in dirs:
        if tree(os.path.join(node, d)) != before[d]:
            return "%s/ changed" % d
    return None


def main():
    mode, varsfile, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    vars = json.load(open(varsfile)) if mode != "fetch-check" else None
    if mode == "fetch-check":
        tap = run_fetch_check(None, sys.argv[2:])
    else:
        tap = {"public": run_public, "private": run_private,
               "cli": run_cli}[mode](vars, dirs)
    print("# %s: %d cases, %d failed" % (mode, tap.n, tap.fails))
    sys.exit(min(tap.fails, 100))


if __name__ == "__main__":
    main()
