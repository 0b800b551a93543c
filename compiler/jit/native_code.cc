#include "compiler/jit/native_code.h"

#include <string_view>

#include "compiler/codegen/entry_points.h"
#include "compiler/jit/native_symbols.h"
#include "compiler/jit/route_table_build.h"
#include "compiler/link/code_image.h"
#include "compiler/link/elf_object.h"
#include "compiler/link/perf_map.h"

namespace gw::jit {

namespace {

/// Parses and links `bytes`; every name of `entries` must be defined by the object, so a
/// missing entry point is a link error here rather than a null call later. `addresses`
/// receives each entry's address, in `entries` order.
std::unique_ptr<link::CodeImage> linkImage(std::string_view bytes, const std::vector<std::string>& entries,
                                           std::vector<uint64_t>* addresses, std::string* error) {
  auto elf = link::ElfObject::parse(bytes, error);
  if (!elf) return nullptr;
  auto image = link::CodeImage::link(*elf, nativeSymbolAddress, error);
  if (!image) return nullptr;
  addresses->clear();
  addresses->reserve(entries.size());
  for (const std::string& name : entries) {
    uint64_t address = image->address(name);
    if (address == 0) {
      *error = "the policy's code does not define `" + name + "`";
      return nullptr;
    }
    addresses->push_back(address);
  }
  link::recordPerfMap(*image);
  return image;
}

}  // namespace

NativeCode::~NativeCode() = default;

gw_bool_fn NativeCode::boolFunction(uint32_t fn) const {
  return fn < functions_.size() ? reinterpret_cast<gw_bool_fn>(functions_[fn]) : nullptr;
}

gw_str_fn NativeCode::strFunction(uint32_t fn) const {
  return fn < functions_.size() ? reinterpret_cast<gw_str_fn>(functions_[fn]) : nullptr;
}

gw_bool_fn NativeCode::authzFunction(uint32_t route) const {
  return route < authz_.size() ? reinterpret_cast<gw_bool_fn>(authz_[route]) : nullptr;
}

policy::AuthzResult NativeCode::authorize(const policy::CompiledPolicy& policy, uint32_t route,
                                          const gw_request& req, gw_eval_ctx& ctx) const {
  gw_bool_fn fn = authzFunction(route);
  if (fn == nullptr) {
    return policy.authorize(route, req, ctx);  // no `authorize`: the facade's trivial answer
  }
  codegen::AuthzDecision d = codegen::unpackAuthz(fn(&req, &ctx));
  const policy::Route& r = policy.routes()[route];
  policy::AuthzResult res;
  res.allow = d.allow;
  res.rule = d.rule;
  if (d.policy >= 0) {
    const policy::PolicyPlan& plan = r.authz[static_cast<size_t>(d.policy)];
    res.policy = plan.name;
    if (d.rule >= 0) {
      res.ruleText = plan.rules[static_cast<size_t>(d.rule)].text;
    }
  }
  return res;
}

void NativeCode::runMatch(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out) const {
  if (match_ != nullptr) {
    match_(&req, &ctx, &out);
    return;
  }
  auto cond = [](const void* self, uint32_t fn, const gw_request* r, gw_eval_ctx* c) -> int32_t {
    return reinterpret_cast<gw_bool_fn>(static_cast<const NativeCode*>(self)->functions_[fn])(r, c);
  };
  table_->match(req, ctx, out, cond, this);
}

policy::PolicyCode NativeCode::policyCode() const {
  policy::PolicyCode c;
  c.self = this;
  c.match = [](const void* self, const gw_request* r, gw_eval_ctx* ctx, gw_match_result* out) {
    static_cast<const NativeCode*>(self)->runMatch(*r, *ctx, *out);
  };
  c.evalBool = [](const void* self, uint32_t fn, const gw_request* r, gw_eval_ctx* ctx) {
    gw_bool_fn f = static_cast<const NativeCode*>(self)->boolFunction(fn);
    return f ? f(r, ctx) : 0;
  };
  c.evalStr = [](const void* self, uint32_t fn, const gw_request* r, gw_eval_ctx* ctx, gw_str* out) {
    const auto* code = static_cast<const NativeCode*>(self);
    gw_str_fn f = code->strFunction(fn);
    if (f) {
      f(r, ctx, out);
    } else {
      *out = fn < code->constants_.size() ? code->constants_[fn] : gw_str{"", 0};
    }
  };
  return c;
}

std::unique_ptr<NativeCode> linkObject(const policy::CompiledPolicy& policy,
                                       const NativeObject& object, std::string* error) {
  return linkObject(policy, object.object, object.symbols, object.shared, error);
}

std::unique_ptr<NativeCode> linkObject(const policy::CompiledPolicy& policy, std::string_view objectBytes,
                                       const std::vector<std::string>& symbols,
                                       const codegen::SharedPrograms& sharing, std::string* error) {
  auto fail = [&](std::string message) -> std::unique_ptr<NativeCode> {
    if (error) *error = std::move(message);
    return nullptr;
  };
  // The object says how it matches: with a compiled gw_match, or through the route table.
  bool compiledMatch = !symbols.empty() && symbols[0] == codegen::matchSymbol();
  std::string why;
  if (!codegen::validSharing(policy, sharing, &why)) {
    return fail("the object's " + why);
  }
  std::vector<std::string> expected = codegen::entrySymbols(sharing, compiledMatch);
  if (symbols != expected) {
    return fail("the object's entry points do not match its policy tables");
  }
  std::unique_ptr<NativeCode> code(new NativeCode());
  code->objectSize_ = objectBytes.size();
  std::vector<uint64_t> entryAddresses;
  code->image_ = linkImage(objectBytes, expected, &entryAddresses, &why);
  if (!code->image_) {
    return fail("cannot link the policy's native code: " + why);
  }
  const ir::Program& ir = policy.ir();
  const codegen::SharedPrograms& shared = sharing;
  size_t fns = ir.functions.size();
  // Each canonical program's and route's address, read off `entryAddresses` in entrySymbols'
  // order, so that no symbol name is built or looked up again per program and route.
  std::vector<uint64_t> canonicalFn(fns, 0), canonicalAuthz(policy.routes().size(), 0);
  size_t next = 0;
  if (compiledMatch) {
    code->match_ = reinterpret_cast<gw_match_fn>(entryAddresses[next++]);
  } else {
    code->table_ = buildRouteTable(policy.ir());
  }
  for (uint32_t i = 0; i < fns; ++i) {
    if (shared.functions[i] == i) canonicalFn[i] = entryAddresses[next++];
  }
  for (uint32_t r = 0; r < canonicalAuthz.size(); ++r) {
    if (shared.authz[r] == r) canonicalAuthz[r] = entryAddresses[next++];
  }
  code->functions_.resize(fns);
  code->constants_.assign(fns, gw_str{"", 0});
  for (uint32_t i = 0; i < fns; ++i) {
    const ir::Function& f = ir.functions[i];
    if (shared.functions[i] != codegen::SharedPrograms::kNone) {
      // A repeat runs its canonical copy's code (validSharing: same result kind).
      code->functions_[i] = reinterpret_cast<void*>(canonicalFn[shared.functions[i]]);
    } else if (f.nodes[0].imm >= 0 && static_cast<size_t>(f.nodes[0].imm) < ir.strings.size()) {
      // Points into the policy's pool: the policy outlives every call through this code.
      const std::string& value = ir.strings[static_cast<size_t>(f.nodes[0].imm)];
      code->constants_[i] = gw_str{value.data(), value.size()};
    }
  }
  code->authz_.assign(policy.routes().size(), nullptr);
  for (uint32_t r = 0; r < policy.routes().size(); ++r) {
    if (shared.authz[r] != codegen::SharedPrograms::kNone) {
      code->authz_[r] = reinterpret_cast<void*>(canonicalAuthz[shared.authz[r]]);
    }
  }
  code->shared_ = shared;
  return code;
}

std::shared_ptr<const policy::CompiledPolicy> attachNative(std::shared_ptr<policy::CompiledPolicy> policy,
                                                           std::shared_ptr<NativeCode> code) {
  struct Generation {
    std::shared_ptr<NativeCode> code;  // destroyed after the policy stops being reachable
    std::shared_ptr<policy::CompiledPolicy> policy;
  };
  policy->installCode(code->policyCode());
  auto generation = std::make_shared<Generation>(Generation{std::move(code), policy});
  return std::shared_ptr<const policy::CompiledPolicy>(generation, generation->policy.get());
}

}  // namespace gw::jit
