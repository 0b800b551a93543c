// E0308: HTTP methods in `match { method ... }`, a route's `retry_methods` and test requests
// are known, upper-case method names; a method listed twice is E0108.
#include <cctype>

#include "compiler/sema/check_context.h"
#include "compiler/sema/schema.h"
#include "compiler/sema/suggest.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

void unknownMethod(CheckContext& ctx, const std::string& name, Span span) {
  Diagnostic& d = ctx.report(DiagCode::BadMethod, span, "unknown HTTP method `" + name + "`");
  std::string help = didYouMean(name, methodNames());
  bool caseOnly = false;
  if (auto best = closestName(name, methodNames())) {
    caseOnly = best->size() == name.size() && !std::isupper(static_cast<unsigned char>(name[0]));
  }
  d.help = caseOnly ? help + " methods are written in upper case" : help;
  if (d.help.empty()) {
    d.help = "methods are GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT, TRACE";
  }
}

void checkItem(CheckContext& ctx, const Expr& item, uint32_t& seen) {
  if (item.kind == ExprKind::Literal && item.lit.kind == LitKind::String) {
    ctx.report(DiagCode::BadMethod, item.span, "methods are bare names, not strings")
        .help = "write `" + item.lit.str + "` without quotes";
    return;
  }
  if (item.kind != ExprKind::Path || item.path.size() != 1) {
    ctx.report(DiagCode::BadMethod, item.span, "expected an HTTP method such as `GET`");
    return;
  }
  std::string name = item.dottedPath();
  int idx = methodIndex(name);
  if (idx < 0) {
    unknownMethod(ctx, name, item.span);
    return;
  }
  if (seen & (1u << idx)) {
    ctx.report(DiagCode::DuplicateName, item.span, "method `" + name + "` is listed twice")
        .help = "remove the second one";
  }
  seen |= 1u << idx;
}

// A method or a list of methods; `emptyHelp` says what to do about an empty list.
void checkMethodList(CheckContext& ctx, const Expr& m, const char* emptyHelp) {
  uint32_t seen = 0;
  if (m.kind == ExprKind::List) {
    if (m.items.empty()) {
      ctx.report(DiagCode::BadMethod, m.span, "the method list is empty").help = emptyHelp;
    }
    for (const ExprPtr& item : m.items) {
      if (item) {
        checkItem(ctx, *item, seen);
      }
    }
  } else {
    checkItem(ctx, m, seen);
  }
}

}  // namespace

void checkMethods(CheckContext& ctx) {
  for (const File& f : ctx.program.files) {
    for (const Route& r : f.routes) {
      if (r.match && r.match->methods) {
        checkMethodList(ctx, *r.match->methods,
                        "list at least one method, or remove `method` to match every method");
      }
      if (r.retryMethods) {
        checkMethodList(ctx, *r.retryMethods,
                        "list the methods to retry, e.g. `retry_methods [POST]`, or remove it");
      }
    }
    for (const Test& t : f.tests) {
      if (t.request && methodIndex(t.request->method.text) < 0) {
        unknownMethod(ctx, t.request->method.text, t.request->method.span);
      }
    }
  }
}

}  // namespace gw::sema
