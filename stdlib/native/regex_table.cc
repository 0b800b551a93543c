#include "stdlib/native/regex_table.h"

#include <re2/re2.h>

#include "gw/abi.h"

namespace gw::native {

RegexTable::RegexTable() = default;
RegexTable::~RegexTable() = default;

int RegexTable::add(const std::string& pattern, bool caseInsensitive, std::string* error) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_case_sensitive(!caseInsensitive);
  auto re = std::make_unique<RE2>(pattern, opts);
  if (!re->ok()) {
    if (error != nullptr) {
      *error = re->error();
    }
    return -1;
  }
  regexes_.push_back(std::move(re));
  return static_cast<int>(regexes_.size() - 1);
}

bool RegexTable::search(size_t index, const char* s, size_t len) const noexcept {
  if (index >= regexes_.size()) {
    return false;
  }
  return RE2::PartialMatch(re2::StringPiece(s, len), *regexes_[index]);
}

}  // namespace gw::native

extern "C" int32_t gw_regex_match(gw_eval_ctx* c, int64_t index, const char* s,
                                  size_t sl) noexcept {
  if (c == nullptr || c->regexes == nullptr || index < 0) {
    return 0;
  }
  const auto* table = static_cast<const gw::native::RegexTable*>(c->regexes);
  return table->search(static_cast<size_t>(index), s, sl);
}
