#pragma once
// Loads a policy for serving: a .gw file is compiled (parse, check, build) and its programs
// JIT-compiled (falling back to the interpreter when the native back end fails); a .gwo is
// verified and linked without the optimizer. Runs off the request path (start-up and the reload
// thread); thread-safe.
#include <memory>
#include <string>
#include <vector>

#include "compiler/policy/compiled_policy.h"

namespace gw::gateway {

struct LoadedPolicy {
  std::shared_ptr<const policy::CompiledPolicy> policy;  ///< null on failure
  std::string backend;      ///< "jit" | "interpreter" | "aot"
  std::string diagnostics;  ///< rendered errors (on failure) and warnings
  std::string sourceHash;  ///< SHA-256 (lower-case hex) of the bytes compiled: every source
                           ///< file (path and text, in load order), or the .gwo file
};

/// `backend`: "jit" (default; falls back to the interpreter with a warning) or "interpreter".
LoadedPolicy loadPolicy(const std::string& path, const std::string& backend);

}  // namespace gw::gateway
