// Auth providers: E0109 (unknown kind), E0304 (a setting of another kind, naming the kind it
// belongs to), E0303 (jwt without a key source, HS* without hmac_secret, api_key without keys
// or header/query, introspect without endpoint/client), E0110 (unknown or unsafe algorithm).
#include <algorithm>
#include "compiler/sema/check_context.h"
#include "compiler/sema/suggest.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

enum KindBit : unsigned { kJwt = 1, kApiKey = 2, kIntrospect = 4, kMtls = 8 };

const std::vector<std::string_view> kKinds = {"jwt", "api_key", "introspect", "mtls"};
const std::vector<std::string_view> kAlgs = {"RS256", "RS384", "RS512", "PS256", "PS384",
                                             "PS512", "ES256", "ES384", "ES512", "EdDSA",
                                             "HS256", "HS384", "HS512"};

struct SettingUse {
  const char* name;
  Span span;  // invalid when the setting is absent
  unsigned kinds;
};

template <class T>
Span spanOf(const std::optional<T>& v) {
  return v ? v->span : Span{};
}
Span spanOf(const ExprPtr& e) { return e ? e->span : Span{}; }

std::vector<SettingUse> settingsOf(const Auth& a) {
  return {
      {"issuer", spanOf(a.issuer), kJwt},
      {"audience", spanOf(a.audience), kJwt},
      {"jwks", spanOf(a.jwks), kJwt},
      {"refresh", spanOf(a.refresh), kJwt},
      {"public_key", spanOf(a.publicKey), kJwt},
      {"algorithms", spanOf(a.algorithms), kJwt},
      {"hmac_secret", spanOf(a.hmacSecret), kJwt},
      {"leeway", spanOf(a.leeway), kJwt},
      {"cache", spanOf(a.cache), kJwt | kIntrospect | kApiKey},
      {"header", spanOf(a.header), kJwt | kApiKey},
      {"query", spanOf(a.query), kApiKey},
      {"keys", spanOf(a.keys), kApiKey},
      {"endpoint", spanOf(a.endpoint), kIntrospect},
      {"client", spanOf(a.clientId), kIntrospect},
      {"roles_claim", spanOf(a.rolesClaim), kJwt | kIntrospect},
  };
}

std::string kindsText(unsigned kinds) {
  std::string out;
  for (size_t i = 0; i < kKinds.size(); ++i) {
    if (kinds & (1u << i)) {
      out += std::string(out.empty() ? "" : " and ") + "`" + std::string(kKinds[i]) + "`";
    }
  }
  return out;
}

void missing(CheckContext& ctx, const Auth& a, const std::string& what, std::string help) {
  ctx.report(DiagCode::MissingSetting, a.name.span,
             std::string(a.kind.text) + " provider `" + a.name.text + "` " + what)
      .help = std::move(help);
}

void checkAlgorithms(CheckContext& ctx, const Auth& a, bool* anyHmac, bool* anyAsym) {
  if (!a.algorithms) {
    *anyHmac = a.hmacSecret.has_value();
    *anyAsym = a.jwks.has_value() || a.publicKey.has_value();
    return;
  }
  for (const ExprPtr& item : a.algorithms->items) {
    if (!item) {
      continue;
    }
    std::string name = item->kind == ExprKind::Literal ? item->lit.str : item->dottedPath();
    if (name == "none" || name == "NONE") {
      ctx.report(DiagCode::UnknownOption, item->span, "algorithm `none` is never accepted")
          .help = "unsigned tokens would let anyone claim any identity; remove it";
      continue;
    }
    if (std::find(kAlgs.begin(), kAlgs.end(), name) == kAlgs.end()) {
      Diagnostic& d = ctx.report(DiagCode::UnknownOption, item->span,
                                 "unknown JWT algorithm `" + name + "`");
      d.help = didYouMean(name, kAlgs);
      if (d.help.empty()) {
        d.help = "supported: RS*, PS*, ES256/384/512, EdDSA, HS256/384/512";
      }
      continue;
    }
    (name[0] == 'H' ? *anyHmac : *anyAsym) = true;
  }
}

void checkJwt(CheckContext& ctx, const Auth& a) {
  if (!a.jwks && !a.publicKey && !a.hmacSecret) {
    missing(ctx, a, "has no key to verify tokens with",
            "add `jwks file \"keys/jwks.json\"`, `public_key file \"key.pem\"` or "
            "`hmac_secret env \"NAME\"`");
    return;
  }
  bool anyHmac = false;
  bool anyAsym = false;
  checkAlgorithms(ctx, a, &anyHmac, &anyAsym);
  if (anyHmac && !a.hmacSecret) {
    missing(ctx, a, "accepts HS* algorithms but has no `hmac_secret`",
            "add `hmac_secret env \"JWT_SECRET\"`, or remove HS256/HS384/HS512");
  }
  if (anyAsym && !a.jwks && !a.publicKey) {
    missing(ctx, a, "accepts public-key algorithms but has no `jwks` or `public_key`",
            "add `jwks file \"keys/jwks.json\"`, or list only HS* algorithms");
  }
  if (a.refresh && a.jwks && a.jwks->kind == Source::Kind::Inline) {
    ctx.report(DiagCode::SettingNotAllowed, a.refresh->span,
               "`refresh` needs `jwks` from a `file` or `url`")
        .help = "an inline key set never changes";
  }
}

}  // namespace

void checkAuthSettings(CheckContext& ctx) {
  for (const File& f : ctx.program.files) {
    for (const Auth& a : f.auths) {
      auto kind = std::find(kKinds.begin(), kKinds.end(), a.kind.text);
      if (kind == kKinds.end()) {
        Diagnostic& d = ctx.report(DiagCode::UnknownKind, a.kind.span,
                                   "unknown auth kind `" + a.kind.text + "`");
        d.help = didYouMean(a.kind.text, kKinds);
        if (d.help.empty()) {
          d.help = "auth kinds are `jwt`, `api_key`, `introspect` and `mtls`";
        }
        continue;
      }
      unsigned bit = 1u << (kind - kKinds.begin());
      for (const SettingUse& s : settingsOf(a)) {
        if (s.span.valid() && !(s.kinds & bit)) {
          ctx.report(DiagCode::SettingNotAllowed, s.span,
                     std::string("`") + s.name + "` is not a setting of `" + a.kind.text +
                         "` providers")
              .help = std::string("`") + s.name + "` belongs to " + kindsText(s.kinds) +
                      " providers";
        }
      }
      if (bit == kJwt) {
        checkJwt(ctx, a);
      } else if (bit == kApiKey) {
        if (!a.keys) missing(ctx, a, "has no `keys`", "add `keys file \"keys/api-keys.csv\"`");
        if (!a.header && !a.query) {
          missing(ctx, a, "does not say where the key is sent",
                  "add `header \"X-API-Key\"` or `query \"api_key\"`");
        }
      } else if (bit == kIntrospect) {
        if (!a.endpoint) {
          missing(ctx, a, "has no `endpoint`", "add `endpoint \"https://idp/introspect\"`");
        }
        if (!a.clientId) {
          missing(ctx, a, "has no `client`", "add `client \"gateway\" secret env \"SECRET\"`");
        }
        if (a.endpoint && a.endpoint->str.rfind("http://", 0) != 0 &&
            a.endpoint->str.rfind("https://", 0) != 0) {
          ctx.report(DiagCode::InvalidLiteral, a.endpoint->span,
                     "`endpoint` must be an http or https URL, found `" + a.endpoint->str + "`");
        }
      }
    }
  }
}

}  // namespace gw::sema
