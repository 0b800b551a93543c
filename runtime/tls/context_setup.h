#pragma once

#include <openssl/ssl.h>

#include <string>

#include "runtime/tls/tls_config.h"

namespace gw::tls {

/// Mozilla "intermediate" TLS 1.2 cipher list (TLS 1.3 suites are OpenSSL's defaults, all AEAD).
inline constexpr const char* kIntermediateCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

/// Key exchange groups, in preference order.
inline constexpr const char* kGroups = "X25519:P-256:P-384";

/// The OpenSSL error queue drained into one line (and cleared), for reload error messages.
std::string drainOpenSslErrors();

/// TLS 1.2 minimum (1.3 enabled), intermediate ciphers, groups, no compression, no
/// renegotiation. Returns an error message or empty.
std::string applyModernDefaults(SSL_CTX* ctx);

/// Loads a PEM chain and key and checks they match. Returns an error message or empty.
std::string loadCertificate(SSL_CTX* ctx, const CertificateFiles& files);

/// Client certificate verification for a server context (no-op for kNone). Returns an error
/// message or empty.
std::string configureClientVerification(SSL_CTX* ctx, const std::string& ca_file,
                                        ClientCertMode mode);

}  // namespace gw::tls
