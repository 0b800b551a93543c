#include "runtime/tls/tls_context_set.h"

namespace gw::tls {

TlsResult<TlsContextSet> TlsContextSet::build(const TlsSetConfig& config) {
  using Result = TlsResult<TlsContextSet>;
  auto set = std::make_shared<TlsContextSet>();
  for (const auto& [name, listener] : config.listeners) {
    auto built = ServerTlsContext::create(listener);
    if (!built.ok()) {
      return Result::failure("listener `" + name + "`: " + built.error);
    }
    set->listeners_.emplace(name, std::move(built.value));
  }
  for (const auto& [name, upstream] : config.upstreams) {
    auto built = UpstreamTlsContext::create(upstream);
    if (!built.ok()) {
      return Result::failure("upstream `" + name + "`: " + built.error);
    }
    set->upstreams_.emplace(name, std::move(built.value));
  }
  return Result{std::move(set), {}};
}

std::shared_ptr<const ServerTlsContext> TlsContextSet::listener(const std::string& name) const {
  auto it = listeners_.find(name);
  return it == listeners_.end() ? nullptr : it->second;
}

std::shared_ptr<const UpstreamTlsContext> TlsContextSet::upstream(const std::string& name) const {
  auto it = upstreams_.find(name);
  return it == upstreams_.end() ? nullptr : it->second;
}

}  // namespace gw::tls
