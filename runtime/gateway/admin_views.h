#pragma once
// What the admin endpoints (runtime/admin) show of the gateway: the compiled route table for
// GET /routes and the policy status (version, source hash, last reload, each upstream server's
// health and breaker state) for GET /status and POST /reload. Pure functions of their inputs;
// called on the admin thread with a pinned generation.
#include <vector>

#include "runtime/admin/admin_types.h"
#include "runtime/gateway/generation.h"
#include "runtime/gateway/reloader.h"

namespace gw::gateway {

/// One entry per route, in policy order: methods, host and path pattern, upstreams, auth
/// providers, limits and whether it has authorization rules.
std::vector<admin::RouteEntry> routeTable(const Generation& g);

/// The status of `g` as the reloader last recorded it, plus every upstream server's state now.
admin::PolicyStatus policyStatus(const ReloadStatus& reload, const Generation& g);

}  // namespace gw::gateway
