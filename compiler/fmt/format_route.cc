// Layout trees for routes (match, auth, transforms, forward, aggregate) and tests.
#include <algorithm>

#include "compiler/fmt/builders.h"
#include "compiler/fmt/format_text.h"

namespace gw::fmt {

using namespace gw::ast;

namespace {

// ---- finding the braces of `request { }` / `response { }` ------------------------------------
// The AST keeps the spans of the transforms but not of the block around them. Between the
// keyword, the braces and the items there can only be blanks, `;` and comments, so the block's
// extent is found by skipping exactly those.

const Comment* commentAt(const BuildContext& ctx, uint32_t offset) {
  for (const Comment& c : ctx.comments) {
    if (offset >= c.span.offset && offset < c.span.offset + c.span.length) {
      return &c;
    }
  }
  return nullptr;
}

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';'; }

// The offset just after the previous significant character before `pos` (0 when none).
uint32_t skipBack(const BuildContext& ctx, uint32_t pos) {
  const std::string& text = ctx.source.text;
  while (pos > 0) {
    if (const Comment* c = commentAt(ctx, pos - 1)) {
      pos = c->span.offset;
    } else if (isBlank(text[pos - 1])) {
      --pos;
    } else {
      break;
    }
  }
  return pos;
}

uint32_t skipForward(const BuildContext& ctx, uint32_t pos) {
  const std::string& text = ctx.source.text;
  while (pos < text.size()) {
    if (const Comment* c = commentAt(ctx, pos)) {
      pos = c->span.offset + c->span.length;
    } else if (isBlank(text[pos])) {
      ++pos;
    } else {
      break;
    }
  }
  return pos;
}

Span blockSpan(const BuildContext& ctx, const std::vector<Transform>& items,
               const std::string& keyword) {
  if (items.empty() || !items.front().span.valid() || !items.back().span.valid()) {
    return {};
  }
  const std::string& text = ctx.source.text;
  uint32_t open = skipBack(ctx, items.front().span.offset);
  if (open == 0 || text[open - 1] != '{') {
    return {};
  }
  uint32_t kwEnd = skipBack(ctx, open - 1);
  if (kwEnd < keyword.size() || text.compare(kwEnd - keyword.size(), keyword.size(), keyword)) {
    return {};
  }
  uint32_t close = skipForward(ctx, items.back().span.offset + items.back().span.length);
  if (close >= text.size() || text[close] != '}') {
    return {};
  }
  Span s = items.front().span;
  s.offset = kwEnd - static_cast<uint32_t>(keyword.size());
  s.length = close + 1 - s.offset;
  const auto& starts = ctx.source.lineStarts;
  s.line = static_cast<uint32_t>(std::upper_bound(starts.begin(), starts.end(), s.offset) -
                                 starts.begin());
  s.col = s.offset - starts[s.line - 1] + 1;
  return s;
}

// ---- route items ---------------------------------------------------------------------------

std::string fieldText(const char* what, const FieldCondition& f) {
  std::string text = std::string(what) + " " + formatLit(f.field);
  switch (f.op) {
    case FieldCondition::Op::Eq: text += " == "; break;
    case FieldCondition::Op::Ne: text += " != "; break;
    case FieldCondition::Op::Matches: text += " matches "; break;
    case FieldCondition::Op::Present: return text + " present";
    case FieldCondition::Op::Absent: return text + " absent";
  }
  return text + (f.value ? formatLit(*f.value) : "\"\"");
}

Node matchNode(const Match& m) {
  Node n = Node::blockOf("match", m.span);
  n.mayInline = true;
  if (m.host) {
    n.children.push_back(Node::leaf("host " + formatExpr(m.host.get()), m.host->span));
  }
  if (const auto& p = m.path) {
    std::string text = "path ";
    if (p->explicitKind) {
      text += p->kind == PathMatch::Kind::Prefix ? "prefix " : "exact ";
    }
    n.children.push_back(Node::leaf(text + formatLit(p->pattern), p->span));
  }
  if (m.methods) {
    n.children.push_back(Node::leaf("method " + formatExpr(m.methods.get()), m.methods->span));
  }
  for (const FieldCondition& f : m.headers) {
    n.children.push_back(Node::leaf(fieldText("header", f), f.span));
  }
  for (const FieldCondition& f : m.queries) {
    n.children.push_back(Node::leaf(fieldText("query", f), f.span));
  }
  for (const ExprPtr& w : m.whens) {
    if (w) {
      n.children.push_back(Node::leaf("when " + formatExpr(w.get()), w->span));
    }
  }
  return n;
}

Node transformNode(const Transform& t) {
  switch (t.kind) {
    case Transform::Kind::SetHeader:
      return Node::leaf("set header " + formatLit(*t.a) + " = " + formatExpr(t.value.get()),
                        t.span);
    case Transform::Kind::RemoveHeader:
      return Node::leaf("remove header " + formatLit(*t.a), t.span);
    case Transform::Kind::RewritePath:
      return Node::leaf("rewrite path " + formatLit(*t.a) + " => " + formatLit(*t.b), t.span);
    case Transform::Kind::Compress: {
      std::string text = "compress " + formatExpr(t.encodings.get());
      if (t.minSize) text += " min " + formatLit(*t.minSize);
      return Node::leaf(std::move(text), t.span);
    }
    case Transform::Kind::BodyJson: break;
  }
  Node n = Node::blockOf("body json", t.span);
  for (const JsonOp& j : t.jsonOps) {
    std::string text;
    switch (j.kind) {
      case JsonOp::Kind::Rename:
        text = "rename " + formatLit(j.from) + " => " + (j.to ? formatLit(*j.to) : "\"\"");
        break;
      case JsonOp::Kind::Remove: text = "remove " + formatLit(j.from); break;
      case JsonOp::Kind::Set:
        text = "set " + formatLit(j.from) + " = " + formatExpr(j.value.get());
        break;
    }
    n.children.push_back(Node::leaf(std::move(text), j.span));
  }
  return n;
}

Node transformBlock(const std::string& keyword, const std::vector<Transform>& items,
                    const BuildContext& ctx) {
  Node n = Node::blockOf(keyword, blockSpan(ctx, items, keyword));
  for (const Transform& t : items) {
    n.children.push_back(transformNode(t));
  }
  return n;
}

Node forwardNode(const Forward& f) {
  std::string text = "forward";
  for (size_t i = 0; i < f.targets.size(); ++i) {
    text += (i ? ", " : " ") + f.targets[i].upstream.text;
    if (f.targets[i].percent) text += " " + formatLit(*f.targets[i].percent);
  }
  if (f.by) text += " by " + formatExpr(f.by.get());
  return Node::leaf(std::move(text), f.span);
}

}  // namespace

Node routeNode(const Route& r, const BuildContext& ctx) {
  Node n = Node::blockOf("route " + r.name.text, r.span);
  if (r.match) n.children.push_back(matchNode(*r.match));
  if (!r.limits.empty()) n.children.push_back(namesNode("limit", r.limits, ", "));
  if (const auto& a = r.authenticate) {
    Node auth = namesNode("authenticate", a->providers, " or ");
    if (a->optional) auth.text += " optional";
    auth.hasSpan = a->span.valid();
    auth.begin = a->span.offset;
    auth.end = a->span.offset + a->span.length;
    n.children.push_back(std::move(auth));
  }
  if (const auto& a = r.authorize) {
    if (a->inlineBlock) {
      Node block = Node::blockOf("authorize", a->span);
      for (const Rule& rule : a->rules) block.children.push_back(ruleNode(rule));
      n.children.push_back(std::move(block));
    } else {
      Node ref = namesNode("authorize", a->policies, ", ");
      ref.hasSpan = a->span.valid();
      ref.begin = a->span.offset;
      ref.end = a->span.offset + a->span.length;
      n.children.push_back(std::move(ref));
    }
  }
  if (r.hasRequestBlock) n.children.push_back(transformBlock("request", r.request, ctx));
  if (r.hasResponseBlock) n.children.push_back(transformBlock("response", r.response, ctx));
  if (r.forward) n.children.push_back(forwardNode(*r.forward));
  if (r.hasAggregate) {
    Node agg = Node::blockOf("aggregate", r.aggregateSpan);
    for (const AggregatePart& p : r.aggregate) {
      agg.children.push_back(Node::leaf(
          p.field.text + " = " + p.upstream.text + " " + formatLit(p.pathTemplate), p.span));
    }
    n.children.push_back(std::move(agg));
  }
  if (r.timeout) n.children.push_back(Node::leaf("timeout " + r.timeout->raw, r.timeout->span));
  if (r.maxBody) n.children.push_back(Node::leaf("max_body " + r.maxBody->raw, r.maxBody->span));
  if (r.retryMethods) {
    n.children.push_back(Node::leaf("retry_methods " + formatExpr(r.retryMethods.get()),
                                    r.retryMethods->span));
  }
  return n;
}

Node testNode(const Test& t) {
  Node n = Node::blockOf("test " + formatLit(t.name), t.span);
  if (const auto& rq = t.request) {
    std::string text = "request " + rq->method.text + " " + formatLit(rq->url);
    for (const auto& [k, v] : rq->headers) {
      text += " header " + formatLit(k) + " = " + formatLit(v);
    }
    if (rq->jwtClaims) text += " jwt " + formatObject(*rq->jwtClaims);
    if (rq->ip) text += " ip " + formatLit(*rq->ip);
    if (rq->apiKey) text += " api_key " + formatLit(*rq->apiKey);
    if (rq->certJson) text += " cert " + formatObject(*rq->certJson);
    if (rq->body) text += " body " + formatLit(*rq->body);
    n.children.push_back(Node::leaf(std::move(text), rq->span));
  }
  for (const Expectation& e : t.expects) {
    std::string text = "expect ";
    switch (e.kind) {
      case Expectation::Kind::Route: text += "route " + (e.name ? e.name->text : ""); break;
      case Expectation::Kind::NoRoute: text += "no_route"; break;
      case Expectation::Kind::Allow: text += "allow"; break;
      case Expectation::Kind::Deny: text += "deny"; break;
      case Expectation::Kind::Status: text += "status " + (e.a ? e.a->raw : ""); break;
      case Expectation::Kind::Upstream: text += "upstream " + (e.name ? e.name->text : ""); break;
      case Expectation::Kind::Header:
        text += "header " + (e.a ? formatLit(*e.a) : "") + " = " + (e.b ? formatLit(*e.b) : "");
        break;
    }
    n.children.push_back(Node::leaf(std::move(text), e.span));
  }
  return n;
}

}  // namespace gw::fmt
