#include "bench/match/route_gen.h"

namespace gw::bench {

namespace {
constexpr uint32_t kHosts = 4;
constexpr uint32_t kPerResource = 4;
std::string host(uint32_t i) { return "api" + std::to_string(i % kHosts) + ".example.com"; }
}  // namespace

std::string restPolicy(uint32_t routes) {
  std::string out = "upstream u {\n  server 127.0.0.1:9001\n}\n";
  uint32_t resources = (routes + kPerResource - 1) / kPerResource;
  for (uint32_t r = 0; r < resources; ++r) {
    std::string base = "/v1/r" + std::to_string(r);
    std::string h = host(r);
    std::string name = "r" + std::to_string(r);
    out += "route " + name + "_list {\n  match { host \"" + h + "\" path exact \"" + base +
           "\" method [GET, POST] }\n  forward u\n}\n";
    out += "route " + name + "_item {\n  match { host \"" + h + "\" path \"" + base +
           "/{id}\" method [GET, PUT, DELETE] }\n  forward u\n}\n";
    out += "route " + name + "_sub {\n  match { host \"" + h + "\" path \"" + base +
           "/{id}/items/{item}\" method GET }\n  forward u\n}\n";
    out += "route " + name + "_files {\n  match { host \"" + h + "\" path prefix \"" + base +
           "/files\" }\n  forward u\n}\n";
  }
  return out;
}

std::string staticPath(uint32_t routes) {
  return "/v1/r" + std::to_string(middleResource(routes));
}

std::string templatedPath(uint32_t routes) {
  return "/v1/r" + std::to_string(middleResource(routes)) + "/123/items/9";
}

std::string hostFor(uint32_t routes) { return host(middleResource(routes)); }

uint32_t resourceCount(uint32_t routes) { return (routes + kPerResource - 1) / kPerResource; }

uint32_t middleResource(uint32_t routes) { return routes / kPerResource / 2; }

std::string resourcePath(uint32_t r, bool templated) {
  return "/v1/r" + std::to_string(r) + (templated ? "/123/items/9" : "");
}

std::string resourceHost(uint32_t r) { return host(r); }

}  // namespace gw::bench
