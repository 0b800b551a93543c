#include "compiler/aot/gwo_loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "compiler/aot/policy_tables_codec.h"
#include "compiler/jit/native_code.h"
#include "compiler/jit/target_info.h"
#include "gw/abi.h"

namespace gw::aot {

namespace {

std::set<std::string> enabledFeatures(const std::string& list) {
  std::set<std::string> on;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.size() > 1 && item[0] == '+') on.insert(item.substr(1));
  }
  return on;
}

/// The object may only run where the triple matches and every CPU feature it was built with
/// is present (an AVX2 object on a machine without AVX2 would die with SIGILL).
bool targetFits(const GwoContents& c, const jit::TargetInfo& host, std::string* why) {
  if (c.triple != host.triple) {
    *why = "compiled policy targets `" + c.triple + "` but this host is `" + host.triple + "`";
    return false;
  }
  std::set<std::string> have = enabledFeatures(host.features);
  for (const std::string& f : enabledFeatures(c.features)) {
    if (!have.count(f)) {
      *why = "compiled policy needs CPU feature `" + f + "` (built for `" + c.cpu +
             "`), which this host lacks; recompile it here";
      return false;
    }
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
  jit::TargetInfo host;
  if (!jit::hostTarget(&host, &why)) {
    refuse(error, GwoError::Kind::Link, why);
    return nullptr;
  }
  if (!targetFits(*contents, host, &why)) {
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
                                                          Sha256* sourceHash) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    refuse(error, GwoError::Kind::NotGwo, "cannot read `" + path + "`: " + std::strerror(errno));
    return nullptr;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return loadGwo(bytes, error, sourceHash);
}

}  // namespace gw::aot
