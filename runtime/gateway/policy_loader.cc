#include "runtime/gateway/policy_loader.h"

#include <fstream>
#include <iterator>

#include "compiler/aot/gwo_loader.h"
#include "compiler/diag/render.h"
#include "compiler/jit/native_policy.h"
#include "compiler/policy/build.h"
#include "runtime/auth/sha256.h"
#include "runtime/gateway/log.h"

namespace gw::gateway {

namespace {

std::string hex(const auth::Sha256Digest& d) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : d) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// The served policy's identity for /status and gw_policy_info: what was compiled, not what
// the files hold now (an editor may already have saved the next version).
std::string hashSources(const SourceManager& sources) {
  std::string all;
  for (size_t i = 0; i < sources.size(); ++i) {
    all += sources.file(static_cast<uint32_t>(i)).path;
    all += '\0';
    all += sources.file(static_cast<uint32_t>(i)).text;
    all += '\0';
  }
  return hex(auth::sha256(all));
}

std::string hashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return hex(auth::sha256(bytes));
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

LoadedPolicy loadGwo(const std::string& path) {
  LoadedPolicy out;
  aot::GwoError err;
  auto policy = aot::loadGwoFile(path, &err);
  if (!policy) {
    out.diagnostics = path + ": " + err.message;
    return out;
  }
  if (policy->runtime.routes.size() != policy->routes().size()) {
    out.diagnostics = path +
                      ": this .gwo carries no runtime configuration (listeners, upstream servers, "
                      "auth settings); run the .gw source instead";
    return out;
  }
  out.policy = std::move(policy);
  out.backend = "aot";
  out.sourceHash = hashFile(path);
  return out;
}

}  // namespace

LoadedPolicy loadPolicy(const std::string& path, const std::string& backend) {
  LoadedPolicy out;
  if (endsWith(path, ".gwo")) {
    out = loadGwo(path);
  } else {
    SourceManager sources;
    DiagnosticSink diags;
    std::shared_ptr<policy::CompiledPolicy> compiled =
        policy::compilePolicyFile(path, sources, diags);
    diags.sort();
    if (!diags.all().empty()) out.diagnostics = renderText(diags, sources, false);
    if (!compiled) return out;
    out.sourceHash = hashSources(sources);
    if (backend == "interpreter") {
      out.policy = compiled;
      out.backend = "interpreter";
    } else {
      DiagnosticSink jitDiags;
      auto native = jit::jitCompile(compiled, jitDiags);
      if (native) {
        out.policy = std::move(native);
        out.backend = "jit";
      } else {
        logLine(LogLevel::kWarn, "native back end failed, serving with the interpreter: " +
                                     renderText(jitDiags, sources, false));
        out.policy = compiled;
        out.backend = "interpreter";
      }
    }
  }
  return out;
}

}  // namespace gw::gateway
