#include "tests/differential/policy_gen.h"

#include <set>

#include <nlohmann/json.hpp>

namespace gw::difftest {

namespace {

// Short segments, and long ones sharing prefixes: the route table holds 16 bytes of a segment
// inline and hashes the rest, the compiled tree compares shared runs with one memcmp.
const char* const kSegments[] = {"v1", "v2", "users", "orders", "a", "ab", "abc", "me", "items", "x",
                                 "abcdefgh", "abcdefghi", "abcdefghijklmnop", "abcdefghijklmnopq",
                                 "abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz012346"};
const char* const kHosts[] = {"api.example.com", "example.com", "a.example.com", "other.org"};
const char* const kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
const char* const kValues[] = {"v1", "admin", "acme", "", "a", "7", "u1"};
const char* const kRoles[] = {"admin", "reader", "writer"};

}  // namespace

std::string PolicyGen::path(bool templ, bool* hasParam) {
  int depth = 1 + static_cast<int>(next(3));
  std::string p;
  for (int i = 0; i < depth; ++i) {
    if (templ && next(3) == 0 && !*hasParam) {
      p += "/{id}";
      *hasParam = true;
    } else {
      p += "/";
      p += kSegments[next(std::size(kSegments))];
    }
  }
  return p;
}

std::string PolicyGen::atom(bool hasParam) {
  std::string v = std::string("\"") + kValues[next(std::size(kValues))] + "\"";
  switch (next(hasParam ? 17 : 16)) {
    case 0: return "request.header(\"x-a\") == " + v;
    case 1: return "request.query(\"q\") starts_with " + v;
    case 2: return "request.path contains " + v;
    case 3: return "request.method in [GET, POST]";
    case 4: return "request.method == DELETE";
    case 5: return "client.ip in 10.0.0.0/8";
    case 6: return "client.ip == 192.168.1.1";
    case 7: return "auth.subject == " + v;
    case 8: return std::string("\"") + kRoles[next(3)] + "\" in auth.roles";
    case 9: return "auth.claims.org == " + v;
    case 10: return "auth.claims.level >= " + std::to_string(next(5));
    case 11: return "auth.claims.tags contains " + v;
    case 12: return "time.hour < " + std::to_string(next(24));
    case 13: return "request.host ends_with \".example.com\"";
    case 14: return "request.header(\"x-b\") matches /^a+b/";
    case 15: return "request.has_header(\"x-c\")";
    default: return "request.param(\"id\") == " + v;
  }
}

std::string PolicyGen::keyPart(bool hasParam) {
  switch (next(hasParam ? 15 : 14)) {
    case 0: return "client.ip";
    case 1: return "auth.subject";
    case 2: return "request.header(\"x-a\")";
    case 3: return "request.query(\"q\")";
    case 4: return "request.method";
    case 5: return "route.name";
    case 6: return "auth.claims.org";
    case 7: return "auth.claims.tags";
    case 8: return "time.hour";
    case 9: return std::string("\"") + kValues[next(std::size(kValues))] + ":\"";
    case 10: return next(2) ? "true" : "7";
    case 11: return "request.host";
    case 12: return "request.path";
    case 13: return "auth.claims.level";
    default: return "request.param(\"id\")";
  }
}

std::string PolicyGen::compositeKey(bool hasParam) {
  std::string k = "tuple(" + keyPart(hasParam);
  for (uint32_t n = 1 + next(3); n > 0; --n) k += ", " + keyPart(hasParam);
  return k + ")";
}

std::string PolicyGen::expr(int depth, bool hasParam) {
  if (depth <= 0 || next(3) == 0) {
    return atom(hasParam);
  }
  switch (next(3)) {
    case 0: return "(" + expr(depth - 1, hasParam) + " and " + expr(depth - 1, hasParam) + ")";
    case 1: return "(" + expr(depth - 1, hasParam) + " or " + expr(depth - 1, hasParam) + ")";
    default: return "not (" + expr(depth - 1, hasParam) + ")";
  }
}

std::string PolicyGen::insertion(bool hasParam) {
  static const char* const kFields[] = {"{auth.subject}", "{client.ip}", "{auth.claims.org}",
                                        "{auth.claims.level}", "{request.host}",
                                        "{request.method}", "{auth.provider}"};
  if (hasParam && next(4) == 0) return "{id}";
  return kFields[next(std::size(kFields))];
}

std::string PolicyGen::setValue(bool hasParam) {
  switch (next(6)) {
    case 0: return "auth.subject";
    case 1: return "auth.claims.tags";
    case 2: return std::to_string(next(100));
    case 3: return "client.ip";
    case 4: return "request.header(\"x-a\")";
    default: return expr(1, hasParam);  // a bool
  }
}

std::string PolicyGen::authorize(bool hasParam) {
  std::string s = "  authorize {\n";
  int rules = 1 + static_cast<int>(next(4));
  for (int i = 0; i < rules; ++i) {
    s += next(3) == 0 ? "    deny" : "    allow";
    switch (next(4)) {
      case 0: s += " roles [\"" + std::string(kRoles[next(3)]) + "\"]"; break;
      case 1: s += " scopes [\"read\"]"; break;
      default: s += " when " + expr(2, hasParam); break;
    }
    s += "\n";
  }
  return s + "  }\n";
}

std::string PolicyGen::repeatedAuthorize(bool hasParam) {
  // Real policies repeat one block on many routes, and the native back end then compiles it
  // once for all of them (shared functions and aliases): reuse an earlier block a third of the
  // time so the comparison covers routes that share code.
  if (!authorizeBlocks_.empty() && next(3) == 0) {
    const auto& [text, readsParam] = authorizeBlocks_[next(static_cast<uint32_t>(authorizeBlocks_.size()))];
    if (!readsParam || hasParam) return text;
  }
  std::string text = authorize(hasParam);
  authorizeBlocks_.emplace_back(text, hasParam);
  return text;
}

std::string PolicyGen::matchBlock(bool* hasParam) {
  std::string m = "  match {\n";
  switch (next(4)) {
    case 0: m += "    path \"" + path(false, hasParam) + "\"\n"; break;
    case 1: m += "    path \"" + path(true, hasParam) + "\"\n"; break;
    case 2: m += "    path prefix \"" + path(false, hasParam) + "\"\n"; break;
    default: break;  // no path: every path
  }
  if (next(3) == 0) {
    m += next(2) ? std::string("    host \"") + kHosts[next(std::size(kHosts))] + "\"\n"
                 : "    host \"*.example.com\"\n";
  }
  if (next(2) == 0) {
    m += std::string("    method [") + kMethods[next(3)] + ", " + kMethods[3 + next(4)] + "]\n";
  }
  if (next(3) == 0) {
    m += "    when " + expr(2, *hasParam) + "\n";
  }
  return m;
}

std::string PolicyGen::route(int index, std::set<std::string>* seenMatchers) {
  bool hasParam = false;
  std::string m = matchBlock(&hasParam);
  // Equal match blocks are identical matchers (E0302); redraw, a bounded number of times.
  for (int tries = 0; seenMatchers && !seenMatchers->insert(m).second && tries < 50; ++tries) {
    hasParam = false;
    m = matchBlock(&hasParam);
  }
  m += "  }\n";
  std::string r = "route r" + std::to_string(index) + " {\n" + m;
  bool authz = next(2) == 0;
  if (authz || next(2) == 0) {
    r += next(3) == 0 ? "  authenticate k optional\n" : "  authenticate k\n";
  }
  if (authz) {
    r += repeatedAuthorize(hasParam);
  }
  if (next(3) == 0) {  // body json `set` values: one program each (role BodyValue)
    r += "  request { body json { set \"a.b\" = " + setValue(hasParam) + "; set \"c\" = " +
         setValue(hasParam) + " } }\n";
  }
  // Composite keys (limit keys and sticky `by` keys): every function is compared, so the
  // encoding of each part is checked across the back ends.
  std::string decls;
  if (next(2) == 0) {
    std::string name = "l" + std::to_string(index);
    r += "  limit " + name + "\n";
    decls = "limit " + name + " sliding_window {\n  key " + compositeKey(hasParam) +
            "\n  rate 10/s\n}\n";
  }
  if (next(4) == 0) {  // aggregate path templates: one program per `{...}` (role PartPath)
    return r + "  aggregate {\n    p = u \"/x/" + insertion(hasParam) + "?q=" + insertion(hasParam) +
           "\"\n    o = u \"/y/" + insertion(hasParam) + "\"\n  }\n}\n" + decls;
  }
  if (next(3) == 0) {
    return r + "  forward u 50%, w 50% by " + compositeKey(hasParam) + "\n}\n" + decls;
  }
  return r + "  forward u\n}\n" + decls;
}

std::string PolicyGen::policy(int routes, bool distinctMatchers) {
  std::set<std::string> seen;
  std::string s = "upstream u {\n  server 127.0.0.1:9001\n}\n"
                  "upstream w {\n  server 127.0.0.1:9002\n"
                  "  balance consistent_hash(tuple(request.header(\"x-b\"), client.ip, 7))\n}\n"
                  "auth k api_key {\n  header \"X-API-Key\"\n  keys file \"keys.csv\"\n}\n";
  authorizeBlocks_.clear();
  for (int i = 0; i < routes; ++i) {
    s += route(i, distinctMatchers ? &seen : nullptr);
  }
  return s;
}

std::unique_ptr<GenRequest> PolicyGen::request() {
  auto r = std::make_unique<GenRequest>();
  auto keep = [&](std::string s) -> gw_str {
    r->text.push_back(std::move(s));
    return gw_str{r->text.back().data(), r->text.back().size()};
  };
  uint32_t method = next(GW_METHOD_COUNT + 1);  // includes OTHER and one wild value
  r->view.abi_version = GW_ABI_VERSION;
  r->view.method_id = method;
  r->view.method = keep(method < 7 ? kMethods[method] : "BREW");
  std::string p;
  int depth = static_cast<int>(next(5));
  for (int i = 0; i < depth; ++i) {
    p += "/";
    p += next(6) == 0 ? std::to_string(next(100)) : kSegments[next(std::size(kSegments))];
  }
  if (p.empty() || next(6) == 0) {
    p += "/";
  }
  r->view.path = keep(p);
  std::string host = next(5) == 0 ? "b.a.example.com" : kHosts[next(std::size(kHosts))];
  r->view.host = keep(host);
  r->view.query = keep(next(2) ? std::string("q=") + kValues[next(std::size(kValues))] : "");
  for (const char* name : {"x-a", "X-B", "x-c"}) {
    if (next(2)) {
      std::string value = next(2) ? kValues[next(std::size(kValues))] : "aaab";
      r->headers.push_back(gw_header{keep(name), keep(value)});
    }
  }
  r->view.headers = gw_header_list{r->headers.data(), r->headers.size()};
  r->view.client_ip.family = 4;
  const uint32_t ips[] = {0x0a000001u, 0xc0a80101u, 0x08080808u};
  r->view.client_ip.v4 = ips[next(3)];
  r->view.authenticated = static_cast<int32_t>(next(2));
  r->view.auth_subject = keep(kValues[next(std::size(kValues))]);
  for (const char* role : kRoles) {
    if (next(2)) r->roles.push_back(keep(role));
  }
  if (next(2)) r->scopes.push_back(keep("read"));
  r->view.auth_roles = gw_str_list{r->roles.data(), r->roles.size()};
  r->view.auth_scopes = gw_str_list{r->scopes.data(), r->scopes.size()};
  r->view.cert_san = gw_str_list{nullptr, 0};
  nlohmann::json claims = nlohmann::json::object();
  if (next(2)) claims["org"] = next(2) ? nlohmann::json(kValues[next(std::size(kValues))]) : nlohmann::json(3);
  if (next(2)) claims["level"] = next(2) ? nlohmann::json(next(5)) : nlohmann::json("2");
  if (next(2)) claims["tags"] = nlohmann::json::array({kValues[next(std::size(kValues))], "x"});
  r->claims = std::make_unique<native::ClaimsTable>(claims);
  r->view.claims = r->view.authenticated ? r->claims->view() : nullptr;
  r->view.time_hour = static_cast<int32_t>(next(24));
  r->view.time_weekday = static_cast<int32_t>(next(7));
  r->describe = std::to_string(method) + " " + host + p + "?" + r->text[3];
  return r;
}

}  // namespace gw::difftest
