#include "runtime/tls/upstream_context.h"

#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include "runtime/tls/context_setup.h"

namespace gw::tls {

namespace ssl = boost::asio::ssl;

TlsResult<UpstreamTlsContext> UpstreamTlsContext::create(const UpstreamTlsConfig& config) {
  using Result = TlsResult<UpstreamTlsContext>;
  std::shared_ptr<UpstreamTlsContext> self(new UpstreamTlsContext());
  self->context_ = std::make_unique<ssl::context>(ssl::context::tls_client);
  self->server_name_ = config.server_name;
  self->verify_ = config.verify;
  SSL_CTX* native = self->context_->native_handle();
  if (std::string error = applyModernDefaults(native); !error.empty()) {
    return Result::failure(std::move(error));
  }
  if (config.verify) {
    if (config.ca_file.empty()) {
      // No `ca`: the system trust store, as a public HTTPS upstream expects.
      if (SSL_CTX_set_default_verify_paths(native) != 1) {
        return Result::failure("could not load the system trust store: " +
                               drainOpenSslErrors());
      }
    } else if (SSL_CTX_load_verify_locations(native, config.ca_file.c_str(), nullptr) != 1) {
      return Result::failure("could not load upstream ca `" + config.ca_file +
                             "`: " + drainOpenSslErrors());
    }
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
  }
  if (!config.client_certificate.cert_file.empty()) {
    if (std::string error = loadCertificate(native, config.client_certificate); !error.empty()) {
      return Result::failure(std::move(error));
    }
  }
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(native, kAlpn, sizeof kAlpn);  // returns 0 on success
  return Result{std::move(self), {}};
}

std::string UpstreamTlsContext::prepare(SSL* ssl, std::string_view host) const {
  const std::string name = server_name_.empty() ? std::string(host) : server_name_;
  boost::system::error_code ec;
  boost::asio::ip::make_address(name, ec);
  const bool is_ip = !ec;
  if (!is_ip && !name.empty() && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
    return "cannot set SNI `" + name + "`: " + drainOpenSslErrors();
  }
  if (!verify_) {
    return {};
  }
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (is_ip) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) != 1) {
      return "cannot verify upstream ip `" + name + "`";
    }
    return {};
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, name.c_str()) != 1) {
    return "cannot verify upstream host `" + name + "`";
  }
  return {};
}

}  // namespace gw::tls
