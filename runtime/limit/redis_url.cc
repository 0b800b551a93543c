#include "runtime/limit/redis_url.h"

#include <netdb.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <charconv>
#include <cstdint>

namespace gw::limit {
namespace {

bool parseUint(std::string_view text, std::uint64_t max, std::uint64_t& out) {
  if (text.empty()) {
    return false;
  }
  const auto res = std::from_chars(text.data(), text.data() + text.size(), out);
  return res.ec == std::errc() && res.ptr == text.data() + text.size() && out <= max;
}

/// "250ms", "2s" or a bare number of milliseconds.
bool parseMillis(std::string_view text, std::chrono::milliseconds& out) {
  std::uint64_t scale = 1;
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    text.remove_suffix(2);
  } else if (!text.empty() && text.back() == 's') {
    text.remove_suffix(1);
    scale = 1000;
  }
  std::uint64_t n = 0;
  if (!parseUint(text, 3'600'000, n) || n * scale == 0) {
    return false;
  }
  out = std::chrono::milliseconds(n * scale);
  return true;
}

std::optional<std::string> parseQuery(std::string_view query, RedisOptions& out) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = item.find('=');
    const std::string_view name = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    std::uint64_t db = 0;
    if (name == "timeout" && parseMillis(value, out.callTimeout)) {
      continue;
    }
    if (name == "connect_timeout" && parseMillis(value, out.connectTimeout)) {
      continue;
    }
    if (name == "db" && parseUint(value, 1u << 20, db)) {
      out.db = static_cast<std::uint32_t>(db);
      continue;
    }
    return "unknown or invalid redis option `" + std::string(item) +
           "` (known: timeout=<ms|s>, connect_timeout=<ms|s>, db=<n>)";
  }
  return std::nullopt;
}

std::optional<std::string> resolveHost(const std::string& host, std::string& ip) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1) {
    ip = host;
    return std::nullopt;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) {
    return "cannot resolve redis host `" + host + "`";
  }
  char text[INET6_ADDRSTRLEN] = {};
  const void* addr =
      res->ai_family == AF_INET
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr);
  inet_ntop(res->ai_family, addr, text, sizeof(text));
  freeaddrinfo(res);
  ip = text;
  return std::nullopt;
}

std::optional<std::string> parseAuthority(std::string_view authority, RedisOptions& out) {
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      out.password = std::string(userinfo);  // redis://secret@host: the password alone
    } else {
      out.user = std::string(userinfo.substr(0, colon));
      out.password = std::string(userinfo.substr(colon + 1));
    }
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {  // [::1]:6379
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) {
      return std::string("unterminated `[` in the redis address");
    }
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty() && port.front() != ':') {
      return std::string("expected `:port` after `]` in the redis address");
    }
    port = port.empty() ? port : port.substr(1);
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) {
    return std::string("the redis address has no host");
  }
  std::uint64_t p = 6379;
  if (!port.empty() && (!parseUint(port, 65535, p) || p == 0)) {
    return "invalid redis port `" + std::string(port) + "`";
  }
  out.port = static_cast<std::uint16_t>(p);
  return resolveHost(std::string(host), out.host);
}

}  // namespace

std::optional<std::string> parseRedisUrl(std::string_view url, RedisOptions& out) {
  std::string_view query;
  if (const std::size_t q = url.find('?'); q != std::string_view::npos) {
    query = url.substr(q + 1);
    url = url.substr(0, q);
  }
  if (url.rfind("rediss://", 0) == 0) {
    return std::string("`rediss://` (TLS to redis) is not supported; use redis:// or unix://");
  }
  if (url.rfind("unix://", 0) == 0) {
    out.unixPath = std::string(url.substr(7));
    if (out.unixPath.empty() || out.unixPath.front() != '/') {
      return std::string("`unix://` wants an absolute socket path (unix:///run/redis.sock)");
    }
    return parseQuery(query, out);
  }
  if (url.rfind("redis://", 0) != 0) {
    return "the redis address must start with redis:// or unix://, found `" + std::string(url) +
           "`";
  }
  url.remove_prefix(8);
  const std::size_t slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos && slash + 1 < url.size()) {
    std::uint64_t db = 0;
    if (!parseUint(url.substr(slash + 1), 1u << 20, db)) {
      return "invalid redis database `" + std::string(url.substr(slash + 1)) + "`";
    }
    out.db = static_cast<std::uint32_t>(db);
  }
  if (auto bad = parseAuthority(authority, out)) {
    return bad;
  }
  return parseQuery(query, out);
}

}  // namespace gw::limit
