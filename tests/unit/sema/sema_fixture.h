#pragma once
// Helpers for sema tests: parse a snippet, analyze it, and list diagnostics as "E0101 message".
#include <string>
#include <vector>

#include "compiler/parse/loader.h"
#include "compiler/sema/sema.h"

namespace gw::sema::testing {

/// One analysis of an in-memory file. Owns everything the result points into.
struct Analyzed {
  SourceManager sources;
  DiagnosticSink diags;
  ast::Program program;
  SemaResult result;

  /// "E0101 unknown upstream `x`" per diagnostic, in source order.
  std::vector<std::string> codesAndMessages() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : diags.all()) {
      out.push_back(std::string(diagInfo(d.code).code) + " " + d.message);
    }
    return out;
  }
  /// The help of the first diagnostic with `code`, or "<none>".
  std::string helpOf(const char* code) const {
    for (const Diagnostic& d : diags.all()) {
      if (std::string(diagInfo(d.code).code) == code) return d.help;
    }
    return "<none>";
  }
};

inline std::unique_ptr<Analyzed> analyzeText(const std::string& text, SemaOptions opts = {}) {
  auto a = std::make_unique<Analyzed>();
  a->program = loadProgramFromText(a->sources, "test.gw", text, a->diags);
  a->result = analyze(a->program, a->sources, a->diags, opts);
  a->diags.sort();
  return a;
}

/// A minimal valid program around extra declarations: one upstream `app` used by route `home`.
inline std::string withBase(const std::string& decls) {
  return "upstream app { server 127.0.0.1:9000 }\n"
         "route home { match { path \"/\" } forward app }\n" + decls;
}

}  // namespace gw::sema::testing
