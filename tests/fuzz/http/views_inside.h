#pragma once

// The parsers' fuzzers check that every view a parser returns points into the bytes it parsed.
#include <string_view>

namespace gw::fuzz {

/// True when `v` is empty or lies wholly inside `buf`.
inline bool inside(std::string_view buf, std::string_view v) {
  return v.empty() || (v.data() >= buf.data() && v.data() + v.size() <= buf.data() + buf.size());
}

}  // namespace gw::fuzz
