#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/span.h"

namespace gw {

/// One loaded source file: its path as the user named it, its bytes and its line starts.
struct SourceFile {
  std::string path;
  std::string text;
  std::vector<uint32_t> lineStarts;  // byte offset of each line's first character
};

/// Owns the text of every file a compilation reads, so spans stay valid for diagnostics.
/// Not thread-safe; one per compilation.
class SourceManager {
 public:
  /// Adds an in-memory file and returns its id.
  uint32_t add(std::string path, std::string text);
  /// Reads a file from disk; std::nullopt (and `error` set) when it cannot be read.
  std::optional<uint32_t> load(const std::string& path, std::string* error);

  const SourceFile& file(uint32_t id) const { return files_[id]; }
  size_t size() const { return files_.size(); }
  /// The text of line `line` (1-based) of file `id`, without its newline.
  std::string_view lineText(uint32_t id, uint32_t line) const;
  /// The source text a span covers.
  std::string_view text(const Span& span) const;
  /// Builds a span from a byte offset and length.
  Span spanAt(uint32_t id, uint32_t offset, uint32_t length) const;

 private:
  std::vector<SourceFile> files_;
};

}  // namespace gw
