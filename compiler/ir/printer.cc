#include "compiler/ir/printer.h"

#include <sstream>

namespace gw::ir {

namespace {

const char* opName(Op op) {
  switch (op) {
    case Op::ConstBool: return "const.bool";
    case Op::ConstInt: return "const.int";
    case Op::ConstStr: return "const.str";
    case Op::LoadField: return "load";
    case Op::Call: return "call";
    case Op::Not: return "not";
    case Op::And: return "and";
    case Op::Or: return "or";
    case Op::CmpInt: return "cmp";
    case Op::MethodIn: return "method.in";
  }
  return "?";
}

const char* predName(CmpPred p) {
  static const char* kNames[] = {"eq", "ne", "lt", "le", "gt", "ge"};
  return kNames[static_cast<int>(p)];
}

void printNode(std::ostringstream& o, const Program& p, const Function& f, uint32_t i) {
  const Node& n = f.nodes[i];
  o << "    %" << i << ": " << valueKindName(n.kind) << " = " << opName(n.op);
  switch (n.op) {
    case Op::ConstBool: o << (n.imm ? " true" : " false"); break;
    case Op::ConstInt: o << " " << n.imm; break;
    case Op::ConstStr: o << " \"" << p.strings[static_cast<size_t>(n.imm)] << "\""; break;
    case Op::LoadField: o << " " << fieldInfo(n.field).name; break;
    case Op::Call:
      o << " " << intrinsicInfo(n.callee).name << "(";
      for (uint32_t k = 0; k < n.argCount; ++k) o << (k ? ", %" : "%") << f.args[n.firstArg + k];
      o << ")";
      break;
    case Op::Not: o << " %" << n.a; break;
    case Op::And: case Op::Or: o << " %" << n.a << ", %" << n.b; break;
    case Op::CmpInt: o << " " << predName(n.pred) << " %" << n.a << ", %" << n.b; break;
    case Op::MethodIn: o << " %" << n.a << ", 0x" << std::hex << n.imm << std::dec; break;
  }
  o << "\n";
}

}  // namespace

std::string printIr(const Program& p) {
  std::ostringstream o;
  o << "; gw policy IR, abi " << p.abiVersion << "\n";
  for (size_t i = 0; i < p.regexes.size(); ++i) {
    o << "regex #" << i << " /" << p.regexes[i].pattern << "/" << (p.regexes[i].caseInsensitive ? "i" : "") << "\n";
  }
  for (size_t r = 0; r < p.routes.size(); ++r) {
    const RouteInfo& ri = p.routes[r];
    o << "route #" << r << " " << ri.name << " path "
      << (ri.pathKind == PathKind::Exact ? "exact" : ri.pathKind == PathKind::Template ? "template" : "prefix")
      << " \"";
    for (const PathSegment& s : ri.segments) o << "/" << (s.param ? "{" + s.text + "}" : s.text);
    o << "\"";
    for (const HostPattern& h : ri.hosts) o << " host " << (h.kind == HostKind::Wildcard ? "*" : "") << h.text;
    o << " methods 0x" << std::hex << ri.methodMask << std::dec << " cond " << ri.cond << "\n";
  }
  for (size_t i = 0; i < p.functions.size(); ++i) {
    const Function& f = p.functions[i];
    o << "fn #" << i << " " << f.name << " -> " << valueKindName(f.result) << " {\n";
    for (uint32_t n = 0; n < f.nodes.size(); ++n) printNode(o, p, f, n);
    o << "    ret %" << f.root << "\n}\n";
  }
  const MatchTree& t = p.matcher;
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    const MatchNode& n = t.nodes[i];
    o << "node #" << i << " depth " << n.depth;
    for (const LengthGroup& g : n.byLength) {
      o << " len" << g.length << "[";
      for (uint32_t e = g.first; e < g.first + g.count; ++e) {
        o << (e > g.first ? " " : "") << p.strings[n.edges[e].segment] << "->#" << n.edges[e].child;
      }
      o << "]";
    }
    if (n.paramChild >= 0) o << " {}->#" << n.paramChild;
    auto cands = [&](const char* label, CandRange r) {
      if (r.count == 0) return;
      o << " " << label << "[";
      for (uint32_t c = r.first; c < r.first + r.count; ++c) {
        o << (c > r.first ? " " : "") << p.routes[t.candidates[c].route].name;
      }
      o << "]";
    };
    cands("terminal", n.terminal);
    cands("prefix", n.prefix);
    o << "\n";
  }
  return o.str();
}

std::vector<std::string> verify(const Program& p) {
  std::vector<std::string> errs;
  for (const Function& f : p.functions) {
    auto bad = [&](uint32_t i, const std::string& what) {
      errs.push_back(f.name + " %" + std::to_string(i) + ": " + what);
    };
    for (uint32_t i = 0; i < f.nodes.size(); ++i) {
      const Node& n = f.nodes[i];
      auto operand = [&](uint32_t x, ValueKind want) {
        if (x >= i) bad(i, "operand %" + std::to_string(x) + " does not precede its user");
        else if (want != ValueKind::Void && f.nodes[x].kind != want)
          bad(i, std::string("operand is ") + valueKindName(f.nodes[x].kind) + ", expected " + valueKindName(want));
      };
      switch (n.op) {
        case Op::Not: operand(n.a, ValueKind::Bool); break;
        case Op::And: case Op::Or: operand(n.a, ValueKind::Bool); operand(n.b, ValueKind::Bool); break;
        case Op::CmpInt: operand(n.a, ValueKind::Int); operand(n.b, ValueKind::Int); break;
        case Op::MethodIn: operand(n.a, ValueKind::Int); break;
        case Op::ConstStr:
          if (n.imm < 0 || static_cast<size_t>(n.imm) >= p.strings.size()) bad(i, "string index out of range");
          break;
        case Op::Call: {
          if (n.callee >= IntrinsicId::Count) { bad(i, "unknown intrinsic"); break; }
          const IntrinsicInfo& info = intrinsicInfo(n.callee);
          std::vector<ValueKind> explicitParams;
          for (ValueKind k : info.params) if (k != ValueKind::Req && k != ValueKind::Ctx) explicitParams.push_back(k);
          if (explicitParams.size() != n.argCount || n.firstArg + n.argCount > f.args.size()) {
            bad(i, std::string("wrong argument count for ") + info.name);
            break;
          }
          for (uint32_t k = 0; k < n.argCount; ++k) operand(f.args[n.firstArg + k], explicitParams[k]);
          if (n.kind != info.ret) bad(i, "result kind differs from the intrinsic's");
          break;
        }
        default: break;
      }
    }
    if (f.root >= f.nodes.size()) errs.push_back(f.name + ": root out of range");
    else if (f.nodes[f.root].kind != f.result) errs.push_back(f.name + ": root kind differs from the result kind");
  }
  for (const MatchCandidate& c : p.matcher.candidates) {
    if (c.route >= p.routes.size()) errs.push_back("matcher: candidate route out of range");
    if (c.cond >= static_cast<int32_t>(p.functions.size())) errs.push_back("matcher: condition out of range");
  }
  return errs;
}

}  // namespace gw::ir
