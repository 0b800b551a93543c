#include "runtime/gateway/gwc_child.h"

#include <sys/mman.h>
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

// The child's output: an anonymous in-memory file (memfd), handed to gwc as its descriptor 3 and
// named `/dev/fd/3` on its command line. Nothing is ever on disk, so nothing is left behind even
// when gw itself is killed mid-compile (a temporary file in $TMPDIR was, before); the memory
// goes with the last descriptor, gw's (closed here) or the child's.
class MemGwo {
 public:
  MemGwo() : fd_(::memfd_create("gw-compile.gwo", MFD_CLOEXEC)) {
    if (fd_ < 0) error_ = std::string("memfd_create: ") + std::strerror(errno);
  }
  ~MemGwo() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemGwo(const MemGwo&) = delete;
  MemGwo& operator=(const MemGwo&) = delete;

  int fd() const { return fd_; }
  /// The file as gw opens it again to load it.
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }
  const std::string& error() const { return error_; }

 private:
  int fd_;
  std::string error_;
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
  MemGwo output;
  if (output.fd() < 0) return failed(output.error(), "");
  ChildRun run = runChild({gwc, "compile", "--quiet", policyPath, "-o", "/dev/fd/3"},
                          options.timeout, cancel, output.fd());
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
  out.policy = aot::loadGwoFile(output.path(), &error, &hash);
  if (!out.policy) {
    return failed("the .gwo written by gwc `" + gwc + "` was refused: " + error.message, "");
  }
  out.outcome = GwcCompile::Outcome::kCompiled;
  out.sourceHash = aot::toHex(hash);
  out.diagnostics = run.stderrText;
  return out;
}

}  // namespace gw::gateway
