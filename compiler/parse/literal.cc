#include "compiler/parse/literal.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace gw {
namespace {

using ast::Lit;
using ast::LitKind;

// Splits "250ms" into the number and the unit.
std::pair<std::string_view, std::string_view> splitUnit(std::string_view raw) {
  size_t i = 0;
  while (i < raw.size() && (isdigit(static_cast<unsigned char>(raw[i])) || raw[i] == '.')) {
    ++i;
  }
  return {raw.substr(0, i), raw.substr(i)};
}

std::optional<double> toDouble(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> toInt(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> timeUnitMicros(std::string_view unit) {
  if (unit == "us") return 1;
  if (unit == "ms") return 1000;
  if (unit == "s") return 1000000;
  if (unit == "m") return 60LL * 1000000;
  if (unit == "h") return 3600LL * 1000000;
  if (unit == "d") return 86400LL * 1000000;
  return std::nullopt;
}

std::optional<int64_t> sizeUnitBytes(std::string_view unit) {
  if (unit == "b") return 1;
  if (unit == "kb" || unit == "KB") return 1000;
  if (unit == "mb" || unit == "MB") return 1000 * 1000;
  if (unit == "gb" || unit == "GB") return 1000LL * 1000 * 1000;
  if (unit == "kib") return 1024;
  if (unit == "mib") return 1024 * 1024;
  if (unit == "gib") return 1024LL * 1024 * 1024;
  return std::nullopt;
}

// number * scale, rejecting overflow of int64 and fractions of the smallest unit.
std::optional<std::string> scaled(std::string_view number, int64_t scale, int64_t* out) {
  auto v = toDouble(number);
  if (!v) {
    return "`" + std::string(number) + "` is not a number";
  }
  double product = *v * static_cast<double>(scale);
  if (product > 9.2e18) {
    return "value is too large";
  }
  *out = static_cast<int64_t>(std::llround(product));
  return std::nullopt;
}

}  // namespace

std::optional<uint32_t> parseIpv4(std::string_view text) {
  uint32_t addr = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t start = i;
    while (i < text.size() && isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    if (i == start || i - start > 3) {
      return std::nullopt;
    }
    auto octet = toInt(text.substr(start, i - start));
    if (!octet || *octet > 255) {
      return std::nullopt;
    }
    addr = (addr << 8) | static_cast<uint32_t>(*octet);
    ++parts;
    if (parts < 4) {
      if (i >= text.size() || text[i] != '.') {
        return std::nullopt;
      }
      ++i;
    }
  }
  if (i != text.size()) {
    return std::nullopt;
  }
  return addr;
}

std::optional<std::string> unescapeString(std::string_view body, std::string* error) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= body.size()) {
      *error = "string ends with a lone backslash";
      return std::nullopt;
    }
    switch (body[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '/': out += '/'; break;
      default:
        *error = std::string("unknown escape `\\") + body[i] + "` in string";
        return std::nullopt;
    }
  }
  return out;
}

std::optional<std::string> decodeLiteral(Lit& lit) {
  std::string_view raw = lit.raw;
  switch (lit.kind) {
    case LitKind::String: {
      std::string error;
      auto s = unescapeString(raw.substr(1, raw.size() - 2), &error);
      if (!s) {
        return error;
      }
      lit.str = std::move(*s);
      return std::nullopt;
    }
    case LitKind::Int: {
      auto v = toInt(raw);
      if (!v) {
        return "integer `" + lit.raw + "` is too large";
      }
      lit.i = *v;
      return std::nullopt;
    }
    case LitKind::Float: {
      auto v = toDouble(raw);
      if (!v) {
        return "`" + lit.raw + "` is not a number";
      }
      lit.f = *v;
      return std::nullopt;
    }
    case LitKind::Bool:
      lit.i = raw == "true" ? 1 : 0;
      return std::nullopt;
    case LitKind::Duration: {
      auto [num, unit] = splitUnit(raw);
      auto scale = timeUnitMicros(unit);
      if (!scale) {
        return "unknown time unit `" + std::string(unit) + "`";
      }
      return scaled(num, *scale, &lit.i);
    }
    case LitKind::Size: {
      auto [num, unit] = splitUnit(raw);
      auto scale = sizeUnitBytes(unit);
      if (!scale) {
        return "unknown size unit `" + std::string(unit) + "`";
      }
      return scaled(num, *scale, &lit.i);
    }
    case LitKind::Rate: {
      size_t slash = raw.find('/');
      auto count = toInt(raw.substr(0, slash));
      if (!count) {
        return "rate count in `" + lit.raw + "` is too large";
      }
      auto [num, unit] = splitUnit(raw.substr(slash + 1));
      auto scale = timeUnitMicros(unit);
      if (!scale) {
        return "unknown time unit `" + std::string(unit) + "` in rate";
      }
      int64_t periods = 1;
      if (!num.empty()) {
        auto n = toInt(num);
        if (!n || *n <= 0) {
          return "the period of rate `" + lit.raw + "` must be a positive number";
        }
        periods = *n;
      }
      lit.i = *count;
      lit.period = periods * *scale;
      return std::nullopt;
    }
    case LitKind::Percent: {
      auto v = toDouble(raw.substr(0, raw.size() - 1));
      if (!v) {
        return "`" + lit.raw + "` is not a percentage";
      }
      lit.f = *v;
      return std::nullopt;
    }
    case LitKind::Ip: {
      auto a = parseIpv4(raw);
      if (!a) {
        return "`" + lit.raw + "` is not an IPv4 address (each part must be 0..255)";
      }
      lit.i = *a;
      return std::nullopt;
    }
    case LitKind::Cidr: {
      size_t slash = raw.find('/');
      auto a = parseIpv4(raw.substr(0, slash));
      auto len = toInt(raw.substr(slash + 1));
      if (!a) {
        return "`" + std::string(raw.substr(0, slash)) + "` is not an IPv4 address";
      }
      if (!len || *len < 0 || *len > 32) {
        return "CIDR prefix length must be 0..32";
      }
      lit.prefix = static_cast<int>(*len);
      uint32_t mask = lit.prefix == 0 ? 0 : ~uint32_t(0) << (32 - lit.prefix);
      lit.i = *a & mask;
      return std::nullopt;
    }
    case LitKind::Address: {
      size_t colon = raw.rfind(':');
      lit.str = std::string(raw.substr(0, colon));
      auto port = toInt(raw.substr(colon + 1));
      if (lit.str != "localhost" && !parseIpv4(lit.str)) {
        return "`" + lit.str + "` is not an IPv4 address";
      }
      if (!port || *port < 0 || *port > 65535) {
        return "port must be 0..65535";
      }
      lit.port = static_cast<int>(*port);
      return std::nullopt;
    }
    case LitKind::Regex: {
      size_t close = raw.rfind('/');
      lit.str = std::string(raw.substr(1, close - 1));
      lit.flags = std::string(raw.substr(close + 1));
      for (char f : lit.flags) {
        if (f != 'i') {
          return std::string("unknown regex flag `") + f + "` (only `i` is supported)";
        }
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace gw
