#include "runtime/gateway/route_transforms.h"

namespace gw::gateway {

namespace {

bool buildEdits(const std::vector<policy::JsonOpConfig>& ops, transform::JsonEdits& out,
                std::string* error) {
  std::vector<transform::JsonOp> edits;
  std::size_t sets = 0;
  for (const policy::JsonOpConfig& op : ops) {
    transform::JsonOp e;
    if (op.op == "rename") {
      e.kind = transform::JsonOp::Kind::kRename;
      e.to = transform::splitFieldPath(op.to);
    } else if (op.op == "remove") {
      e.kind = transform::JsonOp::Kind::kRemove;
    } else if (op.op == "set") {
      e.kind = transform::JsonOp::Kind::kSet;
      e.slot = sets++;  // the k-th `set` takes the k-th value program of the route
    } else {
      *error = op.location + ": `" + op.op + "` in `body json` is not supported by the runtime";
      return false;
    }
    e.from = transform::splitFieldPath(op.from);
    edits.push_back(std::move(e));
  }
  out = transform::JsonEdits(std::move(edits));
  return true;
}

}  // namespace

bool RouteTransforms::build(const policy::RouteConfig& route, RouteTransforms& out,
                            std::string* error) {
  out.compresses = !route.compress.empty();
  if (out.compresses) {
    for (const std::string& name : route.compression.encodings) {
      transform::Coding c;
      if (!transform::parseCoding(name, c) || c == transform::Coding::kIdentity) {
        *error = route.compress + ": unknown compress encoding `" + name + "`";
        return false;
      }
      out.compress.codings.push_back(c);
    }
    if (out.compress.codings.empty()) {
      out.compress.codings = {transform::Coding::kBrotli, transform::Coding::kGzip};
    }
    out.compress.minBytes = static_cast<std::uint64_t>(std::max<int64_t>(0, route.compression.minBytes));
  }
  return buildEdits(route.requestJson, out.requestJson, error) &&
         buildEdits(route.responseJson, out.responseJson, error);
}

void RouteTransforms::configure(const server::RequestContext& req,
                                server::ForwardAction& action) const {
  if (!requestJson.empty()) action.requestJson = &requestJson;
  if (!responseJson.empty()) {
    action.responseJson = &responseJson;
    action.requestHeaders.remove.emplace_back("Accept-Encoding");
  }
  if (!compresses) return;
  action.compress = &compress;
  transform::AcceptEncoding accept;
  if (req.head != nullptr) {
    for (const http::Header& h : req.head->headers) {
      if (http::iequals(h.name, "accept-encoding")) accept.add(h.value);
    }
  }
  action.coding = accept.choose(compress.codings);
  action.identityRefused = accept.present() && accept.quality(transform::Coding::kIdentity) == 0;
}

}  // namespace gw::gateway
