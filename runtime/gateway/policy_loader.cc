#include "runtime/gateway/policy_loader.h"

#include "compiler/aot/gwo_format.h"
#include "compiler/aot/gwo_loader.h"
#include "compiler/diag/render.h"
#include "compiler/policy/build.h"
#include "runtime/gateway/log.h"

namespace gw::gateway {

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

LoadedPolicy loadGwo(const std::string& path) {
  LoadedPolicy out;
  aot::GwoError err;
  aot::Sha256 fileHash{};
  auto policy = aot::loadGwoFile(path, &err, nullptr, &fileHash);
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
  out.sourceHash = aot::toHex(fileHash);  // of the bytes loaded, not of a second read
  return out;
}

// The front end in this process: parse, check, build; served by the interpreter. The hash is
// of the texts this compile read (an editor may already have saved the next version).
LoadedPolicy compileInProcess(const std::string& path) {
  LoadedPolicy out;
  SourceManager sources;
  DiagnosticSink diags;
  std::shared_ptr<policy::CompiledPolicy> compiled = policy::compilePolicyFile(path, sources, diags);
  diags.sort();
  if (!diags.all().empty()) out.diagnostics = renderText(diags, sources, false);
  if (!compiled) return out;
  std::vector<std::string> texts;
  for (uint32_t i = 0; i < sources.size(); ++i) texts.push_back(sources.file(i).text);
  out.sourceHash = aot::toHex(aot::hashSourceTexts(texts));
  out.policy = std::move(compiled);
  out.backend = "interpreter";
  return out;
}

LoadedPolicy compileNative(const std::string& path, const LoadOptions& options,
                           const std::atomic<bool>* cancel) {
  GwcCompile native = compileWithGwc(path, options.gwc, cancel);
  LoadedPolicy out;
  switch (native.outcome) {
    case GwcCompile::Outcome::kCompiled:
      out.policy = std::move(native.policy);
      out.backend = "jit";
      // gwc read the files a moment after the trigger; its header says what it compiled.
      out.sourceHash = std::move(native.sourceHash);
      out.diagnostics = std::move(native.diagnostics);
      return out;
    case GwcCompile::Outcome::kRejected:
      out.diagnostics = native.diagnostics.empty()
                            ? path + ": `gwc compile` reported errors but printed none"
                            : std::move(native.diagnostics);
      return out;
    case GwcCompile::Outcome::kCancelled:
      out.diagnostics = "the compile was stopped: gw is shutting down";
      return out;
    case GwcCompile::Outcome::kFailed:
      break;
  }
  logLine(LogLevel::kWarn,
          "native compilation failed, serving with the interpreter: " + native.failure);
  return compileInProcess(path);
}

}  // namespace

LoadedPolicy loadPolicy(const std::string& path, const LoadOptions& options,
                        const std::atomic<bool>* cancel) {
  if (endsWith(path, ".gwo")) return loadGwo(path);
  if (options.backend == "interpreter") return compileInProcess(path);
  return compileNative(path, options, cancel);
}

}  // namespace gw::gateway
