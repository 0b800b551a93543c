// E0108: a name declared twice (per kind, across every included file), a test name used twice,
// a name listed twice in one reference list; E0305: more than one gateway block.
#include <unordered_map>

#include "compiler/sema/check_context.h"

namespace gw::sema {

namespace {

template <class T>
void duplicateDecls(CheckContext& ctx, const Decls<T>& decls, const char* kind) {
  for (const T* decl : decls.list) {
    const T* first = decls.find(decl->name.text);
    if (first && first != decl) {
      ctx.report(DiagCode::DuplicateName, decl->name.span,
                 std::string(kind) + " `" + decl->name.text + "` is declared more than once")
          .notes.push_back({"first declared here", first->name.span});
    }
  }
}

void duplicateRefs(CheckContext& ctx, const std::vector<ast::Ident>& refs, const char* what) {
  for (size_t i = 1; i < refs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (refs[i].text == refs[j].text) {
        ctx.report(DiagCode::DuplicateName, refs[i].span,
                   "`" + refs[i].text + "` is listed twice in `" + what + "`")
            .help = "remove the second one";
        break;
      }
    }
  }
}

}  // namespace

void checkDuplicates(CheckContext& ctx) {
  const SymbolTable& s = ctx.symbols;
  duplicateDecls(ctx, s.upstreams, "upstream");
  duplicateDecls(ctx, s.auths, "auth provider");
  duplicateDecls(ctx, s.limits, "limit");
  duplicateDecls(ctx, s.policies, "policy");
  duplicateDecls(ctx, s.routes, "route");

  std::unordered_map<std::string, const ast::Test*> tests;
  for (const ast::Test* t : s.tests) {
    auto [it, fresh] = tests.emplace(t->name.str, t);
    if (!fresh) {
      ctx.report(DiagCode::DuplicateName, t->name.span,
                 "test `" + t->name.str + "` is declared more than once")
          .notes.push_back({"first declared here", it->second->name.span});
    }
  }

  for (const ast::File& f : ctx.program.files) {
    for (const ast::Gateway& g : f.gateways) {
      if (&g != s.gateway) {
        Diagnostic& d = ctx.report(DiagCode::MultipleGateways, g.span,
                                   "more than one `gateway` block");
        d.notes.push_back({"the first gateway block is here", s.gateway->span});
        d.help = "merge the settings into one `gateway` block";
      }
      duplicateRefs(ctx, g.limits, "limit");
    }
    for (const ast::Route& r : f.routes) {
      duplicateRefs(ctx, r.limits, "limit");
      if (r.authenticate) {
        duplicateRefs(ctx, r.authenticate->providers, "authenticate");
      }
      if (r.authorize) {
        duplicateRefs(ctx, r.authorize->policies, "authorize");
      }
      for (size_t i = 1; i < r.aggregate.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
          if (r.aggregate[i].field.text == r.aggregate[j].field.text) {
            ctx.report(DiagCode::DuplicateName, r.aggregate[i].field.span,
                       "aggregate field `" + r.aggregate[i].field.text + "` is given twice")
                .notes.push_back({"first given here", r.aggregate[j].field.span});
            break;
          }
        }
      }
    }
  }
}

}  // namespace gw::sema
