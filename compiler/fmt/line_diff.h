#pragma once
// A line-based unified diff for `gwc fmt --check`: Myers' O((N+M)·D) shortest edit script,
// grouped into `@@` hunks with context lines, as `diff -u` prints them.
#include <string>
#include <vector>

namespace gw::fmt {

enum class EditKind : unsigned char { Equal, Delete, Insert };

/// One line of the edit script: kept, removed from `before` or added from `after`.
struct Edit {
  EditKind kind;
  size_t beforeLine;  // 0-based index into the old lines (Equal, Delete)
  size_t afterLine;   // 0-based index into the new lines (Equal, Insert)
};

/// Splits text into lines without their '\n'. A final line without '\n' is still a line.
std::vector<std::string> splitLines(const std::string& text);

/// The shortest edit script turning `before` into `after`. When the two differ in more than
/// `maxEdits` lines the script is "delete everything, insert everything" (bounded memory).
std::vector<Edit> diffLines(const std::vector<std::string>& before,
                            const std::vector<std::string>& after, size_t maxEdits = 4000);

/// `--- fromName` / `+++ toName` and hunks with `context` lines around changes; "" when the
/// texts are equal. Pure function.
std::string unifiedDiff(const std::string& before, const std::string& after,
                        const std::string& fromName, const std::string& toName,
                        size_t context = 3);

}  // namespace gw::fmt
