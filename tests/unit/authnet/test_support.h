#pragma once

// Helpers shared by the authnet tests: an io_context on its own thread that can await a
// coroutine synchronously, a throwaway PKI made with the openssl CLI, and polling.

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "runtime/authnet/control_loop.h"
#include "tests/unit/auth/openssl_cli.h"

namespace gw::authnet::testing {

/// One io_context run by one thread (the "control loop" or a worker), joined on destruction.
using LoopThread = ControlLoop;

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

/// A CA and a server certificate for localhost / 127.0.0.1 signed by it, plus an unrelated CA.
struct TestPki {
  explicit TestPki(const auth::testing::TempDir& dir) {
    using auth::testing::run;
    const std::string d = dir.path();
    run("cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout ca.key -out ca.crt -days 2 -subj /CN=gw-authnet-test-ca 2>/dev/null");
    run("cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout other.key -out other.crt -days 2 -subj /CN=gw-authnet-other-ca 2>/dev/null");
    run("cd " + d + " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null");
    auth::testing::writeFile(d + "/server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    run("cd " + d + " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key "
        "-CAcreateserial -days 2 -extfile server.ext -out server.crt 2>/dev/null");
    caFile = d + "/ca.crt";
    otherCaFile = d + "/other.crt";
    certFile = d + "/server.crt";
    keyFile = d + "/server.key";
  }
  std::string caFile, otherCaFile, certFile, keyFile;
};

}  // namespace gw::authnet::testing
