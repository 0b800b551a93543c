#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace gw::auth {

/// Parses untrusted JSON (token headers and payloads, JWKS documents, introspection responses)
/// without throwing: std::nullopt on any syntax error, on nesting deeper than `maxDepth`, and on
/// a duplicate member name in any object (RFC 7515 section 4 lets a JWS parser reject these, and
/// rejecting avoids two components disagreeing on which value counts). Thread-safe.
std::optional<nlohmann::json> parseStrictJson(std::string_view text, std::size_t maxDepth = 16);

}  // namespace gw::auth
