#include "stdlib/native/route_table.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "stdlib/native/route_hash.h"

namespace gw::native {

using namespace route_hash;

uint32_t RouteTable::addNode(int32_t paramChild, uint32_t termFirst, uint32_t termCount,
                             uint32_t prefFirst, uint32_t prefCount) {
  nodes_.push_back(Node{WalkNode{paramChild, termFirst, termCount, prefFirst, prefCount}, 0, 0, 0});
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void RouteTable::addCandidate(uint32_t route, Host kind, std::string_view host, uint32_t methodMask,
                              int32_t cond) {
  // Hosts are interned: a route set names few hosts, so candidates share their bytes and a
  // host test reads a line that other requests keep hot, not one of 100 000 scattered copies.
  auto [it, added] = hostAt_.try_emplace(std::string(host), static_cast<uint32_t>(bytes_.size()));
  if (added) {
    bytes_.append(host);
  }
  uint32_t at = it->second;
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
  indexTerminals();
  edges_.clear();
  edges_.shrink_to_fit();
  hostAt_ = {};
}

void RouteTable::indexTerminals() {
  // Every node's depth, parent and the edge into it (parents before children: BFS over literal
  // edges and `{param}` children); whole-path keys for the all-literal nodes.
  std::vector<std::vector<uint32_t>> children(nodes_.size());
  for (uint32_t i = 0; i < edges_.size(); ++i) {
    children[edges_[i].parent].push_back(i);
  }
  constexpr int64_t kParamEdge = -1;
  std::vector<std::string> key(nodes_.size());
  std::vector<uint32_t> depth(nodes_.size(), 0);
  std::vector<uint32_t> parentOf(nodes_.size(), 0);
  std::vector<int64_t> via(nodes_.size(), kParamEdge);  // literal edge index, or kParamEdge
  std::vector<char> literalOnly(nodes_.size(), 0);
  literalOnly[0] = 1;
  std::vector<uint32_t> order{0};
  std::vector<uint32_t> whole, shaped;
  for (size_t i = 0; i < order.size(); ++i) {
    uint32_t parent = order[i];
    // One empty segment joins to "", the key of the root: no path has exactly that segment
    // ("/" has none, and routes cannot have "//"), so that node is left to the walk.
    bool rootAlias = depth[parent] == 1 && literalOnly[parent] && key[parent].empty();
    if (nodes_[parent].walk.termCount > 0 && !rootAlias) {
      (literalOnly[parent] ? whole : shaped).push_back(parent);
    }
    if (depth[parent] >= kMaxWalkSegments) {
      continue;  // the walk never reads segment 128: deeper nodes are unreachable
    }
    auto visit = [&](uint32_t child, int64_t edge) {
      depth[child] = depth[parent] + 1;
      parentOf[child] = parent;
      via[child] = edge;
      literalOnly[child] = literalOnly[parent] && edge != kParamEdge;
      order.push_back(child);
    };
    for (uint32_t e : children[parent]) {
      const Edge& edge = edges_[e];
      visit(edge.child, e);
      if (literalOnly[parent]) {
        std::string_view seg(bytes_.data() + edge.at, edge.len);
        key[edge.child] = parent == 0 ? std::string(seg) : key[parent] + '/' + std::string(seg);
      }
    }
    if (nodes_[parent].walk.paramChild >= 0) {
      visit(static_cast<uint32_t>(nodes_[parent].walk.paramChild), kParamEdge);
    }
  }
  size_t cap = 16;
  while (cap < whole.size() * 4) {
    cap *= 2;
  }
  paths_.assign(cap, PathSlot{0, 0, 0, kEmptySlot, 0});
  pathMask_ = cap - 1;
  for (uint32_t node : whole) {
    const std::string& k = key[node];
    auto at = static_cast<uint32_t>(bytes_.size());
    bytes_.append(k);
    size_t bit = std::min(k.size(), kPathLengthBits - 1);
    pathLengths_[bit / 64] |= uint64_t{1} << (bit % 64);
    uint64_t h = pathHash(k.data(), k.size());
    uint64_t i = h & pathMask_;
    while (paths_[i].len != kEmptySlot) {
      i = (i + 1) & pathMask_;
    }
    const WalkNode& n = nodes_[node].walk;
    paths_[i] = PathSlot{h, n.termFirst, n.termCount, static_cast<uint32_t>(k.size()), at};
  }
  std::vector<uint32_t> keep;
  for (uint32_t node : shaped) {
    if (depth[node] <= kMaxShapeDepth) {
      keep.push_back(node);
    }
  }
  indexShapes(keep, parentOf, via, depth);
}

void RouteTable::indexShapes(const std::vector<uint32_t>& nodes, const std::vector<uint32_t>& parentOf,
                             const std::vector<int64_t>& via, const std::vector<uint32_t>& depth) {
  // Each template node's param positions and literal segments (the edge into each position).
  std::vector<uint64_t> params(nodes.size(), 0);
  std::vector<std::vector<int64_t>> segs(nodes.size());
  std::vector<std::vector<uint64_t>> byDepth(kMaxShapeDepth + 1);
  std::vector<char> usable(nodes.size(), 1);
  for (size_t i = 0; i < nodes.size(); ++i) {
    segs[i].assign(depth[nodes[i]], -1);
    for (uint32_t n = nodes[i]; n != 0; n = parentOf[n]) {
      segs[i][depth[n] - 1] = via[n];
      if (via[n] < 0) {
        params[i] |= uint64_t{1} << (depth[n] - 1);
      }
    }
    // The walk captures at most GW_MAX_PARAMS params: a node needing more is never reached.
    usable[i] = __builtin_popcountll(params[i]) <= static_cast<int>(GW_MAX_PARAMS);
    if (usable[i]) {
      byDepth[depth[nodes[i]]].push_back(params[i]);
    }
  }
  // The walk's order at one depth: literal before param at the first position that differs,
  // i.e. ascending masks read with position 0 as the most significant bit.
  depths_.assign(kMaxShapeDepth + 1, MaskRange{0, 0});
  for (size_t d = 0; d <= kMaxShapeDepth; ++d) {
    std::vector<uint64_t>& m = byDepth[d];
    auto order = [d](uint64_t mask) {
      uint64_t r = 0;
      for (size_t i = 0; i < d; ++i) r |= ((mask >> i) & 1) << (d - 1 - i);
      return r;
    };
    std::sort(m.begin(), m.end(), [&](uint64_t a, uint64_t b) { return order(a) < order(b); });
    m.erase(std::unique(m.begin(), m.end()), m.end());
    if (m.size() > kMaxShapes) {
      m.clear();  // too many shapes at this depth: its paths are walked
    }
    depths_[d] = MaskRange{static_cast<uint32_t>(masks_.size()), static_cast<uint32_t>(m.size())};
    for (uint64_t mask : m) {
      masks_.push_back(ShapeMask{mask, shapeSeed(d, mask)});
    }
  }
  size_t cap = 16;
  while (cap < nodes.size() * 4) {
    cap *= 2;
  }
  shapes_.assign(cap, ShapeSlot{});
  shapeMask_ = cap - 1;
  for (size_t i = 0; i < nodes.size(); ++i) {
    uint32_t d = depth[nodes[i]];
    if (!usable[i] || byDepth[d].empty()) {
      continue;
    }
    // The same hash the match computes from the path's segments (RouteTable::splitHashed).
    ShapeSlot slot{};
    slot.lit = static_cast<uint32_t>(lits_.size());
    for (uint8_t& pos : slot.pos) {
      pos = static_cast<uint8_t>(kMaxShapeDepth);  // the split's 0 key: an unused entry
    }
    uint64_t sum = 0;
    for (uint32_t pos = 0; pos < d; ++pos) {
      if (segs[i][pos] < 0) {
        continue;
      }
      const Edge& e = edges_[static_cast<size_t>(segs[i][pos])];
      Segment s;
      segment(s, bytes_.data() + e.at, e.len);
      sum += indexHash(s.w0, s.w1, s.len, s.tail, pos);
      uint64_t key = segmentKey(s.w0, s.len);
      if (slot.litCount < kInlineLits) {
        slot.key[slot.litCount] = key;
        slot.pos[slot.litCount] = static_cast<uint8_t>(pos);
      }
      slot.spill |= slot.litCount >= kInlineLits || e.len >= 8 ? 1 : 0;
      ++slot.litCount;
      lits_.push_back(Lit{key, e.len, e.at, pos});
    }
    slot.hash = shapeKey(sum, shapeSeed(d, params[i]));
    slot.params = params[i];
    slot.depth = static_cast<uint16_t>(d);
    const WalkNode& n = nodes_[nodes[i]].walk;
    slot.termFirst = n.termFirst;
    slot.termCount = n.termCount;
    uint64_t at = slot.hash & shapeMask_;
    while (shapes_[at].termCount != 0) {
      at = (at + 1) & shapeMask_;
    }
    shapes_[at] = slot;
  }
  // Only spilled slots read lits_: keep the others' entries out of memory.
  std::vector<Lit> spilled;
  for (ShapeSlot& slot : shapes_) {
    if (slot.termCount != 0 && slot.spill != 0) {
      auto first = static_cast<uint32_t>(spilled.size());
      spilled.insert(spilled.end(), lits_.begin() + slot.lit, lits_.begin() + slot.lit + slot.litCount);
      slot.lit = first;
    }
  }
  lits_ = std::move(spilled);
}

size_t RouteTable::memoryBytes() const {
  return nodes_.capacity() * sizeof(Node) + cands_.capacity() * sizeof(Cand) +
         paths_.capacity() * sizeof(PathSlot) + shapes_.capacity() * sizeof(ShapeSlot) +
         masks_.capacity() * sizeof(ShapeMask) + lits_.capacity() * sizeof(Lit) +
         (small_.capacity() + slots_.capacity()) * sizeof(Slot) + bytes_.capacity();
}

/// RouteWalk's view of a table and the caller's condition callback. Holds raw pointers to the
/// table's arrays, so a lookup is one load away from them (the walk keeps this by value).
class TableTree {
 public:
  using Segment = RouteTable::Segment;

  TableTree(const RouteTable& t, RouteTable::CondFn cond, const void* self)
      : nodes_(t.nodes_.data()), nodeCount_(t.nodes_.size()), small_(t.small_.data()),
        slots_(t.slots_.data()), mask_(t.mask_), bytes_(t.bytes_.data()),
        cands_(t.candidates(cond, self)) {}

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
  WalkCandidate candidate(uint32_t i) const { return cands_.candidate(i); }
  bool condition(uint32_t fn, const gw_request& req, gw_eval_ctx& ctx) const {
    return cands_.condition(fn, req, ctx);
  }

 private:
  bool sameSegment(const RouteTable::Slot& e, const Segment& seg) const {
    return e.len == seg.len && e.w0 == seg.w0 && e.w1 == seg.w1 &&
           (seg.len <= kInline ||
            std::memcmp(bytes_ + e.at + kInline, seg.ptr + kInline, seg.len - kInline) == 0);
  }

  const RouteTable::Node* nodes_;
  size_t nodeCount_;
  const RouteTable::Slot* small_;
  const RouteTable::Slot* slots_;
  uint64_t mask_;
  const char* bytes_;
  RouteTable::Candidates cands_;
};

void RouteTable::walk(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out, CondFn cond,
                      const void* self) const {
  RouteWalk<TableTree>(TableTree(*this, cond, self), req, ctx, out).run();
}

}  // namespace gw::native
