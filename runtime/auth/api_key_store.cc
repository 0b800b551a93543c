#include "runtime/auth/api_key_store.h"

#include "runtime/auth/key_loader.h"
#include "runtime/http/ascii.h"

namespace gw::auth {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool parseHexDigest(std::string_view hex, Sha256Digest& out) {
  if (hex.size() != 64) {
    return false;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = http::hexValue(hex[2 * i]);
    const int lo = http::hexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return false;
    }
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

std::vector<std::string> splitRoles(std::string_view roles) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= roles.size()) {
    std::size_t end = roles.find_first_of("| \t", start);
    if (end == std::string_view::npos) {
      end = roles.size();
    }
    if (end > start) {
      out.emplace_back(roles.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

ApiKeyLoadResult ApiKeyStore::parse(std::string_view csv, std::string_view origin,
                                    std::string provider) {
  auto store = std::make_shared<ApiKeyStore>();
  std::size_t lineNo = 0;
  auto fail = [&](const std::string& message) {
    return ApiKeyLoadResult{nullptr,
                            std::string(origin) + ":" + std::to_string(lineNo) + ": " + message};
  };
  while (!csv.empty()) {
    ++lineNo;
    const std::size_t nl = csv.find('\n');
    const std::string_view line = trim(csv.substr(0, nl));
    csv.remove_prefix(nl == std::string_view::npos ? csv.size() : nl + 1);
    if (line.empty() || line.front() == '#' || line == "key,subject,roles") {
      continue;
    }
    const std::size_t c1 = line.find(',');
    const std::size_t c2 = c1 == std::string_view::npos ? c1 : line.find(',', c1 + 1);
    if (c2 == std::string_view::npos || line.find(',', c2 + 1) != std::string_view::npos) {
      return fail("expected three fields `key,subject,roles`");
    }
    const std::string_view key = trim(line.substr(0, c1));
    const std::string_view subject = trim(line.substr(c1 + 1, c2 - c1 - 1));
    const std::string_view roles = trim(line.substr(c2 + 1));
    if (key.empty() || subject.empty()) {
      return fail("key and subject must not be empty");
    }
    Sha256Digest digest{};
    if (key.starts_with("sha256:")) {
      if (!parseHexDigest(key.substr(7), digest)) {
        return fail("`sha256:` must be followed by 64 hex digits");
      }
    } else {
      digest = sha256(key);
    }
    auto identity = std::make_shared<Identity>();
    identity->provider = provider;
    identity->subject = std::string(subject);
    identity->roles = splitRoles(roles);
    identity->claims = nlohmann::json::object({{"sub", identity->subject}});
    if (!store->byDigest_.emplace(digest, std::move(identity)).second) {
      return fail("duplicate key");
    }
  }
  return ApiKeyLoadResult{std::move(store), {}};
}

ApiKeyLoadResult ApiKeyStore::loadFile(const std::string& path, std::string provider) {
  std::string error;
  const auto data = readKeyFile(path, error);
  if (!data) {
    return ApiKeyLoadResult{nullptr, error};
  }
  return parse(*data, path, std::move(provider));
}

std::shared_ptr<const Identity> ApiKeyStore::lookup(std::string_view presentedKey) const {
  const Sha256Digest digest = sha256(presentedKey);
  // The map's equality is Sha256DigestConstantTimeEqual (CRYPTO_memcmp).
  const auto it = byDigest_.find(digest);
  return it == byDigest_.end() ? nullptr : it->second;
}

}  // namespace gw::auth
