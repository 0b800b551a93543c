#include "runtime/gateway/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace gw::gateway {

namespace {

using Clock = std::chrono::steady_clock;

// Owns the spawn attributes and file actions for one posix_spawn call.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;

  SpawnSetup(int stderrFd, int passFd) {
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, stderrFd, 2);
    // passFd is never 3 here (runChild moves it), so this dup2 really copies it and the copy
    // is not close-on-exec.
    if (passFd >= 0) posix_spawn_file_actions_adddup2(&actions, passFd, 3);
    // gw's listeners, inotify and eventfds are not all close-on-exec (Asio opens sockets
    // without SOCK_CLOEXEC): a compiler must not hold a listening port open.
    posix_spawn_file_actions_addclosefrom_np(&actions, passFd >= 0 ? 4 : 3);
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGCHLD}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

void keep(ChildRun& run, const char* data, size_t n) {
  size_t room = kMaxChildStderr - std::min(kMaxChildStderr, run.stderrText.size());
  run.stderrText.append(data, std::min(n, room));
}

void recordStatus(ChildRun& run, int status) {
  if (WIFEXITED(status)) {
    run.exitCode = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    run.signal = WTERMSIG(status);
  }
}

// Reads the child's stderr until EOF, then waits for its exit; stops at the deadline or on
// cancel. True when the child was reaped here.
bool supervise(pid_t pid, int readFd, Clock::time_point deadline, const std::atomic<bool>* cancel,
               ChildRun& run) {
  bool eof = false;
  char buf[16384];
  while (true) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      run.cancelled = true;
      return false;
    }
    auto now = Clock::now();
    if (now >= deadline) {
      run.timedOut = true;
      return false;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    if (!eof) {
      pollfd p{readFd, POLLIN, 0};
      int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(100, left + 1)));
      if (n <= 0) continue;  // timeout slice or EINTR
      ssize_t got = ::read(readFd, buf, sizeof buf);
      if (got > 0) {
        keep(run, buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        eof = true;
      }
      continue;
    }
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      recordStatus(run, status);
      return true;
    }
    if (r < 0 && errno != EINTR) return true;  // not our child any more: nothing to reap
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(10, left + 1)));
  }
}

}  // namespace

ChildRun runChild(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                  const std::atomic<bool>* cancel, int passFd) {
  ChildRun run;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    run.spawnError = std::string("pipe: ") + std::strerror(errno);
    return run;
  }
  // A dup2 of 3 onto itself would keep its close-on-exec flag on older glibc: hand the child a
  // copy from above 3 instead.
  int movedFd = passFd == 3 ? ::fcntl(passFd, F_DUPFD_CLOEXEC, 4) : -1;
  if (passFd == 3) {
    if (movedFd < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      run.spawnError = std::string("fcntl: ") + std::strerror(errno);
      return run;
    }
    passFd = movedFd;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int err;
  {
    SpawnSetup setup(fds[1], passFd);
    err = ::posix_spawn(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
  }
  ::close(fds[1]);
  if (movedFd >= 0) ::close(movedFd);
  if (err != 0) {
    ::close(fds[0]);
    run.spawnError = std::strerror(err);
    return run;
  }
  run.spawned = true;
  if (!supervise(pid, fds[0], Clock::now() + timeout, cancel, run)) {
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    recordStatus(run, status);
    run.exitCode = -1;
  }
  ::close(fds[0]);
  return run;
}

std::string describeEnd(const ChildRun& run, std::chrono::milliseconds timeout) {
  if (!run.spawned) return "could not be started (" + run.spawnError + ")";
  if (run.timedOut) {
    std::string bound = timeout.count() % 1000 == 0 ? std::to_string(timeout.count() / 1000) + " s"
                                                     : std::to_string(timeout.count()) + " ms";
    return "was killed after " + bound + " (its time limit)";
  }
  if (run.cancelled) return "was stopped (gw is shutting down)";
  if (run.exitCode < 0) {
    const char* name = ::strsignal(run.signal);
    return "was killed by signal " + std::to_string(run.signal) + " (" +
           (name ? name : "unknown") + ")";
  }
  return "exited with status " + std::to_string(run.exitCode);
}

}  // namespace gw::gateway
