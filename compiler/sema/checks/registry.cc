// The list of checks, expanded from checks.def.
#include "compiler/sema/check_context.h"

namespace gw::sema {

#define GW_CHECK(name, file) void check##name(CheckContext& ctx);
#include "compiler/sema/checks/checks.def"
#undef GW_CHECK

const std::vector<CheckEntry>& allChecks() {
  static const std::vector<CheckEntry> checks = {
#define GW_CHECK(name, file) {file, &check##name},
#include "compiler/sema/checks/checks.def"
#undef GW_CHECK
  };
  return checks;
}

}  // namespace gw::sema
