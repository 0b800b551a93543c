#include "runtime/auth/identity.h"

#include <algorithm>

namespace gw::auth {
namespace {

void appendStrings(const nlohmann::json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    for (auto& item : splitScopes(value.get_ref<const std::string&>())) {
      out.push_back(std::move(item));
    }
    return;
  }
  if (!value.is_array()) {
    return;
  }
  for (const auto& item : value) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    }
  }
}

}  // namespace

bool Identity::hasScope(std::string_view scope) const noexcept {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

bool Identity::hasRole(std::string_view role) const noexcept {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const nlohmann::json* Identity::claim(std::string_view dottedPath) const noexcept {
  const nlohmann::json* node = &claims;
  while (true) {
    if (!node->is_object()) {
      return nullptr;
    }
    const auto& object = node->get_ref<const nlohmann::json::object_t&>();
    // A claim name may itself contain dots ("https://example.com/roles"): exact name first.
    if (const auto whole = object.find(dottedPath); whole != object.end()) {
      return &whole->second;
    }
    const std::size_t dot = dottedPath.find('.');
    const std::string_view name = dottedPath.substr(0, dot);
    const auto it = object.find(name);
    if (it == object.end()) {
      return nullptr;
    }
    node = &it->second;
    if (dot == std::string_view::npos) {
      return node;
    }
    dottedPath.remove_prefix(dot + 1);
  }
}

std::vector<std::string> splitScopes(std::string_view scopeString) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < scopeString.size()) {
    const std::size_t start = scopeString.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) {
      break;
    }
    std::size_t end = scopeString.find(' ', start);
    if (end == std::string_view::npos) {
      end = scopeString.size();
    }
    out.emplace_back(scopeString.substr(start, end - start));
    pos = end;
  }
  return out;
}

void extractScopesAndRoles(Identity& identity, std::string_view rolesClaim) {
  if (const auto* scope = identity.claim("scope")) {
    appendStrings(*scope, identity.scopes);
  } else if (const auto* scp = identity.claim("scp")) {
    appendStrings(*scp, identity.scopes);
  }
  if (!rolesClaim.empty()) {
    if (const auto* roles = identity.claim(rolesClaim)) {
      appendStrings(*roles, identity.roles);
    }
  }
}

}  // namespace gw::auth
