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
// Layout, for the match path (each choice measured with bench/match, see bench/RESULTS.md):
// - most nodes have few literal children (a REST tree fans out widely at one or two levels, and
//   each resource below has one or two literals), so a node with at most kSmallFanout literal
//   children keeps them in a short array of its own, compared word by word with no hashing;
//   only wider nodes put their children into the open-addressing hash table;
// - every node has a mask of its literal children's lengths, so a segment whose length no
//   literal child has (typically a `{param}` value) costs no lookup at all;
// - an edge (inline or hashed) holds the first 16 bytes of its segment inline (zero padded) with
//   the parent, child and length, so a probe compares two words and never touches the byte pool
//   unless the segment is longer than 16 bytes. Each path segment's words (and, past 16 bytes,
//   a hash of its tail) are computed once, when the walk splits it, and serve every lookup at
//   that depth; the hash with the parent mixed in is one multiplication, taken only at wide
//   nodes;
// - a second hash table maps whole paths to the all-literal nodes that have terminal candidates
//   (exact routes and templates without params, keyed by their segments joined by '/'): the
//   walk's first test (RouteWalk::run), so a static path costs one hash of the path and one
//   probe whatever the number of routes and however deep it is; a bit per joined length skips
//   the hash for a path whose length no such node has (a template's path, typically);
// - a third one maps every other node with terminal candidates (a template: reached through
//   `{param}` edges) to its key: its depth, the positions of its params (a bit mask) and its
//   literal segments. The walk's order among the nodes a path can reach is lexicographic in
//   those positions (literal before param at every depth), so probing the few masks present at
//   the path's depth in that order finds the nodes the depth-first walk would test, in its
//   order, with no walk (depths with more than kMaxShapes masks, or deeper than kMaxShapeDepth,
//   are left to the walk). The key's hash is a sum of per-position segment hashes, so the path
//   is split and every segment hashed once, in one pass (one multiplication per short
//   segment; a path under 64 bytes is cut at the bits of one SSE2 mask of its '/'), into
//   arrays of only what the probe reads (Split), and a mask's key is that sum minus its param
//   segments' hashes: one subtraction
//   per param and one multiplication per mask. Both tables' slots hold the node's candidate
//   range, so a hit reads no node. A template slot is one 64-byte line that also holds its
//   first three literals as keys (7 bytes and the length in a word, see segmentKey()), so a
//   hit at the home slot reads nothing else; longer or more literals are also checked against
//   lits_, and the rest of a probe sequence is out of line.
// match() probes the index first (RouteTable::indexed, route_index.cc) and sets up a RouteWalk
// only when no indexed node matched: a hit costs no walk state at all.
//
// Immutable after finish(); match() is thread-safe and allocation-free.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gw/abi.h"
#include "stdlib/native/route_walk.h"

namespace gw::native {

/// The terminal index answers paths of at most this many segments, with at most kMaxShapes
/// param masks at one depth; other paths are walked.
constexpr size_t kMaxShapeDepth = 64;
constexpr size_t kMaxShapes = 8;

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

  /// The terminal index alone, no walk: true when a node it found matched (`out` filled as
  /// match() fills it); false leaves `out` and ctx->scratch_used unspecified. For tests and
  /// diagnostics: it tells a request the index answers from one left to the fallback walk.
  bool matchIndexOnly(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out, CondFn cond,
                      const void* self) const;

  size_t nodeCount() const { return nodes_.size(); }
  /// Bytes held (for memory reports).
  size_t memoryBytes() const;

 private:
  /// A path segment as the table looks it up: its first 16 bytes as two zero-padded words and,
  /// past 16 bytes, a hash of the rest (0 for shorter segments).
  struct Segment {
    const char* ptr;
    size_t len;
    uint64_t w0, w1;
    uint64_t tail;
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
  /// A literal edge, in a node's own short list or in the hash table.
  struct Slot {
    uint64_t w0, w1;    // the segment's first 16 bytes
    uint32_t parent, child;
    uint32_t len;       // kEmptySlot: free (hash table only)
    uint32_t at;        // the whole segment, into bytes_ (read when len > 16)
  };
  /// A node as the match reads it: the walk's fields, its literal lengths and where its literal
  /// children are (small[first .. first+count) when count <= kSmallFanout, else the hash table).
  struct Node {
    WalkNode walk;
    uint32_t litFirst, litCount;
    uint64_t lengths;  // bit min(len, 63) for each literal child's length
  };
  struct Edge {
    uint32_t parent, child;
    uint32_t at, len;
  };
  /// A whole-path entry: `node`'s path (segments joined by '/'), bytes_[at .. at+len).
  struct PathSlot {
    uint64_t hash;
    uint32_t termFirst, termCount;  // the node's terminal candidates (no load of the node)
    uint32_t len;  // kEmptySlot: free
    uint32_t at;
  };
  /// A template node at `depth` with params at the bits of `params`; `hash` is shapeKey() of
  /// its literal segments. Its first kInlineLits literals' keys (segmentKey()) and positions are
  /// held here, so a probe that hits reads one cache line: the slot is 64 bytes and aligned.
  /// Unused entries have key 0 at position kMaxShapeDepth, where the split stores a 0 key.
  /// `spill`: the literals must also be checked against lits_[lit .. lit + litCount) (more
  /// than kInlineLits of them, or one of 8 bytes or more, whose key is not all of it).
  static constexpr size_t kInlineLits = 3;
  struct alignas(64) ShapeSlot {
    uint64_t hash;
    uint64_t params;
    uint32_t termFirst, termCount;  // the node's terminal candidates; termCount 0: free
    uint32_t lit;
    uint16_t depth;
    uint8_t spill;
    uint8_t pos[kInlineLits];
    uint16_t litCount;
    uint64_t key[kInlineLits];
  };
  /// A template's literal segment at position `pos`: its key, length, and bytes at bytes_.
  struct Lit {
    uint64_t key;
    uint32_t len, at;
    uint32_t pos;
  };
  /// A param mask present at one depth, with its key seed (shapeSeed(depth, params)).
  struct ShapeMask {
    uint64_t params;
    uint64_t seed;
  };
  struct MaskRange {
    uint32_t first, count;  // into masks_
  };
  /// The candidates and their conditions as walkCandidates reads them (RouteWalk's Tree
  /// members candidate() and condition()): a view of the table and the caller's callback.
  class Candidates {
   public:
    Candidates(const Cand* cands, const char* bytes, CondFn cond, const void* self)
        : cands_(cands), bytes_(bytes), cond_(cond), self_(self) {}
    WalkCandidate candidate(uint32_t i) const {
      const Cand& c = cands_[i];
      return WalkCandidate{c.route, c.kind, bytes_ + c.hostAt, c.hostLen, c.methodMask, c.cond};
    }
    bool condition(uint32_t fn, const gw_request& req, gw_eval_ctx& ctx) const {
      return cond_(self_, fn, &req, &ctx) != 0;
    }

   private:
    const Cand* cands_;
    const char* bytes_;
    CondFn cond_;
    const void* self_;
  };
  Candidates candidates(CondFn cond, const void* self) const {
    return Candidates(cands_.data(), bytes_.data(), cond, self);
  }

  /// The depth-first walk (RouteWalk over the table): match() when the index found no match.
  /// Out of line, so the index's hit path does not pay the walk's frame and register saves.
  [[gnu::noinline]] void walk(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out,
                              CondFn cond, const void* self) const;

  // The terminal index's probe (route_index.cc, with match()).
  /// Whether a node the index finds for `req` matched (`out` filled). False leaves
  /// ctx->scratch_used advanced by failed conditions (the caller resets it) and out->params
  /// holding the captures tried (the walk overwrites what it reports).
  bool indexed(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out,
               const Candidates& cands) const;
  /// The all-literal node whose segments joined by '/' are [p, p + n), if it has terminals.
  const PathSlot* wholePathNode(const char* p, size_t n) const;
  /// A path split for the index, one array per field, so the split stores only what the
  /// probe reads (a literal check reads key, a capture ptr and key): segment i starts at
  /// ptr[i], key[i] is its segmentKey() (its length in the top byte: the index takes only
  /// paths whose segments are shorter than kMaxKeyLength), hash[i] its indexHash() at position
  /// i. key[kMaxShapeDepth] is 0: the position of a ShapeSlot's unused literal entries.
  static constexpr size_t kMaxKeyLength = 255;
  struct Split {
    const char* ptr[kMaxShapeDepth];
    uint64_t key[kMaxShapeDepth + 1];
    uint64_t hash[kMaxShapeDepth];
  };
  /// Splits [p, p + n) at every '/' into `split`, with `total` the sum of its hashes; returns
  /// the depth, 0 when the path has more than kMaxShapeDepth segments or one of kMaxKeyLength
  /// bytes or more.
  static size_t splitHashed(const char* p, size_t n, Split& split, uint64_t& total);
  /// Fills split at `depth` for the segment at `at` that has no '/' in its first 8 bytes
  /// (`left` >= 8 bytes to the path's end); returns its length. Out of line: rare (REST
  /// segments are short), and inlined its temporaries made GCC spill the split's loop state.
  [[gnu::noinline]] static size_t longSegment(const char* at, size_t left, size_t depth, Split& split);
  /// Fills split at `depth` for the segment [at, at + len), len >= 8 (Segment's words and tail).
  [[gnu::noinline]] static void putLong(const char* at, size_t len, size_t depth, Split& split);
  /// splitHashed() for a path of fewer than 64 bytes, from a bit mask of its '/' (SSE2).
  static size_t splitBits(const char* p, size_t n, Split& split, uint64_t& total);
  /// The template node at `depth` with params at `params` whose key hash is h and whose literal
  /// segments are those of `split`; null: none.
  const ShapeSlot* shapeNode(uint64_t h, uint64_t params, size_t depth, const Split& split) const;
  /// Whether slot `e` is the node shapeNode() looks for.
  bool sameShape(const ShapeSlot& e, uint64_t h, uint64_t params, size_t depth, const Split& split) const;
  /// shapeNode() past the home slot `i`. Out of line: a collision is rare at load <= 1/4.
  [[gnu::noinline]] const ShapeSlot* probeShapes(uint64_t i, uint64_t h, uint64_t params, size_t depth,
                                                 const Split& split) const;
  /// Whether every literal of a spilled slot (lits_) equals the split's segment at its position.
  /// Out of line: only nodes with long or many literals get here.
  [[gnu::noinline]] bool spilledLiteralsMatch(const ShapeSlot& e, const Split& split) const;

  void indexTerminals();
  void indexShapes(const std::vector<uint32_t>& nodes, const std::vector<uint32_t>& parentOf,
                   const std::vector<int64_t>& via, const std::vector<uint32_t>& depth);
  friend class TableTree;
  friend class RouteTableTestPeer;  // tests/unit/stdlib/route_index_test.cc: the literal checks

  std::vector<Node> nodes_;
  std::vector<Cand> cands_;
  std::vector<Edge> edges_;  // build list, dropped by finish()
  std::unordered_map<std::string, uint32_t> hostAt_;  // build: each host's bytes_ offset, dropped by finish()
  std::vector<Slot> small_;  // the children of nodes with at most kSmallFanout, by parent
  std::vector<Slot> slots_;  // the other edges: open addressing, linear probing, load <= 1/2
  uint64_t mask_ = 0;
  std::vector<PathSlot> paths_;  // open addressing, linear probing, load <= 1/4
  uint64_t pathMask_ = 0;
  /// Bit min(n, kPathLengthBits - 1) for every paths_ key of n bytes: a path of a length no
  /// all-literal node has (e.g. a template's, with its param values) skips the whole-path hash.
  static constexpr size_t kPathLengthBits = 256;
  uint64_t pathLengths_[kPathLengthBits / 64] = {};
  std::vector<ShapeSlot> shapes_;  // open addressing, linear probing, load <= 1/4
  uint64_t shapeMask_ = 0;
  std::vector<Lit> lits_;  // the shapes' literal segments
  std::vector<ShapeMask> masks_;  // by depth, in walk order (never 0: that is paths_)
  std::vector<MaskRange> depths_;  // by depth, 0 .. kMaxShapeDepth
  std::string bytes_;
};

}  // namespace gw::native
