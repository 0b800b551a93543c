#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/render.h"
#include "compiler/source/utf8.h"

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

// A source line or message as it is safe to print on a terminal. Bytes that would not show as
// themselves are spelled out: control characters and invisible or bidirectional formatting
// characters as `<U+XXXX>`, bytes that are not UTF-8 as `<XX>` (clang's spelling). A tab becomes
// one space, so byte columns and display columns agree. `columns`, when given, receives the
// display column of each byte (and of the end of the text), so carets line up with the output.
std::string displayText(std::string_view text, std::vector<uint32_t>* columns = nullptr) {
  std::string out;
  out.reserve(text.size());
  uint32_t col = 0;
  if (columns) {
    columns->assign(text.size() + 1, 0);
  }
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    size_t len = decodeUtf8(text, i, &cp);
    char buf[16];
    size_t width = 1;
    if (len == 0) {
      std::snprintf(buf, sizeof buf, "<%02X>", static_cast<unsigned char>(text[i]));
      out += buf;
      width = 4;
      len = 1;
    } else if (cp == '\t') {
      out += ' ';
    } else if (isInvisibleCodePoint(cp)) {
      std::snprintf(buf, sizeof buf, "<U+%04X>", static_cast<unsigned>(cp));
      out += buf;
      width = std::string_view(buf).size();
    } else {
      out.append(text.substr(i, len));  // one column, as most terminals show it
    }
    if (columns) {
      for (size_t k = 0; k < len; ++k) {
        (*columns)[i + k] = col;
      }
    }
    col += static_cast<uint32_t>(width);
    i += len;
  }
  if (columns) {
    columns->back() = col;
  }
  return out;
}

void renderSnippet(std::string& out, const SourceManager& sources, const Span& span,
                   const Palette& p, const char* markColor) {
  if (!span.valid() || span.file >= sources.size()) {
    return;
  }
  std::string_view line = sources.lineText(span.file, span.line);
  std::vector<uint32_t> columns;
  std::string shown = displayText(line, &columns);
  std::string lineNo = std::to_string(span.line);
  std::string gutter(lineNo.size(), ' ');
  out += p.blue + gutter + " |" + p.reset + "\n";
  out += p.blue + lineNo + " |" + p.reset + " " + shown + "\n";
  // Span columns count bytes; the underline starts and ends where those bytes are displayed.
  // A span past the end of the line (an unexpected end of file) points just after it.
  size_t begin = span.col == 0 ? 0 : span.col - 1;
  size_t start = begin < line.size() ? columns[begin] : columns.back() + (begin - line.size());
  size_t width = 1;
  if (begin < line.size()) {
    size_t end = std::min<size_t>(line.size(), begin + std::max<uint32_t>(span.length, 1));
    width = std::max<size_t>(1, columns[end] - start);
  }
  out += p.blue + gutter + " |" + p.reset + " " + std::string(start, ' ') + markColor +
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
           p.reset + p.bold + ": " + displayText(d.message) + p.reset + "\n";
    renderSnippet(out, sources, d.span, p, sevColor);
    for (const DiagNote& n : d.notes) {
      if (n.span.valid() && n.span.file < sources.size()) {
        out += std::string(p.bold) + sources.file(n.span.file).path + ":" +
               std::to_string(n.span.line) + ":" + std::to_string(n.span.col) + ": " + p.reset +
               "note: " + displayText(n.message) + "\n";
        renderSnippet(out, sources, n.span, p, p.blue);
      } else {
        out += "  = note: " + displayText(n.message) + "\n";
      }
    }
    if (!d.help.empty()) {
      out += std::string("  = ") + p.bold + "help" + p.reset + ": " + displayText(d.help) + "\n";
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
