#pragma once
// Loads a policy for serving: a .gw file is compiled to native code by a `gwc compile` child
// process (gwc_child.h; falling back to the interpreter, compiled in-process, when no native
// code comes back for a reason other than the policy's errors); a .gwo is verified and linked
// without the optimizer. Runs off the request path (start-up and the reload thread);
// thread-safe.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "compiler/policy/compiled_policy.h"
#include "runtime/gateway/gwc_child.h"

namespace gw::gateway {

struct LoadedPolicy {
  std::shared_ptr<const policy::CompiledPolicy> policy;  ///< null on failure
  std::string backend;      ///< "jit" | "interpreter" | "aot"
  std::string diagnostics;  ///< rendered errors (on failure) and warnings
  std::string sourceHash;   ///< SHA-256 (lower-case hex) of what was compiled: the source texts
                            ///< in load order (aot::hashSourceTexts, the hash a .gwo header
                            ///< carries), or the bytes of the .gwo file
};

struct LoadOptions {
  std::string backend = "jit";  ///< "jit" (through gwc, else the interpreter) | "interpreter"
  GwcOptions gwc;
};

/// `cancel` (optional) stops a running gwc child (shutdown); the result is then a failure.
LoadedPolicy loadPolicy(const std::string& path, const LoadOptions& options,
                        const std::atomic<bool>* cancel = nullptr);

}  // namespace gw::gateway
