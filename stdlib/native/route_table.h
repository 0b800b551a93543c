#pragma once
// The table-driven route matcher used for large route sets.
//
// Compiling one native function per trie node costs LLVM about 5 ms per node on the project's
// machine (O2 pipeline + instruction selection), so a 10 000-route policy took minutes. Above a
// node budget (codegen::compilesMatchTree) the back end compiles only the per-route programs and
// matches through this table instead: one open-addressing hash table keyed by (parent node,
// segment bytes) replaces every node's literal fan-out, so a segment costs one hash and one
// probe whatever the number of routes. The walk is native::RouteWalk (route_walk.h), the same
// code the reference interpreter runs over ir::MatchTree; only the child lookup differs.
//
// Layout, for the match path: a slot holds the first 16 bytes of its segment inline (zero
// padded) with the parent, child and length, so a probe compares two words and never touches the
// byte pool unless the segment is longer than 16 bytes. Each path segment's hash and inline words
// are computed once, when the walk splits it, and serve every lookup at that depth.
//
// Immutable after finish(); match() is thread-safe and allocation-free.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gw/abi.h"
#include "stdlib/native/route_walk.h"

namespace gw::native {

class RouteTable {
 public:
  /// Host kinds, as ir::HostKind.
  using Host = WalkHost;

  /// A candidate's condition: the policy's Bool function `fn` (native or interpreted).
  using CondFn = int32_t (*)(const void* self, uint32_t fn, const gw_request*, gw_eval_ctx*);

  // Building (single thread, before any match).
  /// Adds a node; returns its index (0 = root). Ranges index the candidates added so far.
  uint32_t addNode(int32_t paramChild, uint32_t termFirst, uint32_t termCount, uint32_t prefFirst,
                   uint32_t prefCount);
  void addCandidate(uint32_t route, Host kind, std::string_view host, uint32_t methodMask,
                    int32_t cond);
  void addEdge(uint32_t parent, std::string_view segment, uint32_t child);
  /// Builds the hash index; call once, after every edge.
  void finish();

  /// Matches `req` (native::RouteWalk); conditions run through `cond(self, fn, ...)` with
  /// ctx->params set to the captures and restored afterwards.
  void match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out, CondFn cond,
             const void* self) const;

  size_t nodeCount() const { return nodes_.size(); }
  /// Bytes held (for memory reports).
  size_t memoryBytes() const;

 private:
  /// A path segment as the table looks it up: its first 16 bytes as two zero-padded words and
  /// a hash of all its bytes (independent of the parent node).
  struct Segment {
    const char* ptr;
    size_t len;
    uint64_t w0, w1;
    uint64_t hash;
  };
  /// Fills `out` for the segment [ptr, ptr + len) (the walk's split and the table's build).
  static void segment(Segment& out, const char* ptr, size_t len);

  struct Cand {
    uint32_t route;
    Host kind;
    uint32_t hostAt, hostLen;  // into bytes_
    uint32_t methodMask;       // 0 = any
    int32_t cond;
  };
  struct Slot {
    uint64_t w0, w1;    // the segment's first 16 bytes
    uint32_t parent, child;
    uint32_t len;       // kEmptySlot: free
    uint32_t at;        // the whole segment, into bytes_ (read when len > 16)
  };
  struct Edge {
    uint32_t parent, child;
    uint32_t at, len;
  };
  friend class TableTree;

  std::vector<WalkNode> nodes_;
  std::vector<Cand> cands_;
  std::vector<Edge> edges_;  // build list, dropped by finish()
  std::vector<Slot> slots_;  // open addressing, linear probing, load <= 1/2
  uint64_t mask_ = 0;
  std::string bytes_;
};

}  // namespace gw::native
