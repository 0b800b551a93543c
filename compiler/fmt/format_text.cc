#include "compiler/fmt/format_text.h"

#include <cctype>
#include <cstring>

namespace gw::fmt {
namespace {

using ast::BinOp;
using ast::Expr;
using ast::ExprKind;

// Binding strength, loosest first, mirroring GwParser's `expr` alternatives: or, and, not,
// matches, not in, then the comparisons (==, in, contains, ...); primaries bind tightest.
enum Level : int { kOr = 1, kAnd, kNot, kMatches, kNotIn, kCompare, kPrimary };

int level(const Expr* e) {
  if (!e) {
    return kPrimary;
  }
  switch (e->kind) {
    case ExprKind::Not: return kNot;
    case ExprKind::Matches: return kMatches;
    case ExprKind::Binary:
      switch (e->op) {
        case BinOp::Or: return kOr;
        case BinOp::And: return kAnd;
        case BinOp::NotIn: return kNotIn;
        default: return kCompare;
      }
    default: return kPrimary;
  }
}

std::string wrap(const Expr* e, bool parens) {
  std::string s = formatExpr(e);
  return parens ? "(" + s + ")" : s;
}

std::string items(const Expr* e, const char* open, const char* close) {
  std::string out = open;
  for (size_t i = 0; i < e->items.size(); ++i) {
    out += (i ? ", " : "") + formatExpr(e->items[i].get());
  }
  return out + close;
}

// ---- the canonical JSON of test objects -------------------------------------------------------

// A reader over the JSON the AST builder writes (nlohmann-escaped strings, numbers as written).
class JsonReader {
 public:
  explicit JsonReader(const std::string& s) : s_(s) {}

  std::string value() {
    skipWs();
    if (pos_ >= s_.size()) {
      return "null";
    }
    char c = s_[pos_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') return quoteString(string());
    size_t start = pos_;
    while (pos_ < s_.size() && !strchr(",]}: \t\n", s_[pos_])) {
      ++pos_;
    }
    return pos_ > start ? s_.substr(start, pos_ - start) : (++pos_, "null");
  }

 private:
  void skipWs() {
    while (pos_ < s_.size() && isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skipWs();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::string string() {
    std::string out;
    ++pos_;  // opening quote
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c != '\\' || pos_ >= s_.size()) {
        out += c;
        continue;
      }
      char e = s_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          // nlohmann escapes only control characters this way: one byte each.
          unsigned code = 0;
          for (int i = 0; i < 4 && pos_ < s_.size(); ++i) {
            code = code * 16 + static_cast<unsigned>(hexValue(s_[pos_++]));
          }
          out += static_cast<char>(code & 0xff);
          break;
        }
        default: out += e;
      }
    }
    ++pos_;  // closing quote
    return out;
  }

  static int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  }

  std::string array() {
    ++pos_;
    std::string out = "[";
    bool first = true;
    while (!eat(']') && pos_ < s_.size()) {
      if (!first && !eat(',')) {
        break;
      }
      out += (first ? "" : ", ") + value();
      first = false;
    }
    return out + "]";
  }

  std::string object() {
    ++pos_;
    std::string out;
    bool first = true;
    while (!eat('}') && pos_ < s_.size()) {
      if (!first && !eat(',')) {
        break;
      }
      skipWs();
      std::string key = pos_ < s_.size() && s_[pos_] == '"' ? string() : "";
      eat(':');
      out += (first ? " " : ", ") + formatKey(key) + ": " + value();
      first = false;
    }
    return out.empty() ? "{}" : "{" + out + " }";
  }

  // A key that lexes as a name stays bare; anything else is quoted.
  static std::string formatKey(const std::string& k) {
    bool bare = !k.empty() && (isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_') &&
                k != "true" && k != "false" && k != "null";
    for (char c : k) {
      if (!isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
        bare = false;
      }
    }
    return bare ? k : quoteString(k);
  }

  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

std::string quoteString(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string formatLit(const ast::Lit& lit) {
  return lit.kind == ast::LitKind::String ? quoteString(lit.str) : lit.raw;
}

std::string formatExpr(const Expr* e) {
  if (!e) {
    return "";
  }
  switch (e->kind) {
    case ExprKind::Literal: return formatLit(e->lit);
    case ExprKind::List: return items(e, "[", "]");
    case ExprKind::Path: return e->dottedPath();
    case ExprKind::Call: return e->dottedPath() + items(e, "(", ")");
    case ExprKind::Not: {
      const Expr* operand = e->items.empty() ? nullptr : e->items[0].get();
      return "not " + wrap(operand, level(operand) < kNot);
    }
    case ExprKind::Matches: {
      const Expr* subject = e->items.empty() ? nullptr : e->items[0].get();
      return wrap(subject, level(subject) < kMatches) + " matches " + e->lit.raw;
    }
    case ExprKind::Binary: {
      if (e->items.size() < 2) {
        return "";
      }
      // Left-associative: the left operand may sit at the same level, the right may not.
      int l = level(e);
      const Expr* lhs = e->items[0].get();
      const Expr* rhs = e->items[1].get();
      return wrap(lhs, level(lhs) < l) + " " + ast::binOpSpelling(e->op) + " " +
             wrap(rhs, level(rhs) <= l);
    }
  }
  return "";
}

std::string formatSource(const ast::Source& source) {
  static const char* prefixes[] = {"", "file ", "url ", "env "};
  return prefixes[static_cast<int>(source.kind)] + formatLit(source.value);
}

std::string formatObject(const std::string& canonicalJson) {
  return JsonReader(canonicalJson).value();
}

}  // namespace gw::fmt
