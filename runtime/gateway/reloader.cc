#include "runtime/gateway/reloader.h"

#include "runtime/gateway/log.h"
#include "runtime/gateway/policy_loader.h"

namespace gw::gateway {

namespace {
std::string dirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}
}  // namespace

Reloader::Reloader(std::string path, std::string backend, PolicyStore& store, SharedState& shared,
                   GatewayStats& stats, std::function<void(const Generation&)> onPublished)
    : path_(std::move(path)),
      backend_(std::move(backend)),
      baseDir_(dirOf(path_)),
      store_(store),
      shared_(shared),
      stats_(stats),
      onPublished_(std::move(onPublished)) {}

Reloader::~Reloader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Reloader::reloadOnce(std::string* error) {
  LoadedPolicy loaded = loadPolicy(path_, backend_);
  if (!loaded.policy) {
    if (!loaded.refused.empty()) {
      *error = "the policy uses constructs this gw does not implement:\n";
      for (const std::string& r : loaded.refused) *error += "  " + r + "\n";
    } else {
      *error = loaded.diagnostics;
    }
    return false;
  }
  if (!loaded.diagnostics.empty()) logLine(LogLevel::kWarn, loaded.diagnostics);
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = nextId_++;
  }
  // Built while the old generation is still published, so limiters and upstream state with an
  // unchanged identity are adopted rather than recreated.
  auto gen = Generation::build(loaded.policy, shared_, baseDir_, id, loaded.backend, error);
  if (!gen) return false;
  store_.publish(gen);
  if (onPublished_) onPublished_(*gen);
  std::lock_guard<std::mutex> lock(mutex_);
  status_.generation = id;
  status_.backend = loaded.backend;
  status_.sourceFiles = gen->config().sourceFiles;
  logLine(LogLevel::kInfo, "policy generation " + std::to_string(id) + " serving (" +
                               loaded.backend + " back end, " +
                               std::to_string(gen->policy().routes().size()) + " routes)");
  return true;
}

bool Reloader::initial(std::string* error) {
  if (!reloadOnce(error)) return false;
  thread_ = std::thread([this] { run(); });
  return true;
}

uint64_t Reloader::trigger(const std::string& why) {
  uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ticket = ++requested_;
  }
  logLine(LogLevel::kInfo, "reload requested (" + why + ")");
  wake_.notify_all();
  return ticket;
}

ReloadStatus Reloader::status() {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

void Reloader::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || requested_ > status_.completed; });
    if (stop_) return;
    uint64_t target = requested_;
    lock.unlock();
    std::string error;
    bool ok = reloadOnce(&error);
    if (ok) {
      stats_.bump(stats_.reloadsOk);
    } else {
      stats_.bump(stats_.reloadsFailed);
      logLine(LogLevel::kError, "reload rejected, the previous policy keeps serving:\n" + error);
    }
    lock.lock();
    status_.completed = target;
    status_.ok = ok;
    status_.error = ok ? std::string() : error;
    wake_.notify_all();
  }
}

}  // namespace gw::gateway
