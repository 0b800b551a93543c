#include "compiler/fmt/line_diff.h"

#include <algorithm>

namespace gw::fmt {
namespace {

using Lines = std::vector<std::string>;

// trace[d] holds V for k in [-d, d] after step d (index k + d).
std::vector<Edit> backtrack(const std::vector<std::vector<size_t>>& trace, size_t n, size_t m) {
  std::vector<Edit> out;
  long x = static_cast<long>(n), y = static_cast<long>(m);
  for (long d = static_cast<long>(trace.size()) - 1; d > 0; --d) {
    const std::vector<size_t>& v = trace[d - 1];  // V after step d-1: k in [-(d-1), d-1]
    auto at = [&](long k) { return static_cast<long>(v[k + d - 1]); };
    long k = x - y;
    long prevK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
    long prevX = at(prevK);
    long prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      --x, --y;
      out.push_back({EditKind::Equal, size_t(x), size_t(y)});
    }
    if (x == prevX) {
      out.push_back({EditKind::Insert, size_t(prevX), size_t(prevY)});
    } else {
      out.push_back({EditKind::Delete, size_t(prevX), size_t(prevY)});
    }
    x = prevX, y = prevY;
  }
  while (x > 0 && y > 0) {
    --x, --y;
    out.push_back({EditKind::Equal, size_t(x), size_t(y)});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<Edit> replaceAll(size_t n, size_t m) {
  std::vector<Edit> out;
  for (size_t i = 0; i < n; ++i) out.push_back({EditKind::Delete, i, 0});
  for (size_t j = 0; j < m; ++j) out.push_back({EditKind::Insert, n, j});
  return out;
}

std::string hunkRange(size_t first, size_t count) {
  // diff -u: an empty range names the line before it.
  size_t start = count == 0 ? first : first + 1;
  return count == 1 ? std::to_string(start) : std::to_string(start) + "," + std::to_string(count);
}

}  // namespace

std::vector<std::string> splitLines(const std::string& text) {
  Lines out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(text.substr(start));
      break;
    }
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::vector<Edit> diffLines(const Lines& a, const Lines& b, size_t maxEdits) {
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> trace;
  std::vector<size_t> prev;  // V after the previous step, k in [-(d-1), d-1]
  size_t limit = std::min(n + m, maxEdits);
  for (long d = 0; d <= static_cast<long>(limit); ++d) {
    std::vector<size_t> v(2 * d + 1);
    for (long k = -d; k <= d; k += 2) {
      auto old = [&](long kk) { return prev[kk + d - 1]; };
      size_t x = 0;
      if (d == 0) {
        x = 0;
      } else if (k == -d || (k != d && old(k - 1) < old(k + 1))) {
        x = old(k + 1);
      } else {
        x = old(k - 1) + 1;
      }
      size_t y = static_cast<size_t>(static_cast<long>(x) - k);
      while (x < n && y < m && a[x] == b[y]) {
        ++x, ++y;
      }
      v[k + d] = x;
      if (x >= n && y >= m) {
        trace.push_back(std::move(v));
        return backtrack(trace, n, m);
      }
    }
    trace.push_back(v);
    prev = std::move(v);
  }
  return replaceAll(n, m);
}

std::string unifiedDiff(const std::string& before, const std::string& after,
                        const std::string& fromName, const std::string& toName, size_t context) {
  if (before == after) {
    return "";
  }
  Lines a = splitLines(before), b = splitLines(after);
  // A last line without '\n' differs from the same line with one; the marker line that diff -u
  // prints after it is part of the compared text, so that difference shows as a change.
  const char* kNoEol = "\n\\ No newline at end of file";
  if (!before.empty() && before.back() != '\n') a.back() += kNoEol;
  if (!after.empty() && after.back() != '\n') b.back() += kNoEol;
  std::vector<Edit> edits = diffLines(a, b);
  auto line = [&](const Edit& e) {
    const std::string& text = e.kind == EditKind::Insert ? b[e.afterLine] : a[e.beforeLine];
    char mark = e.kind == EditKind::Equal ? ' ' : e.kind == EditKind::Delete ? '-' : '+';
    return mark + text + "\n";
  };
  std::string out = "--- " + fromName + "\n+++ " + toName + "\n";
  size_t i = 0;
  while (i < edits.size()) {
    if (edits[i].kind == EditKind::Equal) {
      ++i;
      continue;
    }
    // A hunk: from `context` lines before this change through changes separated by at most
    // 2 * context equal lines, plus `context` lines after the last one.
    size_t start = i > context ? i - context : 0;
    size_t end = i;
    while (end < edits.size()) {
      size_t j = end;
      while (j < edits.size() && edits[j].kind != EditKind::Equal) ++j;
      size_t eq = j;
      while (eq < edits.size() && edits[eq].kind == EditKind::Equal) ++eq;
      end = j;
      if (eq == edits.size() || eq - j > 2 * context) {
        break;
      }
      end = eq;
    }
    size_t stop = std::min(edits.size(), end + context);
    size_t aFirst = edits[start].beforeLine, bFirst = edits[start].afterLine;
    size_t aCount = 0, bCount = 0;
    std::string body;
    for (size_t k = start; k < stop; ++k) {
      aCount += edits[k].kind != EditKind::Insert;
      bCount += edits[k].kind != EditKind::Delete;
      body += line(edits[k]);
    }
    out += "@@ -" + hunkRange(aFirst, aCount) + " +" + hunkRange(bFirst, bCount) + " @@\n" + body;
    i = stop;
  }
  return out;
}

}  // namespace gw::fmt
