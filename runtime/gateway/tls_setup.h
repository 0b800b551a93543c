#pragma once
// The policy's `tls` blocks as runtime TLS contexts: listener and upstream settings translated
// to the runtime/tls configuration (paths resolved against the policy directory, the client
// certificate mode decided), built once per policy generation, off the request path.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "compiler/policy/runtime_config.h"
#include "runtime/tls/tls_context_set.h"

namespace gw::gateway {

/// The TlsContextSet key of the policy's listener number `index` (its `listen` order).
std::string listenerTlsName(std::size_t index);

/// Builds every listener and upstream TLS context of `config`. nullptr and `error` (naming the
/// listener or upstream and the file) when a certificate, key or CA cannot be loaded. `files`
/// receives every certificate, key and CA path (to watch them for reloads).
std::shared_ptr<const tls::TlsContextSet> buildTlsContexts(const policy::RuntimeConfig& config,
                                                           const std::string& baseDir,
                                                           std::vector<std::string>* files,
                                                           std::string* error);

}  // namespace gw::gateway
