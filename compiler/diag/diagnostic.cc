#include "compiler/diag/diagnostic.h"

#include <algorithm>

namespace gw {

namespace {
const DiagInfo kInfos[] = {
#define DIAG(name, code, sev, title) {code, Severity::sev, title},
#include "compiler/diag/diag_codes.def"
#undef DIAG
};
}  // namespace

const DiagInfo& diagInfo(DiagCode code) { return kInfos[static_cast<size_t>(code)]; }

const std::vector<DiagCode>& allDiagCodes() {
  static const std::vector<DiagCode> codes = [] {
    std::vector<DiagCode> v;
    for (size_t i = 0; i < sizeof(kInfos) / sizeof(kInfos[0]); ++i) {
      v.push_back(static_cast<DiagCode>(i));
    }
    return v;
  }();
  return codes;
}

Diagnostic& DiagnosticSink::report(DiagCode code, Span span, std::string message) {
  Diagnostic d;
  d.code = code;
  d.severity = diagInfo(code).severity;
  d.span = span;
  d.message = std::move(message);
  diags_.push_back(std::move(d));
  return diags_.back();
}

size_t DiagnosticSink::errorCount() const {
  return std::count_if(diags_.begin(), diags_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

size_t DiagnosticSink::warningCount() const {
  return std::count_if(diags_.begin(), diags_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Warning; });
}

void DiagnosticSink::sort() {
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.span.file != b.span.file) return a.span.file < b.span.file;
    if (a.span.line != b.span.line) return a.span.line < b.span.line;
    return a.span.col < b.span.col;
  });
}

}  // namespace gw
