#include "stdlib/native/route_table.h"

#include <cstring>
#include <string>

namespace gw::native {

namespace {

constexpr uint32_t kEmptySlot = UINT32_MAX;
constexpr size_t kInline = 16;  // segment bytes held in a slot
// Nodes with at most this many literal children scan them instead of hashing (measured: a scan
// of up to four 32-byte edges behind the length mask costs less than one hash and probe).
constexpr uint32_t kSmallFanout = 4;

uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint64_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/// 64x64 -> 128 multiply folded to 64 bits (wyhash's mixer): one multiplication per word.
uint64_t mum(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr uint64_t kK0 = 0xa0761d6478bd642fULL;
constexpr uint64_t kK1 = 0xe7037ed1a0b428dbULL;
constexpr uint64_t kK2 = 0x8ebc6af09c88c6e3ULL;
constexpr uint64_t kK3 = 0x589965cc75374cc3ULL;

/// The home slot of (parent node, segment): one multiplication of the segment's words with the
/// parent mixed in (the parent's product is independent of the words, so both run in parallel).
inline uint64_t slotOf(uint64_t w0, uint64_t w1, uint64_t lenAndTail, uint32_t parent, uint64_t mask) {
  return mum(w0 ^ kK0 ^ (static_cast<uint64_t>(parent) * kK2), w1 ^ kK1 ^ lenAndTail) & mask;
}

/// The first min(n, 8) bytes of p as a zero-padded little-endian word, reading only [p, p + n).
inline uint64_t headWord(const char* p, size_t n) {
  if (n >= 8) {
    return load64(p);
  }
  if (n >= 4) {
    return load32(p) | ((load32(p + n - 4) >> (8 * (8 - n))) << 32);
  }
  if (n == 0) {
    return 0;
  }
  auto byte = [&](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(p[i])); };
  return byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)));
}

/// Hash of a whole path (after its leading '/'): one multiplication per 8 bytes, the last
/// word overlapping the one before it (the length is mixed in first, so overlaps cannot alias).
inline uint64_t pathHash(const char* p, size_t n) {
  uint64_t h = kK0 ^ (n * kK3);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    h = mum(h ^ load64(p + i), kK1);
  }
  if (i < n) {
    h = mum(h ^ (n >= 8 ? load64(p + n - 8) : headWord(p, n)), kK2);
  }
  return h;
}

/// Bit of `len` in a node's length mask (lengths of 63 and more share the top bit).
inline uint64_t lengthBit(size_t len) { return uint64_t{1} << (len < 63 ? len : 63); }

}  // namespace

[[gnu::always_inline]] inline void RouteTable::segment(Segment& s, const char* p, size_t n) {
  // Little-endian loads that never read outside [p, p + n): the bytes past the segment are
  // zero in w0/w1, so two segments with equal words and length have equal first 16 bytes.
  s.ptr = p;
  s.len = n;
  s.w0 = headWord(p, n);
  s.w1 = 0;
  if (n >= 16) {
    s.w1 = load64(p + 8);
  } else if (n > 8) {
    s.w1 = load64(p + n - 8) >> (8 * (16 - n));
  }
  s.tail = 0;
  if (n > kInline) {
    uint64_t h = kK0;
    size_t i = kInline;
    for (; i + 8 <= n; i += 8) {
      h = mum(h ^ load64(p + i), kK2);
    }
    if (i < n) {
      h = mum(h ^ load64(p + n - 8), kK3);  // overlaps bytes already mixed; n > 16
    }
    s.tail = h;
  }
}


uint32_t RouteTable::addNode(int32_t paramChild, uint32_t termFirst, uint32_t termCount,
                             uint32_t prefFirst, uint32_t prefCount) {
  nodes_.push_back(Node{WalkNode{paramChild, termFirst, termCount, prefFirst, prefCount}, 0, 0, 0});
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void RouteTable::addCandidate(uint32_t route, Host kind, std::string_view host, uint32_t methodMask,
                              int32_t cond) {
  auto at = static_cast<uint32_t>(bytes_.size());
  bytes_.append(host);
  cands_.push_back(Cand{route, kind, at, static_cast<uint32_t>(host.size()), methodMask, cond});
}

void RouteTable::addEdge(uint32_t parent, std::string_view segment, uint32_t child) {
  auto at = static_cast<uint32_t>(bytes_.size());
  bytes_.append(segment);
  edges_.push_back(Edge{parent, child, at, static_cast<uint32_t>(segment.size())});
}

void RouteTable::finish() {
  for (const Edge& e : edges_) {
    ++nodes_[e.parent].litCount;
    nodes_[e.parent].lengths |= lengthBit(e.len);
  }
  // Small nodes' children, grouped by parent: litFirst is a running offset into small_.
  uint32_t smallEdges = 0;
  size_t hashed = 0;
  for (Node& n : nodes_) {
    if (n.litCount <= kSmallFanout) {
      n.litFirst = smallEdges;
      smallEdges += n.litCount;
    } else {
      hashed += n.litCount;
    }
  }
  small_.assign(smallEdges, Slot{});
  std::vector<uint32_t> filled(nodes_.size(), 0);
  size_t cap = 16;
  while (cap < hashed * 2) {
    cap *= 2;
  }
  slots_.assign(cap, Slot{0, 0, 0, 0, kEmptySlot, 0});
  mask_ = cap - 1;
  for (const Edge& e : edges_) {
    Segment s;
    segment(s, bytes_.data() + e.at, e.len);
    Slot slot{s.w0, s.w1, e.parent, e.child, e.len, e.at};
    const Node& n = nodes_[e.parent];
    if (n.litCount <= kSmallFanout) {
      small_[n.litFirst + filled[e.parent]++] = slot;
      continue;
    }
    uint64_t i = slotOf(s.w0, s.w1, s.len ^ s.tail, e.parent, mask_);
    while (slots_[i].len != kEmptySlot) {
      i = (i + 1) & mask_;
    }
    slots_[i] = slot;
  }
  indexWholePaths();
  edges_.clear();
  edges_.shrink_to_fit();
}

void RouteTable::indexWholePaths() {
  // Each node's path from the root over literal edges (parents before children: BFS).
  std::vector<std::vector<uint32_t>> children(nodes_.size());
  for (uint32_t i = 0; i < edges_.size(); ++i) {
    children[edges_[i].parent].push_back(i);
  }
  std::vector<std::string> key(nodes_.size());
  std::vector<uint32_t> depth(nodes_.size(), 0);
  std::vector<uint32_t> order{0};
  std::vector<uint32_t> indexed;
  for (size_t i = 0; i < order.size(); ++i) {
    uint32_t parent = order[i];
    // One empty segment joins to "", the key of the root: no path has exactly that segment
    // ("/" has none), so that node is left to the walk (its children are reachable: "//a").
    bool rootAlias = depth[parent] == 1 && key[parent].empty();
    if (nodes_[parent].walk.termCount > 0 && !rootAlias) {
      indexed.push_back(parent);
    }
    if (depth[parent] >= kMaxWalkSegments) {
      continue;  // the walk never reads segment 128: deeper nodes are unreachable
    }
    for (uint32_t e : children[parent]) {
      const Edge& edge = edges_[e];
      std::string_view seg(bytes_.data() + edge.at, edge.len);
      depth[edge.child] = depth[parent] + 1;
      key[edge.child] = parent == 0 ? std::string(seg) : key[parent] + '/' + std::string(seg);
      order.push_back(edge.child);
    }
  }
  size_t cap = 16;
  while (cap < indexed.size() * 2) {
    cap *= 2;
  }
  paths_.assign(cap, PathSlot{0, 0, kEmptySlot, 0});
  pathMask_ = cap - 1;
  for (uint32_t node : indexed) {
    const std::string& k = key[node];
    auto at = static_cast<uint32_t>(bytes_.size());
    bytes_.append(k);
    uint64_t h = pathHash(k.data(), k.size());
    uint64_t i = h & pathMask_;
    while (paths_[i].len != kEmptySlot) {
      i = (i + 1) & pathMask_;
    }
    paths_[i] = PathSlot{h, node, static_cast<uint32_t>(k.size()), at};
  }
}

size_t RouteTable::memoryBytes() const {
  return nodes_.capacity() * sizeof(Node) + cands_.capacity() * sizeof(Cand) +
         paths_.capacity() * sizeof(PathSlot) +
         (small_.capacity() + slots_.capacity()) * sizeof(Slot) + bytes_.capacity();
}

/// RouteWalk's view of a table and the caller's condition callback. Holds raw pointers to the
/// table's arrays, so a lookup is one load away from them (the walk keeps this by value).
class TableTree {
 public:
  using Segment = RouteTable::Segment;

  TableTree(const RouteTable& t, RouteTable::CondFn cond, const void* self)
      : nodes_(t.nodes_.data()), nodeCount_(t.nodes_.size()), cands_(t.cands_.data()),
        small_(t.small_.data()), slots_(t.slots_.data()), mask_(t.mask_), paths_(t.paths_.data()),
        pathMask_(t.pathMask_), bytes_(t.bytes_.data()), cond_(cond), self_(self) {}

  static constexpr bool kWholePath = true;
  int32_t wholePathNode(const char* p, size_t n) const {
    uint64_t h = pathHash(p, n);
    for (uint64_t i = h & pathMask_;; i = (i + 1) & pathMask_) {
      const RouteTable::PathSlot& e = paths_[i];
      if (e.len == kEmptySlot) {
        return -1;
      }
      if (e.hash == h && e.len == n && bytesEqual(bytes_ + e.at, p, n)) {
        return static_cast<int32_t>(e.node);
      }
    }
  }

  [[gnu::always_inline]] static void segment(Segment& out, const char* ptr, size_t len) {
    RouteTable::segment(out, ptr, len);
  }
  size_t nodeCount() const { return nodeCount_; }
  WalkNode node(uint32_t i) const { return nodes_[i].walk; }
  int32_t literalChild(uint32_t node, const Segment& seg) const {
    const RouteTable::Node& n = nodes_[node];
    if ((n.lengths & lengthBit(seg.len)) == 0) {
      return -1;  // no literal child of this length (also: no literal child at all)
    }
    if (n.litCount <= kSmallFanout) {
      for (const RouteTable::Slot* e = small_ + n.litFirst; e != small_ + n.litFirst + n.litCount; ++e) {
        if (sameSegment(*e, seg)) {
          return static_cast<int32_t>(e->child);
        }
      }
      return -1;
    }
    for (uint64_t i = slotOf(seg.w0, seg.w1, seg.len ^ seg.tail, node, mask_);; i = (i + 1) & mask_) {
      const RouteTable::Slot& e = slots_[i];
      if (e.parent == node && sameSegment(e, seg)) {
        return static_cast<int32_t>(e.child);
      }
      if (e.len == kEmptySlot) {
        return -1;
      }
    }
  }
  WalkCandidate candidate(uint32_t i) const {
    const RouteTable::Cand& c = cands_[i];
    return WalkCandidate{c.route, c.kind, bytes_ + c.hostAt, c.hostLen, c.methodMask, c.cond};
  }
  bool condition(uint32_t fn, const gw_request& req, gw_eval_ctx& ctx) const {
    return cond_(self_, fn, &req, &ctx) != 0;
  }

 private:
  bool sameSegment(const RouteTable::Slot& e, const Segment& seg) const {
    return e.len == seg.len && e.w0 == seg.w0 && e.w1 == seg.w1 &&
           (seg.len <= kInline ||
            std::memcmp(bytes_ + e.at + kInline, seg.ptr + kInline, seg.len - kInline) == 0);
  }

  const RouteTable::Node* nodes_;
  size_t nodeCount_;
  const RouteTable::Cand* cands_;
  const RouteTable::Slot* small_;
  const RouteTable::Slot* slots_;
  uint64_t mask_;
  const RouteTable::PathSlot* paths_;
  uint64_t pathMask_;
  const char* bytes_;
  RouteTable::CondFn cond_;
  const void* self_;
};

void RouteTable::match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out, CondFn cond,
                       const void* self) const {
  TableTree tree(*this, cond, self);
  RouteWalk<TableTree>(tree, req, ctx, out).run();
}

}  // namespace gw::native
