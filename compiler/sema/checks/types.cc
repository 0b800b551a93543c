// Types every expression of the program (writing Expr::type) and checks it against what its
// site expects: E0106/E0107/E0201..E0206/E0308 inside expressions, E0201/E0205 for the site.
#include "compiler/sema/check_context.h"
#include "compiler/sema/expr_sites.h"
#include "compiler/sema/expr_typer.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

std::string quoted(const Type& t) { return "`" + typeName(t) + "`"; }

bool isBareName(const Expr& e) { return e.kind == ExprKind::Path && e.path.size() == 1; }

// Lists of symbolic names: bare names become strings (or methods) without diagnostics; the
// setting's own check validates them.
void typeNameList(Expr& e, ExprTyper& typer, ExprSite site) {
  bool methodSite = site == ExprSite::Methods;
  auto one = [&](Expr& item) -> Type {
    if (isBareName(item)) {
      return ExprTyper::typeBareName(item, methodSite);
    }
    return typer.type(item);
  };
  if (e.kind != ExprKind::List) {
    one(e);
    return;
  }
  TypeKind elem = TypeKind::Unknown;
  bool bad = false;
  for (ExprPtr& item : e.items) {
    if (!item) {
      bad = true;
      continue;
    }
    Type t = one(*item);
    if (t.isError() || t.kind == TypeKind::List) {
      bad = true;
      continue;
    }
    if (elem == TypeKind::Unknown) {
      elem = t.kind;
    } else if (elem != t.kind) {
      // retry `on [502, connect_error]` mixes status codes and names: a list of strings.
      elem = site == ExprSite::RetryOn ? TypeKind::String : TypeKind::Error;
    }
  }
  if (bad && methodSite) {
    e.type = Type::of(TypeKind::Error);
    return;
  }
  e.type = Type::list(elem == TypeKind::Error ? TypeKind::String : elem);
}

void mismatch(CheckContext& ctx, const ExprRef& ref, const std::string& expected,
              std::string help = "") {
  ctx.report(DiagCode::TypeMismatch, ref.expr->span,
             std::string("the ") + ref.what + " must be " + expected + ", found " +
                 quoted(ref.expr->type))
      .help = std::move(help);
}

void checkRuleList(CheckContext& ctx, const ExprRef& ref, ExprTyper& typer) {
  Expr& e = *ref.expr;
  for (ExprPtr& item : e.items) {
    if (item && isBareName(*item)) {
      std::string name = item->dottedPath();
      ctx.report(DiagCode::TypeMismatch, item->span,
                 std::string(ref.what) + " are strings: `" + name + "` must be quoted")
          .help = "write `\"" + name + "\"`";
      item->type = Type::of(TypeKind::Error);
    }
  }
  Type t = typer.type(e);
  if (!t.isError() && t.kind == TypeKind::List && t.elem == TypeKind::Unknown) {
    e.type = Type::list(TypeKind::String);
  } else if (!t.isError() && t != Type::list(TypeKind::String)) {
    mismatch(ctx, ref, "a list of strings");
  }
}

// `key tuple(a, b, ...)`: a composite key. Each part is one value of any scalar type (parts need not
// share a type, unlike a list value); the key itself is text.
void checkCompositeKey(CheckContext& ctx, const ExprRef& ref, ExprTyper& typer) {
  Expr& e = *ref.expr;
  e.type = Type::of(TypeKind::String);
  if (e.items.size() < 2) {
    ctx.report(DiagCode::TypeMismatch, e.span,
               std::string("a composite ") + ref.what + " needs two or more values")
        .help = e.items.empty() ? "name the values to key by: `tuple(auth.subject, route.name)`"
                                : "write the value alone, without `tuple(...)`";
  }
  for (ExprPtr& item : e.items) {
    if (!item) continue;
    Type t = typer.type(*item);
    if (!t.isError() && !isScalarKey(t)) {
      ctx.report(DiagCode::TypeMismatch, item->span,
                 std::string("each part of a composite ") + ref.what +
                     " must be one value (string, int, bool, ip, method or claim), found " +
                     quoted(t));
    }
  }
}

void checkSite(CheckContext& ctx, const ExprRef& ref, ExprTyper& typer) {
  Expr& e = *ref.expr;
  if (ref.site == ExprSite::Key && isTupleKey(e)) {
    checkCompositeKey(ctx, ref, typer);
    return;
  }
  switch (ref.site) {
    case ExprSite::Methods:
    case ExprSite::Names:
    case ExprSite::RetryOn:
      typeNameList(e, typer, ref.site);
      return;
    case ExprSite::RuleList:
      checkRuleList(ctx, ref, typer);
      return;
    default:
      break;
  }
  Type t = typer.type(e);
  if (t.isError()) {
    return;
  }
  bool emptyList = t.kind == TypeKind::List && t.elem == TypeKind::Unknown;
  switch (ref.site) {
    case ExprSite::Condition:
      if (!isBoolLike(t)) {
        Diagnostic& d = ctx.report(DiagCode::NotBool, e.span,
                                   std::string("the ") + ref.what + " is " + quoted(t) +
                                       ", not a bool");
        if (t.kind == TypeKind::String) {
          d.help = "compare it with a value, e.g. `... == \"x\"`";
        }
      }
      break;
    case ExprSite::Key:
    case ExprSite::JsonValue:
      if (!isScalarKey(t)) {
        mismatch(ctx, ref, "one value (string, int, bool, ip, method or claim)");
      }
      break;
    case ExprSite::HeaderValue:
      if (!isScalarKey(t) && !(t.kind == TypeKind::List && isScalarKey(Type::of(t.elem))) &&
          !emptyList) {
        mismatch(ctx, ref, "a string or a value convertible to text");
      }
      break;
    case ExprSite::StringList:
      if (emptyList) {
        e.type = Type::list(TypeKind::String);
      } else if (t != Type::list(TypeKind::String)) {
        mismatch(ctx, ref, "a list of strings");
      }
      break;
    case ExprSite::CidrList:
      if (emptyList) {
        e.type = Type::list(TypeKind::Cidr);
      } else if (t != Type::list(TypeKind::Cidr)) {
        mismatch(ctx, ref, "a list of networks (`10.0.0.0/8`)",
                 t == Type::list(TypeKind::Ip) ? "write single addresses as `/32` networks"
                                               : "");
      }
      break;
    case ExprSite::StringOrList:
      if (emptyList) {
        e.type = Type::list(TypeKind::String);
      } else if (t.kind != TypeKind::String && t != Type::list(TypeKind::String)) {
        mismatch(ctx, ref, "a string or a list of strings");
      }
      break;
    default:
      break;
  }
}

}  // namespace

void checkTypes(CheckContext& ctx) {
  ExprTyper typer(ctx);
  forEachExpr(ctx.program, [&](const ExprRef& ref) { checkSite(ctx, ref, typer); });
}

}  // namespace gw::sema
