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

/// loadGwo, and the file's SHA-256 from the checksum's pass when `fileHash` is given.
std::shared_ptr<const policy::CompiledPolicy> load(std::string_view bytes, GwoError* error, Sha256* sourceHash,
                                                   std::shared_ptr<jit::NativeCode>* native, Sha256* fileHash) {
  GwoPayloads payloads;  // views into `bytes`, which outlive this call's use of them
  auto contents = decodeGwo(bytes, GW_ABI_VERSION, error, &payloads, fileHash);
  if (!contents) {
    return nullptr;
  }
  std::string why;
  if (!targetFits(*contents, &why)) {
    refuse(error, GwoError::Kind::TargetMismatch, why);
    return nullptr;
  }
  auto policy = decodeTables(payloads.tables, &why);
  if (!policy) {
    refuse(error, GwoError::Kind::Corrupt, "the compiled policy is corrupt: " + why);
    return nullptr;
  }
  codegen::SharedPrograms sharing;
  sharing.functions = std::move(contents->sharedFunctions);
  sharing.authz = std::move(contents->sharedAuthz);
  std::shared_ptr<jit::NativeCode> code = jit::linkObject(*policy, payloads.object, contents->symbols, sharing, &why);
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

}  // namespace

std::shared_ptr<const policy::CompiledPolicy> loadGwo(std::string_view bytes, GwoError* error,
                                                      Sha256* sourceHash,
                                                      std::shared_ptr<jit::NativeCode>* native) {
  return load(bytes, error, sourceHash, native, nullptr);
}

std::shared_ptr<const policy::CompiledPolicy> loadGwoFile(const std::string& path, GwoError* error,
                                                          Sha256* sourceHash, Sha256* fileHash) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    refuse(error, GwoError::Kind::NotGwo, "cannot read `" + path + "`: " + std::strerror(errno));
    return nullptr;
  }
  // Block reads: an istreambuf_iterator copy goes through the stream a character at a time,
  // which for a 12.8 MB .gwo cost about as much as decoding it.
  std::string bytes;
  if (in.seekg(0, std::ios::end)) {
    std::streamoff size = in.tellg();
    if (size > 0) bytes.reserve(static_cast<size_t>(size));
  }
  in.clear();
  in.seekg(0, std::ios::beg);
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) {
    bytes.append(block, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    refuse(error, GwoError::Kind::NotGwo, "cannot read `" + path + "`: " + std::strerror(errno));
    return nullptr;
  }
  if (!fileHash) return load(bytes, error, sourceHash, nullptr, nullptr);
  const Sha256 unset{};
  *fileHash = unset;
  auto policy = load(bytes, error, sourceHash, nullptr, fileHash);
  // A file refused before its checksum was computed still gets its hash (for messages).
  if (!policy && *fileHash == unset) *fileHash = sha256(bytes);
  return policy;
}

}  // namespace gw::aot
