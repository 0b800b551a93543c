#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/span.h"

namespace gw {

enum class Severity : uint8_t { Error, Warning, Note };

enum class DiagCode : uint16_t {
#define DIAG(name, code, sev, title) name,
#include "compiler/diag/diag_codes.def"
#undef DIAG
};

/// Static facts about a code: "E0101", its default severity and a short title.
struct DiagInfo {
  const char* code;
  Severity severity;
  const char* title;
};
const DiagInfo& diagInfo(DiagCode code);
/// All codes, for docs and the SARIF rule table.
const std::vector<DiagCode>& allDiagCodes();

struct DiagNote {
  std::string message;
  Span span;  // may be invalid: a note without a location
};

/// A user-facing problem with the .gw input. Messages are lowercase, name DSL concepts and quote
/// user input in backticks.
struct Diagnostic {
  DiagCode code = DiagCode::SyntaxError;
  Severity severity = Severity::Error;
  std::string message;
  Span span;
  std::vector<DiagNote> notes;
  std::string help;  // a known fix, e.g. "did you mean `users`?"
};

/// Collects diagnostics of one compilation; every phase adds as many as it finds.
/// Not thread-safe.
class DiagnosticSink {
 public:
  Diagnostic& report(DiagCode code, Span span, std::string message);
  const std::vector<Diagnostic>& all() const { return diags_; }
  size_t errorCount() const;
  size_t warningCount() const;
  bool hasErrors() const { return errorCount() > 0; }
  /// Orders by file, line, column so output is deterministic across phases.
  void sort();

 private:
  std::vector<Diagnostic> diags_;
};

}  // namespace gw
