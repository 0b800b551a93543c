#include "runtime/auth/ecdsa_der.h"

namespace gw::auth {
namespace {

// Minimal DER INTEGER content for an unsigned big-endian value: strip leading zeros, keep one
// leading zero byte when the top bit is set so the value stays positive.
std::size_t writeInteger(const std::uint8_t* value, std::size_t len, std::uint8_t* out) {
  while (len > 1 && value[0] == 0) {
    ++value;
    --len;
  }
  const bool pad = (value[0] & 0x80) != 0;
  std::size_t pos = 0;
  out[pos++] = 0x02;
  out[pos++] = static_cast<std::uint8_t>(len + (pad ? 1 : 0));
  if (pad) {
    out[pos++] = 0x00;
  }
  for (std::size_t i = 0; i < len; ++i) {
    out[pos++] = value[i];
  }
  return pos;
}

// Reads a DER length at `pos`; supports the short form and the one-byte long form (0x81),
// which is all an ECDSA signature up to P-521 needs.
bool readLength(std::string_view der, std::size_t& pos, std::size_t& len) {
  if (pos >= der.size()) {
    return false;
  }
  const auto first = static_cast<std::uint8_t>(der[pos++]);
  if (first < 0x80) {
    len = first;
    return true;
  }
  if (first != 0x81 || pos >= der.size()) {
    return false;
  }
  len = static_cast<std::uint8_t>(der[pos++]);
  return len >= 0x80;
}

bool readInteger(std::string_view der, std::size_t& pos, std::size_t size, std::string& out) {
  std::size_t len = 0;
  if (pos >= der.size() || der[pos++] != 0x02 || !readLength(der, pos, len) || len == 0 ||
      pos + len > der.size()) {
    return false;
  }
  std::string_view value = der.substr(pos, len);
  pos += len;
  while (value.size() > 1 && value[0] == '\0') {
    value.remove_prefix(1);
  }
  if (value.size() > size) {
    return false;
  }
  out.append(size - value.size(), '\0');
  out.append(value);
  return true;
}

}  // namespace

std::size_t ecdsaJoseToDer(std::string_view raw, std::uint8_t* out, std::size_t cap) noexcept {
  const std::size_t half = raw.size() / 2;
  if (raw.empty() || raw.size() % 2 != 0 || half > 66 || cap < kMaxEcdsaDerSize) {
    return 0;
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw.data());
  std::uint8_t body[kMaxEcdsaDerSize];
  std::size_t bodyLen = writeInteger(bytes, half, body);
  bodyLen += writeInteger(bytes + half, half, body + bodyLen);
  std::size_t pos = 0;
  out[pos++] = 0x30;
  if (bodyLen >= 0x80) {
    out[pos++] = 0x81;
  }
  out[pos++] = static_cast<std::uint8_t>(bodyLen);
  for (std::size_t i = 0; i < bodyLen; ++i) {
    out[pos++] = body[i];
  }
  return pos;
}

std::string ecdsaDerToJose(std::string_view der, std::size_t coordinateSize) {
  std::size_t pos = 0;
  std::size_t seqLen = 0;
  if (der.empty() || der[pos++] != 0x30 || !readLength(der, pos, seqLen) ||
      pos + seqLen != der.size()) {
    return {};
  }
  std::string out;
  out.reserve(2 * coordinateSize);
  if (!readInteger(der, pos, coordinateSize, out) || !readInteger(der, pos, coordinateSize, out) ||
      pos != der.size()) {
    return {};
  }
  return out;
}

}  // namespace gw::auth
