#include "runtime/gateway/reloader.h"

#include <malloc.h>

#include <regex>

#include "runtime/base/thread_role.h"
#include "runtime/gateway/dir_of.h"
#include "runtime/gateway/log.h"
#include "runtime/gateway/policy_loader.h"

namespace gw::gateway {

Reloader::Reloader(std::string path, LoadOptions load, PolicyStore& store, SharedState& shared,
                   std::function<void(const Generation&)> onPublished)
    : path_(std::move(path)),
      baseDir_(dirOf(path_)),
      load_(std::move(load)),
      store_(store),
      shared_(shared),
      onPublished_(std::move(onPublished)) {}

Reloader::~Reloader() {
  stopping_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> Reloader::splitDiagnostics(const std::string& text) {
  // `file:line:col: error[E0101]: message` (compiler/diag/render.h) starts a diagnostic.
  static const std::regex kHeadline(R"(^\S+:\d+:\d+: (error|warning)\S*: .*)");
  std::vector<std::string> headlines, lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    if (std::regex_match(line, kHeadline)) {
      headlines.push_back(line);
    } else if (line.find_first_not_of(" \t") != std::string::npos) {
      lines.push_back(line.substr(line.find_first_not_of(" \t")));
    }
  }
  return headlines.empty() ? lines : headlines;
}

void Reloader::countReload(bool ok) {
  stats::Registry& r = *shared_.registry;
  r.inc(r.counter(stats::Metric::kReloadTotal, {ok ? "ok" : "failed"}));
}

bool Reloader::reloadOnce(std::string* error,
                          const std::function<void(const policy::CompiledPolicy&)>& beforeBuild) {
  LoadedPolicy loaded = loadPolicy(path_, load_, &stopping_);
  if (!loaded.policy) {
    *error = loaded.diagnostics;
    return false;
  }
  if (!loaded.diagnostics.empty()) logLine(LogLevel::kWarn, loaded.diagnostics);
  if (beforeBuild) beforeBuild(*loaded.policy);
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
  std::string version = std::to_string(id);
  stats::Registry& r = *shared_.registry;
  stats::Gauge info = r.gauge(stats::Metric::kPolicyInfo, {version, loaded.sourceHash});
  r.set(info, 1);
  auto now = std::chrono::system_clock::now();
  r.set(r.gauge(stats::Metric::kPolicyLoadedTimestampSeconds),
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  std::lock_guard<std::mutex> lock(mutex_);
  if (policyInfo_.valid()) r.retire(policyInfo_.slot);
  policyInfo_ = info;
  status_.generation = id;
  status_.backend = loaded.backend;
  status_.sourceHash = loaded.sourceHash;
  status_.sourceFiles = gen->config().sourceFiles;
  status_.routes = gen->policy().routes().size();
  status_.loadedAt = now;
  logLine(LogLevel::kInfo, "policy generation " + version + " serving (" + loaded.backend +
                               " back end, " + std::to_string(status_.routes) + " routes)");
  // Loading freed far more than the generation keeps (the .gwo's bytes, or the parse trees of
  // an in-process compile); glibc holds freed heap until told otherwise, which doubled idle RSS
  // at 10 000 routes. Once per reload.
  malloc_trim(0);
  return true;
}

bool Reloader::initial(std::string* error,
                       const std::function<void(const policy::CompiledPolicy&)>& beforeBuild) {
  if (!reloadOnce(error, beforeBuild)) return false;
  thread_ = std::thread([this] {
    // Compiles (and the gwc child, which inherits the policy) yield to the workers.
    enterBackground("gw-reload");
    run();
  });
  return true;
}

uint64_t Reloader::trigger(const std::string& why, ReloadDone done) {
  uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ticket = ++requested_;
    why_ = why;
    if (done) waiting_.emplace_back(ticket, std::move(done));
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
    admin::ReloadReport report;
    report.trigger = why_;
    report.at = std::chrono::system_clock::now();
    lock.unlock();
    std::string error;
    report.ok = reloadOnce(&error);
    countReload(report.ok);
    if (!report.ok) {
      report.diagnostics = splitDiagnostics(error);
      logLine(LogLevel::kError, "reload rejected, the previous policy keeps serving:\n" + error);
    }
    lock.lock();
    status_.completed = target;
    status_.lastReload = report;
    std::vector<std::pair<uint64_t, ReloadDone>> done;
    std::erase_if(waiting_, [&](auto& w) {
      if (w.first > target) return false;
      done.push_back(std::move(w));
      return true;
    });
    lock.unlock();
    for (auto& [ticket, callback] : done) callback(report.ok, report.diagnostics);
    lock.lock();
    wake_.notify_all();
  }
}

}  // namespace gw::gateway
