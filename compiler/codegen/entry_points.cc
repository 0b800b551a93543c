#include "compiler/codegen/entry_points.h"

namespace gw::codegen {

std::string matchSymbol() { return "gw_match"; }
std::string functionSymbol(uint32_t fn) { return "gw_fn_" + std::to_string(fn); }
std::string authzSymbol(uint32_t route) { return "gw_authz_" + std::to_string(route); }

bool servedAsConstant(const ir::Function& f) {
  return f.result == ir::ValueKind::Str && f.nodes.size() == 1 && f.root == 0 &&
         f.nodes[0].op == ir::Op::ConstStr;
}

std::vector<std::string> entrySymbols(const SharedPrograms& shared, bool compiledMatch) {
  std::vector<std::string> names;
  if (compiledMatch) names.push_back(matchSymbol());
  for (uint32_t i = 0; i < shared.functions.size(); ++i) {
    if (shared.functions[i] == i) names.push_back(functionSymbol(i));
  }
  for (uint32_t r = 0; r < shared.authz.size(); ++r) {
    if (shared.authz[r] == r) names.push_back(authzSymbol(r));
  }
  return names;
}

}  // namespace gw::codegen
