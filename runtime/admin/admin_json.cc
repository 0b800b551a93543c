#include "runtime/admin/admin_json.h"

#include <ctime>
#include <nlohmann/json.hpp>

namespace gw::admin {

namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Json statusObject(const PolicyStatus& s, bool draining) {
  Json j;
  j["version"] = s.version;
  j["source_hash"] = s.sourceHash;
  j["backend"] = s.backend;
  j["loaded_at"] = rfc3339(s.loadedAt);
  j["routes"] = s.routes;
  j["sources"] = s.sources;
  j["draining"] = draining;
  if (s.lastReload) {
    const ReloadReport& r = *s.lastReload;
    j["last_reload"] = Json{{"ok", r.ok},
                            {"at", rfc3339(r.at)},
                            {"trigger", r.trigger},
                            {"diagnostics", r.diagnostics}};
  } else {
    j["last_reload"] = nullptr;
  }
  Json servers = Json::array();
  for (const ServerState& srv : s.servers) {
    servers.push_back(Json{{"upstream", srv.upstream},
                           {"server", srv.server},
                           {"healthy", srv.healthy},
                           {"breaker", srv.breaker.empty() ? Json(nullptr) : Json(srv.breaker)},
                           {"inflight", srv.inflight}});
  }
  j["servers"] = std::move(servers);
  return j;
}

}  // namespace

std::string rfc3339(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  if (t == system_clock::time_point{}) {
    return "";
  }
  std::int64_t ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t sec = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&sec, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms - static_cast<std::int64_t>(sec) * 1000));
  return buf;
}

std::string routesJson(const std::vector<RouteEntry>& routes) {
  Json arr = Json::array();
  for (const RouteEntry& r : routes) {
    arr.push_back(Json{{"name", r.name},
                       {"methods", r.methods},
                       {"host", r.host},
                       {"path", r.path},
                       {"upstreams", r.upstreams},
                       {"authenticate", r.authenticate},
                       {"limits", r.limits},
                       {"authorize", r.authorize}});
  }
  return dump(arr);
}

std::string statusJson(const PolicyStatus& status, bool draining) {
  return dump(statusObject(status, draining));
}

std::string reloadOkJson(const PolicyStatus& status, bool draining) {
  Json j;
  j["ok"] = true;
  j["status"] = statusObject(status, draining);
  return dump(j);
}

std::string reloadFailedJson(const ReloadOutcome& outcome) {
  Json j;
  j["ok"] = false;
  j["diagnostics"] = outcome.diagnostics;
  return dump(j);
}

}  // namespace gw::admin
