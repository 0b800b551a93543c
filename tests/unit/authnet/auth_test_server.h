#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace gw::authnet::testing {

/// The python authorization server (auth_test_server.py) as a child process on a free loopback
/// port, stopped by PID (SIGKILL + reap) in the destructor. Its behaviour is driven by files in
/// `stateDir`, which the test writes through the setters. Test-only.
class AuthTestServer {
 public:
  /// `cert`/`key` non-empty: serve https with that certificate chain.
  AuthTestServer(std::string stateDir, std::string cert = {}, std::string key = {});
  ~AuthTestServer();
  AuthTestServer(const AuthTestServer&) = delete;
  AuthTestServer& operator=(const AuthTestServer&) = delete;

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port>" (or https://localhost:<port> with TLS).
  std::string base() const;

  /// SIGKILL + reap: the server vanishes.
  void kill();
  /// Starts again on the same port.
  void restart();

  void setJwks(const nlohmann::json& jwks) const;
  void setJwksStatus(int status) const;
  /// The introspection answer for `token`: {"status":..,"json":{..}|"raw":"..","delay":s}.
  void setToken(const std::string& token, const nlohmann::json& spec);
  /// How many requests the server saw for `key` ("jwks" or "introspect:<token>").
  int count(const std::string& key) const;

 private:
  void start(std::uint16_t port);

  std::string state_;
  std::string cert_;
  std::string key_;
  nlohmann::json tokens_ = nlohmann::json::object();
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace gw::authnet::testing
