#pragma once
// The table-driven route matcher used for large route sets.
//
// Compiling one native function per trie node costs LLVM about 5 ms per node on the project's
// machine (O2 pipeline + instruction selection), so a 10 000-route policy took minutes. Above a
// node budget (codegen::compilesMatchTree) the back end compiles only the per-route programs and
// matches through this table instead: one open-addressing hash table keyed by (parent node,
// segment bytes) replaces every node's literal fan-out, so a segment costs one hash and one
// probe whatever the number of routes. The walk order, the limits (128 segments,
// GW_MAX_PARAMS captures), the candidate tests and the 404/405 decision are exactly those of
// the reference interpreter (compiler/interp/match_walk.cc, order in compiler/ir/match_tree.h);
// the differential tests hold the two to the same answers.
//
// Immutable after finish(); match() is thread-safe and allocation-free.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gw/abi.h"

namespace gw::native {

class RouteTable {
 public:
  /// Host kinds, as ir::HostKind.
  enum class Host : uint8_t { Any, Exact, Wildcard };

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

  /// Matches `req` (the interpreter's walk); conditions run through `cond(self, fn, ...)` with
  /// ctx->params set to the captures and restored afterwards.
  void match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out, CondFn cond,
             const void* self) const;

  size_t nodeCount() const { return nodes_.size(); }
  /// Bytes held (for memory reports).
  size_t memoryBytes() const;

 private:
  struct Node {
    int32_t paramChild;
    uint32_t termFirst, termCount, prefFirst, prefCount;
  };
  struct Cand {
    uint32_t route;
    Host kind;
    uint32_t hostAt, hostLen;  // into bytes_
    uint32_t methodMask;       // 0 = any
    int32_t cond;
  };
  struct Edge {
    uint64_t hash;
    uint32_t parent, child;
    uint32_t at, len;  // the segment, into bytes_
  };
  friend class RouteWalk;

  int32_t child(uint32_t parent, std::string_view seg) const;
  static uint64_t hashOf(uint32_t parent, std::string_view seg);

  std::vector<Node> nodes_;
  std::vector<Cand> cands_;
  std::vector<Edge> edges_;  // build list; slots_ after finish()
  std::vector<Edge> slots_;  // open addressing, linear probing; len == UINT32_MAX: empty
  uint64_t mask_ = 0;
  std::string bytes_;
};

}  // namespace gw::native
