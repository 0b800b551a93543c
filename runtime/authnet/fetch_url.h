#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gw::authnet {

/// An absolute http or https URL split for a one-shot HTTP/1.1 exchange. Immutable value.
struct FetchUrl {
  bool https = false;
  std::string host;     ///< name or IP literal, without IPv6 brackets
  std::uint16_t port = 0;
  std::string target;   ///< origin-form request target: path (at least "/") plus "?query"
  std::string hostHeader;  ///< the Host header value ("host" or "host:port", brackets kept)

  /// "https://host:port/path" for logs (no userinfo is ever accepted, so nothing secret).
  std::string display() const;
};

/// Parses `http://host[:port][/path][?query]` or the https form. Refuses userinfo (credentials
/// belong in configuration, not URLs that end up in logs), fragments, empty hosts, ports outside
/// 1..65535, and bytes outside visible ASCII. std::nullopt + `error` on failure. Thread-safe.
std::optional<FetchUrl> parseFetchUrl(std::string_view url, std::string& error);

}  // namespace gw::authnet
