#!/usr/bin/env python3
"""revocation_proxy.py - test helper for tests/rp/revocation_fetch.sh: an
HTTP proxy on 127.0.0.1 in front of certsvc that the certificates' OCSP
and CRL URLs name, so that the test can make either source fail.

    revocation_proxy.py PORT UPSTREAM_URL READY_FILE

Writes READY_FILE once it listens.  Everything is passed to UPSTREAM_URL
unchanged except what the modes say for /ocsp and /crl:

    pass      forward (the default)
    500       answer 500
    garbage   answer 200 with bytes that are not DER
    big       answer 200 with 64 KiB + 1 bytes (OCSP) or 4 MiB + 1 (CRL),
              without Content-Length (the reader must stop by itself)
    bigcl     the same with Content-Length (refusable before the body)
    hang      answer nothing for 60 s
    pem       (CRL only) the upstream CRL converted to PEM
    redirect  answer 302 to the upstream URL (must not be followed)

Control: GET /_mode?ocsp=MODE&crl=MODE sets modes (either may be left
out); GET /_count answers "ocsp=N crl=N", the /ocsp and /crl requests
seen so far.
"""
import base64
import http.server
import socketserver
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

OCSP_MAX = 64 * 1024
CRL_MAX = 4 * 1024 * 1024

lock = threading.Lock()
# No proxy of our own between us and certsvc, whatever the environment says.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
modes = {"ocsp": "pass", "crl": "pass"}
counts = {"ocsp": 0, "crl": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body, ctype="application/octet-stream",
               length=True):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def upstream(self, body):
        req = urllib.request.Request(UPSTREAM + self.path, data=body,
                                     method=self.command)
        ct = self.headers.get("Content-Type")
        if ct:
            req.add_header("Content-Type", ct)
        try:
            with OPENER.open(req, timeout=30) as r:
                return r.status, r.read(), r.headers.get(
                    "Content-Type", "application/octet-stream")
        except urllib.error.HTTPError as e:
            return e.code, e.read(), "text/plain"

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else None
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_mode":
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            with lock:
                for k in ("ocsp", "crl"):
                    if k in q:
                        modes[k] = q[k][0]
            self.answer(200, b"ok\n", "text/plain")
            return
        if path == "/_count":
            with lock:
                s = "ocsp=%d crl=%d\n" % (counts["ocsp"], counts["crl"])
            self.answer(200, s.encode(), "text/plain")
            return
        kind = None
        if path == "/ocsp" or path.startswith("/ocsp/"):
            kind = "ocsp"
        elif path == "/crl":
            kind = "crl"
        mode = "pass"
        if kind is not None:
            with lock:
                counts[kind] += 1
                mode = modes[kind]
        limit = OCSP_MAX if kind == "ocsp" else CRL_MAX
        if mode == "500":
            self.answer(500, b"internal error\n", "text/plain")
        elif mode == "garbage":
            self.answer(200, b"\x30\x82\xff\xffnot DER at all\n")
        elif mode == "big":
            self.answer(200, b"\x30" * (limit + 1), length=False)
        elif mode == "bigcl":
            self.answer(200, b"\x30" * (limit + 1))
        elif mode == "hang":
            time.sleep(60)
        elif mode == "redirect":
            self.send_response(302)
            self.send_header("Location", UPSTREAM + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            status, data, ctype = self.upstream(body)
            if mode == "pem" and status == 200:
                b64 = base64.encodebytes(data).decode().replace("\n", "")
                lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
                data = ("-----BEGIN X509 CRL-----\n" + "\n".join(lines) +
                        "\n-----END X509 CRL-----\n").encode()
                ctype = "application/x-pem-file"
            self.answer(status, data, ctype)

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    port = int(sys.argv[1])
    UPSTREAM = sys.argv[2].rstrip("/")
    srv = Server(("127.0.0.1", port), Handler)
    with open(sys.argv[3], "w") as f:
        f.write("listening\n")
    srv.serve_forever()
