#pragma once
#include <string>

namespace gw::jit {

/// What an object file was compiled for; an AOT object records it and the loader compares it
/// with the host before linking (code for another CPU must not run).
struct TargetInfo {
  std::string triple;
  std::string cpu;
  std::string features;  // "+sse4.2,+avx2,-avx512f,..." as given to the TargetMachine
};

/// The host as the code generator sees it (triple, CPU name, feature string), computed once;
/// false with `*error` when the native target is unavailable. Thread-safe. Declared here without
/// LLVM types; today implemented with LLVM's host detection (compiler/jit/llvm_target.cc).
bool hostTarget(TargetInfo* out, std::string* error);

}  // namespace gw::jit
