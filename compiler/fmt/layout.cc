#include "compiler/fmt/layout.h"

#include <algorithm>
#include <limits>

namespace gw::fmt {
namespace {

constexpr uint32_t kNoLimit = std::numeric_limits<uint32_t>::max();

std::string rtrim(const std::string& s) {
  size_t end = s.find_last_not_of(" \t\r\f\v");
  return end == std::string::npos ? "" : s.substr(0, end + 1);
}

}  // namespace

Node Node::leaf(std::string text, const Span& span) {
  Node n;
  n.text = std::move(text);
  n.hasSpan = span.valid();
  n.begin = span.offset;
  n.end = span.offset + span.length;
  return n;
}

Node Node::blockOf(std::string header, const Span& span) {
  Node n = leaf(std::move(header), span);
  n.block = true;
  return n;
}

Span spanUnion(const Span& a, const Span& b) {
  if (!a.valid()) return b;
  if (!b.valid()) return a;
  const Span& first = a.offset <= b.offset ? a : b;
  Span out = first;
  uint32_t end = std::max(a.offset + a.length, b.offset + b.length);
  out.length = end - first.offset;
  return out;
}

Renderer::Renderer(const SourceFile& source, const std::vector<ast::Comment>& comments)
    : source_(source), comments_(comments) {
  std::stable_sort(comments_.begin(), comments_.end(),
                   [](const ast::Comment& a, const ast::Comment& b) {
                     return a.span.offset < b.span.offset;
                   });
}

uint32_t Renderer::lineOf(uint32_t offset) const {
  const auto& starts = source_.lineStarts;
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  return static_cast<uint32_t>(it - starts.begin());
}

bool Renderer::commentWithin(uint32_t begin, uint32_t end) const {
  for (size_t i = next_; i < comments_.size(); ++i) {
    uint32_t at = comments_[i].span.offset;
    if (at >= end) {
      break;
    }
    if (at >= begin) {
      return true;
    }
  }
  return false;
}

void Renderer::emit(std::string text, int indent, uint32_t srcLine) {
  bool gap = srcLine != 0 && lastLine_ != 0 && srcLine > lastLine_ + 1;
  if (!lines_.empty() && lastLine_ != 0 && (forceBlank_ || gap)) {
    lines_.emplace_back();
  }
  forceBlank_ = false;
  lines_.push_back(std::string(static_cast<size_t>(indent) * 2, ' ') + text);
  if (srcLine != 0) {
    lastLine_ = srcLine;
  }
}

void Renderer::flushBefore(uint32_t offset, int indent) {
  while (next_ < comments_.size() && comments_[next_].span.offset < offset) {
    const ast::Comment& c = comments_[next_++];
    emit(rtrim(c.text), indent, c.span.line);
  }
}

// A comment on source line `line` that starts before `limit` ends the last emitted line.
void Renderer::trailing(uint32_t limit, uint32_t line) {
  if (next_ < comments_.size() && comments_[next_].span.line == line &&
      comments_[next_].span.offset < limit && !lines_.empty()) {
    lines_.back() += "  " + rtrim(comments_[next_++].text);
  }
}

bool Renderer::tryInline(const Node& n, int indent) {
  if (n.hasSpan && commentWithin(n.begin, n.end)) {
    return false;
  }
  std::string line = n.text + " {";
  if (!n.children.empty()) {
    if (!n.mayInline || n.children.size() > kMaxInlineItems) {
      return false;
    }
    for (const Node& c : n.children) {
      if (c.block || c.text.size() > kMaxInlineItemChars) {
        return false;
      }
      line += " " + c.text;
    }
    line += " ";
  }
  line += "}";
  if (static_cast<size_t>(indent) * 2 + line.size() > kMaxColumns) {
    return false;
  }
  emit(std::move(line), indent, n.hasSpan ? lineOf(n.begin) : 0);
  return true;
}

void Renderer::node(const Node& n, int indent) {
  uint32_t beginLine = n.hasSpan ? lineOf(n.begin) : 0;
  uint32_t endLine = n.hasSpan ? lineOf(n.end > n.begin ? n.end - 1 : n.begin) : 0;
  if (!n.block) {
    if (n.hasSpan) {
      flushBefore(n.end, indent);
    }
    emit(n.text, indent, beginLine);
    if (endLine != 0) {
      lastLine_ = endLine;
    }
    return;
  }
  if (n.hasSpan) {
    flushBefore(n.begin, indent);
  }
  if (tryInline(n, indent)) {
    if (endLine != 0) {
      lastLine_ = endLine;
    }
    return;
  }
  emit(n.text + " {", indent, beginLine);
  if (n.hasSpan) {
    uint32_t firstChild = n.end;
    for (const Node& c : n.children) {
      if (c.hasSpan) {
        firstChild = std::min(firstChild, c.begin);
      }
    }
    trailing(firstChild, beginLine);
  }
  lastLine_ = 0;  // no blank line right after `{`
  std::vector<Node> kids = n.children;
  children(kids, indent + 1, false, n.hasSpan ? n.end : kNoLimit);
  if (n.hasSpan) {
    flushBefore(n.end, indent + 1);
  }
  lastLine_ = 0;  // nor right before `}`
  emit("}", indent, 0);
  lastLine_ = endLine;
}

void Renderer::children(std::vector<Node>& nodes, int indent, bool topLevel,
                        uint32_t parentEnd) {
  // Spanless nodes keep their place after the node before them.
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i].hasSpan) {
      nodes[i].begin = nodes[i].end = i > 0 ? nodes[i - 1].begin : 0;
    }
  }
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const Node& a, const Node& b) { return a.begin < b.begin; });
  for (size_t i = 0; i + 1 < nodes.size(); ++i) {
    if (nodes[i].hasSpan && nodes[i + 1].hasSpan && nodes[i].end > nodes[i + 1].begin) {
      nodes[i].end = std::max(nodes[i].begin, nodes[i + 1].begin);
    }
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (topLevel && i > 0 && !(n.isInclude && nodes[i - 1].isInclude)) {
      forceBlank_ = true;
    }
    node(n, indent);
    if (!n.hasSpan) {
      lastLine_ = 0;  // where it was is unknown: no blank line after it is inferred
    }
    if (n.hasSpan) {
      uint32_t limit = parentEnd;
      for (size_t j = i + 1; j < nodes.size(); ++j) {
        if (nodes[j].hasSpan) {
          limit = nodes[j].begin;
          break;
        }
      }
      uint32_t endLine = lineOf(n.end > n.begin ? n.end - 1 : n.begin);
      trailing(limit, endLine);
    }
  }
}

std::string Renderer::render(std::vector<Node> decls) {
  children(decls, 0, true, kNoLimit);
  flushBefore(kNoLimit, 0);
  std::string out;
  for (const std::string& l : lines_) {
    out += rtrim(l);
    out += '\n';
  }
  return out;
}

}  // namespace gw::fmt
