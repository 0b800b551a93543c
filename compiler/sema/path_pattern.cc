#include "compiler/sema/path_pattern.h"

#include <cctype>

namespace gw::sema {

bool isParamName(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

namespace {

std::optional<std::string> segmentError(std::string_view seg, bool allowParams,
                                        std::string* help) {
  if (seg == "." || seg == "..") {
    *help = "request paths are normalized before matching: `" + std::string(seg) +
            "` segments never reach the router";
    return "path segment `" + std::string(seg) + "` can never match";
  }
  size_t open = seg.find('{');
  size_t close = seg.find('}');
  if (open == std::string_view::npos && close == std::string_view::npos) {
    return std::nullopt;
  }
  if (!allowParams) {
    *help = "only a template path (without `exact` or `prefix`) has `{name}` parameters";
    return std::string("`{` and `}` are not allowed in this path");
  }
  if (open != 0 || close != seg.size() - 1 || seg.find('{', 1) != std::string_view::npos ||
      seg.find('}') != close) {
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
      *help = "write a parameter as `{name}`";
      return "unbalanced braces in path segment `" + std::string(seg) + "`";
    }
    *help = "a parameter takes a whole segment: `/files/{name}`, not `/files/x{name}`";
    return "parameter must be a whole path segment, found `" + std::string(seg) + "`";
  }
  std::string_view name = seg.substr(1, seg.size() - 2);
  if (!isParamName(name)) {
    *help = "parameter names are letters, digits and `_`, starting with a letter";
    return "invalid parameter name `" + std::string(name) + "`";
  }
  return std::nullopt;
}

}  // namespace

ParsedPath parsePathPattern(std::string_view pattern, bool allowParams) {
  ParsedPath out;
  if (pattern.empty() || pattern[0] != '/') {
    out.error = "path `" + std::string(pattern) + "` must start with `/`";
    out.help = "write `\"/" + std::string(pattern) + "\"`";
    return out;
  }
  if (size_t q = pattern.find_first_of("?#"); q != std::string_view::npos) {
    out.error = "a path pattern cannot contain `" + std::string(1, pattern[q]) + "`";
    out.help = "match query parameters with `query \"name\" == \"value\"`";
    return out;
  }
  if (size_t star = pattern.find('*'); star != std::string_view::npos) {
    std::string_view head = pattern.substr(0, star);
    while (head.size() > 1 && head.back() == '/') {
      head.remove_suffix(1);
    }
    out.error = "wildcards are not supported in paths";
    out.help = "to match everything below a path, write `path prefix \"" + std::string(head) +
               "\"`";
    return out;
  }
  std::string_view rest = pattern.substr(1);
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    bool last = slash == std::string_view::npos;
    if (seg.empty() && !last) {
      out.error = "empty segment `//` in path `" + std::string(pattern) + "`";
      out.help = "request paths are normalized before matching: `//` never reaches the router";
      return out;
    }
    if (auto err = segmentError(seg, allowParams, &out.help)) {
      out.error = err;
      return out;
    }
    bool param = !seg.empty() && seg.front() == '{';
    out.segments.push_back({std::string(param ? seg.substr(1, seg.size() - 2) : seg), param});
    if (last) {
      break;
    }
    rest = rest.substr(slash + 1);
    if (rest.empty()) {
      out.segments.push_back({"", false});  // trailing slash
    }
  }
  return out;
}

std::vector<std::string> templateParams(std::string_view pattern) {
  std::vector<std::string> out;
  ParsedPath p = parsePathPattern(pattern, true);
  for (const PathSegment& s : p.segments) {
    if (s.param) {
      out.push_back(s.text);
    }
  }
  return out;
}

std::string canonicalTemplate(const std::vector<PathSegment>& segments) {
  std::string out;
  for (const PathSegment& s : segments) {
    out += '/';
    out += s.param ? "{}" : s.text;
  }
  return out.empty() ? "/" : out;
}

}  // namespace gw::sema
