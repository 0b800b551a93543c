#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "runtime/http/ascii.h"

/// The header field names the proxy itself interprets (framing, hop-by-hop, the fields it
/// regenerates), recognized in one step. Pure functions: thread-safe, no allocation.
namespace gw::http {

/// A field name the proxy treats specially, or kOther.
enum class KnownField : std::uint8_t {
  kOther,
  kConnection,
  kContentLength,
  kExpect,
  kForwarded,
  kHost,
  kKeepAlive,
  kProxyConnection,
  kTe,
  kTraceparent,
  kTrailer,
  kTransferEncoding,
  kUpgrade,
  kXForwardedFor,
  kXForwardedProto,
  kXRequestId,
};

namespace detail {

/// `n` equals `lower` ignoring ASCII case, for a `lower` of the same length made of lowercase
/// letters, digits and '-' only. Eight bytes per step: a letter of `lower` (bit 0x40 set) folds
/// bit 0x20 of `n`'s byte, any other byte must match exactly, so the test is exact (a CR is
/// not taken for '-', nor '@' for '`'). A byte loop took ~5 instructions per byte.
inline bool equalsLowerWord(const char* n, const char* lower) {
  std::uint64_t w;
  std::uint64_t l;
  std::memcpy(&w, n, sizeof w);
  std::memcpy(&l, lower, sizeof l);
  return (w | ((l & 0x4040404040404040ull) >> 1)) == l;
}

inline bool equalsLower(std::string_view n, std::string_view lower) {
  if (n.size() != lower.size()) {
    return false;
  }
  if (n.size() < 8) {
    for (std::size_t i = 0; i < n.size(); ++i) {
      const auto l = static_cast<unsigned char>(lower[i]);
      if ((static_cast<unsigned char>(n[i]) | ((l & 0x40u) >> 1)) != l) {
        return false;
      }
    }
    return true;
  }
  for (std::size_t i = 0; i + 8 < n.size(); i += 8) {
    if (!equalsLowerWord(n.data() + i, lower.data() + i)) {
      return false;
    }
  }
  return equalsLowerWord(n.data() + n.size() - 8, lower.data() + lower.size() - 8);
}

}  // namespace detail

/// Classifies `name` (case-insensitive). Every field of every head, request and response, is
/// tested against these names, several times; comparing with each name in turn cost ~2 k
/// instructions per proxied request (session 9's callgrind profile). Here the length picks at
/// most two candidates, the first letter one, and one word-wise comparison decides.
inline KnownField classifyField(std::string_view n) {
  auto is = [n](std::string_view lower, KnownField f) {
    return detail::equalsLower(n, lower) ? f : KnownField::kOther;
  };
  if (n.empty()) {
    return KnownField::kOther;
  }
  const char c = toLower(n[0]);
  switch (n.size()) {
    case 2: return is("te", KnownField::kTe);
    case 4: return is("host", KnownField::kHost);
    case 6: return is("expect", KnownField::kExpect);
    case 7:
      return c == 't' ? is("trailer", KnownField::kTrailer) : is("upgrade", KnownField::kUpgrade);
    case 9: return is("forwarded", KnownField::kForwarded);
    case 10:
      return c == 'c' ? is("connection", KnownField::kConnection)
                      : is("keep-alive", KnownField::kKeepAlive);
    case 11: return is("traceparent", KnownField::kTraceparent);
    case 12: return is("x-request-id", KnownField::kXRequestId);
    case 14: return is("content-length", KnownField::kContentLength);
    case 15: return is("x-forwarded-for", KnownField::kXForwardedFor);
    case 16: return is("proxy-connection", KnownField::kProxyConnection);
    case 17:
      return c == 't' ? is("transfer-encoding", KnownField::kTransferEncoding)
                      : is("x-forwarded-proto", KnownField::kXForwardedProto);
    default: return KnownField::kOther;
  }
}

/// Hop-by-hop fields of RFC 9110 7.6.1 (and the legacy Keep-Alive, Proxy-Connection), never
/// forwarded; Connection may name more (the caller checks its tokens).
constexpr bool isHopByHop(KnownField f) {
  switch (f) {
    case KnownField::kConnection:
    case KnownField::kKeepAlive:
    case KnownField::kProxyConnection:
    case KnownField::kTe:
    case KnownField::kTrailer:
    case KnownField::kUpgrade:
    case KnownField::kTransferEncoding:
      return true;
    default:
      return false;
  }
}

}  // namespace gw::http
