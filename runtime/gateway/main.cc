// gw: the gateway runtime. `gw run POLICY.gw|POLICY.gwo [options]` (see docs/operations.md).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/gateway/gateway_app.h"
#include "runtime/gateway/log.h"

namespace {

int usage(int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: gw run POLICY.gw|POLICY.gwo [--threads N] [--listen ADDR:PORT]\n"
               "              [--admin ADDR:PORT] [--access-log PATH|-|off]\n"
               "              [--log-level error|warn|info|debug] [--backend jit|interpreter]\n"
               "              [--gwc PATH] [--gwc-timeout SECONDS]\n");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    return usage(0);
  }
  if (argc < 3 || std::string_view(argv[1]) != "run") {
    return usage(2);
  }
  gw::gateway::RunOptions opt;
  opt.policyPath = argv[2];
  for (int i = 3; i < argc; ++i) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "gw: `%s` needs a value\n", argv[i]);
      return usage(2);
    }
    std::string v = argv[++i];
    if (a == "--threads") {
      opt.threads = static_cast<size_t>(std::strtoul(v.c_str(), nullptr, 10));
    } else if (a == "--listen") {
      opt.listen = v;
    } else if (a == "--admin") {
      opt.admin = v;
    } else if (a == "--access-log") {
      opt.accessLog = v;
    } else if (a == "--backend") {
      if (v != "jit" && v != "interpreter") return usage(2);
      opt.backend = v;
    } else if (a == "--gwc") {
      opt.gwc.path = v;
    } else if (a == "--gwc-timeout") {
      char* end = nullptr;
      double seconds = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(seconds > 0) || seconds > 86400) return usage(2);
      opt.gwc.timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    } else if (a == "--log-level") {
      gw::gateway::LogLevel level;
      if (!gw::gateway::parseLogLevel(v, level)) return usage(2);
      gw::gateway::setLogLevel(level);
    } else {
      std::fprintf(stderr, "gw: unknown option `%s`\n", argv[i - 1]);
      return usage(2);
    }
  }
  return gw::gateway::runGateway(opt);
}
