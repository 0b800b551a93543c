// The checker core: builds the symbol table, then runs every registered check. It knows no
// rule itself; rules live in checks/*.cc.
#include "compiler/sema/sema.h"

#include "compiler/sema/check_context.h"

namespace gw::sema {

namespace {

template <class T>
void add(Decls<T>& decls, const T& decl) {
  decls.list.push_back(&decl);
  decls.byName.emplace(decl.name.text, &decl);  // keeps the first; duplicates.cc reports
}

SymbolTable buildSymbols(const ast::Program& program) {
  SymbolTable table;
  for (const ast::File& f : program.files) {
    for (const ast::Upstream& u : f.upstreams) add(table.upstreams, u);
    for (const ast::Auth& a : f.auths) add(table.auths, a);
    for (const ast::Limit& l : f.limits) add(table.limits, l);
    for (const ast::Policy& p : f.policies) add(table.policies, p);
    for (const ast::Route& r : f.routes) add(table.routes, r);
    for (const ast::Test& t : f.tests) table.tests.push_back(&t);
    if (!table.gateway && !f.gateways.empty()) {
      table.gateway = &f.gateways.front();
    }
  }
  return table;
}

}  // namespace

SemaResult analyze(ast::Program& program, const SourceManager& sources, DiagnosticSink& diags,
                   const SemaOptions& options) {
  size_t errorsBefore = diags.errorCount();
  size_t warningsBefore = diags.warningCount();
  SemaResult result;
  result.symbols = buildSymbols(program);
  CheckContext ctx{program, sources, result.symbols, options, diags};
  for (const CheckEntry& check : allChecks()) {
    check.run(ctx);
  }
  result.errors = diags.errorCount() - errorsBefore;
  result.warnings = diags.warningCount() - warningsBefore;
  return result;
}

}  // namespace gw::sema
