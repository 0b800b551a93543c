#include "tests/unit/ir/random_policy.h"

#include <random>

namespace gw::testgen {

namespace {

const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"};

std::string word(std::mt19937_64& rng, uint32_t vocab) {
  return "s" + std::to_string(rng() % vocab);
}

std::string host(std::mt19937_64& rng, uint32_t hosts) {
  return "h" + std::to_string(rng() % hosts) + ".example.com";
}

}  // namespace

std::string randomPolicy(uint64_t seed, const GenOptions& o) {
  std::mt19937_64 rng(seed);
  std::string out = "upstream u {\n  server 127.0.0.1:9001\n}\n\n";
  for (uint32_t r = 0; r < o.routes; ++r) {
    uint32_t depth = static_cast<uint32_t>(rng() % (o.maxDepth + 1));
    int kind = static_cast<int>(rng() % 3);  // 0 exact, 1 template, 2 prefix
    std::string path;
    int params = 0;
    for (uint32_t d = 0; d < depth; ++d) {
      if (kind == 1 && rng() % 2 == 0) {
        path += "/{p" + std::to_string(params++) + "}";
      } else {
        path += "/" + word(rng, o.vocabulary);
      }
    }
    if (path.empty()) {
      path = "/";
    }
    std::string match = "  match {\n";
    if (kind == 2) {
      match += "    path prefix \"" + path + "\"\n";
    } else if (kind == 1 && params > 0) {
      match += "    path \"" + path + "\"\n";
    } else {
      match += "    path exact \"" + path + "\"\n";
    }
    switch (rng() % 4) {
      case 0: match += "    host \"" + host(rng, o.hosts) + "\"\n"; break;
      case 1: match += "    host \"*.example.com\"\n"; break;
      case 2: match += "    host [\"" + host(rng, o.hosts) + "\", \"*.h0.example.com\"]\n"; break;
      default: break;
    }
    if (rng() % 2 == 0) {
      match += std::string("    method [") + kMethods[rng() % 6] + ", " + kMethods[rng() % 6] + "]\n";
    }
    if (o.conditions && rng() % 4 == 0) {
      match += "    header \"X-T\" == \"" + std::to_string(rng() % 2) + "\"\n";
    }
    if (o.conditions && rng() % 6 == 0) {
      match += "    query \"q\" present\n";
    }
    if (o.conditions && params > 0 && rng() % 5 == 0) {
      match += "    when request.param(\"p0\") starts_with \"s1\"\n";
    }
    match += "  }\n";
    out += "route r" + std::to_string(r) + " {\n" + match + "  forward u\n}\n\n";
  }
  return out;
}

std::vector<GenRequest> randomRequests(uint64_t seed, uint32_t count, const GenOptions& o) {
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
  std::vector<GenRequest> out;
  for (uint32_t i = 0; i < count; ++i) {
    GenRequest r;
    r.method = kMethods[rng() % 6];
    std::string h = rng() % 5 == 0 ? "x.h0.example.com" : rng() % 7 == 0 ? "example.com"
                                                                         : host(rng, o.hosts);
    uint32_t depth = static_cast<uint32_t>(rng() % (o.maxDepth + 2));
    std::string path;
    for (uint32_t d = 0; d < depth; ++d) {
      path += "/" + (rng() % 8 == 0 ? std::string("zz") : word(rng, o.vocabulary + 1));
    }
    if (rng() % 10 == 0) {
      path += "/";
    }
    if (path.empty()) {
      path = "/";
    }
    r.url = "https://" + h + path + (rng() % 3 == 0 ? "?q=1" : "");
    if (rng() % 2 == 0) {
      r.headers.emplace_back("X-T", std::to_string(rng() % 2));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace gw::testgen
