#pragma once
// Native compilation of a .gw policy in a child process, so that gw itself never maps libLLVM:
// `gwc compile --quiet POLICY.gw -o /dev/fd/3`, where descriptor 3 is an in-memory file (memfd)
// gw made for it; then the .gwo is loaded from it (aot::loadGwoFile). No file on disk, whatever
// happens to gw or the child. The child's stderr is
// the compiler's rendered diagnostics (no colors). Blocking; runs on the thread that compiles
// (start-up, the reload thread). Thread-safe.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "compiler/policy/compiled_policy.h"

namespace gw::gateway {

/// A generous bound: 10 000 routes compile in a few seconds on a quiet machine.
inline constexpr std::chrono::milliseconds kDefaultGwcTimeout{std::chrono::seconds(300)};

struct GwcOptions {
  std::string path;  ///< "": $GW_GWC, else `gwc` next to gw's own executable
  std::chrono::milliseconds timeout = kDefaultGwcTimeout;
};

struct GwcCompile {
  enum class Outcome {
    kCompiled,   ///< `policy` is the loaded native policy
    kRejected,   ///< the policy has errors: `diagnostics` holds them
    kFailed,     ///< no native code for a reason other than the policy (see `failure`)
    kCancelled,  ///< `cancel` turned true (gw is shutting down)
  };
  Outcome outcome = Outcome::kFailed;
  std::shared_ptr<const policy::CompiledPolicy> policy;
  std::string sourceHash;   ///< kCompiled: the .gwo header's hash of the texts gwc compiled
  std::string diagnostics;  ///< gwc's stderr: warnings (kCompiled) or errors (kRejected)
  std::string failure;      ///< kFailed: a sentence naming the cause, for the log
};

/// The gwc to run: `configured` when set, else $GW_GWC when set, else the `gwc` in the
/// directory of gw's own executable (/proc/self/exe).
std::string locateGwc(const std::string& configured);

/// Compiles `policyPath` (as given to gw; the child shares gw's working directory) with gwc.
GwcCompile compileWithGwc(const std::string& policyPath, const GwcOptions& options,
                          const std::atomic<bool>* cancel);

}  // namespace gw::gateway
