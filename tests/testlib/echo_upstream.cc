// gw-echo-upstream: a test upstream built on Boost.Beast (an independent HTTP implementation, so
// it checks what the gateway really sends). Echoes method, target, path, query, headers, body
// size and SHA-256 as JSON. Knobs by path:
//   /__count          {"count": N}: requests received so far (excluding /__count)
//   /__seen           {"seen": ["HEAD /health", ...]}: method and path of the last 4096 requests
//                     outside /__* (what a health probe sent, say), oldest first
//   /status/N         answer with status N
//   /sleep/MS         wait MS milliseconds before answering
//   /bytes/N          N bytes body with Content-Length
//   /chunked/N        N bytes body, chunked (4 KiB chunks)
//   /closedelim/N     N bytes, no length, connection closed at the end
//   /close            echo, then close the connection
//   /garbage          an invalid status line
//   /hangup           close without answering
//   /__mode/M         from now on every request outside /__* fails as M says (counted first):
//                     ok (back to echoing), status/N (answer N), sleep/MS (answer late),
//                     hang (never answer; wait for the peer to close), hangup (close, FIN),
//                     reset (close with RST). A dead upstream ("refuse") is a killed process:
//                     restart it with --port P on the same port.
// The echo also reports "connections" (accepted so far, to see keep-alive reuse) and, in TLS
// mode, "tls_sni" (the server name the client sent) and "tls_version".
// Prints the bound port on stdout. Options: --port P; --tls CERT KEY serves HTTPS (TLS 1.2+)
// with that PEM certificate chain and key. One thread.
#include <openssl/evp.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <cstdio>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::uint64_t gRequests = 0;
std::uint64_t gConnections = 0;
/// "METHOD path" of the most recent requests (at most kSeenMax), oldest first.
std::deque<std::string> gSeen;
constexpr std::size_t kSeenMax = 4096;

/// What the echo reports about the connection's TLS (empty for plain TCP).
struct TlsInfo {
  std::string sni;
  std::string version;
};

/// The failure mode set by /__mode/...; one io_context thread, so a plain global.
struct FailureMode {
  enum class Kind { kOk, kStatus, kSleep, kHang, kHangup, kReset };
  Kind kind = Kind::kOk;
  std::uint64_t arg = 0;
};
FailureMode gMode;

std::uint64_t numberAfter(std::string_view path, std::string_view prefix) {
  std::uint64_t n = 0;
  std::string_view rest = path.substr(prefix.size());
  std::from_chars(rest.data(), rest.data() + rest.size(), n);
  return n;
}

std::string hex(const unsigned char* d, unsigned n) {
  static const char* k = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    s.push_back(k[d[i] >> 4]);
    s.push_back(k[d[i] & 15]);
  }
  return s;
}

/// Parses the M of /__mode/M; false for an unknown mode.
bool parseMode(std::string_view m, FailureMode& out) {
  using K = FailureMode::Kind;
  if (m.starts_with("status/")) {
    out = {K::kStatus, numberAfter(m, "status/")};
    return out.arg >= 100 && out.arg <= 999;
  }
  if (m.starts_with("sleep/")) {
    out = {K::kSleep, numberAfter(m, "sleep/")};
    return true;
  }
  const std::pair<std::string_view, K> plain[] = {
      {"ok", K::kOk}, {"hang", K::kHang}, {"hangup", K::kHangup}, {"reset", K::kReset}};
  for (const auto& [name, kind] : plain) {
    if (m == name) {
      out = {kind, 0};
      return true;
    }
  }
  return false;
}

/// Reads and discards until the peer closes: a server that never answers.
asio::awaitable<void> hangUntilPeerCloses(tcp::socket& s) {
  std::array<char, 4096> sink;
  while (true) {
    auto [ec, n] = co_await s.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      co_return;
    }
  }
}

std::string head(int status, std::string_view extra) {
  std::string h = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
  h += extra;
  return h;
}

template <typename Stream>
asio::awaitable<bool> writeAll(Stream& s, std::string_view data) {
  auto [ec, n] = co_await asio::async_write(s, asio::buffer(data.data(), data.size()),
                                            asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

template <typename Stream>
asio::awaitable<bool> sendBytes(Stream& s, std::uint64_t n, bool chunked) {
  std::string block(chunked ? 4096 : 65536, 'x');
  while (n > 0) {
    std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, block.size()));
    std::string_view piece(block.data(), k);
    if (chunked) {
      char line[32];
      int len = std::snprintf(line, sizeof line, "%zx\r\n", k);
      // GCC 12 evaluates co_await inside || and && wrongly: one statement per await.
      std::array<asio::const_buffer, 3> bufs{asio::buffer(line, len), asio::buffer(piece),
                                             asio::buffer("\r\n", 2)};
      auto [ec, w] = co_await asio::async_write(s, bufs, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        co_return false;
      }
    } else if (!co_await writeAll(s, piece)) {
      co_return false;
    }
    n -= k;
  }
  if (!chunked) {
    co_return true;
  }
  bool ok = co_await writeAll(s, "0\r\n\r\n");
  co_return ok;
}

/// Reads one request; returns false when the connection should end.
template <typename Stream>
asio::awaitable<bool> serveOne(Stream& s, beast::flat_buffer& buf, const TlsInfo& tls) {
  http::request_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  parser.header_limit(65536);
  auto [ec, n] =
      co_await http::async_read_header(s, buf, parser, asio::as_tuple(asio::use_awaitable));
  if (ec) {
    co_return false;
  }
  auto& req = parser.get();
  std::string target(req.target());
  std::string path = target.substr(0, target.find('?'));
  std::string query =
      target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  std::uint64_t bodySize = 0;
  std::string chunk(65536, '\0');
  while (!parser.is_done()) {
    req.body().data = chunk.data();
    req.body().size = chunk.size();
    auto [rec, rn] = co_await http::async_read(s, buf, parser, asio::as_tuple(asio::use_awaitable));
    if (rec == http::error::need_buffer) {
      rec = {};
    }
    std::size_t got = chunk.size() - req.body().size;
    EVP_DigestUpdate(md, chunk.data(), got);
    bodySize += got;
    if (rec) {
      EVP_MD_CTX_free(md);
      co_return false;
    }
  }
  unsigned char digest[32];
  unsigned dlen = 0;
  EVP_DigestFinal_ex(md, digest, &dlen);
  EVP_MD_CTX_free(md);
  if (path == "/__count") {
    std::string body = "{\"count\":" + std::to_string(gRequests) + "}";
    // GCC 12 mishandles non-trivial temporaries inside co_await expressions: use named locals.
    std::string out = head(200, "Content-Type: application/json\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n") +
                      body;
    co_return co_await writeAll(s, out);
  }
  if (path.starts_with("/__mode/")) {
    bool known = parseMode(std::string_view(path).substr(8), gMode);
    nlohmann::json reply;
    reply[known ? "mode" : "error"] = known ? path.substr(8) : "unknown mode";
    std::string body = reply.dump();
    std::string out = head(known ? 200 : 400, "Content-Type: application/json\r\nContent-Length: " +
                                                  std::to_string(body.size()) + "\r\n\r\n") +
                      body;
    co_return co_await writeAll(s, out);
  }
  if (path == "/__seen") {
    nlohmann::json reply;
    reply["seen"] = gSeen;
    std::string body = reply.dump();
    std::string out = head(200, "Content-Type: application/json\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n") +
                      body;
    co_return co_await writeAll(s, out);
  }
  ++gRequests;
  gSeen.push_back(std::string(req.method_string()) + " " + path);
  if (gSeen.size() > kSeenMax) gSeen.pop_front();
  int modeStatus = 0;
  switch (gMode.kind) {
    case FailureMode::Kind::kOk:
      break;
    case FailureMode::Kind::kStatus:
      modeStatus = static_cast<int>(gMode.arg);
      break;
    case FailureMode::Kind::kSleep: {
      asio::steady_timer t(s.get_executor(), std::chrono::milliseconds(gMode.arg));
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      break;
    }
    case FailureMode::Kind::kHang:
      co_await hangUntilPeerCloses(beast::get_lowest_layer(s));
      co_return false;
    case FailureMode::Kind::kHangup:
      co_return false;
    case FailureMode::Kind::kReset: {
      boost::system::error_code ec;
      tcp::socket& raw = beast::get_lowest_layer(s);
      raw.set_option(asio::socket_base::linger(true, 0), ec);  // close() now sends RST
      raw.close(ec);
      co_return false;
    }
  }
  if (path.starts_with("/sleep/")) {
    asio::steady_timer t(s.get_executor(), std::chrono::milliseconds(numberAfter(path, "/sleep/")));
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (path == "/hangup") {
    co_return false;
  }
  if (path == "/garbage") {
    co_await writeAll(s, "HTTP/1.1 abc\r\n\r\n");
    co_return false;
  }
  if (path.starts_with("/bytes/")) {
    std::uint64_t k = numberAfter(path, "/bytes/");
    std::string out = head(200, "Content-Length: " + std::to_string(k) + "\r\n\r\n");
    if (!co_await writeAll(s, out)) {
      co_return false;
    }
    bool ok = co_await sendBytes(s, k, false);
    co_return ok;
  }
  if (path.starts_with("/chunked/")) {
    std::string out = head(200, "Transfer-Encoding: chunked\r\n\r\n");
    if (!co_await writeAll(s, out)) {
      co_return false;
    }
    bool ok = co_await sendBytes(s, numberAfter(path, "/chunked/"), true);
    co_return ok;
  }
  if (path.starts_with("/closedelim/")) {
    std::string out = head(200, "Connection: close\r\n\r\n");
    if (co_await writeAll(s, out)) {
      co_await sendBytes(s, numberAfter(path, "/closedelim/"), false);
    }
    co_return false;
  }
  nlohmann::json j;
  j["method"] = std::string(req.method_string());
  j["target"] = target;
  j["path"] = path;
  j["query"] = query;
  j["version"] = req.version();
  j["chunked"] = req.chunked();
  j["headers"] = nlohmann::json::array();
  for (const auto& f : req) {
    j["headers"].push_back({std::string(f.name_string()), std::string(f.value())});
  }
  j["body_size"] = bodySize;
  j["body_sha256"] = hex(digest, dlen);
  j["count"] = gRequests;
  j["connections"] = gConnections;
  if (!tls.version.empty()) {
    j["tls_sni"] = tls.sni;
    j["tls_version"] = tls.version;
  }
  std::string body = j.dump();
  int status = path.starts_with("/status/") ? static_cast<int>(numberAfter(path, "/status/"))
               : modeStatus != 0               ? modeStatus
                                               : 200;
  bool close = path == "/close";
  std::string h = head(
      status, "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n");
  bool isHead = req.method() == http::verb::head;
  std::string out = isHead ? h : h + body;
  if (!co_await writeAll(s, out)) {
    co_return false;
  }
  co_return !close && req.keep_alive();
}

asio::awaitable<void> serve(tcp::socket s) {
  ++gConnections;
  beast::flat_buffer buf;
  TlsInfo none;
  while (co_await serveOne(s, buf, none)) {
  }
  boost::system::error_code ec;
  s.shutdown(tcp::socket::shutdown_send, ec);
  s.close(ec);
}

asio::awaitable<void> serveTls(tcp::socket s, asio::ssl::context& ctx) {
  ++gConnections;
  asio::ssl::stream<tcp::socket> stream(std::move(s), ctx);
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                               asio::as_tuple(asio::use_awaitable));
  if (hec) {
    co_return;
  }
  TlsInfo info;
  const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
  info.sni = sni != nullptr ? sni : "";
  info.version = SSL_get_version(stream.native_handle());
  beast::flat_buffer buf;
  while (co_await serveOne(stream, buf, info)) {
  }
  co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
  boost::system::error_code ec;
  stream.next_layer().close(ec);
}

asio::awaitable<void> acceptLoop(tcp::acceptor& acceptor, asio::ssl::context* tls) {
  while (true) {
    auto [ec, s] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      co_return;
    }
    if (tls != nullptr) {
      asio::co_spawn(acceptor.get_executor(), serveTls(std::move(s), *tls), asio::detached);
    } else {
      asio::co_spawn(acceptor.get_executor(), serve(std::move(s)), asio::detached);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  std::string cert, key;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--port" && i + 1 < argc) {
      port = static_cast<unsigned short>(std::atoi(argv[++i]));
    } else if (a == "--tls" && i + 2 < argc) {
      cert = argv[++i];
      key = argv[++i];
    } else {
      std::fprintf(stderr, "usage: gw-echo-upstream [--port P] [--tls CERT KEY]\n");
      return 2;
    }
  }
  asio::ssl::context tls(asio::ssl::context::tls_server);
  if (!cert.empty()) {
    tls.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                    asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    tls.use_certificate_chain_file(cert, ec);
    if (!ec) {
      tls.use_private_key_file(key, asio::ssl::context::pem, ec);
    }
    if (ec) {
      std::fprintf(stderr, "gw-echo-upstream: %s\n", ec.message().c_str());
      return 1;
    }
  }
  asio::io_context ioc(1);
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::printf("%u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);
  asio::signal_set signals(ioc, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code, int) { ioc.stop(); });
  asio::co_spawn(ioc, acceptLoop(acceptor, cert.empty() ? nullptr : &tls), asio::detached);
  ioc.run();
  return 0;
}
