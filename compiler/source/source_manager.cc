#include "compiler/source/source_manager.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace gw {
namespace {

// A UTF-8 byte order mark is not part of the first line: editors do not show it, and the lexer
// skips it, so columns on line 1 count from the byte after it.
constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

uint32_t SourceManager::add(std::string path, std::string text) {
  SourceFile f{std::move(path), std::move(text), {0}};
  for (uint32_t i = 0; i < f.text.size(); ++i) {
    if (f.text[i] == '\n') {
      f.lineStarts.push_back(i + 1);
    }
  }
  files_.push_back(std::move(f));
  return static_cast<uint32_t>(files_.size() - 1);
}

std::optional<uint32_t> SourceManager::load(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) {
      *error = "cannot open `" + path + "`";
    }
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    if (error) {
      *error = "cannot read `" + path + "`";
    }
    return std::nullopt;
  }
  return add(path, ss.str());
}

std::string_view SourceManager::lineText(uint32_t id, uint32_t line) const {
  const SourceFile& f = files_[id];
  if (line == 0 || line > f.lineStarts.size()) {
    return {};
  }
  uint32_t begin = f.lineStarts[line - 1];
  uint32_t end = line < f.lineStarts.size() ? f.lineStarts[line] - 1 : f.text.size();
  std::string_view v(f.text.data() + begin, end - begin);
  if (line == 1 && v.starts_with(kBom)) {
    v.remove_prefix(kBom.size());
  }
  if (!v.empty() && v.back() == '\r') {
    v.remove_suffix(1);
  }
  return v;
}

std::string_view SourceManager::text(const Span& span) const {
  const SourceFile& f = files_[span.file];
  if (span.offset >= f.text.size()) {
    return {};
  }
  return std::string_view(f.text).substr(span.offset, span.length);
}

Span SourceManager::spanAt(uint32_t id, uint32_t offset, uint32_t length) const {
  const SourceFile& f = files_[id];
  auto it = std::upper_bound(f.lineStarts.begin(), f.lineStarts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - f.lineStarts.begin());
  uint32_t lineStart = f.lineStarts[line - 1];
  if (line == 1 && offset >= kBom.size() && std::string_view(f.text).starts_with(kBom)) {
    lineStart = static_cast<uint32_t>(kBom.size());
  }
  uint32_t col = offset - lineStart + 1;
  return Span{id, line, col, offset, length};
}

}  // namespace gw
