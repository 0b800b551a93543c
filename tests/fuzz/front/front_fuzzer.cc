// libFuzzer target over the whole front end: parse (the ANTLR wall, the CST -> AST builder),
// sema, and the formatter round trip. Properties, beyond "no crash, no
// hang, no leak" (ASan/UBSan/LSan are on in GW_FUZZ builds):
//   - an input that parses without errors formats to text that parses without errors,
//   - to the same AST (span-free dump, comments included),
//   - and formatting that text again changes nothing (idempotence).
// Includes are not followed: a fuzzed glob must not walk the host's file system (the loader's
// include handling is covered by tests/unit). Seeds: tests/fuzz/front/corpus (the examples); dictionary: dsl/gw.dict.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/ast/ast_printer.h"
#include "compiler/fmt/formatter.h"
#include "compiler/parse/parser.h"
#include "compiler/sema/sema.h"

namespace {

constexpr size_t kMaxInput = 64 * 1024;  // policies are small; longer inputs only slow the run
constexpr const char* kPath = "/nonexistent-gw-fuzz/input.gw";

std::string dump(const gw::ast::File& file) {
  gw::ast::AstPrintOptions o;
  o.types = false;
  return gw::ast::printAst(file, o);
}

void checkRoundTrip(const gw::ast::File& file, const gw::SourceManager& sources) {
  std::string once = gw::fmt::formatFile(file, sources);
  gw::SourceManager again;
  gw::DiagnosticSink diags;
  gw::ast::File reparsed = gw::parseFile(again, again.add(kPath, once), diags);
  if (diags.hasErrors()) {
    __builtin_trap();  // the formatter wrote something that does not parse
  }
  if (dump(reparsed) != dump(file)) {
    __builtin_trap();  // formatting changed the meaning (or lost a comment)
  }
  if (gw::fmt::formatFile(reparsed, again) != once) {
    __builtin_trap();  // not idempotent
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) {
    return 0;
  }
  std::string text(reinterpret_cast<const char*>(data), size);
  gw::SourceManager sources;
  gw::DiagnosticSink parseDiags;
  gw::ast::File file = gw::parseFile(sources, sources.add(kPath, text), parseDiags);
  if (!parseDiags.hasErrors()) {
    checkRoundTrip(file, sources);
  }

  // Sema over the program. Without includes the loader's result is exactly this one parsed
  // file, so it is reused instead of parsing a third time; includes are never followed (a fuzzed
  // glob must not walk the host's file system).
  gw::ast::Program program;
  program.files.push_back(std::move(file));
  // Like `gwc check`, sema runs even after syntax errors: it must cope with a partial AST.
  gw::sema::analyze(program, sources, parseDiags);
  return 0;
}
