// E0307: host patterns are host names (`api.example.com`) or wildcards (`*.example.com`):
// no scheme, port, path or empty label; a wildcard only as the whole first label.
#include <cctype>

#include "compiler/sema/check_context.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

struct HostProblem {
  std::string message;
  std::string help;
};

std::optional<HostProblem> hostProblem(const std::string& h) {
  if (h.empty()) {
    return HostProblem{"the host is empty", "write a host name such as `api.example.com`"};
  }
  if (size_t scheme = h.find("://"); scheme != std::string::npos) {
    std::string rest = h.substr(scheme + 3);
    rest = rest.substr(0, rest.find('/'));
    return HostProblem{"host `" + h + "` includes a scheme",
                       "write the host name only: `\"" + rest + "\"`"};
  }
  if (h.find('/') != std::string::npos) {
    return HostProblem{"host `" + h + "` includes a path",
                       "match the path with `path`, the host with the name only"};
  }
  if (h.find(':') != std::string::npos) {
    return HostProblem{"host `" + h + "` includes a port",
                       "the port is not part of host matching: `\"" + h.substr(0, h.find(':')) +
                           "\"`"};
  }
  std::string body = h;
  if (h.rfind("*.", 0) == 0) {
    body = h.substr(2);
    if (body.find('.') == std::string::npos) {
      return HostProblem{"wildcard host `" + h + "` is too broad",
                         "a wildcard needs at least two labels after `*.`, e.g. "
                         "`*.example.com`"};
    }
  }
  if (body.find('*') != std::string::npos) {
    return HostProblem{"`*` may only be the whole first label of a host, found `" + h + "`",
                       "write `*.example.com` to match every subdomain"};
  }
  size_t start = 0;
  while (start <= body.size()) {
    size_t dot = body.find('.', start);
    std::string label = body.substr(start, dot == std::string::npos ? std::string::npos
                                                                    : dot - start);
    if (label.empty()) {
      return HostProblem{"host `" + h + "` has an empty label", ""};
    }
    for (char c : label) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
        return HostProblem{"host `" + h + "` contains `" + std::string(1, c) + "`",
                           "host names are letters, digits, `-` and `.`"};
      }
    }
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return std::nullopt;
}

void checkHost(CheckContext& ctx, const Expr& e) {
  if (e.kind != ExprKind::Literal || e.lit.kind != LitKind::String) {
    return;  // a non-string is a type error, reported by the type check
  }
  if (auto p = hostProblem(e.lit.str)) {
    ctx.report(DiagCode::BadHost, e.span, p->message).help = p->help;
  }
}

}  // namespace

void checkHosts(CheckContext& ctx) {
  for (const File& f : ctx.program.files) {
    for (const Route& r : f.routes) {
      if (!r.match || !r.match->host) {
        continue;
      }
      const Expr& h = *r.match->host;
      if (h.kind != ExprKind::List) {
        checkHost(ctx, h);
        continue;
      }
      if (h.items.empty()) {
        ctx.report(DiagCode::BadHost, h.span, "the host list is empty")
            .help = "list at least one host, or remove `host` to match every host";
      }
      for (size_t i = 0; i < h.items.size(); ++i) {
        if (!h.items[i]) {
          continue;
        }
        checkHost(ctx, *h.items[i]);
      }
    }
  }
}

}  // namespace gw::sema
