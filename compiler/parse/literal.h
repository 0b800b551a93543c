#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "compiler/ast/ast.h"

namespace gw {

/// Decodes a literal's raw text into `lit` (kind already set). Returns an error message for a
/// value that lexes but is not valid (an IP octet above 255, a CIDR prefix above 32, a number
/// that overflows, an unknown escape), std::nullopt when it is fine.
std::optional<std::string> decodeLiteral(ast::Lit& lit);

/// Unescapes the body of a "..." string (without the quotes): \" \\ \n \t \r \u{...}.
std::optional<std::string> unescapeString(std::string_view body, std::string* error);

/// Parses dotted IPv4 text into a host-order u32.
std::optional<uint32_t> parseIpv4(std::string_view text);

}  // namespace gw
