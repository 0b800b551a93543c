#pragma once
// The per-request values of a route's `body json { set "P" = E }` edits: each `set`'s compiled
// program evaluated on the request view when the request is decided (docs/transforms.md), so a
// response edit sees the request's identity after the view moved on to other requests.
#include <vector>

#include "compiler/policy/compiled_policy.h"
#include "runtime/transform/json_edit.h"

namespace gw::gateway {

/// Fills `out` (resized; strings keep their capacity) with one value per entry of `sets`.
/// ctx must carry the route's params; its scratch is reused between values.
void evalJsonSets(const policy::CompiledPolicy& p, const std::vector<policy::JsonSetValue>& sets,
                  const gw_request& req, gw_eval_ctx& ctx, std::vector<transform::JsonValue>& out);

}  // namespace gw::gateway
