#include "compiler/ir/match_build.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "gw/abi.h"

namespace gw::ir {

std::vector<PathSegment> splitPattern(PathKind kind, std::string_view pattern) {
  std::vector<PathSegment> segs;
  if (pattern.empty() || pattern == "/") {
    return segs;
  }
  std::string_view rest = pattern.front() == '/' ? pattern.substr(1) : pattern;
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    PathSegment s;
    if (kind == PathKind::Template && seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      s.param = true;
      s.text = std::string(seg.substr(1, seg.size() - 2));
    } else {
      s.text = std::string(seg);
    }
    segs.push_back(std::move(s));
    if (slash == std::string_view::npos) {
      break;
    }
    rest = rest.substr(slash + 1);
  }
  if (kind == PathKind::Prefix && !segs.empty() && segs.back().text.empty()) {
    segs.pop_back();
  }
  return segs;
}

size_t splitRequestPath(std::string_view path, std::string_view* out, size_t max) {
  if (path.empty() || path == "/") {
    return 0;
  }
  std::string_view rest = path.front() == '/' ? path.substr(1) : path;
  size_t n = 0;
  while (true) {
    size_t slash = rest.find('/');
    if (n < max) {
      out[n] = rest.substr(0, slash);
    }
    ++n;
    if (slash == std::string_view::npos) {
      return n;
    }
    rest = rest.substr(slash + 1);
  }
}

HostPattern parseHost(std::string_view host) {
  HostPattern h;
  std::string lower;
  for (char c : host) {
    lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (lower.size() > 2 && lower.compare(0, 2, "*.") == 0) {
    h.kind = HostKind::Wildcard;
    h.text = lower.substr(1);  // ".example.com"
  } else {
    h.kind = HostKind::Exact;
    h.text = lower;
  }
  return h;
}

namespace {

// Host rank: exact first, then wildcards by longer suffix, then any host. Smaller is first.
std::tuple<int, int64_t> hostKey(const RouteInfo& r, uint32_t host) {
  if (r.hosts.empty()) {
    return {2, 0};
  }
  const HostPattern& h = r.hosts[host];
  if (h.kind == HostKind::Exact) {
    return {0, 0};
  }
  return {1, -static_cast<int64_t>(h.text.size())};
}

// Path key: exact, template (left-to-right literal beats param), prefix (longer first).
int pathCompare(const RouteInfo& a, const RouteInfo& b) {
  auto rank = [](PathKind k) { return k == PathKind::Exact ? 0 : k == PathKind::Template ? 1 : 2; };
  if (rank(a.pathKind) != rank(b.pathKind)) {
    return rank(a.pathKind) < rank(b.pathKind) ? -1 : 1;
  }
  if (a.pathKind == PathKind::Prefix) {
    if (a.segments.size() != b.segments.size()) {
      return a.segments.size() > b.segments.size() ? -1 : 1;
    }
    return 0;
  }
  if (a.pathKind == PathKind::Template) {
    size_t n = std::min(a.segments.size(), b.segments.size());
    for (size_t i = 0; i < n; ++i) {
      if (a.segments[i].param != b.segments[i].param) {
        return a.segments[i].param ? 1 : -1;
      }
    }
  }
  return 0;
}

}  // namespace

bool moreSpecific(const Program& p, const SpecCandidate& a, const SpecCandidate& b) {
  const RouteInfo& ra = p.routes[a.route];
  const RouteInfo& rb = p.routes[b.route];
  int pc = pathCompare(ra, rb);
  if (pc != 0) {
    return pc < 0;
  }
  auto ka = hostKey(ra, a.host);
  auto kb = hostKey(rb, b.host);
  if (ka != kb) {
    return ka < kb;
  }
  bool ma = ra.methodMask != 0;
  bool mb = rb.methodMask != 0;
  if (ma != mb) {
    return ma;
  }
  if (ra.condCount != rb.condCount) {
    return ra.condCount > rb.condCount;
  }
  if (a.route != b.route) {
    return a.route < b.route;
  }
  return a.host < b.host;
}

namespace {

struct BuildNode {
  std::map<std::string, uint32_t> literals;
  int32_t param = -1;
  uint32_t depth = 0;
  std::vector<SpecCandidate> terminal, prefix;
};

uint32_t child(std::vector<BuildNode>& nodes, uint32_t at, const PathSegment& seg) {
  if (seg.param) {
    if (nodes[at].param < 0) {
      nodes[at].param = static_cast<int32_t>(nodes.size());
      nodes.push_back(BuildNode{});
      nodes.back().depth = nodes[at].depth + 1;
    }
    return static_cast<uint32_t>(nodes[at].param);
  }
  auto it = nodes[at].literals.find(seg.text);
  if (it != nodes[at].literals.end()) {
    return it->second;
  }
  uint32_t id = static_cast<uint32_t>(nodes.size());
  nodes[at].literals.emplace(seg.text, id);
  nodes.push_back(BuildNode{});
  nodes.back().depth = nodes[at].depth + 1;
  return id;
}

CandRange flush(Program& p, std::vector<SpecCandidate>& list) {
  std::sort(list.begin(), list.end(),
            [&](const SpecCandidate& a, const SpecCandidate& b) { return moreSpecific(p, a, b); });
  CandRange r{static_cast<uint32_t>(p.matcher.candidates.size()),
              static_cast<uint32_t>(list.size())};
  for (const SpecCandidate& sc : list) {
    const RouteInfo& ri = p.routes[sc.route];
    MatchCandidate c;
    c.route = sc.route;
    if (!ri.hosts.empty()) {
      c.hostKind = ri.hosts[sc.host].kind;
      c.host = p.intern(ri.hosts[sc.host].text);
    }
    c.methodMask = ri.methodMask;
    c.cond = ri.cond;
    c.condCount = ri.condCount;
    p.matcher.candidates.push_back(c);
  }
  return r;
}

}  // namespace

void buildMatchTree(Program& p) {
  std::vector<BuildNode> nodes(1);
  uint32_t maxParams = 0;
  for (uint32_t r = 0; r < p.routes.size(); ++r) {
    const RouteInfo& ri = p.routes[r];
    uint32_t at = 0;
    for (const PathSegment& seg : ri.segments) {
      at = child(nodes, at, seg);
    }
    maxParams = std::max<uint32_t>(maxParams, static_cast<uint32_t>(ri.paramNames.size()));
    size_t hostCount = std::max<size_t>(1, ri.hosts.size());
    for (uint32_t h = 0; h < hostCount; ++h) {
      auto& list = ri.pathKind == PathKind::Prefix ? nodes[at].prefix : nodes[at].terminal;
      list.push_back(SpecCandidate{r, h});
    }
  }
  MatchTree& t = p.matcher;
  t = MatchTree{};
  t.maxParams = std::min<uint32_t>(maxParams, GW_MAX_PARAMS);
  t.nodes.resize(nodes.size());
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    BuildNode& bn = nodes[i];
    MatchNode& mn = t.nodes[i];
    mn.depth = bn.depth;
    mn.paramChild = bn.param;
    std::vector<std::pair<std::string, uint32_t>> edges(bn.literals.begin(), bn.literals.end());
    std::stable_sort(edges.begin(), edges.end(), [](const auto& a, const auto& b) {
      return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;
    });
    for (const auto& [text, to] : edges) {
      uint32_t len = static_cast<uint32_t>(text.size());
      if (mn.byLength.empty() || mn.byLength.back().length != len) {
        mn.byLength.push_back(LengthGroup{len, static_cast<uint32_t>(mn.edges.size()), 0});
      }
      mn.byLength.back().count++;
      mn.edges.push_back(LiteralEdge{p.intern(text), to});
    }
    mn.terminal = flush(p, bn.terminal);
    mn.prefix = flush(p, bn.prefix);
  }
}

}  // namespace gw::ir
