#include "compiler/aot/gwo_loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include "compiler/aot/host_cpu.h"
#include "compiler/aot/policy_tables_codec.h"
#include "compiler/jit/native_code.h"
#include "gw/abi.h"

namespace gw::aot {

namespace {

/// The object may only run where the triple matches and every CPU feature it was built with
/// is present (an AVX2 object on a machine without AVX2 would die with SIGILL). Checked with
/// host_cpu.h (CPUID), so loading a .gwo needs no LLVM.
bool targetFits(const GwoContents& c, std::string* why) {
  if (c.triple != hostTriple()) {
    *why = "compiled policy targets `" + c.triple + "` but this host is `" + hostTriple() + "`";
    return false;
  }
  std::string missing;
  if (!hostHasFeatures(c.features, &missing)) {
    *why = "compiled policy needs CPU feature `" + missing + "` (built for `" + c.cpu +
           "`), which this host lacks; recompile it here";
    return false;
  }
  return true;
}

bool refuse(GwoError* error, GwoError::Kind kind, std::string message) {
  if (error) {
    error->kind = kind;
    error->message = std::move(message);
  }
  return false;
}

}  // namespace

std::shared_ptr<const policy::CompiledPolicy> loadGwo(std::string_view bytes, GwoError* error,
                                                      Sha256* sourceHash,
                                                      std::shared_ptr<jit::NativeCode>* native) {
  auto contents = decodeGwo(bytes, GW_ABI_VERSION, error);
  if (!contents) {
    return nullptr;
  }
  std::string why;
  if (!targetFits(*contents, &why)) {
    refuse(error, GwoError::Kind::TargetMismatch, why);
    return nullptr;
  }
  auto policy = decodeTables(contents->tables, &why);
  if (!policy) {
    refuse(error, GwoError::Kind::Corrupt, "the compiled policy is corrupt: " + why);
    return nullptr;
  }
  jit::NativeObject object;
  object.object = std::move(contents->object);
  object.symbols = std::move(contents->symbols);
  object.shared.functions = std::move(contents->sharedFunctions);
  object.shared.authz = std::move(contents->sharedAuthz);
  std::shared_ptr<jit::NativeCode> code = jit::linkObject(*policy, object, &why);
  if (!code) {
    refuse(error, GwoError::Kind::Link, why);
    return nullptr;
  }
  if (sourceHash) {
    *sourceHash = contents->sourceHash;
  }
  if (native) {
    *native = code;
  }
  return jit::attachNative(std::move(policy), std::move(code));
}

std::shared_ptr<const policy::CompiledPolicy> loadGwoFile(const std::string& path, GwoError* error,
                                                          Sha256* sourceHash, Sha256* fileHash) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    refuse(error, GwoError::Kind::NotGwo, "cannot read `" + path + "`: " + std::strerror(errno));
    return nullptr;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (fileHash) *fileHash = sha256(bytes);
  return loadGwo(bytes, error, sourceHash);
}

}  // namespace gw::aot
