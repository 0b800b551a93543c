#include "runtime/transform/content_coding.h"

#include "runtime/http/ascii.h"

namespace gw::transform {

namespace {

/// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). -1 when malformed.
int parseQuality(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
  int whole = v[0] - '0';
  if (v.size() == 1) return whole * 1000;
  if (v[1] != '.' || v.size() > 5) return -1;
  int frac = 0;
  int scale = 100;
  for (std::size_t i = 2; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return -1;
    frac += (v[i] - '0') * scale;
    scale /= 10;
  }
  if (whole == 1 && frac != 0) return -1;
  return whole * 1000 + frac;
}

/// One list element: "token *( OWS ";" OWS param )". Returns the quality (1000 when absent).
int elementQuality(std::string_view params) {
  int q = 1000;
  while (!params.empty()) {
    std::size_t semi = params.find(';');
    std::string_view p = http::trimOws(params.substr(0, semi));
    std::size_t eq = p.find('=');
    if (eq != std::string_view::npos && http::iequals(http::trimOws(p.substr(0, eq)), "q")) {
      q = parseQuality(http::trimOws(p.substr(eq + 1)));
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return q;
}

}  // namespace

std::string_view codingName(Coding c) {
  switch (c) {
    case Coding::kGzip: return "gzip";
    case Coding::kDeflate: return "deflate";
    case Coding::kBrotli: return "br";
    case Coding::kIdentity: break;
  }
  return "identity";
}

bool parseCoding(std::string_view token, Coding& out) {
  if (http::iequals(token, "gzip") || http::iequals(token, "x-gzip")) {
    out = Coding::kGzip;
  } else if (http::iequals(token, "deflate")) {
    out = Coding::kDeflate;
  } else if (http::iequals(token, "br")) {
    out = Coding::kBrotli;
  } else if (http::iequals(token, "identity")) {
    out = Coding::kIdentity;
  } else {
    return false;
  }
  return true;
}

void AcceptEncoding::add(std::string_view fieldValue) {
  present_ = true;
  http::forEachListElement(fieldValue, [&](std::string_view item) {
    std::size_t semi = item.find(';');
    std::string_view token = http::trimOws(item.substr(0, semi));
    int q = semi == std::string_view::npos ? 1000 : elementQuality(item.substr(semi + 1));
    if (q < 0) return true;  // malformed qvalue: ignore the element
    Coding c;
    if (token == "*") {
      star_ = star_ == kUnset ? q : std::max(star_, q);
    } else if (parseCoding(token, c)) {
      int& slot = q_[static_cast<int>(c)];
      slot = slot == kUnset ? q : std::max(slot, q);
    }
    return true;
  });
}

int AcceptEncoding::quality(Coding c) const {
  int q = q_[static_cast<int>(c)];
  if (q != kUnset) return q;
  if (star_ != kUnset) return star_;
  // Without a field, RFC 9110 allows any coding, but a client that sent nothing may not decode
  // one: only identity. With a field, unlisted codings are unacceptable, identity acceptable.
  return c == Coding::kIdentity ? 1000 : 0;
}

Coding AcceptEncoding::choose(std::span<const Coding> preferred) const {
  Coding best = Coding::kIdentity;
  int bestQ = 0;
  for (Coding c : preferred) {
    int q = quality(c);
    if (q > bestQ) {
      best = c;
      bestQ = q;
    }
  }
  return best;
}

}  // namespace gw::transform
