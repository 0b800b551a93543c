#pragma once
// The formatter's layout tree and its renderer. The AST keeps settings per kind, not in the
// order they were written; the builders (formatter.cc, format_route.cc) turn each declaration
// into a tree of lines and blocks tagged with source offsets, and the renderer puts them back
// in source order, re-attaching comments and the user's blank lines by position.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/source/source_manager.h"

namespace gw::fmt {

/// One line of output (`leaf`) or a block `header { children }`.
struct Node {
  std::string text;              // leaf: the whole line; block: the header before ` {`
  std::vector<Node> children;
  bool block = false;
  bool mayInline = false;        // a block that prints as `header { a b c }` when short
  bool hasSpan = false;          // false: no source position, no comment handling
  bool isInclude = false;        // consecutive includes are not forced apart by a blank line
  uint32_t begin = 0, end = 0;   // source byte range [begin, end)

  static Node leaf(std::string text, const Span& span);
  static Node blockOf(std::string header, const Span& span);
};

/// A span covering [a.begin, b.end) when both are valid; otherwise whichever is valid.
Span spanUnion(const Span& a, const Span& b);

/// Renders top-level nodes as canonical text: 2-space indentation, one blank line between
/// top-level declarations, at most one blank line kept where the source had one, comments
/// kept (own-line comments before the next item, trailing comments at the end of their line).
/// `source` is the text the spans refer to. Not thread-safe per instance.
class Renderer {
 public:
  Renderer(const SourceFile& source, const std::vector<ast::Comment>& comments);
  std::string render(std::vector<Node> decls);

  static constexpr size_t kMaxColumns = 100;
  static constexpr size_t kMaxInlineItems = 3;
  static constexpr size_t kMaxInlineItemChars = 40;

 private:
  void children(std::vector<Node>& nodes, int indent, bool topLevel, uint32_t parentEnd);
  void node(const Node& n, int indent);
  bool tryInline(const Node& n, int indent);
  void flushBefore(uint32_t offset, int indent);
  void trailing(uint32_t endOffset, uint32_t line);
  void emit(std::string text, int indent, uint32_t srcLine);
  bool commentWithin(uint32_t begin, uint32_t end) const;
  uint32_t lineOf(uint32_t offset) const;

  const SourceFile& source_;
  std::vector<ast::Comment> comments_;  // sorted by offset
  size_t next_ = 0;                     // first comment not yet emitted
  std::vector<std::string> lines_;
  uint32_t lastLine_ = 0;   // source line of the last emitted line (0 = start of a block)
  bool forceBlank_ = false; // the next emitted line gets a blank line before it
};

}  // namespace gw::fmt
