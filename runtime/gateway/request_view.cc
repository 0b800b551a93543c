#include "runtime/gateway/request_view.h"

#include <arpa/inet.h>

#include <cstring>

#include "compiler/policy/request_builder.h"
#include "runtime/tls/peer_identity.h"

namespace gw::gateway {

namespace {

gw_str str(std::string_view s) { return gw_str{s.data(), s.size()}; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool trusted(const Generation& gen, const gw_ip& ip) {
  uint8_t bytes[16];
  if (ip.family == 4) {
    uint32_t be = htonl(ip.v4);
    std::memcpy(bytes, &be, 4);
  } else {
    std::memcpy(bytes, ip.v6, 16);
  }
  for (const Cidr& c : gen.trustedProxies) {
    if (c.contains(bytes, ip.family)) return true;
  }
  return false;
}

}  // namespace

bool parseIpv4(std::string_view s, std::uint32_t& out) {
  auto digit = [&](std::size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  std::uint32_t addr = 0;
  std::size_t i = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    if (!digit(i)) return false;
    std::uint32_t v = static_cast<std::uint32_t>(s[i++] - '0');
    if (v == 0 && digit(i)) return false;  // a leading zero ("01"): inet_pton refuses it too
    while (digit(i)) {
      v = v * 10 + static_cast<std::uint32_t>(s[i++] - '0');
      if (v > 255) return false;
    }
    addr = (addr << 8) | v;
  }
  if (i != s.size()) return false;
  out = addr;
  return true;
}

bool parseIp(std::string_view text, gw_ip& out) {
  // IPv4 without inet_pton: the peer address is parsed on every request (client.ip, limit
  // keys), and inet_pton needs a NUL-terminated copy and walks a generic state machine.
  if (std::uint32_t v4 = 0; parseIpv4(text, v4)) {
    out = gw_ip{};
    out.family = 4;
    out.v4 = v4;
    return true;
  }
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  in6_addr v6;
  if (inet_pton(AF_INET6, buf, &v6) == 1) {
    out = gw_ip{};
    out.family = 6;
    std::memcpy(out.v6, &v6, 16);
    return true;
  }
  return false;
}

void RequestView::resolveClient(const server::RequestContext& req, const Generation& gen) {
  clientIp_ = req.clientIp;
  req_.client_ip = gw_ip{};
  if (!parseIp(req.clientIp, req_.client_ip)) return;
  if (gen.trustedProxies.empty() || !trusted(gen, req_.client_ip)) return;
  // The peer is a trusted proxy: walk X-Forwarded-For from the right, skipping trusted hops;
  // the first untrusted address is the client (the left part is client-controlled).
  std::string_view xff = req.header("x-forwarded-for");
  while (!xff.empty()) {
    size_t comma = xff.rfind(',');
    std::string_view hop = trim(comma == std::string_view::npos ? xff : xff.substr(comma + 1));
    gw_ip ip;
    if (!parseIp(hop, ip)) return;
    forwardedIp_.assign(hop);
    clientIp_ = forwardedIp_;
    req_.client_ip = ip;
    if (!trusted(gen, ip)) return;
    if (comma == std::string_view::npos) return;
    xff = xff.substr(0, comma);
  }
}

void RequestView::setClientCertificate(const server::RequestContext& req) {
  sans_.clear();
  if (req.clientCert == nullptr) return;  // plain TCP, or no (verified) certificate
  const tls::PeerIdentity& cert = *req.clientCert;
  req_.cert_subject = str(cert.subject);
  req_.cert_fingerprint = str(cert.sha256_fingerprint);
  // Values only ("billing.internal", "10.0.0.7"), so `client.cert.san contains "x"` compares
  // names, whatever their SAN type.
  for (const tls::SubjectAltName& san : cert.sans) sans_.push_back(str(san.value));
  req_.cert_san = gw_str_list{sans_.data(), sans_.size()};
}

const gw_request& RequestView::build(const server::RequestContext& req, const Generation& gen) {
  req_ = gw_request{};
  req_.abi_version = GW_ABI_VERSION;
  req_.method = str(req.method);
  req_.method_id = policy::methodFromName(req.method);
  req_.path = str(req.path);
  req_.host = str(req.host);
  req_.query = str(req.query);
  headers_.clear();
  if (req.head != nullptr) {
    for (const http::Header& h : req.head->headers) {
      headers_.push_back(gw_header{str(h.name), str(h.value)});
    }
  }
  req_.headers = gw_header_list{headers_.data(), headers_.size()};
  resolveClient(req, gen);
  setClientCertificate(req);
  std::time_t now = std::time(nullptr);
  if (now != timeCachedFor_) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    hour_ = tm.tm_hour;
    weekday_ = tm.tm_wday;
    timeCachedFor_ = now;
  }
  req_.time_hour = hour_;
  req_.time_weekday = weekday_;
  return req_;
}

void RequestView::setIdentity(const auth::Identity& id, const native::ClaimsTable* claims) {
  roles_.clear();
  scopes_.clear();
  for (const std::string& r : id.roles) roles_.push_back(str(r));
  for (const std::string& s : id.scopes) scopes_.push_back(str(s));
  req_.authenticated = 1;
  req_.auth_subject = str(id.subject);
  req_.auth_provider = str(id.provider);
  req_.auth_roles = gw_str_list{roles_.data(), roles_.size()};
  req_.auth_scopes = gw_str_list{scopes_.data(), scopes_.size()};
  req_.claims = claims != nullptr ? claims->view() : nullptr;
}

}  // namespace gw::gateway
