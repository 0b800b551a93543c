#pragma once
// Shared helpers of the formatter tests: parse text, format text, dump its AST, list files.
#include <string>
#include <vector>

namespace gw::fmt::testing {

/// Formats `text`; fails the current test (and returns "") when it does not parse cleanly.
std::string formatOrFail(const std::string& text, const std::string& path = "test.gw");
/// The span-free AST dump of `text` parsed alone (comments included); "<errors>" when it has
/// syntax errors.
std::string astDump(const std::string& text, const std::string& path = "test.gw");
/// Number of error diagnostics parsing `text` gives.
size_t parseErrors(const std::string& text);

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& text);
/// The repository root (GW_SOURCE_DIR, set by CTest), or the compiled-in fallback.
std::string sourceDir();
/// Every regular file under `dir` (recursive) whose name ends with `suffix`, sorted.
std::vector<std::string> filesUnder(const std::string& dir, const std::string& suffix);

}  // namespace gw::fmt::testing
