"""Test certificates made with the openssl CLI at test time (nothing is committed).

PKI.make(dir) writes, all EC P-256 PEM files:
  ca.crt/ca.key              the trusted test CA
  a.crt/a.key                server certificate for a.test, www.a.test, localhost, 127.0.0.1
  b.crt/b.key                server certificate for b.test (the second SNI name)
  a2.crt/a2.key              a second server certificate for a.test (certificate reload)
  upstream.crt/upstream.key  server certificate for upstream.test (a TLS upstream)
  client.crt/client.key      client certificate CN=client-1,O=Acme (SAN billing.internal)
  expired.crt/expired.key    client certificate from ca, valid only in 2020
  rogue-ca.crt, rogue.crt/rogue.key  a client certificate from another CA
"""
import os
import subprocess

_CA_CONF = """
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}/newcerts
serial = {dir}/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
organizationName = optional
[ client_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = clientAuth
"""


def _run(args, cwd):
    r = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {r.stderr.decode()}")
    return r.stdout.decode()


class PKI:
    def __init__(self, directory):
        self.dir = directory

    def path(self, name):
        return os.path.join(self.dir, name)

    def _key(self, name):
        _run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
              "-out", name + ".key"], self.dir)

    def _ca(self, name, cn):
        self._key(name)
        _run(["openssl", "req", "-x509", "-new", "-key", name + ".key", "-sha256", "-days", "30",
              "-subj", f"/CN={cn}", "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", name + ".crt"],
             self.dir)

    def _leaf(self, name, subject, san, usage, ca="ca"):
        self._key(name)
        _run(["openssl", "req", "-new", "-key", name + ".key", "-subj", subject,
              "-out", name + ".csr"], self.dir)
        ext = name + ".ext"
        with open(self.path(ext), "w") as f:
            f.write(f"basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                    f"extendedKeyUsage={usage}\nsubjectAltName={san}\n")
        _run(["openssl", "x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt",
              "-CAkey", ca + ".key", "-CAcreateserial", "-days", "30", "-sha256",
              "-extfile", ext, "-out", name + ".crt"], self.dir)

    def server(self, name, san):
        self._leaf(name, f"/CN={name}", san, "serverAuth")

    def _expired_client(self):
        # `openssl ca` is the CLI way to choose both validity dates (x509 -req cannot in 3.0).
        os.makedirs(self.path("newcerts"), exist_ok=True)
        open(self.path("index.txt"), "w").close()
        with open(self.path("serial"), "w") as f:
            f.write("1000\n")
        with open(self.path("ca.cnf"), "w") as f:
            f.write(_CA_CONF.format(dir=self.dir))
        self._key("expired")
        _run(["openssl", "req", "-new", "-key", "expired.key", "-subj", "/CN=old-client/O=Acme",
              "-out", "expired.csr"], self.dir)
        _run(["openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile",
              "ca.key", "-in", "expired.csr", "-out", "expired.crt", "-extensions",
              "client_ext", "-startdate", "20200101000000Z", "-enddate", "20200201000000Z",
              "-notext"], self.dir)

    def make(self):
        self._ca("ca", "gw test CA")
        self.server("a", "DNS:a.test,DNS:www.a.test,DNS:localhost,IP:127.0.0.1")
        self.server("b", "DNS:b.test")
        self.server("a2", "DNS:a.test,DNS:www.a.test,DNS:localhost,IP:127.0.0.1")
        self.server("upstream", "DNS:upstream.test")
        self._leaf("client", "/CN=client-1/O=Acme", "DNS:billing.internal,email:ops@acme.test",
                   "clientAuth")
        self._expired_client()
        self._ca("rogue-ca", "rogue CA")
        self._leaf("rogue", "/CN=client-1/O=Acme", "DNS:billing.internal", "clientAuth",
                   ca="rogue-ca")
        return self

    def fingerprint(self, name):
        out = _run(["openssl", "x509", "-in", name + ".crt", "-noout", "-fingerprint",
                    "-sha256"], self.dir)
        return out.strip().split("=", 1)[1].replace(":", "").lower()

    def serial(self, name):
        out = _run(["openssl", "x509", "-in", name + ".crt", "-noout", "-serial"], self.dir)
        return out.strip().split("=", 1)[1]
