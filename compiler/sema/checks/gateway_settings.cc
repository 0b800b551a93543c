// The gateway block and TLS blocks: E0303 (cert without key, client_auth without client_ca),
// E0304 (upstream-only TLS settings in the gateway and the reverse), E0110 (client_auth value),
// E0002 (redis URL), E0108 (a listen address given twice).
#include <unordered_map>

#include "compiler/sema/check_context.h"
#include "compiler/sema/suggest.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

void notHere(CheckContext& ctx, const std::optional<Lit>& l, const char* setting,
             const char* where, const char* belongs) {
  if (l) {
    ctx.report(DiagCode::SettingNotAllowed, l->span,
               std::string("`") + setting + "` is not a setting of " + where)
        .help = std::string("`") + setting + "` belongs to " + belongs;
  }
}

void checkTls(CheckContext& ctx, const TlsConfig& tls, bool listener) {
  if (tls.certs.size() != tls.keys.size()) {
    ctx.report(DiagCode::MissingSetting, tls.span,
               "every `cert` needs a matching `key` (found " + std::to_string(tls.certs.size()) +
                   " cert, " + std::to_string(tls.keys.size()) + " key)")
        .help = "certificates and keys pair up in the order they are written";
  }
  if (listener) {
    if (tls.certs.empty()) {
      ctx.report(DiagCode::MissingSetting, tls.span, "a TLS listener needs a `cert` and a `key`");
    }
    notHere(ctx, tls.ca, "ca", "a listener's `tls`", "an upstream's `tls` (the CA to verify it)");
    notHere(ctx, tls.sni, "sni", "a listener's `tls`", "an upstream's `tls`");
    if (tls.clientAuth) {
      const std::string& v = tls.clientAuth->text;
      if (v != "required" && v != "optional") {
        ctx.report(DiagCode::UnknownOption, tls.clientAuth->span,
                   "unknown `client_auth` value `" + v + "`")
            .help = didYouMean(v, {"required", "optional"}).empty()
                        ? "use `required` or `optional`"
                        : didYouMean(v, {"required", "optional"});
      }
      if (!tls.clientCa) {
        ctx.report(DiagCode::MissingSetting, tls.clientAuth->span,
                   "`client_auth` needs a `client_ca` to verify client certificates")
            .help = "add `client_ca \"certs/clients-ca.pem\"`";
      }
    }
  } else {
    notHere(ctx, tls.clientCa, "client_ca", "an upstream's `tls`", "a listener's `tls`");
    // An upstream's connect and handshake share its `connect_timeout`.
    notHere(ctx, tls.handshakeTimeout, "handshake_timeout", "an upstream's `tls`",
            "a listener's `tls` (an upstream's handshake is bounded by its `connect_timeout`)");
    if (tls.clientAuth) {
      ctx.report(DiagCode::SettingNotAllowed, tls.clientAuth->span,
                 "`client_auth` is not a setting of an upstream's `tls`")
          .help = "`client_auth` belongs to a listener's `tls`";
    }
  }
}

}  // namespace

void checkGatewaySettings(CheckContext& ctx) {
  for (const File& f : ctx.program.files) {
    for (const Gateway& g : f.gateways) {
      std::unordered_map<std::string, const Listen*> seen;
      for (const Listen& l : g.listens) {
        auto [it, fresh] = seen.emplace(l.address.raw, &l);
        if (!fresh) {
          ctx.report(DiagCode::DuplicateName, l.address.span,
                     "`listen " + l.address.raw + "` is given twice")
              .notes.push_back({"first given here", it->second->address.span});
        }
        if (l.tls) {
          checkTls(ctx, *l.tls, true);
        }
      }
      if (g.redis && g.redis->str.rfind("redis://", 0) != 0 &&
          g.redis->str.rfind("rediss://", 0) != 0 && g.redis->str.rfind("unix://", 0) != 0) {
        ctx.report(DiagCode::InvalidLiteral, g.redis->span,
                   "`redis` must be a URL such as `redis://127.0.0.1:6379`, found `" +
                       g.redis->str + "`")
            .help = "write `redis \"redis://" + g.redis->str + "\"`";
      }
    }
    for (const Upstream& u : f.upstreams) {
      if (u.tls) {
        checkTls(ctx, *u.tls, false);
      }
    }
  }
}

}  // namespace gw::sema
