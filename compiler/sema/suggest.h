#pragma once
// "did you mean" suggestions: the closest known name by edit distance.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::sema {

/// Optimal-string-alignment (restricted Damerau-Levenshtein) distance: insertions, deletions,
/// substitutions and transpositions of adjacent characters each cost 1. Case-sensitive.
size_t editDistance(std::string_view a, std::string_view b);

/// The largest distance still worth suggesting for a name of `length` characters: short names
/// tolerate one edit, longer ones up to a third of their length (capped at 3).
size_t suggestionThreshold(size_t length);

/// The candidate closest to `name` within the threshold (ties go to the earliest candidate), or
/// nullopt. A candidate that differs only in letter case always qualifies.
std::optional<std::string> closestName(std::string_view name,
                                       const std::vector<std::string_view>& candidates);

/// "did you mean `x`?" for the closest candidate, or "" when none is close.
std::string didYouMean(std::string_view name, const std::vector<std::string_view>& candidates);

}  // namespace gw::sema
