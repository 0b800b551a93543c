#include "compiler/ir/ir.h"

#include <cstddef>

#include "gw/abi.h"

namespace gw::ir {

const char* valueKindName(ValueKind k) {
  switch (k) {
    case ValueKind::Void: return "void";
    case ValueKind::Bool: return "bool";
    case ValueKind::Int: return "int";
    case ValueKind::Str: return "str";
    case ValueKind::StrList: return "strlist";
    case ValueKind::Ip: return "ip";
    case ValueKind::Json: return "json";
    case ValueKind::Req: return "req";
    case ValueKind::Ctx: return "ctx";
  }
  return "?";
}

uint32_t Program::intern(const std::string& s) {
  auto it = internIndex_.find(s);
  if (it != internIndex_.end() && it->second < strings.size() && strings[it->second] == s) {
    return it->second;
  }
  strings.push_back(s);
  uint32_t id = static_cast<uint32_t>(strings.size() - 1);
  internIndex_[s] = id;
  return id;
}

namespace {

// Tokens of intrinsics.def, as ValueKinds.
constexpr ValueKind Req = ValueKind::Req;
constexpr ValueKind Ctx = ValueKind::Ctx;
constexpr ValueKind Str = ValueKind::Str;
constexpr ValueKind StrList = ValueKind::StrList;
constexpr ValueKind Int = ValueKind::Int;
constexpr ValueKind Bool = ValueKind::Bool;
constexpr ValueKind Ip = ValueKind::Ip;
constexpr ValueKind Json = ValueKind::Json;
constexpr ValueKind None = ValueKind::Void;

#define GW_ARGS(...) {__VA_ARGS__}
const IntrinsicInfo kIntrinsics[] = {
#define GW_INTRINSIC(id, cname, ret, args, doc) \
  {#cname, ret, std::vector<ValueKind> GW_ARGS args, reinterpret_cast<void*>(&cname), doc},
#include "gw/intrinsics.def"
};
#undef GW_ARGS

const FieldInfo kFields[] = {
#define GW_FIELD(id, member, ctype, kind, path, doc) \
  {#member, kind, path, offsetof(gw_request, member)},
#include "gw/abi_fields.def"
};

}  // namespace

const IntrinsicInfo& intrinsicInfo(IntrinsicId id) {
  return kIntrinsics[static_cast<size_t>(id)];
}

const FieldInfo& fieldInfo(FieldId id) { return kFields[static_cast<size_t>(id)]; }

}  // namespace gw::ir
