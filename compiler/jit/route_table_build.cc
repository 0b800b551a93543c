#include "compiler/jit/route_table_build.h"

namespace gw::jit {

std::unique_ptr<native::RouteTable> buildRouteTable(const ir::Program& program) {
  const ir::MatchTree& tree = program.matcher;
  auto table = std::make_unique<native::RouteTable>();
  for (const ir::MatchCandidate& c : tree.candidates) {
    std::string_view host = c.hostKind == ir::HostKind::Any ? std::string_view() : program.strings[c.host];
    table->addCandidate(c.route, static_cast<native::RouteTable::Host>(c.hostKind), host, c.methodMask,
                        c.cond);
  }
  for (const ir::MatchNode& n : tree.nodes) {
    table->addNode(n.paramChild, n.terminal.first, n.terminal.count, n.prefix.first, n.prefix.count);
  }
  for (uint32_t i = 0; i < tree.nodes.size(); ++i) {
    for (const ir::LiteralEdge& e : tree.nodes[i].edges) {
      table->addEdge(i, program.strings[e.segment], e.child);
    }
  }
  table->finish();
  return table;
}

}  // namespace gw::jit
