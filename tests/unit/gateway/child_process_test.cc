// runChild: real /bin/sh children; exit status, signals, the time bound, cancellation, stderr
// capture and what the child inherits.
#include "runtime/gateway/child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

namespace gw::gateway {
namespace {

using std::chrono::milliseconds;

ChildRun sh(const std::string& script, milliseconds timeout = milliseconds(20000),
            const std::atomic<bool>* cancel = nullptr) {
  return runChild({"/bin/sh", "-c", script}, timeout, cancel);
}

/// How many of the descriptor numbers `ls /proc/self/fd` printed (one per line) exceed `n`.
int countAbove(const std::string& listing, int n) {
  int count = 0;
  size_t at = 0;
  while (at < listing.size()) {
    size_t end = listing.find('\n', at);
    if (std::stoi(listing.substr(at, end - at)) > n) ++count;
    at = end + 1;
  }
  return count;
}

TEST(ChildProcess, ExitStatusAndStderr) {
  ChildRun run = sh("echo to-stdout; echo one >&2; echo two >&2; exit 3");
  ASSERT_TRUE(run.spawned);
  EXPECT_TRUE(run.exited(3));
  EXPECT_EQ(run.stderrText, "one\ntwo\n");  // stdout goes to /dev/null
  EXPECT_EQ(describeEnd(run, milliseconds(1000)), "exited with status 3");
}

TEST(ChildProcess, KilledBySignal) {
  ChildRun run = sh("kill -SEGV $$");
  ASSERT_TRUE(run.spawned);
  EXPECT_EQ(run.exitCode, -1);
  EXPECT_EQ(run.signal, SIGSEGV);
  EXPECT_NE(describeEnd(run, milliseconds(1000)).find("killed by signal 11"), std::string::npos);
}

TEST(ChildProcess, MissingProgram) {
  ChildRun run = runChild({"/nonexistent/gwc", "compile"}, milliseconds(1000));
  EXPECT_FALSE(run.spawned);
  EXPECT_EQ(describeEnd(run, milliseconds(1000)),
            "could not be started (No such file or directory)");
}

TEST(ChildProcess, TimeBoundKillsAndReaps) {
  auto started = std::chrono::steady_clock::now();
  // The child keeps stderr open while it sleeps: the bound must not wait for EOF. The bound
  // leaves a loaded machine time to run the shell's echo before the kill (at 300 ms the kill
  // could come first).
  ChildRun run = sh("echo started >&2; exec sleep 30", milliseconds(1500));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_TRUE(run.timedOut);
  EXPECT_EQ(run.signal, SIGKILL);
  EXPECT_EQ(run.stderrText, "started\n");
  EXPECT_EQ(describeEnd(run, milliseconds(1500)), "was killed after 1500 ms (its time limit)");
  // Reaped: no child of ours is left, zombie or not.
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
}

TEST(ChildProcess, CancelStopsTheChild) {
  std::atomic<bool> cancel{false};
  std::thread flip([&] {
    std::this_thread::sleep_for(milliseconds(200));
    cancel = true;
  });
  ChildRun run = sh("exec sleep 30", milliseconds(60000), &cancel);
  flip.join();
  EXPECT_TRUE(run.cancelled);
  EXPECT_FALSE(run.timedOut);
}

TEST(ChildProcess, OnlyStandardDescriptorsInherited) {
  int leaked = ::open("/dev/null", O_RDONLY);  // not close-on-exec, like an Asio socket
  ASSERT_GE(leaked, 3);
  ChildRun run = sh("ls /proc/self/fd >&2");
  ::close(leaked);
  ASSERT_TRUE(run.exited(0));
  // ls's own directory descriptor appears too; nothing else above 2.
  EXPECT_EQ(countAbove(run.stderrText, 2), 1) << run.stderrText;
}

// Runs a child that writes to its fd 3 and lists its descriptors; checks that `fd` received the
// bytes and that the child had fd 3 and nothing else past stderr (ls's own directory aside).
void expectPassedAsThird(int fd) {
  ChildRun run = runChild({"/bin/sh", "-c", "printf written > /dev/fd/3; ls /proc/self/fd >&2"},
                          milliseconds(20000), nullptr, fd);
  ASSERT_TRUE(run.exited(0)) << run.stderrText;
  char buf[16] = {};
  ASSERT_EQ(::pread(fd, buf, sizeof buf, 0), 7);
  EXPECT_EQ(std::string(buf, 7), "written");
  EXPECT_NE(run.stderrText.find("3\n"), std::string::npos) << run.stderrText;
  EXPECT_EQ(countAbove(run.stderrText, 3), 1) << run.stderrText;
}

// A private, unlinked, close-on-exec file (as a memfd_create(MFD_CLOEXEC) would be).
int privateFile() {
  char name[] = "/tmp/gw-child-fd-XXXXXX";
  int fd = ::mkostemp(name, O_CLOEXEC);
  if (fd >= 0) ::unlink(name);
  return fd;
}

// The descriptor a caller passes is the child's fd 3, whatever its number in gw, and nothing
// else is inherited with it.
TEST(ChildProcess, PassedDescriptorIsTheChildsThird) {
  int unrelated = ::open("/dev/null", O_RDONLY);  // not close-on-exec, like an Asio socket
  ASSERT_GE(unrelated, 3);
  int fd = privateFile();
  ASSERT_GE(fd, 0);
  expectPassedAsThird(fd);
  ::close(fd);
  ::close(unrelated);
}

// ... 3 itself included: a dup2 of 3 onto itself would keep close-on-exec on older glibc, so
// runChild hands over a copy. Whatever the test process holds at 3 (ctest may pass one down) is
// put aside and restored.
TEST(ChildProcess, PassedDescriptorThreeIsHandedOver) {
  int saved = ::fcntl(3, F_DUPFD_CLOEXEC, 10);  // -1: nothing at 3
  if (saved >= 0) ::close(3);
  int fd = privateFile();  // 3 when it was free
  ASSERT_GE(fd, 0);
  if (fd != 3) {
    ASSERT_EQ(::dup3(fd, 3, O_CLOEXEC), 3);
    ::close(fd);
  }
  expectPassedAsThird(3);
  if (saved >= 0) {
    ::dup3(saved, 3, 0);
    ::close(saved);
  } else {
    ::close(3);
  }
}

TEST(ChildProcess, LargeStderrIsBoundedAndDrained) {
  // 4 MiB of output: the child must not block on a full pipe, and gw keeps only the bound.
  ChildRun run = sh("head -c 4194304 /dev/zero | tr '\\0' x >&2");
  ASSERT_TRUE(run.exited(0));
  EXPECT_EQ(run.stderrText.size(), kMaxChildStderr);
}

}  // namespace
}  // namespace gw::gateway
