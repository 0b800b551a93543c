// gw-http-proxy: the serving core with a trivial policy hook that forwards every request to one
// upstream (and answers 403 locally under --deny-prefix, to test local decisions). Prints the
// bound port on stdout; SIGTERM/SIGINT start a graceful shutdown.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "runtime/server/handler.h"
#include "runtime/server/server.h"

namespace {

using gw::server::Decision;
using gw::server::Millis;
using gw::server::RequestContext;

struct Config {
  gw::server::ServerOptions server;
  std::string upstreamHost = "127.0.0.1";
  std::uint16_t upstreamPort = 0;
  std::uint64_t maxBody = 0;
  std::string denyPrefix;
};

class ForwardAllHandler final : public gw::server::Handler {
 public:
  explicit ForwardAllHandler(const Config& config) : config_(config) {}

  boost::asio::awaitable<void> decide(RequestContext& req, Decision& out) override {
    if (!config_.denyPrefix.empty() && req.path.starts_with(config_.denyPrefix)) {
      out.respondError(403, "denied by policy");
      co_return;
    }
    out.kind = Decision::Kind::kForward;
    out.forward.host = config_.upstreamHost;
    out.forward.port = config_.upstreamPort;
    out.forward.maxBody = config_.maxBody;
    co_return;
  }

 private:
  const Config& config_;
};

bool parseHostPort(std::string_view s, std::string& host, std::uint16_t& port) {
  std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  host.assign(s.substr(0, colon));
  std::string_view p = s.substr(colon + 1);
  return std::from_chars(p.data(), p.data() + p.size(), port).ec == std::errc();
}

bool parseNumber(const char* s, std::uint64_t& out) {
  return std::from_chars(s, s + std::strlen(s), out).ec == std::errc();
}

int usage() {
  std::fprintf(stderr,
               "usage: gw-http-proxy --upstream HOST:PORT [--listen HOST:PORT] [--threads N]\n"
               "  [--max-body BYTES] [--deny-prefix PATH] [--header-timeout-ms MS]\n"
               "  [--idle-timeout-ms MS] [--body-timeout-ms MS] [--upstream-timeout-ms MS]\n"
               "  [--connect-timeout-ms MS] [--drain-ms MS] [--max-header-bytes N]\n"
               "  [--max-uri N] [--max-headers N]\n");
  return 2;
}

bool parseArgs(int argc, char** argv, Config& c) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) {
      return false;
    }
    const char* v = argv[++i];
    std::uint64_t n = 0;
    bool numeric = parseNumber(v, n);
    if (a == "--listen") {
      if (!parseHostPort(v, c.server.address, c.server.port)) {
        return false;
      }
    } else if (a == "--upstream") {
      if (!parseHostPort(v, c.upstreamHost, c.upstreamPort)) {
        return false;
      }
    } else if (a == "--deny-prefix") {
      c.denyPrefix = v;
    } else if (!numeric) {
      return false;
    } else if (a == "--threads") {
      c.server.threads = n;
    } else if (a == "--max-body") {
      c.maxBody = n;
    } else if (a == "--header-timeout-ms") {
      c.server.headerTimeout = Millis(n);
    } else if (a == "--idle-timeout-ms") {
      c.server.idleTimeout = Millis(n);
    } else if (a == "--body-timeout-ms") {
      c.server.bodyIdleTimeout = Millis(n);
    } else if (a == "--upstream-timeout-ms") {
      c.server.defaultUpstreamTimeout = Millis(n);
    } else if (a == "--connect-timeout-ms") {
      c.server.defaultConnectTimeout = Millis(n);
    } else if (a == "--drain-ms") {
      c.server.drainTimeout = Millis(n);
    } else if (a == "--max-header-bytes") {
      c.server.limits.maxHeaderBytes = n;
    } else if (a == "--max-uri") {
      c.server.limits.maxUriLength = n;
    } else if (a == "--max-headers") {
      c.server.limits.maxHeaderCount = n;
    } else {
      return false;
    }
  }
  return c.upstreamPort != 0;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  if (!parseArgs(argc, argv, config)) {
    return usage();
  }
  gw::server::Server server(config.server, [&config](std::size_t) {
    return std::make_unique<ForwardAllHandler>(config);
  });
  if (auto ec = server.start()) {
    std::fprintf(stderr, "gw-http-proxy: cannot listen: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("%u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  boost::asio::io_context control;
  boost::asio::signal_set signals(control, SIGTERM, SIGINT);
  signals.async_wait([&server](boost::system::error_code, int) { server.shutdown(); });
  control.run();
  server.wait();
  return 0;
}
