#include "runtime/transform/json_edit.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace gw::transform {

namespace {

using Json = nlohmann::ordered_json;  // keeps the upstream's member order

/// The object holding the last segment of `path`, or nullptr. With `create`, missing
/// intermediate members become empty objects; a non-object on the way always fails.
Json* parentOf(Json& doc, const std::vector<std::string>& path, bool create) {
  Json* cur = &doc;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(path[i]);
    if (it == cur->end()) {
      if (!create) return nullptr;
      cur = &(*cur)[path[i]];  // operator[] on an object inserts; never throws here
      *cur = Json::object();
      continue;
    }
    cur = &it.value();
  }
  return cur->is_object() ? cur : nullptr;
}

/// True when every proper prefix of `path` is absent or an object (so `to` can be created).
bool canCreate(const Json& doc, const std::vector<std::string>& path) {
  const Json* cur = &doc;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    auto it = cur->find(path[i]);
    if (it == cur->end()) return true;
    if (!it->is_object()) return false;
    cur = &*it;
  }
  return true;
}

Json toJson(const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::kBool: return Json(v.flag);
    case JsonValue::Kind::kNumber: {
      std::int64_t n = 0;
      const char* end = v.text.data() + v.text.size();
      auto res = std::from_chars(v.text.data(), end, n);
      if (res.ec == std::errc() && res.ptr == end) return Json(n);
      return Json(nullptr);  // not an integer (cannot happen for an int program): null
    }
    case JsonValue::Kind::kString: break;
  }
  return Json(v.text);
}

/// `set P = v`: replaces the value at P in place, or adds P last in its parent, creating missing
/// intermediate objects; skipped when a prefix of P is a non-object value.
void setValue(Json& doc, const JsonOp& op, std::span<const JsonValue> values) {
  if (op.slot >= values.size() || !canCreate(doc, op.from)) return;
  Json* parent = parentOf(doc, op.from, true);
  if (parent == nullptr) return;
  (*parent)[op.from.back()] = toJson(values[op.slot]);  // ordered_json keeps an existing slot
}

void applyOp(Json& doc, const JsonOp& op, std::span<const JsonValue> values) {
  if (op.from.empty()) return;
  if (op.kind == JsonOp::Kind::kSet) {
    setValue(doc, op, values);
    return;
  }
  Json* parent = parentOf(doc, op.from, false);
  if (parent == nullptr) return;
  auto it = parent->find(op.from.back());
  if (it == parent->end()) return;
  if (op.kind == JsonOp::Kind::kRemove) {
    parent->erase(it);
    return;
  }
  if (op.to.empty() || op.to == op.from || !canCreate(doc, op.to)) return;
  Json value = std::move(it.value());
  parent->erase(it);
  Json* target = parentOf(doc, op.to, true);
  if (target == nullptr) return;  // unreachable after canCreate; keeps the invariant local
  auto existing = target->find(op.to.back());
  if (existing != target->end()) target->erase(existing);
  (*target)[op.to.back()] = std::move(value);
}

}  // namespace

std::vector<std::string> splitFieldPath(std::string_view dotted) {
  std::vector<std::string> out;
  while (true) {
    std::size_t dot = dotted.find('.');
    out.emplace_back(dotted.substr(0, dot));
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  return out;
}

bool JsonEdits::hasSets() const {
  for (const JsonOp& op : ops_) {
    if (op.kind == JsonOp::Kind::kSet) return true;
  }
  return false;
}

JsonEditStatus JsonEdits::apply(std::string_view in, std::string& out,
                                std::span<const JsonValue> values) const {
  Json doc = Json::parse(in.begin(), in.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return JsonEditStatus::kInvalid;
  if (doc.is_object()) {
    for (const JsonOp& op : ops_) applyOp(doc, op, values);
  }
  // The parser accepted only valid UTF-8, so the replace handler never fires; it keeps dump()
  // exception-free by construction.
  out = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  return JsonEditStatus::kEdited;
}

}  // namespace gw::transform
