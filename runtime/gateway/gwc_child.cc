#include "runtime/gateway/gwc_child.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "compiler/aot/gwo_loader.h"
#include "runtime/gateway/child_process.h"
#include "runtime/gateway/dir_of.h"

namespace gw::gateway {

namespace {

// gwc's exit statuses (compiler/tools/gwc_compile.cc).
constexpr int kGwcPolicyErrors = 1;
constexpr int kGwcNativeFailed = 3;
// A failure message carries at most this much of the child's stderr (its end: a crash's
// report or the last diagnostics).
constexpr size_t kStderrInMessage = 4096;

// Removes the temporary .gwo however compileWithGwc returns.
class TempGwo {
 public:
  TempGwo() {
    const char* dir = std::getenv("TMPDIR");
    std::string templ = std::string(dir && *dir ? dir : "/tmp") + "/gw-compile-XXXXXX.gwo";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    int fd = ::mkstemps(buf.data(), 4);
    if (fd < 0) {
      error_ = "cannot create a temporary file like `" + templ + "`: " + std::strerror(errno);
      return;
    }
    ::close(fd);
    path_ = buf.data();
  }
  ~TempGwo() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempGwo(const TempGwo&) = delete;
  TempGwo& operator=(const TempGwo&) = delete;

  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_, error_;
};

std::string tail(const std::string& text) {
  size_t end = text.find_last_not_of(" \n\t");
  if (end == std::string::npos) return "";
  std::string t = text.substr(0, end + 1);
  return t.size() <= kStderrInMessage ? t : "..." + t.substr(t.size() - kStderrInMessage);
}

GwcCompile failed(std::string why, const std::string& stderrText) {
  GwcCompile out;
  out.outcome = GwcCompile::Outcome::kFailed;
  out.failure = std::move(why);
  std::string said = tail(stderrText);
  if (!said.empty()) out.failure += ":\n" + said;
  return out;
}

}  // namespace

std::string locateGwc(const std::string& configured) {
  if (!configured.empty()) return configured;
  const char* env = std::getenv("GW_GWC");
  if (env && *env) return env;
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "gwc";  // no /proc: spawning fails and names it
  return dirOf(std::string(self, static_cast<size_t>(n))) + "/gwc";
}

GwcCompile compileWithGwc(const std::string& policyPath, const GwcOptions& options,
                          const std::atomic<bool>* cancel) {
  std::string gwc = locateGwc(options.path);
  TempGwo temp;
  if (temp.path().empty()) return failed(temp.error(), "");
  ChildRun run = runChild({gwc, "compile", "--quiet", policyPath, "-o", temp.path()},
                          options.timeout, cancel);
  GwcCompile out;
  if (run.cancelled) {
    out.outcome = GwcCompile::Outcome::kCancelled;
    return out;
  }
  if (run.exited(kGwcPolicyErrors)) {
    out.outcome = GwcCompile::Outcome::kRejected;
    out.diagnostics = run.stderrText;
    return out;
  }
  if (run.exited(kGwcNativeFailed)) return failed("native code generation failed", run.stderrText);
  if (!run.exited(0)) {
    return failed("gwc `" + gwc + "` " + describeEnd(run, options.timeout), run.stderrText);
  }
  aot::GwoError error;
  aot::Sha256 hash{};
  out.policy = aot::loadGwoFile(temp.path(), &error, &hash);
  if (!out.policy) {
    return failed("the .gwo written by gwc `" + gwc + "` was refused: " + error.message, "");
  }
  out.outcome = GwcCompile::Outcome::kCompiled;
  out.sourceHash = aot::toHex(hash);
  out.diagnostics = run.stderrText;
  return out;
}

}  // namespace gw::gateway
