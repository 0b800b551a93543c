#include "compiler/policy/request_builder.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>

#include <nlohmann/json.hpp>

#include "compiler/ir/lower_expr.h"

namespace gw::policy {

uint32_t methodFromName(std::string_view name) {
  int id = ir::methodId(name);
  return id >= 0 ? static_cast<uint32_t>(id) : GW_METHOD_OTHER;
}

RequestBuilder::RequestBuilder() { path_ = "/"; }

void RequestBuilder::setTarget(const std::string& method, const std::string& url) {
  method_ = method;
  std::string rest = url;
  size_t scheme = rest.find("://");
  if (scheme != std::string::npos) {
    rest = rest.substr(scheme + 3);
    size_t slash = rest.find_first_of("/?");
    std::string authority = rest.substr(0, slash);
    rest = slash == std::string::npos ? "" : rest.substr(slash);
    if (!authority.empty() && authority.front() != '[') {
      authority = authority.substr(0, authority.find(':'));
    }
    host_.clear();
    for (char c : authority) host_ += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  size_t q = rest.find('?');
  path_ = rest.substr(0, q);
  query_ = q == std::string::npos ? "" : rest.substr(q + 1);
  if (path_.empty()) {
    path_ = "/";
  }
}

void RequestBuilder::addHeader(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
}

bool RequestBuilder::setClientIp(const std::string& text) {
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    ip_ = gw_ip{};
    ip_.family = 4;
    ip_.v4 = ntohl(v4.s_addr);
    return true;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    ip_ = gw_ip{};
    ip_.family = 6;
    std::memcpy(ip_.v6, &v6, 16);
    return true;
  }
  return false;
}

bool RequestBuilder::setClaims(const std::string& provider, const std::string& json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) {
    return false;
  }
  claims_ = std::make_unique<native::ClaimsTable>(j);
  authenticated_ = true;
  provider_ = provider;
  subject_ = j.is_object() && j.contains("sub") && j["sub"].is_string() ? j["sub"].get<std::string>()
                                                                        : "";
  roles_.clear();
  scopes_.clear();
  if (j.is_object() && j.contains("roles") && j["roles"].is_array()) {
    for (const auto& r : j["roles"]) {
      if (r.is_string()) roles_.push_back(r.get<std::string>());
    }
  }
  if (j.is_object() && j.contains("scope") && j["scope"].is_string()) {
    std::string s = j["scope"].get<std::string>();
    size_t i = 0;
    while (i < s.size()) {
      size_t sp = s.find(' ', i);
      std::string tok = s.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
      if (!tok.empty()) scopes_.push_back(tok);
      if (sp == std::string::npos) break;
      i = sp + 1;
    }
  } else if (j.is_object() && j.contains("scp") && j["scp"].is_array()) {
    for (const auto& r : j["scp"]) {
      if (r.is_string()) scopes_.push_back(r.get<std::string>());
    }
  }
  return true;
}

void RequestBuilder::setApiKey(const std::string& provider, const std::string& key) {
  authenticated_ = true;
  provider_ = provider;
  subject_ = key;
}

void RequestBuilder::setTime(int hour, int weekday) {
  hour_ = hour;
  weekday_ = weekday;
}

const gw_request& RequestBuilder::request() {
  auto view = [](const std::string& s) { return gw_str{s.data(), s.size()}; };
  headerViews_.clear();
  for (const auto& [n, v] : headers_) headerViews_.push_back(gw_header{view(n), view(v)});
  roleViews_.clear();
  for (const auto& r : roles_) roleViews_.push_back(view(r));
  scopeViews_.clear();
  for (const auto& s : scopes_) scopeViews_.push_back(view(s));
  req_ = gw_request{};
  req_.abi_version = GW_ABI_VERSION;
  req_.method_id = methodFromName(method_);
  req_.method = view(method_);
  req_.path = view(path_);
  req_.host = view(host_);
  req_.query = view(query_);
  req_.headers = gw_header_list{headerViews_.data(), headerViews_.size()};
  req_.client_ip = ip_;
  req_.authenticated = authenticated_ ? 1 : 0;
  req_.auth_subject = view(subject_);
  req_.auth_provider = view(provider_);
  req_.auth_scopes = gw_str_list{scopeViews_.data(), scopeViews_.size()};
  req_.auth_roles = gw_str_list{roleViews_.data(), roleViews_.size()};
  req_.claims = claims_ ? claims_->view() : nullptr;
  req_.time_hour = hour_;
  req_.time_weekday = weekday_;
  return req_;
}

}  // namespace gw::policy
