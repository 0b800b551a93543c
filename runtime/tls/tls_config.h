#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace gw::tls {

/// Whether a listener asks for client certificates (mTLS). A presented certificate that does
/// not verify against client_ca fails the handshake in both modes.
enum class ClientCertMode : unsigned char { kNone, kOptional, kRequired };

/// One certificate (chain) and its private key, both PEM files.
struct CertificateFiles {
  std::string cert_file;  ///< leaf first, then intermediates
  std::string key_file;
};

/// TLS termination settings of one listener. The first certificate is the default for clients
/// that send no SNI or an unknown name; the others are chosen by SNI against their SAN DNS
/// names (exact, or `*.` wildcard covering one label), falling back to the subject CN.
struct ServerTlsConfig {
  std::vector<CertificateFiles> certificates;
  std::string client_ca_file;  ///< PEM bundle; required when client_cert != kNone
  ClientCertMode client_cert = ClientCertMode::kNone;
  /// How long a client has, from the accept, to finish its handshake (`handshake_timeout`);
  /// 0: the server's default. Carried by the context so a reload changes it for new
  /// connections.
  std::chrono::milliseconds handshake_timeout{0};
};

/// TLS to one upstream (optional per upstream).
struct UpstreamTlsConfig {
  std::string ca_file;  ///< PEM bundle the upstream's chain must verify against; empty: system
  bool verify = true;                   ///< false only for tests/labs: no chain or name check
  std::string server_name;              ///< SNI and name to verify; empty = the upstream host
  CertificateFiles client_certificate;  ///< optional mTLS to the upstream
};

/// Either a built object or an error message for the reload log ("could not load ...").
template <typename T>
struct TlsResult {
  std::shared_ptr<T> value;
  std::string error;

  bool ok() const { return value != nullptr; }
  static TlsResult failure(std::string message) { return TlsResult{nullptr, std::move(message)}; }
};

}  // namespace gw::tls
