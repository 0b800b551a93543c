#pragma once

#include <atomic>
#include <cstdint>
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

/// The process's current TlsContextSet. reload() builds a new set off the request path (from
/// the certificate files as they are now) and swaps it in only on success; current() is one
/// atomic shared_ptr load. Thread-safe.
class TlsContextStore {
 public:
  /// Builds and publishes; returns an empty string on success, else the error (the old set
  /// stays current).
  std::string reload(const TlsSetConfig& config);
  std::shared_ptr<const TlsContextSet> current() const { return current_.load(); }
  /// Number of successful reloads so far (a metric).
  std::uint64_t generation() const { return generation_.load(); }

 private:
  std::atomic<std::shared_ptr<const TlsContextSet>> current_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace gw::tls
