#include "runtime/tls/context_setup.h"

#include <openssl/err.h>

namespace gw::tls {

std::string drainOpenSslErrors() {
  std::string out;
  char buf[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) {
      out += "; ";
    }
    out += buf;
  }
  return out;
}

std::string applyModernDefaults(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    return "cannot set TLS protocol versions: " + drainOpenSslErrors();
  }
  if (SSL_CTX_set_cipher_list(ctx, kIntermediateCiphers) != 1) {
    return "cannot set cipher list: " + drainOpenSslErrors();
  }
  if (SSL_CTX_set1_groups_list(ctx, kGroups) != 1) {
    return "cannot set key exchange groups: " + drainOpenSslErrors();
  }
  // Mozilla intermediate leaves cipher order to the client (all listed suites are strong).
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);  // idle keep-alive connections hold less
  return {};
}

std::string loadCertificate(SSL_CTX* ctx, const CertificateFiles& files) {
  if (SSL_CTX_use_certificate_chain_file(ctx, files.cert_file.c_str()) != 1) {
    return "could not load certificate `" + files.cert_file + "`: " + drainOpenSslErrors();
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, files.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return "could not load private key `" + files.key_file + "`: " + drainOpenSslErrors();
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return "private key `" + files.key_file + "` does not match certificate `" + files.cert_file +
           "`";
  }
  return {};
}

std::string configureClientVerification(SSL_CTX* ctx, const std::string& ca_file,
                                        ClientCertMode mode) {
  if (mode == ClientCertMode::kNone) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    return {};
  }
  if (ca_file.empty()) {
    return "client certificates requested but no client_ca file given";
  }
  if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
    return "could not load client_ca `" + ca_file + "`: " + drainOpenSslErrors();
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca_file.c_str());
  if (names == nullptr) {
    return "client_ca `" + ca_file + "` holds no certificate: " + drainOpenSslErrors();
  }
  SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
  int flags = SSL_VERIFY_PEER;
  if (mode == ClientCertMode::kRequired) {
    flags |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  SSL_CTX_set_verify(ctx, flags, nullptr);
  // Needed for session resumption when client certificates are verified.
  static constexpr unsigned char kSessionContext[] = "gw";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  return {};
}

}  // namespace gw::tls
