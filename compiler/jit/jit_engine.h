#pragma once
// The process-wide ORC LLJIT and the code generations loaded into it.
//
// One LLJIT per process; every compiled policy generation gets its own JITDylib (so two
// generations may define the same symbol names) and a ResourceTracker. The code of a generation
// lives as long as its LoadedCode: destroying it removes the tracker and the JITDylib. Only the
// symbols of the native symbol map (intrinsics.def plus a few libc memory routines) are visible
// to generated code; the process's own symbols are never searched.
//
// Internal to gw_backend: this header exposes LLVM types. The runtime sees only function
// pointers through CompiledPolicy.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "compiler/jit/target_info.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Target/TargetMachine.h"

namespace gw::jit {

class JitEngine;

/// One generation of native code. Owns its JITDylib; the addresses it returns are valid until it
/// is destroyed. Thread-safe for concurrent `address` calls (it only reads a resolved table).
class LoadedCode {
 public:
  ~LoadedCode();
  LoadedCode(const LoadedCode&) = delete;
  LoadedCode& operator=(const LoadedCode&) = delete;

  /// The address of a symbol resolved at load time, or 0 when it was not requested.
  uint64_t address(std::string_view name) const;
  /// Bytes of object code this generation was built from (for stats and benchmarks).
  size_t objectSize() const { return objectSize_; }

 private:
  friend class JitEngine;
  LoadedCode(std::shared_ptr<JitEngine> engine, llvm::orc::JITDylib* dylib,
             llvm::orc::ResourceTrackerSP tracker);

  std::shared_ptr<JitEngine> engine_;
  llvm::orc::JITDylib* dylib_;
  llvm::orc::ResourceTrackerSP tracker_;
  std::vector<std::pair<std::string, uint64_t>> symbols_;
  size_t objectSize_ = 0;
};


/// The process-wide JIT. Thread-safe: LLJIT serialises its own session; `load` may be called
/// from several threads (reload threads, tests).
class JitEngine : public std::enable_shared_from_this<JitEngine> {
 public:
  /// The shared engine, created on first use (initialises the native target once).
  static llvm::Expected<std::shared_ptr<JitEngine>> instance();

  /// A TargetMachine for the host (host CPU and features, PIC, O2 codegen) used to compile a
  /// module into the relocatable object that `load` accepts. The caller owns it.
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createTargetMachine() const;
  const TargetInfo& hostTarget() const { return host_; }

  /// Links `object` into a fresh JITDylib (without running any optimizer) and resolves
  /// `symbols`; fails with an error naming the first missing symbol or link failure.
  llvm::Expected<std::unique_ptr<LoadedCode>> load(std::unique_ptr<llvm::MemoryBuffer> object,
                                                   const std::vector<std::string>& symbols);

  ~JitEngine();

 private:
  JitEngine() = default;
  llvm::Error defineRuntimeSymbols(llvm::orc::JITDylib& dylib);
  void unload(llvm::orc::JITDylib* dylib, llvm::orc::ResourceTrackerSP tracker);
  friend class LoadedCode;

  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::optional<llvm::orc::JITTargetMachineBuilder> builder_;
  TargetInfo host_;
  std::mutex mutex_;  // guards generation_ and JITDylib creation/removal
  uint64_t generation_ = 0;
};

/// Converts an llvm::Error to its message and consumes it.
std::string takeErrorMessage(llvm::Error error);

}  // namespace gw::jit
