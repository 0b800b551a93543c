#include "runtime/auth/base64url.h"

#include <array>

namespace gw::auth {
namespace {

constexpr std::int8_t kInvalid = -1;

constexpr std::array<std::int8_t, 256> makeUrlTable() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) {
    entry = kInvalid;
  }
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr auto kUrlTable = makeUrlTable();

std::string encodeWith(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                            (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                            std::uint32_t(std::uint8_t(bytes[i + 2]));
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (pad) {
      out.append("==");
    }
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                            (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) {
      out.push_back('=');
    }
  }
  return out;
}

}  // namespace

bool base64UrlDecode(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() % 4 == 1) {
    return false;
  }
  out.reserve(base64UrlDecodedSize(in.size()));
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const std::int8_t v = kUrlTable[static_cast<unsigned char>(c)];
    if (v == kInvalid) {
      return false;
    }
    acc = (acc << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero: otherwise two encodings would decode to the same bytes.
  return (acc & ((1u << bits) - 1)) == 0;
}

std::optional<std::string> base64UrlDecode(std::string_view in) {
  std::string out;
  if (!base64UrlDecode(in, out)) {
    return std::nullopt;
  }
  return out;
}

std::string base64UrlEncode(std::string_view bytes) {
  return encodeWith(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                    false);
}

std::string base64Encode(std::string_view bytes) {
  return encodeWith(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                    true);
}

}  // namespace gw::auth
