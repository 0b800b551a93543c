#pragma once
// Builds a CompiledPolicy from .gw text for tests (parse + lowering, no sema: the random route
// sets deliberately contain ties).
#include <memory>
#include <string>

#include "compiler/parse/loader.h"
#include "compiler/policy/build.h"

namespace gw::testing {

inline std::shared_ptr<policy::CompiledPolicy> buildFromText(const std::string& text,
                                                             std::string* errors = nullptr) {
  SourceManager sources;
  DiagnosticSink diags;
  ast::Program program = loadProgramFromText(sources, "test.gw", text, diags);
  std::shared_ptr<policy::CompiledPolicy> p;
  if (!diags.hasErrors()) {
    p = policy::buildPolicy(program, sources, diags);
  }
  if (errors != nullptr) {
    for (const Diagnostic& d : diags.all()) *errors += d.message + "\n";
  }
  return p;
}

}  // namespace gw::testing
