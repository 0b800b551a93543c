#pragma once
// The hashing and word-loading helpers shared by the route table's build (route_table.cc) and
// its terminal index (route_index.cc). Internal to stdlib/native: not part of the ABI.
#include <cstdint>
#include <cstring>

#include "stdlib/native/route_table.h"

namespace gw::native::route_hash {

constexpr uint32_t kEmptySlot = UINT32_MAX;
constexpr size_t kInline = 16;  // segment bytes held in a slot
// Nodes with at most this many literal children scan them instead of hashing (measured: a scan
// of up to four 32-byte edges behind the length mask costs less than one hash and probe).
inline constexpr uint32_t kSmallFanout = 4;

inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/// 64x64 -> 128 multiply folded to 64 bits (wyhash's mixer): one multiplication per word.
inline uint64_t mum(uint64_t a, uint64_t b) {
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

/// Hash of a whole path (after its leading '/'): one 64-bit multiplication per 8 bytes (each
/// step is a bijection of the running value, so two paths of one length that differ in one
/// word never collide before the final mix), the last word overlapping the one before it (the
/// length is mixed in first, so overlaps cannot alias), and one 128-bit mix for the slot bits.
inline uint64_t pathHash(const char* p, size_t n) {
  uint64_t h = kK0 ^ (n * kK3);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    h = (h ^ load64(p + i)) * kK1;
  }
  if (i < n) {
    h = (h ^ (n >= 8 ? load64(p + n - 8) : headWord(p, n))) * kK2;
  }
  return mum(h, kK3);
}

/// The seed of a template key: its depth and param positions.
inline uint64_t shapeSeed(size_t depth, uint64_t params) { return mum(kK0 ^ depth, kK1 ^ params); }
/// splitmix64's output function: the per-position keys below.
constexpr uint64_t splitmix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Two odd multipliers per segment position (kMaxShapeDepth positions): a segment's hash is
/// linear in its words, so a sum of them differs whenever one position's words differ (an odd
/// multiplier is invertible mod 2^64); shapeKey() mixes the sum.
struct PositionKeys {
  uint64_t k[2 * kMaxShapeDepth];
  constexpr PositionKeys() : k() {
    for (size_t i = 0; i < 2 * kMaxShapeDepth; ++i) {
      k[i] = splitmix(kK0 + (i + 1) * 0x9e3779b97f4a7c15ULL) | 1;
    }
  }
};
inline constexpr PositionKeys kPositionKeys{};

/// The hash of a segment (its words, length and tail hash) at position `pos` of a path: two
/// multiplications, one when the segment is shorter than 8 bytes (w1 and tail are 0).
inline uint64_t positionHash(uint64_t w0, uint64_t w1, uint64_t len, uint64_t tail, size_t pos) {
  return (w0 ^ len) * kPositionKeys.k[2 * pos] + (w1 ^ tail) * kPositionKeys.k[2 * pos + 1];
}
/// A segment's key for the terminal index's literal check: its first min(len, 7) bytes, zero
/// padded, and min(len, 255) in the top byte. For a segment of fewer than 8 bytes (`w0` then
/// has its top byte zero) the key is the whole segment, so equal keys are equal segments; a
/// longer one also compares its bytes (the key already holds its length below 255).
inline uint64_t segmentKey(uint64_t w0, size_t len) {
  constexpr uint64_t kLow7 = (uint64_t{1} << 56) - 1;
  return (w0 & kLow7) | (static_cast<uint64_t>(len < 255 ? len : 255) << 56);
}
/// The position hash of a segment of fewer than 8 bytes from its key (one multiplication: the
/// key holds all of the segment, and an odd multiplier keeps distinct keys distinct).
inline uint64_t shortHash(uint64_t key, size_t pos) { return key * kPositionKeys.k[2 * pos]; }
/// The position hash the index's split computes for a segment (shortHash() below 8 bytes,
/// positionHash() from 8), here from its words; the build hashes literals with it.
inline uint64_t indexHash(uint64_t w0, uint64_t w1, uint64_t len, uint64_t tail, size_t pos) {
  return len < 8 ? shortHash(segmentKey(w0, len), pos) : positionHash(w0, w1, len, tail, pos);
}
/// A template key's hash: the sum of its literal segments' index hashes, and its seed.
inline uint64_t shapeKey(uint64_t literalSum, uint64_t seed) { return mum(literalSum ^ seed, kK3); }

/// Bit of `len` in a node's length mask (lengths of 63 and more share the top bit).
inline uint64_t lengthBit(size_t len) { return uint64_t{1} << (len < 63 ? len : 63); }

}  // namespace gw::native::route_hash

namespace gw::native {

[[gnu::always_inline]] inline void RouteTable::segment(Segment& s, const char* p, size_t n) {
  using namespace route_hash;
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

}  // namespace gw::native
