#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

namespace gw::tls {

/// One subjectAltName entry of a certificate.
struct SubjectAltName {
  enum class Type : unsigned char { kDns, kUri, kEmail, kIp };
  Type type;
  std::string value;  ///< IPs in text form ("10.1.2.3", "2001:db8::1")

  bool operator==(const SubjectAltName&) const = default;
};

/// "DNS", "URI", "email", "IP": the spelling policies and logs use.
const char* sanTypeName(SubjectAltName::Type type);

/// A client (or upstream) certificate's identity as policies see it (`client.cert.*`). Plain
/// owned data, built once per connection after the handshake.
struct PeerIdentity {
  bool present = false;     ///< a certificate was presented
  bool verified = false;    ///< it chained to the configured CA and was in its validity period
  std::string subject;      ///< RFC 2253 DN, e.g. "CN=client-1,O=Acme Corp"
  std::string issuer;       ///< RFC 2253 DN
  std::string common_name;  ///< subject CN (first), empty if none
  std::string serial_hex;   ///< uppercase hex, whole bytes (as `openssl x509 -serial`)
  std::string sha256_fingerprint;  ///< lowercase hex of SHA-256 over the DER, no separators
  std::vector<SubjectAltName> sans;
};

/// SAN entries of `cert` (DNS, URI, email, IP; other kinds are skipped). Thread-safe.
std::vector<SubjectAltName> subjectAltNames(X509* cert);

/// Identity of `cert`; `verified` is left false (the caller knows how it was verified).
PeerIdentity identityFromCertificate(X509* cert);

/// Identity of the peer of a finished handshake; present=false when it sent no certificate.
PeerIdentity peerIdentity(const SSL* ssl);

/// Why the peer's certificate failed verification ("certificate has expired", "unable to get
/// local issuer certificate", ...), or "ok". Valid after a handshake, also a failed one: this
/// is the log line's reason for a refused mTLS client.
std::string verifyResultText(const SSL* ssl);

}  // namespace gw::tls
