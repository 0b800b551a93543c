#include "stdlib/native/claims_table.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gw::native {

ClaimsTable::ClaimsTable() = default;
ClaimsTable::ClaimsTable(ClaimsTable&&) noexcept = default;
ClaimsTable& ClaimsTable::operator=(ClaimsTable&&) noexcept = default;
ClaimsTable::~ClaimsTable() = default;

ClaimsTable::ClaimsTable(const nlohmann::json& claims) {
  if (!claims.is_object()) {
    return;
  }
  for (auto it = claims.begin(); it != claims.end(); ++it) {
    flatten(it.value(), it.key());
  }
  std::stable_sort(entries_.begin(), entries_.end(), [](const gw_claim& a, const gw_claim& b) {
    return std::string_view(a.path.ptr, a.path.len) < std::string_view(b.path.ptr, b.path.len);
  });
  view_ = gw_claims{entries_.data(), entries_.size()};
}

gw_str ClaimsTable::keep(std::string s) {
  strings_.push_back(std::move(s));
  return gw_str{strings_.back().data(), strings_.back().size()};
}

void ClaimsTable::flatten(const nlohmann::json& value, const std::string& path) {
  gw_claim c{};
  c.path = keep(path);
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      c.kind = GW_CLAIM_STRING;
      c.str = keep(value.get<std::string>());
      break;
    case nlohmann::json::value_t::number_integer:
      c.kind = GW_CLAIM_NUMBER;
      c.is_int = 1;
      c.i = value.get<int64_t>();
      c.num = static_cast<double>(c.i);
      break;
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = value.get<uint64_t>();
      c.kind = GW_CLAIM_NUMBER;
      c.is_int = u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
      c.i = c.is_int ? static_cast<int64_t>(u) : 0;
      c.num = static_cast<double>(u);
      break;
    }
    case nlohmann::json::value_t::number_float:
      c.kind = GW_CLAIM_NUMBER;
      c.num = value.get<double>();
      break;
    case nlohmann::json::value_t::boolean:
      c.kind = GW_CLAIM_BOOL;
      c.i = value.get<bool>() ? 1 : 0;
      break;
    case nlohmann::json::value_t::array: {
      c.kind = GW_CLAIM_ARRAY;
      std::vector<gw_str> strs;
      for (const auto& el : value) {
        if (el.is_string()) {
          strs.push_back(keep(el.get<std::string>()));
        }
      }
      items_.push_back(std::move(strs));
      c.items = gw_str_list{items_.back().data(), items_.back().size()};
      c.array_len = static_cast<uint32_t>(value.size());
      break;
    }
    case nlohmann::json::value_t::object:
      c.kind = GW_CLAIM_OBJECT;
      for (auto it = value.begin(); it != value.end(); ++it) {
        flatten(it.value(), path + "." + it.key());
      }
      break;
    default:
      c.kind = GW_CLAIM_NULL;
      break;
  }
  entries_.push_back(c);
}

const gw_claim* findClaim(const gw_claims* claims, const char* path, size_t len) noexcept {
  if (claims == nullptr || claims->count == 0) {
    return nullptr;
  }
  std::string_view key(path, len);
  size_t lo = 0;
  size_t hi = claims->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const gw_claim& c = claims->entries[mid];
    std::string_view p(c.path.ptr, c.path.len);
    if (p < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < claims->count) {
    const gw_claim& c = claims->entries[lo];
    if (std::string_view(c.path.ptr, c.path.len) == key) {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace gw::native
