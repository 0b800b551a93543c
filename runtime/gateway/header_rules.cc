#include "runtime/gateway/header_rules.h"

#include <algorithm>

namespace gw::gateway {

namespace {

inline char fold(char c) noexcept {
  if (c >= 'A' && c <= 'Z') {
    return static_cast<char>(c - 'A' + 'a');
  }
  return c == '_' ? '-' : c;
}

bool sameName(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (fold(a[i]) != fold(b[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool headerGlobMatch(std::string_view pattern, std::string_view name) noexcept {
  // Iterative wildcard match with one backtrack point: linear in practice, no recursion.
  size_t p = 0, n = 0, starP = std::string_view::npos, starN = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || fold(pattern[p]) == fold(name[n]))) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      starP = p++;
      starN = n;
    } else if (starP != std::string_view::npos) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

HeaderRules::HeaderRules(std::vector<std::string> stripGlobs, std::vector<std::string> policy) {
  for (std::string& pattern : stripGlobs) {
    Glob g;
    g.minLength = static_cast<std::size_t>(
        std::count_if(pattern.begin(), pattern.end(), [](char c) { return c != '*'; }));
    if (!pattern.empty() && pattern[0] != '*' && pattern[0] != '?') {
      g.first = fold(pattern[0]);
    }
    g.pattern = std::move(pattern);
    globs_.push_back(std::move(g));
  }
  // One entry per folded name: a policy sets the same header on many routes (X-Service on a
  // quarter of peers.gw's 100), and mustStrip runs for every header of every request.
  for (const std::string& name : policy) {
    std::string folded(name.size(), '\0');
    for (size_t i = 0; i < name.size(); ++i) {
      folded[i] = fold(name[i]);
    }
    if (std::find(exact_.begin(), exact_.end(), folded) == exact_.end()) {
      exact_.push_back(std::move(folded));
    }
  }
}

bool HeaderRules::mustStrip(std::string_view name) const noexcept {
  for (const std::string& e : exact_) {
    if (sameName(e, name)) {
      return true;
    }
  }
  for (const Glob& g : globs_) {
    if (name.size() < g.minLength || (g.first != 0 && fold(name[0]) != g.first)) {
      continue;  // cannot match
    }
    if (headerGlobMatch(g.pattern, name)) {
      return true;
    }
  }
  return false;
}

void HeaderRules::collect(const http::HeaderList& headers, server::NameList& out) const {
  if (empty()) {
    return;
  }
  for (const http::Header& h : headers) {
    if (mustStrip(h.name)) {
      out.emplace_back(h.name);
    }
  }
}

}  // namespace gw::gateway
