#include "runtime/accesslog/access_log.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "runtime/accesslog/metrics.h"

namespace gw::accesslog {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/gw_accesslog_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::vector<nlohmann::json> readLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out.push_back(nlohmann::json::parse(line));  // throws, failing the test, on a bad line
  }
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

AccessRecord record(int worker, int i) {
  static thread_local std::string id;
  id = "w" + std::to_string(worker) + "-" + std::to_string(i);
  AccessRecord r;
  r.requestId = id;
  r.method = "GET";
  r.path = "/p";
  r.route = "r";
  r.status = 200;
  return r;
}

TEST(AccessLog, TwoWorkersWriteEveryLineToTheFile) {
  TempDir dir;
  std::string error;
  auto log = AccessLog::open({.path = dir.file("access.log"), .workers = 2}, &error);
  ASSERT_NE(log, nullptr) << error;
  constexpr int kLines = 5'000;
  auto work = [&](int w) {
    for (int i = 0; i < kLines; ++i) {
      log->append(static_cast<std::size_t>(w), record(w, i));
      if (i % 1000 == 0) {
        std::this_thread::yield();  // let the writer keep up
      }
    }
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  log->flush();
  AccessLogStats s = log->stats();
  auto lines = readLines(slurp(dir.file("access.log")));
  EXPECT_EQ(lines.size() + s.dropped, 2u * kLines);
  EXPECT_EQ(s.lines, lines.size());
  EXPECT_EQ(s.writeErrors, 0u);
  // Per worker, lines keep their order.
  int next[2] = {0, 0};
  for (const auto& j : lines) {
    std::string id = j["request_id"];
    int w = id[1] - '0';
    int i = std::stoi(id.substr(3));
    EXPECT_GE(i, next[w]);
    next[w] = i + 1;
  }
}

// The writer runs under SCHED_BATCH so its wake-ups do not preempt a worker mid-request
// (runtime/base/thread_role.h), and is named so perf/top can tell it from the workers. Both
// are attributes of the thread, read back from the kernel.
TEST(AccessLog, WriterIsANamedBatchThread) {
  TempDir dir;
  std::string error;
  auto log = AccessLog::open({.path = dir.file("access.log"), .workers = 1}, &error);
  ASSERT_NE(log, nullptr) << error;
  log->append(0, record(0, 0));
  log->flush();  // the writer has run a drain pass, so it set its attributes before it
  std::vector<pid_t> writers;
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::string comm = slurp(task.path().string() + "/comm");
    if (comm == "gw-accesslog\n") {
      writers.push_back(static_cast<pid_t>(std::stol(task.path().filename().string())));
    }
  }
  ASSERT_EQ(writers.size(), 1u);
  EXPECT_EQ(sched_getscheduler(writers[0]), SCHED_BATCH);
  EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);  // the appending thread keeps its policy
  EXPECT_EQ(readLines(slurp(dir.file("access.log"))).size(), 1u);
}

// The writer is stuck on a pipe nobody reads: appends must neither block nor grow memory;
// what does not fit is dropped and counted, and written + dropped == appended.
TEST(AccessLog, StalledWriterDropsAndCounts) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string error;
  auto log = AccessLog::open({.path = "", .workers = 1, .bufferBytes = 64 * 1024, .fd = fds[1]}, &error);
  ASSERT_NE(log, nullptr);
  constexpr int kLines = 20'000;  // ~4 MB of lines against a 64 KiB pipe + 64 KiB ring
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kLines; ++i) {
    log->append(0, record(0, i));
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(5));  // finished although nothing reads the pipe
  AccessLogStats stalled = log->stats();
  EXPECT_GT(stalled.dropped, 0u);
  EXPECT_EQ(stalled.lines + stalled.dropped, static_cast<std::uint64_t>(kLines));

  std::string text;
  std::thread reader([&] {
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof(buf))) > 0) {
      text.append(buf, static_cast<std::size_t>(n));
    }
  });
  log->flush();
  AccessLogStats s = log->stats();
  log.reset();
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  auto lines = readLines(text);
  EXPECT_EQ(lines.size(), s.lines);
  EXPECT_EQ(lines.size() + s.dropped, static_cast<std::size_t>(kLines));
  EXPECT_EQ(s.bytesWritten, text.size());
}

TEST(AccessLog, ReopenFollowsLogrotate) {
  TempDir dir;
  std::string path = dir.file("access.log");
  std::string error;
  auto log = AccessLog::open({.path = path, .workers = 1}, &error);
  ASSERT_NE(log, nullptr) << error;
  log->append(0, record(0, 1));
  log->flush();
  fs::rename(path, path + ".1");
  log->append(0, record(0, 2));
  log->flush();  // still the old (renamed) file
  ASSERT_TRUE(log->reopen(&error)) << error;
  log->append(0, record(0, 3));
  log->flush();
  auto old = readLines(slurp(path + ".1"));
  auto now = readLines(slurp(path));
  ASSERT_EQ(old.size(), 2u);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(old[1]["request_id"], "w0-2");
  EXPECT_EQ(now[0]["request_id"], "w0-3");
  EXPECT_EQ(log->stats().reopens, 1u);

  fs::remove_all(dir.file(""));  // the directory is gone: reopen fails, old fd is kept
  EXPECT_FALSE(log->reopen(&error));
  EXPECT_NE(error.find("access.log"), std::string::npos);
}

TEST(AccessLog, OffModeAndOpenErrors) {
  std::string error;
  auto off = AccessLog::open({.path = "off", .workers = 4}, &error);
  ASSERT_NE(off, nullptr);
  EXPECT_FALSE(off->enabled());
  off->append(0, record(0, 0));
  off->flush();
  EXPECT_TRUE(off->reopen());
  EXPECT_EQ(off->stats().lines, 0u);
  EXPECT_FALSE(AccessLog::open({.path = ""}, &error)->enabled());

  auto bad = AccessLog::open({.path = "/nonexistent-dir/x/access.log"}, &error);
  EXPECT_EQ(bad, nullptr);
  EXPECT_NE(error.find("/nonexistent-dir/x/access.log"), std::string::npos);
}

TEST(AccessLog, OutOfRangeWorkerIsDroppedAndCounted) {
  TempDir dir;
  std::string error;
  auto log = AccessLog::open({.path = dir.file("a.log"), .workers = 1}, &error);
  ASSERT_NE(log, nullptr);
  log->append(1, record(1, 0));
  EXPECT_EQ(log->stats().dropped, 1u);
}

TEST(AccessLog, CountersOnMetrics) {
  TempDir dir;
  std::string error;
  auto log = AccessLog::open({.path = dir.file("a.log"), .workers = 1}, &error);
  ASSERT_NE(log, nullptr);
  stats::Registry reg(1);
  stats::CollectorId id = exportMetrics(reg, *log);
  log->append(0, record(0, 0));
  log->append(0, record(0, 1));
  log->append(7, record(0, 1));
  log->flush();
  std::string text = reg.render();
  EXPECT_NE(text.find("# TYPE gw_accesslog_lines_total counter\ngw_accesslog_lines_total 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("gw_accesslog_dropped_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("gw_accesslog_written_bytes_total " +
                      std::to_string(fs::file_size(dir.file("a.log"))) + "\n"),
            std::string::npos);
  reg.removeCollector(id);
  EXPECT_EQ(reg.render().find("gw_accesslog"), std::string::npos);
}

}  // namespace
}  // namespace gw::accesslog
