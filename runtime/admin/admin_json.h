#pragma once
// JSON bodies of the admin endpoints. Invalid UTF-8 in user-supplied strings is replaced, so
// every body is valid JSON. Pure functions.
#include <chrono>
#include <string>
#include <vector>

#include "runtime/admin/admin_types.h"

namespace gw::admin {

/// RFC 3339 UTC with milliseconds; "" for the epoch (never set).
std::string rfc3339(std::chrono::system_clock::time_point t);

/// [{"name":..,"methods":[..],"host":..,"path":..,"upstreams":[..],"authenticate":[..],
///   "limits":[..],"authorize":bool}, ...]
std::string routesJson(const std::vector<RouteEntry>& routes);

/// {"version":..,"source_hash":..,"backend":..,"loaded_at":..,"routes":N,"sources":[..],
///  "draining":bool,"last_reload":null|{"ok":..,"at":..,"trigger":..,"diagnostics":[..]},
///  "servers":[{"upstream":..,"server":..,"healthy":bool,"breaker":null|..,"inflight":N}]}
std::string statusJson(const PolicyStatus& status, bool draining);

/// POST /reload bodies: {"ok":true,"status":{...}} and {"ok":false,"diagnostics":[..]}.
std::string reloadOkJson(const PolicyStatus& status, bool draining);
std::string reloadFailedJson(const ReloadOutcome& outcome);

}  // namespace gw::admin
