#pragma once

#include <map>
#include <memory>
#include <string>

#include "runtime/tls/server_context.h"
#include "runtime/tls/upstream_context.h"

namespace gw::tls {

/// All TLS settings of one policy generation, by listener and upstream name.
struct TlsSetConfig {
  std::map<std::string, ServerTlsConfig> listeners;
  std::map<std::string, UpstreamTlsConfig> upstreams;
};

/// Every TLS context of one policy generation. Immutable once built; shared read-only by all
/// threads. Connections take the shared_ptr of their context when they start and keep it, so
/// a reload never pulls a context from under a live connection.
class TlsContextSet {
 public:
  /// Builds every context; the first failure is returned and nothing is published.
  static TlsResult<TlsContextSet> build(const TlsSetConfig& config);

  /// nullptr when the listener / upstream has no TLS.
  std::shared_ptr<const ServerTlsContext> listener(const std::string& name) const;
  std::shared_ptr<const UpstreamTlsContext> upstream(const std::string& name) const;

 private:
  std::map<std::string, std::shared_ptr<const ServerTlsContext>> listeners_;
  std::map<std::string, std::shared_ptr<const UpstreamTlsContext>> upstreams_;
};

}  // namespace gw::tls
