#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gw::auth {

/// Large enough for the DER form of a P-521 signature (2 x (66 + 1 pad + 2) + 3).
inline constexpr std::size_t kMaxEcdsaDerSize = 144;

/// Converts a JOSE ECDSA signature (R || S, each exactly `raw.size() / 2` bytes, RFC 7518
/// section 3.4) to the DER `ECDSA-Sig-Value` OpenSSL verifies. Writes into `out` (capacity
/// `cap`), returns the DER length or 0 if `raw` has an odd length or does not fit. No allocation.
std::size_t ecdsaJoseToDer(std::string_view raw, std::uint8_t* out, std::size_t cap) noexcept;

/// Converts a DER `ECDSA-Sig-Value` to JOSE R || S with each half `coordinateSize` bytes
/// (32, 48 or 66). Empty string if the DER is malformed or an integer does not fit.
std::string ecdsaDerToJose(std::string_view der, std::size_t coordinateSize);

}  // namespace gw::auth
