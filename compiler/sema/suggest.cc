#include "compiler/sema/suggest.h"

#include <algorithm>
#include <cctype>

namespace gw::sema {

size_t editDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  // Three rolling rows: the transposition step looks two rows back.
  std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) {
    prev[j] = j;
  }
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

size_t suggestionThreshold(size_t length) {
  if (length <= 3) {
    return 1;
  }
  return std::min<size_t>(3, std::max<size_t>(1, length / 3));
}

static bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string> closestName(std::string_view name,
                                       const std::vector<std::string_view>& candidates) {
  const size_t limit = suggestionThreshold(name.size());
  std::optional<std::string> best;
  size_t bestDistance = limit + 1;
  for (std::string_view c : candidates) {
    if (c == name) {
      continue;
    }
    if (equalsIgnoreCase(c, name)) {
      return std::string(c);
    }
    // Cheap bound first: the length difference alone is a lower bound of the distance.
    size_t diff = c.size() > name.size() ? c.size() - name.size() : name.size() - c.size();
    if (diff >= bestDistance) {
      continue;
    }
    size_t d = editDistance(name, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = std::string(c);
    }
  }
  return best;
}

std::string didYouMean(std::string_view name, const std::vector<std::string_view>& candidates) {
  auto best = closestName(name, candidates);
  return best ? "did you mean `" + *best + "`?" : std::string();
}

}  // namespace gw::sema
