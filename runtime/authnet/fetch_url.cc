#include "runtime/authnet/fetch_url.h"

#include <charconv>

namespace gw::authnet {

namespace {

bool visibleAscii(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return false;
    }
  }
  return true;
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
    }
    if (c != prefix[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string FetchUrl::display() const {
  return (https ? "https://" : "http://") + hostHeader + target;
}

std::optional<FetchUrl> parseFetchUrl(std::string_view url, std::string& error) {
  FetchUrl out;
  if (!visibleAscii(url)) {
    error = "url contains spaces or non-ASCII bytes";
    return std::nullopt;
  }
  std::string_view rest;
  if (startsWithNoCase(url, "https://")) {
    out.https = true;
    rest = url.substr(8);
  } else if (startsWithNoCase(url, "http://")) {
    rest = url.substr(7);
  } else {
    error = "url must start with http:// or https://";
    return std::nullopt;
  }
  if (rest.find('#') != std::string_view::npos) {
    error = "url must not have a fragment";
    return std::nullopt;
  }
  const std::size_t pathStart = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, pathStart);
  std::string_view target = pathStart == std::string_view::npos ? "" : rest.substr(pathStart);
  if (authority.find('@') != std::string_view::npos) {
    error = "url must not carry credentials";
    return std::nullopt;
  }
  std::string_view host = authority;
  std::string_view portText;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated IPv6 literal in url";
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      error = "unexpected characters after IPv6 literal";
      return std::nullopt;
    }
    portText = after.empty() ? "" : after.substr(1);
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    portText = authority.substr(colon + 1);
  }
  if (host.empty()) {
    error = "url has no host";
    return std::nullopt;
  }
  unsigned port = out.https ? 443 : 80;
  if (!portText.empty()) {
    auto [ptr, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc() || ptr != portText.data() + portText.size() || port == 0 ||
        port > 65535) {
      error = "invalid port in url";
      return std::nullopt;
    }
  }
  out.host.assign(host);
  out.port = static_cast<std::uint16_t>(port);
  out.hostHeader.assign(authority);
  if (target.empty() || target.front() == '?') {
    out.target = "/";
  }
  out.target.append(target);
  return out;
}

}  // namespace gw::authnet
