#include "tests/unit/tls/cert_factory.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace gw::tls::testing {

CertFactory::CertFactory() {
  char templ[] = "/tmp/gw-tls-test-XXXXXX";
  const char* made = mkdtemp(templ);
  if (made == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = made;
  generate();
}

CertFactory::~CertFactory() {
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string CertFactory::run(const std::string& command) {
  if (!error_.empty()) {
    return {};
  }
  const std::string full = "cd '" + dir_ + "' && " + command + " 2>>openssl.log";
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) {
    error_ = "popen failed: " + command;
    return {};
  }
  std::string out;
  char buf[512];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) {
    out.append(buf, n);
  }
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    error_ = "command failed: " + command;
  }
  return out;
}

void CertFactory::makeCa(const std::string& name, const std::string& cn) {
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name +
      ".key -out " + name + ".crt -days 30 -subj '/CN=" + cn +
      "' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
}

void CertFactory::makeLeaf(const std::string& name, const std::string& ca,
                           const std::string& subject, const std::string& extensions) {
  std::ofstream(path(name + ".ext")) << extensions << "\n";
  run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name +
      ".key -out " + name + ".csr -subj '" + subject + "'");
  run("openssl x509 -req -in " + name + ".csr -CA " + ca + ".crt -CAkey " + ca +
      ".key -CAcreateserial -days 30 -sha256 -out " + name + ".crt -extfile " + name + ".ext");
}

void CertFactory::generate() {
  makeCa("ca", "gw test CA");
  makeCa("other-ca", "other test CA");
  makeLeaf("server-a", "ca", "/CN=a.example.test",
           "subjectAltName=DNS:a.example.test,DNS:*.apps.example.test\n"
           "extendedKeyUsage=serverAuth");
  // The second server certificate is RSA, so both key types are exercised.
  run("openssl req -newkey rsa:2048 -nodes -keyout server-b.key -out server-b.csr "
      "-subj '/CN=b.example.test'");
  std::ofstream(path("server-b.ext")) << "subjectAltName=DNS:b.example.test,IP:127.0.0.1\n"
                                      << "extendedKeyUsage=serverAuth\n";
  run("openssl x509 -req -in server-b.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 "
      "-sha256 -out server-b.crt -extfile server-b.ext");
  makeLeaf("client", "ca", "/O=Acme Corp/OU=Billing/CN=client-1",
           "subjectAltName=DNS:client.acme.test,URI:spiffe://acme.test/svc/billing,"
           "email:ops@acme.test,IP:10.1.2.3,IP:2001:db8::7\n"
           "extendedKeyUsage=clientAuth");
  makeLeaf("rogue-client", "other-ca", "/CN=rogue", "extendedKeyUsage=clientAuth");
  // OpenSSL 3.0's x509 cannot backdate; `openssl ca` can, with -startdate/-enddate.
  std::ofstream(path("ca.cnf")) << "[ca]\ndefault_ca = gw\n[gw]\ndir = .\n"
                                   "database = index.txt\nnew_certs_dir = newcerts\n"
                                   "serial = ca.serial\ndefault_md = sha256\n"
                                   "policy = any\nunique_subject = no\ncopy_extensions = copy\n"
                                   "[any]\ncommonName = supplied\n";
  run("mkdir -p newcerts && : > index.txt && echo 1000 > ca.serial");
  makeLeaf("expired-client-req", "ca", "/CN=expired-client", "extendedKeyUsage=clientAuth");
  run("openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -in expired-client-req.csr "
      "-startdate 20200101000000Z -enddate 20200102000000Z -notext -out expired-client.crt");
  run("cp expired-client-req.key expired-client.key");
}

}  // namespace gw::tls::testing
