#include "runtime/server/request_id.h"

#include <random>

namespace gw::server {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void appendHex(std::uint64_t v, int digits, std::string& out) {
  // Into a local array, then one append: push_back per digit checked the capacity each time
  // (ids and traceparents are made for every request).
  char digitsOut[16];
  for (int i = digits - 1; i >= 0; --i) {
    digitsOut[digits - 1 - i] = kHex[(v >> (i * 4)) & 0xf];
  }
  out.append(digitsOut, static_cast<std::size_t>(digits));
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
  appendHex(rng.next(), 16, out);
  appendHex(rng.next(), 16, out);
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
    appendHex(rng.next() | 1, 16, out);
    appendHex(rng.next(), 16, out);
  }
  out.push_back('-');
  appendHex(rng.next() | 1, 16, out);
  out.push_back('-');
  out.append(isValidTraceparent(incoming) ? incoming.substr(53, 2) : std::string_view("00"));
}

}  // namespace gw::server
