#pragma once
// The route matcher as a decision tree (plain data, indices only).
//
// A trie over the normalized path's segments ("/v1/users/7" -> "v1", "users", "7"; a trailing
// '/' yields a final empty segment; "/" is zero segments). Each node switches on the
// next segment: literal children grouped by length (then compared bytewise), and at most one
// `{param}` child (matches a non-empty segment and captures it in the next param slot).
//
// Walk, in specificity order (first candidate whose conditions all hold wins):
//   1. depth-first from the root, literal child before param child, and at the node reached when
//      the path is consumed, the `terminal` candidates (exact paths and templates);
//   2. then the `prefix` candidates of the nodes on the all-literal walk, deepest node first
//      (prefix "/" is the root's prefix list).
// Candidates at one node are pre-sorted: exact host > wildcard host (longer suffix first) > no
// host; methods listed > none; more conditions > fewer; then source order.
// For each candidate: host test, then (path+host matched) method mask, then its condition
// Function. No full match: 405 with the union of the method masks of path+host matches if any
// matched path+host, else 404.
#include <cstdint>
#include <string>
#include <vector>

namespace gw::ir {

enum class HostKind : uint8_t { Any, Exact, Wildcard };

struct MatchCandidate {
  uint32_t route = 0;
  HostKind hostKind = HostKind::Any;
  uint32_t host = 0;          // string pool index: the lower-case host, or the wildcard's
                              // suffix including the dot (".example.com")
  uint32_t methodMask = 0;    // bits (1 << gw_method); 0 = any method
  int32_t cond = -1;          // Function index (Bool) of header/query/when conditions, or -1
  uint32_t condCount = 0;     // number of conditions (specificity)
};

/// A literal edge: `segment` (string pool index) leads to node `child`.
struct LiteralEdge {
  uint32_t segment = 0;
  uint32_t child = 0;
};

/// The literal edges of one segment length: edges[first .. first+count) sorted bytewise.
struct LengthGroup {
  uint32_t length = 0;
  uint32_t first = 0;
  uint32_t count = 0;
};

struct CandRange {
  uint32_t first = 0;
  uint32_t count = 0;
};

struct MatchNode {
  std::vector<LiteralEdge> edges;     // sorted by (length, bytes)
  std::vector<LengthGroup> byLength;  // sorted by length
  int32_t paramChild = -1;
  uint32_t depth = 0;
  CandRange terminal;  // into MatchTree::candidates
  CandRange prefix;
};

/// How a route's path pattern matches (RouteInfo keeps it for the linear reference matcher and
/// `gwc explain`).
enum class PathKind : uint8_t { Exact, Template, Prefix };

struct PathSegment {
  std::string text;  // literal text, or the parameter name
  bool param = false;
};

/// One host pattern of a route (a route with several hosts has several candidates).
struct HostPattern {
  HostKind kind = HostKind::Any;
  std::string text;  // Exact: the lower-case host; Wildcard: the suffix with its dot
};

struct MatchTree {
  std::vector<MatchNode> nodes;  // nodes[0] is the root
  std::vector<MatchCandidate> candidates;
  uint32_t maxParams = 0;  // the largest number of params any route captures (<= GW_MAX_PARAMS)
};

}  // namespace gw::ir
