#pragma once
// A route's body transforms (`compress`, `body json`) prepared for serving, and how a request
// is configured with them (docs/transforms.md). Built once per generation (immutable after);
// configure() runs on the worker thread of a request and only reads.
#include <string>

#include "compiler/policy/runtime_config.h"
#include "runtime/server/decision.h"
#include "runtime/server/request_context.h"
#include "runtime/transform/compress_rule.h"
#include "runtime/transform/json_edit.h"

namespace gw::gateway {

struct RouteTransforms {
  bool compresses = false;            ///< the route has `compress`
  transform::CompressRule compress;   ///< its codings and `min`
  transform::JsonEdits requestJson, responseJson;

  /// From the route's runtime config. False + `error` for an edit the runtime cannot perform.
  static bool build(const policy::RouteConfig& route, RouteTransforms& out, std::string* error);

  /// Points `action` at these transforms for one request: negotiates the coding from the
  /// request's Accept-Encoding fields; with a response `body json`, asks the upstream for an
  /// unencoded body (drops Accept-Encoding from the forwarded request).
  void configure(const server::RequestContext& req, server::ForwardAction& action) const;
};

}  // namespace gw::gateway
