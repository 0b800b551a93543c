// E0204: every regex literal compiles with RE2 (the runtime's engine: linear time, no
// backtracking); the literal decoder has already vetted the flags (only `i`).
#include <re2/re2.h>

#include "compiler/sema/check_context.h"
#include "compiler/sema/expr_sites.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

bool mentionsBacktracking(const std::string& p) {
  for (const char* needle : {"(?=", "(?!", "(?<=", "(?<!", "\\1", "\\2", "(?>", "++", "*+"}) {
    if (p.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

void checkRegex(CheckContext& ctx, const Lit& lit) {
  if (lit.kind != LitKind::Regex || !lit.span.valid()) {
    return;
  }
  if (lit.flags.find_first_not_of('i') != std::string::npos) {
    return;  // the literal decoder already reported the unknown flag
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_case_sensitive(lit.flags.empty());
  const std::string& pattern = lit.str;
  RE2 re(pattern, opts);
  if (re.ok()) {
    return;
  }
  Diagnostic& d = ctx.report(DiagCode::BadRegex, lit.span,
                             "invalid regular expression `" + lit.raw + "`: " + re.error());
  if (mentionsBacktracking(lit.str)) {
    d.help = "gw uses RE2 syntax (linear time): lookaround, backreferences and possessive "
             "quantifiers are not supported";
  }
}

void checkConditions(CheckContext& ctx, const std::vector<FieldCondition>& conds) {
  for (const FieldCondition& c : conds) {
    if (c.op == FieldCondition::Op::Matches && c.value) {
      checkRegex(ctx, *c.value);
    }
  }
}

}  // namespace

void checkRegexes(CheckContext& ctx) {
  forEachExpr(ctx.program, [&](const ExprRef& ref) {
    walkExpr(*ref.expr, [&](const Expr& e) {
      if (e.kind == ExprKind::Matches || e.kind == ExprKind::Literal) {
        checkRegex(ctx, e.lit);
      }
    });
  });
  for (const File& f : ctx.program.files) {
    for (const Route& r : f.routes) {
      if (r.match) {
        checkConditions(ctx, r.match->headers);
        checkConditions(ctx, r.match->queries);
      }
    }
  }
}

}  // namespace gw::sema
