#include "tests/unit/fmt/fmt_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/ast/ast_printer.h"
#include "compiler/diag/render.h"
#include "compiler/fmt/formatter.h"
#include "compiler/parse/parser.h"

namespace gw::fmt::testing {

std::string formatOrFail(const std::string& text, const std::string& path) {
  SourceManager sources;
  DiagnosticSink diags;
  auto out = formatText(sources, path, text, diags);
  if (!out) {
    ADD_FAILURE() << "does not parse:\n" << renderText(diags, sources, false);
    return "";
  }
  return *out;
}

std::string astDump(const std::string& text, const std::string& path) {
  SourceManager sources;
  DiagnosticSink diags;
  uint32_t id = sources.add(path, text);
  ast::File file = parseFile(sources, id, diags);
  if (diags.hasErrors()) {
    return "<errors>";
  }
  return ast::printAst(file);
}

size_t parseErrors(const std::string& text) {
  SourceManager sources;
  DiagnosticSink diags;
  parseFile(sources, sources.add("t.gw", text), diags);
  return diags.errorCount();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string sourceDir() {
  const char* dir = std::getenv("GW_SOURCE_DIR");
  return dir ? dir : GW_FALLBACK_SOURCE_DIR;
}

std::vector<std::string> filesUnder(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string p = e.path().string();
    if (e.is_regular_file() && p.size() >= suffix.size() &&
        p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace gw::fmt::testing
