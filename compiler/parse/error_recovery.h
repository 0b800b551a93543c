#pragma once
// Internal to compiler/parse: the LL stage's error strategy. One mistake in a block must give
// one error, not a cascade: ANTLR's default strategy recovers from an unknown word in an item
// list by consuming up to the next token that may follow the enclosing rules, which is often a
// keyword in the middle of the same line (`timout request.header("x")` stops at `request`) or a
// top-level keyword (`limit`), and each of those starts a new error.
#include "antlr4-runtime.h"

namespace gw::parse {

/// The message ItemRecoveryStrategy passes to the error listeners for a token that starts a
/// line and could start an item of an enclosing block: the block before it is likely missing
/// its `}` (the listener words the diagnostic).
inline constexpr const char* kMissingCloseBrace = "gw:missing-close-brace";

/// DefaultErrorStrategy, except where an item list (`{ item* }` or the file's declarations)
/// meets a token that cannot start an item: it reports that token once and skips the rest of
/// that item, i.e. up to the next token that can start an item and is on a later line, a `;`,
/// or the `}` closing the block (brackets inside the skipped text are balanced). When the token
/// starts a line and can continue an enclosing block (`forward` after a `match {` left open,
/// `route` after a route left open), nothing is skipped: the block is closed as if its `}` were
/// there, and the one error says so. Not thread-safe; one per parser.
class ItemRecoveryStrategy : public antlr4::DefaultErrorStrategy {
 public:
  void sync(antlr4::Parser* recognizer) override;

 private:
  void skipBadItem(antlr4::Parser* recognizer, const antlr4::misc::IntervalSet& expected);
};

}  // namespace gw::parse
