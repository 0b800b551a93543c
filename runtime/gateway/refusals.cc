#include "runtime/gateway/refusals.h"

namespace gw::gateway {

namespace {

void add(std::vector<std::string>& out, const std::string& where, const std::string& what) {
  out.push_back((where.empty() ? std::string("<policy>") : where) + ": " + what);
}

}  // namespace

std::vector<std::string> unsupportedConstructs(const policy::RuntimeConfig& c) {
  std::vector<std::string> out;
  for (const policy::UpstreamConfig& u : c.upstreams) {
    if (u.tls.present && u.health.enabled) {
      add(out, u.location,
          "`health` checks of TLS upstream `" + u.name + "` (active checks speak plain HTTP)");
    }
  }
  return out;
}

}  // namespace gw::gateway
