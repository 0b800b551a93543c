#pragma once
// Runs a helper program (gw's `gwc compile` child) to completion: posix_spawn, its stderr
// captured through a pipe, its run time bounded. The child gets /dev/null as stdin and stdout,
// optionally one descriptor chosen by the caller as fd 3, no other descriptor of gw (listeners, inotify, pipes of other children), default signal
// dispositions and an empty signal mask, and its own process group (a Ctrl-C on gw's terminal
// is gw's to handle). It is always reaped before runChild returns: killed with SIGKILL, by its
// PID, when the time bound passes or `cancel` turns true. Blocking; call it from a thread that
// may wait (start-up, the reload thread), never from an io_context worker. Thread-safe.
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace gw::gateway {

struct ChildRun {
  bool spawned = false;   ///< false: `spawnError` says why (e.g. no such file)
  std::string spawnError;
  bool timedOut = false;  ///< killed because it ran past the bound
  bool cancelled = false; ///< killed because `cancel` turned true
  int exitCode = -1;      ///< >= 0 when it exited on its own
  int signal = 0;         ///< the signal that ended it, when it did not exit
  std::string stderrText; ///< what it wrote to stderr (at most kMaxChildStderr bytes kept)

  /// True when it exited on its own with `code`.
  bool exited(int code) const { return exitCode == code; }
};

/// Bytes of a child's stderr kept; the rest is read and dropped (the child never blocks on it).
inline constexpr std::size_t kMaxChildStderr = 1 << 20;

/// Runs `argv` (argv[0] is the program's path; no PATH search) with gw's environment and
/// working directory. `cancel` (optional) is polled every 100 ms. `passFd` >= 0 is handed to
/// the child as its descriptor 3 (the only one past stderr); the caller keeps its own copy.
ChildRun runChild(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                  const std::atomic<bool>* cancel = nullptr, int passFd = -1);

/// How a run that did not exit 0 ended, for a log line: "could not be started: ...", "was
/// killed after 300 s", "was killed by signal 11 (Segmentation fault)", "exited with status 2".
std::string describeEnd(const ChildRun& run, std::chrono::milliseconds timeout);

}  // namespace gw::gateway
