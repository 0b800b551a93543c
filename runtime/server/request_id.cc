#include "runtime/server/request_id.h"

#include <array>
#include <cstring>
#include <random>

namespace gw::server {

namespace {

// "00".."ff": two digits per table read, eight reads per 64-bit value. A shift and mask per
// digit was ~0.8 k instructions of every proxied request (an id and a traceparent each).
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 512> t{};
  for (std::size_t b = 0; b < 256; ++b) {
    t[2 * b] = kHex[b >> 4];
    t[2 * b + 1] = kHex[b & 0xf];
  }
  return t;
}();

/// Appends the 16 lowercase hex digits of `v`, most significant first.
void appendHex16(std::uint64_t v, std::string& out) {
  char digits[16];
  for (int i = 0; i < 8; ++i) {
    const std::size_t byte = (v >> (56 - 8 * i)) & 0xff;
    std::memcpy(digits + 2 * i, &kHexPairs[2 * byte], 2);
  }
  out.append(digits, sizeof(digits));
}

bool isLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool allZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

std::uint64_t seedFromDevice() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

Random::Random() : rng_(seedFromDevice()) {}

bool isValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) {
    return false;
  }
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

void generateRequestId(Random& rng, std::string& out) {
  out.clear();
  appendHex16(rng.next(), out);
  appendHex16(rng.next(), out);
}

bool isValidTraceparent(std::string_view tp) {
  // version "-" trace-id(32) "-" parent-id(16) "-" flags(2); future versions may append fields.
  if (tp.size() < 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-') {
    return false;
  }
  std::string_view version = tp.substr(0, 2);
  if (!isLowerHex(version) || version == "ff") {
    return false;
  }
  if (version == "00" ? tp.size() != 55 : (tp.size() > 55 && tp[55] != '-')) {
    return false;
  }
  std::string_view trace = tp.substr(3, 32);
  std::string_view parent = tp.substr(36, 16);
  std::string_view flags = tp.substr(53, 2);
  return isLowerHex(trace) && isLowerHex(parent) && isLowerHex(flags) && !allZero(trace) &&
         !allZero(parent);
}

void makeTraceparent(std::string_view incoming, Random& rng, std::string& out) {
  out.clear();
  out.append("00-");
  if (isValidTraceparent(incoming)) {
    out.append(incoming.substr(3, 32));
  } else {
    appendHex16(rng.next() | 1, out);
    appendHex16(rng.next(), out);
  }
  out.push_back('-');
  appendHex16(rng.next() | 1, out);
  out.push_back('-');
  out.append(isValidTraceparent(incoming) ? incoming.substr(53, 2) : std::string_view("00"));
}

}  // namespace gw::server
