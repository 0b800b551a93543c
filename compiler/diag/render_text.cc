#include <algorithm>
#include <string>

#include "compiler/diag/render.h"

namespace gw {
namespace {

const char* severityWord(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

struct Palette {
  const char* bold = "";
  const char* red = "";
  const char* yellow = "";
  const char* blue = "";
  const char* reset = "";
};

// Tabs are expanded to one space in the echoed line so the caret lines up with the column.
std::string echoLine(std::string_view line) {
  std::string out(line);
  std::replace(out.begin(), out.end(), '\t', ' ');
  return out;
}

void renderSnippet(std::string& out, const SourceManager& sources, const Span& span,
                   const Palette& p, const char* markColor) {
  if (!span.valid() || span.file >= sources.size()) {
    return;
  }
  std::string_view line = sources.lineText(span.file, span.line);
  std::string lineNo = std::to_string(span.line);
  std::string gutter(lineNo.size(), ' ');
  out += p.blue + gutter + " |" + p.reset + "\n";
  out += p.blue + lineNo + " |" + p.reset + " " + echoLine(line) + "\n";
  size_t col = span.col == 0 ? 0 : span.col - 1;
  size_t width = std::max<size_t>(1, std::min<size_t>(span.length, line.size() > col ? line.size() - col : 1));
  out += p.blue + gutter + " |" + p.reset + " " + std::string(col, ' ') + markColor +
         std::string(width, '^') + p.reset + "\n";
}

}  // namespace

std::string renderText(const DiagnosticSink& diags, const SourceManager& sources, bool color) {
  Palette p;
  if (color) {
    p = Palette{"\033[1m", "\033[1;31m", "\033[1;33m", "\033[1;34m", "\033[0m"};
  }
  std::string out;
  for (const Diagnostic& d : diags.all()) {
    const char* sevColor = d.severity == Severity::Error ? p.red : p.yellow;
    if (d.span.valid() && d.span.file < sources.size()) {
      out += std::string(p.bold) + sources.file(d.span.file).path + ":" +
             std::to_string(d.span.line) + ":" + std::to_string(d.span.col) + ": " + p.reset;
    }
    out += std::string(sevColor) + severityWord(d.severity) + "[" + diagInfo(d.code).code + "]" +
           p.reset + p.bold + ": " + d.message + p.reset + "\n";
    renderSnippet(out, sources, d.span, p, sevColor);
    for (const DiagNote& n : d.notes) {
      if (n.span.valid() && n.span.file < sources.size()) {
        out += std::string(p.bold) + sources.file(n.span.file).path + ":" +
               std::to_string(n.span.line) + ":" + std::to_string(n.span.col) + ": " + p.reset +
               "note: " + n.message + "\n";
        renderSnippet(out, sources, n.span, p, p.blue);
      } else {
        out += "  = note: " + n.message + "\n";
      }
    }
    if (!d.help.empty()) {
      out += std::string("  = ") + p.bold + "help" + p.reset + ": " + d.help + "\n";
    }
    out += "\n";
  }
  size_t errors = diags.errorCount();
  size_t warnings = diags.warningCount();
  if (errors || warnings) {
    out += std::to_string(errors) + (errors == 1 ? " error" : " errors") + ", " +
           std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings") + "\n";
  }
  return out;
}

}  // namespace gw
