#pragma once
// The .gw abstract syntax tree: the project's own types with a source span on every node.
// Nothing downstream of compiler/parse sees ANTLR types. Nodes are plain structs owned by their
// parent; a File owns everything declared in it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/type.h"
#include "compiler/source/span.h"

namespace gw::ast {

/// A name as written (an identifier or a keyword used as a name).
struct Ident {
  std::string text;
  Span span;
};

enum class LitKind : uint8_t {
  String, Int, Float, Bool, Duration, Size, Rate, Percent, Ip, Cidr, Address, Regex
};

/// A typed literal. `raw` is the source text (the formatter prints it back); the decoded value
/// lives in the field that fits the kind:
///   String: str (unescaped)     Int: i        Float: f        Bool: i (0/1)
///   Duration: i (microseconds)  Size: i (bytes)               Rate: i (count) per `period` us
///   Percent: f (0..100)         Ip: i (IPv4 as host-order u32)
///   Cidr: i (network, host order), prefix   Address: str (host), port   Regex: str, flags
struct Lit {
  LitKind kind = LitKind::String;
  std::string raw;
  std::string str;
  int64_t i = 0;
  double f = 0;
  int64_t period = 0;
  int prefix = 0;
  int port = 0;
  std::string flags;
  Span span;
};

enum class ExprKind : uint8_t { Literal, List, Path, Call, Not, Binary, Matches };
enum class BinOp : uint8_t {
  Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Contains, StartsWith, EndsWith, And, Or
};
const char* binOpSpelling(BinOp op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// An expression. Which fields are used depends on `kind`:
///   Literal: lit          List: items            Path: path (dotted segments, e.g. client.ip)
///   Call: path + items (arguments), e.g. request.header("X")
///   Not: items[0]         Binary: op, items[0] (lhs), items[1] (rhs)
///   Matches: items[0] (subject), lit (the regex)
/// A bare name inside a list (`[GET, HEAD]`) is a Path of one segment.
/// `type` is filled in by sema.
struct Expr {
  ExprKind kind = ExprKind::Literal;
  Span span;
  Lit lit;
  std::vector<ExprPtr> items;
  std::vector<Ident> path;
  BinOp op = BinOp::Eq;
  Type type;

  std::string dottedPath() const;  // "request.header"
};

// ---- declarations ---------------------------------------------------------------------------

struct Include {
  Lit pattern;  // String, possibly with * ? globs
  Span span;
};

struct TlsConfig {
  std::vector<Lit> certs;  // String paths, paired with keys in order (several = SNI)
  std::vector<Lit> keys;
  std::optional<Lit> clientCa;
  std::optional<Ident> clientAuth;  // required | optional
  std::optional<Lit> ca;            // upstream: CA file to verify against
  std::optional<Lit> sni;           // upstream: server name
  std::optional<Lit> handshakeTimeout;  // listener: Duration bounding a client's handshake
  Span span;
};

struct Listen {
  Lit address;  // Address, String ("[::]:8443") or Int (port only)
  std::optional<TlsConfig> tls;
  Span span;
};

struct Gateway {
  std::vector<Listen> listens;
  std::optional<Lit> admin;
  std::optional<Lit> redis;
  ExprPtr stripHeaders;    // List of strings (globs)
  ExprPtr trustedProxies;  // List of cidrs
  std::optional<Lit> accessLog;
  std::optional<Lit> threads;
  std::vector<Ident> limits;
  Span span;
};

struct Server {
  Lit address;
  std::optional<Lit> weight;
  bool backup = false;
  Span span;
};

struct Balance {
  Ident algorithm;  // round_robin | least_request | random | consistent_hash
  ExprPtr hashKey;  // consistent_hash(expr)
  Span span;
};

struct Health {
  Ident method;  // get | head
  Lit path;
  std::optional<Lit> every, timeout, healthy, unhealthy;
  Span span;
};

struct Breaker {
  std::optional<Lit> failures, open, closeAfter, probes;
  Span span;
};

struct Retry {
  Lit attempts;
  ExprPtr on;  // List of status ints and names (connect_error, timeout, reset)
  std::optional<Lit> backoffMin, backoffMax;
  bool jitter = false;
  std::optional<Lit> budget;  // Percent
  std::optional<Lit> buffer;  // Size: request bodies up to it are kept for replay
  Span span;
};

struct Upstream {
  Ident name;
  std::vector<Server> servers;
  std::optional<Balance> balance;
  std::optional<Health> health;
  std::optional<Breaker> breaker;
  std::optional<Lit> timeout, connectTimeout, idleTimeout;
  std::optional<Retry> retry;
  std::optional<TlsConfig> tls;
  Span span;
};

/// Where a secret or a key set comes from: `file "p"`, `url "u"`, `env "NAME"` or inline `"v"`.
struct Source {
  enum class Kind : uint8_t { Inline, File, Url, Env } kind = Kind::Inline;
  Lit value;
  Span span;
};

struct Auth {
  Ident name;
  Ident kind;  // jwt | api_key | introspect | mtls
  std::optional<Lit> issuer;
  ExprPtr audience;  // String literal or List of strings
  std::optional<Source> jwks;
  std::optional<Lit> refresh;
  std::optional<Source> publicKey;
  ExprPtr algorithms;  // List of names
  std::optional<Source> hmacSecret;
  std::optional<Lit> leeway, cache, header, query, endpoint, clientId, rolesClaim;
  std::optional<Source> keys;
  std::optional<Source> clientSecret;
  Span span;
};

struct Limit {
  Ident name;
  Ident kind;  // token_bucket | sliding_window
  ExprPtr key;
  std::optional<Lit> rate, burst, warn;
  std::optional<Ident> store;         // local | redis
  std::optional<Ident> onStoreError;  // allow | deny
  Span span;
};

/// One authorization rule: `allow|deny [when expr]`, `allow|deny roles [...]`,
/// `allow|deny scopes [...]`. A rule without a condition always applies.
struct Rule {
  enum class Effect : uint8_t { Allow, Deny } effect = Effect::Allow;
  enum class Kind : uint8_t { Always, When, Roles, Scopes } kind = Kind::Always;
  ExprPtr cond;  // When: the condition; Roles/Scopes: the List of strings
  Span span;
};

struct Policy {
  Ident name;
  std::vector<Rule> rules;
  Span span;
};

struct PathMatch {
  enum class Kind : uint8_t { Exact, Prefix, Template } kind = Kind::Exact;
  bool explicitKind = false;  // `exact`/`prefix` written; otherwise inferred from `{...}`
  Lit pattern;
  Span span;
};

/// `header "X" == "v"`, `!=`, `matches /re/`, `present`, `absent` (also for `query`).
struct FieldCondition {
  enum class Op : uint8_t { Eq, Ne, Matches, Present, Absent } op = Op::Eq;
  Lit field;
  std::optional<Lit> value;  // String for Eq/Ne, Regex for Matches
  Span span;
};

struct Match {
  ExprPtr host;     // String literal or List of strings ("*.example.com" allowed)
  std::optional<PathMatch> path;
  ExprPtr methods;  // Path of one segment (GET) or List of names
  std::vector<FieldCondition> headers;
  std::vector<FieldCondition> queries;
  std::vector<ExprPtr> whens;
  Span span;
};

struct JsonOp {
  enum class Kind : uint8_t { Rename, Remove, Set } kind = Kind::Rename;
  Lit from;  // the field path ("customer.id")
  std::optional<Lit> to;  // Rename target
  ExprPtr value;          // Set value
  Span span;
};

struct Transform {
  enum class Kind : uint8_t { SetHeader, RemoveHeader, RewritePath, BodyJson, Compress };
  Kind kind = Kind::SetHeader;
  std::optional<Lit> a, b;  // header name; rewrite from/to
  ExprPtr value;            // SetHeader value
  std::vector<JsonOp> jsonOps;
  ExprPtr encodings;        // Compress: List of names (br, gzip)
  std::optional<Lit> minSize;
  Span span;
};

struct ForwardTarget {
  Ident upstream;
  std::optional<Lit> percent;
  Span span;
};

struct Forward {
  std::vector<ForwardTarget> targets;
  ExprPtr by;  // sticky key
  Span span;
};

struct AggregatePart {
  Ident field;
  Ident upstream;
  Lit pathTemplate;  // String with {expr} interpolations
  Span span;
};

struct Authenticate {
  std::vector<Ident> providers;
  bool optional = false;
  Span span;
};

struct Authorize {
  std::vector<Ident> policies;  // `authorize a, b`
  bool inlineBlock = false;     // `authorize { rules }`
  std::vector<Rule> rules;
  Span span;
};

struct Route {
  Ident name;
  std::optional<Match> match;
  std::vector<Ident> limits;
  std::optional<Authenticate> authenticate;
  std::optional<Authorize> authorize;
  std::vector<Transform> request, response;
  bool hasRequestBlock = false, hasResponseBlock = false;
  std::optional<Forward> forward;
  std::vector<AggregatePart> aggregate;
  bool hasAggregate = false;
  Span aggregateSpan;
  std::optional<Lit> timeout, maxBody;
  ExprPtr retryMethods;  // `retry_methods`: a method name or a List of them
  Span span;
};

struct TestRequest {
  Ident method;
  Lit url;
  std::vector<std::pair<Lit, Lit>> headers;
  std::optional<std::string> jwtClaims;  // canonical JSON text of `jwt { ... }` / `claims { ... }`
  Span claimsSpan;
  std::optional<Lit> ip, apiKey, body;
  std::optional<std::string> certJson;  // `cert { subject: ..., san: [...] }`
  Span span;
};

struct Expectation {
  enum class Kind : uint8_t { Route, NoRoute, Allow, Deny, Status, Upstream, Header };
  Kind kind = Kind::Allow;
  std::optional<Ident> name;  // Route / Upstream
  std::optional<Lit> a, b;    // Status (Int); Header name and value
  Span span;
};

struct Test {
  Lit name;
  std::optional<TestRequest> request;
  std::vector<Expectation> expects;
  Span span;
};

struct Comment {
  std::string text;  // including the leading '#'
  Span span;
};

enum class DeclKind : uint8_t { Include, Gateway, Upstream, Auth, Limit, Policy, Route, Test };

/// One parsed file. Declarations are kept per kind; `order` remembers how they were written so
/// the formatter can print them back in the same order.
struct File {
  uint32_t fileId = 0;
  std::vector<Include> includes;
  std::vector<Gateway> gateways;
  std::vector<Upstream> upstreams;
  std::vector<Auth> auths;
  std::vector<Limit> limits;
  std::vector<Policy> policies;
  std::vector<Route> routes;
  std::vector<Test> tests;
  std::vector<std::pair<DeclKind, uint32_t>> order;
  std::vector<Comment> comments;
};

/// Every file of a compilation: the root first, then included files in the order they were
/// first reached.
struct Program {
  std::vector<File> files;
};

}  // namespace gw::ast
