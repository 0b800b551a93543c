#include "compiler/sema/route_key.h"

#include <algorithm>
#include <cctype>

#include "compiler/sema/path_pattern.h"
#include "compiler/sema/schema.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

std::string lower(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

std::string pathKey(const Route& r) {
  if (!r.match || !r.match->path) {
    return "prefix:/";
  }
  const PathMatch& p = *r.match->path;
  switch (p.kind) {
    case PathMatch::Kind::Exact: return "exact:" + p.pattern.str;
    case PathMatch::Kind::Template:
      return "template:" + canonicalTemplate(parsePathPattern(p.pattern.str, true).segments);
    case PathMatch::Kind::Prefix: {
      std::string s = p.pattern.str;
      while (s.size() > 1 && s.back() == '/') {
        s.pop_back();
      }
      return "prefix:" + s;
    }
  }
  return "prefix:/";
}

std::string hostKey(const Expr* h) {
  if (!h) {
    return "";
  }
  std::vector<std::string> hosts;
  if (h->kind == ExprKind::List) {
    for (const ExprPtr& item : h->items) {
      if (item) {
        hosts.push_back(lower(item->lit.str));
      }
    }
  } else {
    hosts.push_back(lower(h->lit.str));
  }
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  std::string out;
  for (const std::string& s : hosts) {
    out += (out.empty() ? "" : ",") + s;
  }
  return out;
}

uint32_t methodMask(const Expr* m) {
  if (!m) {
    return 0;
  }
  uint32_t mask = 0;
  auto add = [&](const Expr& e) {
    int i = methodIndex(e.dottedPath());
    if (i >= 0) {
      mask |= 1u << i;
    }
  };
  if (m->kind == ExprKind::List) {
    for (const ExprPtr& item : m->items) {
      if (item) {
        add(*item);
      }
    }
  } else {
    add(*m);
  }
  return mask;
}

std::string fieldKey(char where, const FieldCondition& c) {
  static const char* kOps[] = {"==", "!=", "matches", "present", "absent"};
  std::string field = where == 'h' ? lower(c.field.str) : c.field.str;
  std::string out = std::string(1, where) + ":" + field + " " + kOps[static_cast<int>(c.op)];
  if (c.value) {
    out += " " + c.value->raw;
  }
  return out;
}

}  // namespace

std::string exprKey(const Expr& e) {
  auto item = [&](size_t i) { return i < e.items.size() && e.items[i] ? exprKey(*e.items[i]) : "?"; };
  switch (e.kind) {
    case ExprKind::Literal:
      return e.lit.kind == LitKind::String ? "\"" + e.lit.str + "\"" : e.lit.raw;
    case ExprKind::List: {
      std::string out = "[";
      for (size_t i = 0; i < e.items.size(); ++i) {
        out += (i ? "," : "") + item(i);
      }
      return out + "]";
    }
    case ExprKind::Path: return e.dottedPath();
    case ExprKind::Call: {
      std::string out = e.dottedPath() + "(";
      for (size_t i = 0; i < e.items.size(); ++i) {
        out += (i ? "," : "") + item(i);
      }
      return out + ")";
    }
    case ExprKind::Not: return "not(" + item(0) + ")";
    case ExprKind::Binary:
      return "(" + item(0) + " " + binOpSpelling(e.op) + " " + item(1) + ")";
    case ExprKind::Matches: return "(" + item(0) + " matches " + e.lit.raw + ")";
  }
  return "?";
}

RouteKey routeKey(const Route& r) {
  RouteKey k;
  k.path = pathKey(r);
  if (!r.match) {
    return k;
  }
  k.host = hostKey(r.match->host.get());
  k.methods = methodMask(r.match->methods.get());
  std::vector<std::string> conds;
  for (const FieldCondition& c : r.match->headers) conds.push_back(fieldKey('h', c));
  for (const FieldCondition& c : r.match->queries) conds.push_back(fieldKey('q', c));
  for (const ExprPtr& w : r.match->whens) {
    if (w) conds.push_back("w:" + exprKey(*w));
  }
  std::sort(conds.begin(), conds.end());
  k.conditionCount = conds.size();
  for (const std::string& c : conds) {
    k.conditions += c + "\n";
  }
  return k;
}

}  // namespace gw::sema
