#include "runtime/gateway/json_set_values.h"

namespace gw::gateway {

void evalJsonSets(const policy::CompiledPolicy& p, const std::vector<policy::JsonSetValue>& sets,
                  const gw_request& req, gw_eval_ctx& ctx, std::vector<transform::JsonValue>& out) {
  out.resize(sets.size());
  for (size_t i = 0; i < sets.size(); ++i) {
    const policy::JsonSetValue& s = sets[i];
    transform::JsonValue& v = out[i];
    v.text.clear();
    v.flag = false;
    ctx.scratch_used = 0;  // each value is copied out before the next evaluation
    switch (s.kind) {
      case policy::JsonSetValue::Kind::kBool:
        v.kind = transform::JsonValue::Kind::kBool;
        v.flag = p.evalBool(s.value, req, ctx);
        break;
      case policy::JsonSetValue::Kind::kNumber:
        v.kind = transform::JsonValue::Kind::kNumber;
        v.text.assign(p.evalString(s.value, req, ctx));
        break;
      case policy::JsonSetValue::Kind::kString:
        v.kind = transform::JsonValue::Kind::kString;
        v.text.assign(p.evalString(s.value, req, ctx));
        break;
    }
  }
}

}  // namespace gw::gateway
