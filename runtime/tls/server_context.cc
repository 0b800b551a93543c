#include "runtime/tls/server_context.h"

#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>

#include "runtime/tls/context_setup.h"
#include "runtime/tls/peer_identity.h"

namespace gw::tls {
namespace {

namespace ssl = boost::asio::ssl;

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Chooses http/1.1 when the client offers it; otherwise no ALPN (the client decides).
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

// DNS SANs of the context's certificate, or the subject CN when it has none.
std::vector<std::string> certificateNames(SSL_CTX* ctx) {
  std::vector<std::string> names;
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr) {
    return names;
  }
  for (const SubjectAltName& san : subjectAltNames(cert)) {
    if (san.type == SubjectAltName::Type::kDns) {
      names.push_back(lowercase(san.value));
    }
  }
  if (names.empty()) {
    const PeerIdentity id = identityFromCertificate(cert);
    if (!id.common_name.empty()) {
      names.push_back(lowercase(id.common_name));
    }
  }
  return names;
}

}  // namespace

ServerTlsContext::~ServerTlsContext() = default;

TlsResult<ServerTlsContext> ServerTlsContext::create(const ServerTlsConfig& config) {
  using Result = TlsResult<ServerTlsContext>;
  if (config.certificates.empty()) {
    return Result::failure("tls listener has no certificate");
  }
  std::shared_ptr<ServerTlsContext> self(new ServerTlsContext());
  self->client_cert_ = config.client_cert;
  self->handshake_timeout_ = config.handshake_timeout;
  for (const CertificateFiles& files : config.certificates) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    std::string error = applyModernDefaults(native);
    if (error.empty()) {
      error = loadCertificate(native, files);
    }
    if (error.empty()) {
      error = configureClientVerification(native, config.client_ca_file, config.client_cert);
    }
    if (!error.empty()) {
      return Result::failure(std::move(error));
    }
    SSL_CTX_set_alpn_select_cb(native, selectAlpn, nullptr);
    SSL_CTX_set_tlsext_servername_callback(native, &ServerTlsContext::onServerName);
    SSL_CTX_set_tlsext_servername_arg(native, self.get());
    const std::size_t index = self->contexts_.size();
    self->names_.push_back(certificateNames(native));
    for (const std::string& name : self->names_.back()) {
      // The first certificate that claims a name keeps it.
      if (name.rfind("*.", 0) == 0) {
        self->wildcard_.emplace(name.substr(2), index);
      } else {
        self->exact_.emplace(name, index);
      }
    }
    self->contexts_.push_back(std::move(ctx));
  }
  return Result{std::move(self), {}};
}

std::size_t ServerTlsContext::certificateFor(std::string_view host) const {
  const std::string name = lowercase(host);
  if (auto it = exact_.find(name); it != exact_.end()) {
    return it->second;
  }
  // "*.example.com" covers exactly one label: "a.example.com", not "a.b.example.com".
  const std::size_t dot = name.find('.');
  if (dot != std::string::npos && dot > 0) {
    if (auto it = wildcard_.find(name.substr(dot + 1)); it != wildcard_.end()) {
      return it->second;
    }
  }
  return 0;
}

int ServerTlsContext::onServerName(SSL* ssl, int*, void* arg) {
  const auto* self = static_cast<const ServerTlsContext*>(arg);
  const char* host = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (host == nullptr) {
    return SSL_TLSEXT_ERR_NOACK;  // no SNI: keep the default certificate
  }
  const std::size_t index = self->certificateFor(host);
  if (index != 0) {
    SSL_set_SSL_CTX(ssl, self->contexts_[index]->native_handle());
  }
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace gw::tls
