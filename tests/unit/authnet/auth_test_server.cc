#include "tests/unit/authnet/auth_test_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace gw::authnet::testing {

namespace {

std::string scriptPath() {
  const char* src = std::getenv("GW_SOURCE_DIR");
  const std::string root = src != nullptr ? src : GW_SOURCE_DIR_DEFAULT;
  return root + "/tests/unit/authnet/auth_test_server.py";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeAtomically(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp, std::ios::binary | std::ios::trunc) << data;
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

AuthTestServer::AuthTestServer(std::string stateDir, std::string cert, std::string key)
    : state_(std::move(stateDir)), cert_(std::move(cert)), key_(std::move(key)) {
  start(0);
}

AuthTestServer::~AuthTestServer() { kill(); }

std::string AuthTestServer::base() const {
  return (cert_.empty() ? "http://127.0.0.1:" : "https://localhost:") + std::to_string(port_);
}

void AuthTestServer::start(std::uint16_t port) {
  const std::string portFile = state_ + "/port";
  std::remove(portFile.c_str());
  const std::string script = scriptPath();
  const std::string portArg = std::to_string(port);
  pid_ = ::fork();
  if (pid_ == 0) {
    // Die with the test even if it crashes, and never hold the test's stdout pipe open.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const std::string log = state_ + "/server.log";
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    if (cert_.empty()) {
      ::execlp("python3", "python3", script.c_str(), "--port", portArg.c_str(), "--port-file",
               portFile.c_str(), "--state", state_.c_str(), static_cast<char*>(nullptr));
    } else {
      ::execlp("python3", "python3", script.c_str(), "--port", portArg.c_str(), "--port-file",
               portFile.c_str(), "--state", state_.c_str(), "--cert", cert_.c_str(), "--key",
               key_.c_str(), static_cast<char*>(nullptr));
    }
    ::_exit(127);
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    const std::string text = slurp(portFile);
    if (!text.empty()) {
      port_ = static_cast<std::uint16_t>(std::stoi(text));
      return;
    }
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("auth_test_server.py exited during startup");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("auth_test_server.py did not report its port");
}

void AuthTestServer::kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

void AuthTestServer::restart() {
  kill();
  // The old socket is closed with the process; SO_REUSEADDR lets the new one bind at once.
  start(port_);
}

void AuthTestServer::setJwks(const nlohmann::json& jwks) const {
  writeAtomically(state_ + "/jwks.json", jwks.dump());
}

void AuthTestServer::setJwksStatus(int status) const {
  writeAtomically(state_ + "/jwks_status", std::to_string(status));
}

void AuthTestServer::setToken(const std::string& token, const nlohmann::json& spec) {
  tokens_[token] = spec;
  writeAtomically(state_ + "/tokens.json", tokens_.dump());
}

int AuthTestServer::count(const std::string& key) const {
  const std::string text = slurp(state_ + "/counts.json");
  if (text.empty()) {
    return 0;
  }
  const nlohmann::json counts = nlohmann::json::parse(text, nullptr, false);
  if (!counts.is_object() || !counts.contains(key)) {
    return 0;
  }
  return counts[key].get<int>();
}

}  // namespace gw::authnet::testing
