#include "runtime/auth/strict_json.h"

#include <string>
#include <utility>
#include <vector>

namespace gw::auth {
namespace {

using Json = nlohmann::json;

/// SAX handler that builds the DOM itself so it can stop at duplicate keys and deep nesting.
class StrictBuilder {
 public:
  explicit StrictBuilder(std::size_t maxDepth) : maxDepth_(maxDepth) {}

  bool null() { return put(Json(nullptr)) != nullptr; }
  bool boolean(bool v) { return put(Json(v)) != nullptr; }
  bool number_integer(Json::number_integer_t v) { return put(Json(v)) != nullptr; }
  bool number_unsigned(Json::number_unsigned_t v) { return put(Json(v)) != nullptr; }
  bool number_float(Json::number_float_t v, const std::string&) { return put(Json(v)) != nullptr; }
  bool string(std::string& v) { return put(Json(std::move(v))) != nullptr; }
  bool binary(Json::binary_t&) { return false; }

  bool start_object(std::size_t) { return open(Json::object()); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_array() { return close(); }

  bool key(std::string& name) {
    const Json* parent = stack_.back();
    if (parent->contains(name)) {
      return false;
    }
    pendingKey_ = std::move(name);
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

  Json takeRoot() { return std::move(root_); }

 private:
  bool open(Json&& container) {
    if (stack_.size() >= maxDepth_) {
      return false;
    }
    Json* slot = put(std::move(container));
    stack_.push_back(slot);
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  // Pointers on the stack stay valid: a container only grows while it is the innermost open one,
  // and object members live in a node-based map.
  Json* put(Json&& value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json* parent = stack_.back();
    if (parent->is_array()) {
      auto& array = parent->get_ref<Json::array_t&>();
      array.push_back(std::move(value));
      return &array.back();
    }
    auto& object = parent->get_ref<Json::object_t&>();
    auto [it, inserted] = object.emplace(std::move(pendingKey_), std::move(value));
    return &it->second;
  }

  std::size_t maxDepth_;
  Json root_;
  std::vector<Json*> stack_;
  std::string pendingKey_;
};

}  // namespace

std::optional<nlohmann::json> parseStrictJson(std::string_view text, std::size_t maxDepth) {
  StrictBuilder builder(maxDepth);
  if (!Json::sax_parse(text.begin(), text.end(), &builder)) {
    return std::nullopt;
  }
  return builder.takeRoot();
}

}  // namespace gw::auth
