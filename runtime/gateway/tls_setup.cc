#include "runtime/gateway/tls_setup.h"

namespace gw::gateway {

namespace {

std::string resolve(const std::string& path, const std::string& baseDir,
                    std::vector<std::string>* files) {
  std::string out = path.empty() || path.front() == '/' || baseDir.empty()
                        ? path
                        : baseDir + "/" + path;
  if (!out.empty()) files->push_back(out);
  return out;
}

tls::ServerTlsConfig listenerConfig(const policy::TlsSettings& t, const std::string& baseDir,
                                    std::vector<std::string>* files) {
  tls::ServerTlsConfig c;
  for (std::size_t i = 0; i < t.certs.size() && i < t.keys.size(); ++i) {
    c.certificates.push_back({resolve(t.certs[i], baseDir, files),
                              resolve(t.keys[i], baseDir, files)});
  }
  c.client_ca_file = resolve(t.clientCa, baseDir, files);
  // `client_ca` alone verifies certificates when clients send one (LANGUAGE.md's example);
  // `client_auth required` refuses handshakes without one.
  if (!t.clientCa.empty()) {
    c.client_cert = t.clientAuth == "required" ? tls::ClientCertMode::kRequired
                                               : tls::ClientCertMode::kOptional;
  }
  c.handshake_timeout = std::chrono::milliseconds(t.handshakeTimeoutUs / 1000);
  return c;
}

tls::UpstreamTlsConfig upstreamConfig(const policy::TlsSettings& t, const std::string& baseDir,
                                      std::vector<std::string>* files) {
  tls::UpstreamTlsConfig c;
  c.ca_file = resolve(t.ca, baseDir, files);  // empty: the system trust store
  c.server_name = t.sni;
  if (!t.certs.empty() && !t.keys.empty()) {
    c.client_certificate = {resolve(t.certs[0], baseDir, files),
                            resolve(t.keys[0], baseDir, files)};
  }
  return c;
}

}  // namespace

std::string listenerTlsName(std::size_t index) { return "listen#" + std::to_string(index); }

std::shared_ptr<const tls::TlsContextSet> buildTlsContexts(const policy::RuntimeConfig& config,
                                                           const std::string& baseDir,
                                                           std::vector<std::string>* files,
                                                           std::string* error) {
  tls::TlsSetConfig set;
  const auto& listens = config.gateway.listens;
  for (std::size_t i = 0; i < listens.size(); ++i) {
    if (listens[i].tls.present) {
      set.listeners.emplace(listenerTlsName(i), listenerConfig(listens[i].tls, baseDir, files));
    }
  }
  for (const policy::UpstreamConfig& u : config.upstreams) {
    if (u.tls.present) set.upstreams.emplace(u.name, upstreamConfig(u.tls, baseDir, files));
  }
  auto built = tls::TlsContextSet::build(set);
  if (!built.ok()) {
    *error = "tls: " + built.error;
    return nullptr;
  }
  return built.value;
}

}  // namespace gw::gateway
