#include "compiler/sema/expr_typer.h"

#include <cctype>

#include "compiler/sema/schema.h"
#include "compiler/sema/suggest.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

const Type kError = Type::of(TypeKind::Error);
const Type kBool = Type::of(TypeKind::Bool);

std::string quoted(const Type& t) { return "`" + typeName(t) + "`"; }

bool isUnitFamily(TypeKind k) {
  return k == TypeKind::Int || k == TypeKind::Duration || k == TypeKind::Size ||
         k == TypeKind::Percent || k == TypeKind::Rate;
}

bool isEquatable(TypeKind k) {
  switch (k) {
    case TypeKind::String: case TypeKind::Int: case TypeKind::Bool: case TypeKind::Method:
    case TypeKind::Ip: case TypeKind::Duration: case TypeKind::Size: case TypeKind::Percent:
      return true;
    default:
      return false;
  }
}

bool isOrdered(TypeKind k) {
  return k == TypeKind::Int || k == TypeKind::Duration || k == TypeKind::Size ||
         k == TypeKind::Percent;
}

bool isTexty(const Type& t) { return t.kind == TypeKind::String || t.kind == TypeKind::Json; }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

bool isBoolLike(const Type& t) { return t.kind == TypeKind::Bool || t.kind == TypeKind::Json; }

bool isScalarKey(const Type& t) {
  switch (t.kind) {
    case TypeKind::String: case TypeKind::Int: case TypeKind::Bool: case TypeKind::Ip:
    case TypeKind::Method: case TypeKind::Json:
      return true;
    default:
      return false;
  }
}

Type ExprTyper::typeBareName(Expr& e, bool methodSite) {
  if (methodSite) {
    e.type = methodIndex(e.dottedPath()) >= 0 ? Type::of(TypeKind::Method) : kError;
  } else {
    e.type = Type::of(TypeKind::String);
  }
  return e.type;
}

Type ExprTyper::type(Expr& e) {
  if (e.type.kind == TypeKind::Error) {
    return e.type;  // the parser already reported this node
  }
  switch (e.kind) {
    case ExprKind::Literal: e.type = literal(e); break;
    case ExprKind::List: e.type = list(e); break;
    case ExprKind::Path: e.type = path(e); break;
    case ExprKind::Call: e.type = call(e); break;
    case ExprKind::Not: e.type = unary(e); break;
    case ExprKind::Binary: e.type = binary(e); break;
    case ExprKind::Matches: e.type = matches(e); break;
  }
  return e.type;
}

Type ExprTyper::literal(Expr& e) {
  switch (e.lit.kind) {
    case LitKind::String: return Type::of(TypeKind::String);
    case LitKind::Int: return Type::of(TypeKind::Int);
    case LitKind::Bool: return kBool;
    case LitKind::Duration: return Type::of(TypeKind::Duration);
    case LitKind::Size: return Type::of(TypeKind::Size);
    case LitKind::Rate: return Type::of(TypeKind::Rate);
    case LitKind::Percent: return Type::of(TypeKind::Percent);
    case LitKind::Ip: return Type::of(TypeKind::Ip);
    case LitKind::Cidr: return Type::of(TypeKind::Cidr);
    case LitKind::Regex: return Type::of(TypeKind::Regex);
    case LitKind::Float:
      ctx_.report(DiagCode::TypeMismatch, e.span,
                  "fractional number `" + e.lit.raw + "` is not a value in an expression")
          .help = "use an int, or a unit such as `1.5s` or `2.5mb`";
      return kError;
    case LitKind::Address:
      ctx_.report(DiagCode::TypeMismatch, e.span,
                  "address `" + e.lit.raw + "` is not a value in an expression")
          .help = "compare `client.ip` with an ip (`10.0.0.1`) or a network (`10.0.0.0/8`)";
      return kError;
  }
  return kError;
}

Type ExprTyper::list(Expr& e) {
  Type elem = Type::of(TypeKind::Unknown);
  const Expr* first = nullptr;
  bool bad = false;
  for (ExprPtr& item : e.items) {
    if (!item) {
      bad = true;
      continue;
    }
    Type t = type(*item);
    if (t.isError()) {
      bad = true;
      continue;
    }
    if (t.kind == TypeKind::List) {
      ctx_.report(DiagCode::TypeMismatch, item->span, "lists cannot contain lists");
      bad = true;
      continue;
    }
    if (!first) {
      first = item.get();
      elem = t;
      continue;
    }
    if (t != elem) {
      ctx_.report(DiagCode::TypeMismatch, item->span,
                  "list elements must all have one type: this one is " + quoted(t) +
                      ", the first is " + quoted(elem))
          .notes.push_back({"the first element", first->span});
      bad = true;
    }
  }
  return bad ? kError : Type::list(elem.kind);
}

Type ExprTyper::path(Expr& e) {
  std::string dotted = e.dottedPath();
  if (const FieldInfo* f = findField(dotted)) {
    return f->type;
  }
  if (isClaimPath(dotted)) {
    return Type::of(TypeKind::Json);
  }
  if (dotted == "auth.claims") {
    ctx_.report(DiagCode::UnknownField, e.span, "`auth.claims` needs a claim name")
        .help = "name the claim, e.g. `auth.claims.tenant`";
    return kError;
  }
  if (const FuncInfo* fn = findFunc(dotted)) {
    ctx_.report(DiagCode::WrongArgCount, e.span,
                "`" + dotted + "` is a function: it takes 1 argument, found none")
        .help = "call it with a name: `" + dotted + "(\"...\")`";
    (void)fn;
    return kError;
  }
  if (e.path.size() == 1) {
    if (methodIndex(dotted) >= 0) {
      return Type::of(TypeKind::Method);
    }
    std::string up = upper(dotted);
    if (methodIndex(up) >= 0) {
      ctx_.report(DiagCode::BadMethod, e.span, "unknown HTTP method `" + dotted + "`")
          .help = "did you mean `" + up + "`? methods are written in upper case";
      return kError;
    }
  }
  Diagnostic& d =
      ctx_.report(DiagCode::UnknownField, e.span, "unknown request-context field `" + dotted + "`");
  std::vector<std::string_view> candidates = fieldPaths();
  for (std::string_view f : funcNames()) {
    candidates.push_back(f);
  }
  d.help = didYouMean(dotted, candidates);
  if (d.help.empty() && e.path.size() >= 3) {
    std::string head = e.path[0].text + "." + e.path[1].text;
    if (editDistance(head, "auth.claims") <= 2) {
      d.help = "did you mean `auth.claims" + dotted.substr(head.size()) + "`?";
    }
  }
  if (d.help.empty()) {
    d.help = "to compare with text, quote it: `\"" + dotted + "\"`";
  }
  return kError;
}

Type ExprTyper::call(Expr& e) {
  std::string dotted = e.dottedPath();
  bool argsOk = true;
  for (ExprPtr& arg : e.items) {
    if (!arg || type(*arg).isError()) {
      argsOk = false;
    }
  }
  const FuncInfo* fn = findFunc(dotted);
  if (!fn) {
    if (dotted == "tuple") {
      ctx_.report(DiagCode::UnknownFunction, e.span,
                  "`tuple(...)` (a composite key) is only allowed as a key")
          .help = "use it as a limit `key`, in `consistent_hash(...)` or after `forward ... by`";
      return kError;
    }
    if (findField(dotted) || isClaimPath(dotted)) {
      ctx_.report(DiagCode::UnknownFunction, e.span, "`" + dotted + "` is not a function")
          .help = "remove the parentheses: `" + dotted + "`";
    } else {
      ctx_.report(DiagCode::UnknownFunction, e.span, "unknown function `" + dotted + "`")
          .help = didYouMean(dotted, funcNames());
    }
    return kError;
  }
  if (e.items.size() != 1) {
    ctx_.report(DiagCode::WrongArgCount, e.span,
                "`" + dotted + "` takes 1 argument, found " + std::to_string(e.items.size()))
        .help = "call it with one name: `" + dotted + "(\"...\")`";
    return kError;
  }
  if (argsOk && e.items[0]->type.kind != fn->arg) {
    ctx_.report(DiagCode::TypeMismatch, e.items[0]->span,
                "the argument of `" + dotted + "` must be a `" + typeKindName(fn->arg) +
                    "`, found " + quoted(e.items[0]->type))
        .help = "quote the name: `" + dotted + "(\"...\")`";
    return kError;
  }
  return argsOk ? Type::of(fn->ret) : kError;
}

bool ExprTyper::requireBool(const Expr& operand, const char* where) {
  if (operand.type.isError() || isBoolLike(operand.type)) {
    return true;
  }
  Diagnostic& d = ctx_.report(DiagCode::NotBool, operand.span,
                              std::string(where) + " is " + quoted(operand.type) +
                                  ", not a bool");
  if (operand.type.kind == TypeKind::String) {
    d.help = "compare it with a value, e.g. `... == \"x\"`, or use `request.has_header(...)`";
  } else if (operand.type.kind == TypeKind::List) {
    d.help = "test membership with `contains` or `in`";
  }
  return false;
}

Type ExprTyper::unary(Expr& e) {
  if (e.items.empty() || !e.items[0]) {
    return kError;
  }
  type(*e.items[0]);
  if (e.items[0]->type.isError()) {
    return kBool;
  }
  return requireBool(*e.items[0], "the operand of `not`") ? kBool : kError;
}

Type ExprTyper::binary(Expr& e) {
  if (e.items.size() != 2 || !e.items[0] || !e.items[1]) {
    return kError;
  }
  Type lhs = type(*e.items[0]);
  Type rhs = type(*e.items[1]);
  if (e.op == BinOp::And || e.op == BinOp::Or) {
    return logical(e, lhs, rhs);
  }
  if (lhs.isError() || rhs.isError()) {
    return kBool;  // the operand's problem is already reported; stay quiet
  }
  switch (e.op) {
    case BinOp::Eq: case BinOp::Ne: case BinOp::Lt: case BinOp::Le: case BinOp::Gt:
    case BinOp::Ge:
      return compare(e, lhs, rhs);
    case BinOp::In: case BinOp::NotIn:
      return membership(e, lhs, rhs);
    default:
      return textTest(e, lhs, rhs);
  }
}

Type ExprTyper::logical(Expr& e, Type lhs, Type rhs) {
  const char* op = binOpSpelling(e.op);
  std::string left = std::string("the left side of `") + op + "`";
  std::string right = std::string("the right side of `") + op + "`";
  bool ok = requireBool(*e.items[0], left.c_str());
  ok = requireBool(*e.items[1], right.c_str()) && ok;
  (void)lhs;
  (void)rhs;
  return ok ? kBool : kError;
}

void ExprTyper::badOperands(Expr& e, Type lhs, Type rhs, std::string help) {
  const char* op = binOpSpelling(e.op);
  bool units = isUnitFamily(lhs.kind) && isUnitFamily(rhs.kind) && lhs.kind != rhs.kind;
  Diagnostic& d =
      units ? ctx_.report(DiagCode::BadUnit, e.span,
                          std::string("`") + op + "` compares " + quoted(lhs) + " with " +
                              quoted(rhs) + ": the units differ")
            : ctx_.report(DiagCode::BadOperands, e.span,
                          std::string("`") + op + "` cannot apply to " + quoted(lhs) + " and " +
                              quoted(rhs));
  d.help = help.empty() && units ? "write both sides in the same unit" : std::move(help);
}

Type ExprTyper::compare(Expr& e, Type lhs, Type rhs) {
  bool ordering = e.op != BinOp::Eq && e.op != BinOp::Ne;
  bool lj = lhs.kind == TypeKind::Json;
  bool rj = rhs.kind == TypeKind::Json;
  if (lj != rj) {
    Type other = lj ? rhs : lhs;
    bool ok = ordering ? other.kind == TypeKind::Int
                       : (other.kind == TypeKind::String || other.kind == TypeKind::Int ||
                          other.kind == TypeKind::Bool);
    if (ok) {
      return kBool;
    }
    badOperands(e, lhs, rhs,
                ordering ? "a claim can only be ordered against an int"
                         : "compare a claim with a string, int or bool");
    return kBool;
  }
  if (lhs == rhs && (ordering ? isOrdered(lhs.kind) : isEquatable(lhs.kind))) {
    return kBool;
  }
  std::string help;
  bool list = lhs.kind == TypeKind::List || rhs.kind == TypeKind::List;
  if (lj && rj) {
    help = "compare each claim with a value";
  } else if (list && !ordering) {
    help = "to test whether a list holds a value, write `list contains value` or "
           "`value in list`";
  } else if ((lhs.kind == TypeKind::Method && rhs.kind == TypeKind::String) ||
             (lhs.kind == TypeKind::String && rhs.kind == TypeKind::Method)) {
    help = "methods are bare upper-case names: write `GET`, not `\"GET\"`";
  } else if (lhs.kind == TypeKind::Ip && rhs.kind == TypeKind::Cidr) {
    help = "test network membership with `in`: `client.ip in 10.0.0.0/8`";
  } else if (rhs.kind == TypeKind::Regex) {
    help = "test a pattern with `matches /re/`";
  } else if (ordering && lhs == rhs) {
    help = std::string("`") + typeName(lhs) + "` values have no order";
  }
  badOperands(e, lhs, rhs, help);
  return kBool;
}

Type ExprTyper::membership(Expr& e, Type lhs, Type rhs) {
  // An empty list takes the element type of the left side.
  if (rhs.kind == TypeKind::List && rhs.elem == TypeKind::Unknown && isScalarKey(lhs)) {
    e.items[1]->type = Type::list(lhs.kind);
    return kBool;
  }
  bool ok = (lhs.kind == TypeKind::String && rhs == Type::list(TypeKind::String)) ||
            (lhs.kind == TypeKind::Method && rhs == Type::list(TypeKind::Method)) ||
            (lhs.kind == TypeKind::Ip && rhs.kind == TypeKind::Cidr) ||
            (lhs.kind == TypeKind::Ip && rhs == Type::list(TypeKind::Cidr)) ||
            (lhs.kind == TypeKind::String && rhs.kind == TypeKind::Json) ||
            (lhs.kind == TypeKind::Json && rhs == Type::list(TypeKind::String));
  if (ok) {
    return kBool;
  }
  std::string help;
  if (lhs.kind == TypeKind::List && rhs.kind != TypeKind::List) {
    help = "`in` tests whether the left side is an element of the right; "
           "to test a list, write `list contains value`";
  } else if (lhs.kind == TypeKind::String && rhs.kind == TypeKind::String) {
    help = "test for a substring with `contains`";
  } else if (lhs.kind == TypeKind::Ip && rhs.kind == TypeKind::String) {
    help = "write the network without quotes: `client.ip in 10.0.0.0/8`";
  } else if (lhs.kind == TypeKind::Ip && rhs == Type::list(TypeKind::Ip)) {
    help = "write single addresses as networks: `10.0.0.1/32`";
  } else if (lhs.kind == TypeKind::Method && rhs == Type::list(TypeKind::String)) {
    help = "methods are bare upper-case names: write `[GET, HEAD]`";
  }
  badOperands(e, lhs, rhs, help);
  return kBool;
}

Type ExprTyper::textTest(Expr& e, Type lhs, Type rhs) {
  bool ok = false;
  if (e.op == BinOp::Contains) {
    ok = rhs.kind == TypeKind::String &&
         (isTexty(lhs) || lhs == Type::list(TypeKind::String));
  } else {
    ok = isTexty(lhs) && rhs.kind == TypeKind::String;
  }
  if (!ok) {
    badOperands(e, lhs, rhs,
                e.op == BinOp::Contains && lhs.kind == TypeKind::String &&
                        rhs.kind == TypeKind::List
                    ? "`contains` looks for the right side inside the left; "
                      "did you mean `value in list`?"
                    : "");
  }
  return kBool;
}

Type ExprTyper::matches(Expr& e) {
  if (e.items.empty() || !e.items[0]) {
    return kError;
  }
  Type subject = type(*e.items[0]);
  if (subject.isError() || isTexty(subject)) {
    return kBool;
  }
  ctx_.report(DiagCode::BadOperands, e.items[0]->span,
              "`matches` needs a string on the left, found " + quoted(subject))
      .help = subject.kind == TypeKind::Ip
                  ? "test network membership with `in`: `client.ip in 10.0.0.0/8`"
                  : "";
  return kBool;
}

bool isTupleKey(const ast::Expr& e) {
  return e.kind == ast::ExprKind::Call && e.dottedPath() == "tuple";
}

}  // namespace gw::sema
