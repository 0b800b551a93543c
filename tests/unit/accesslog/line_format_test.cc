#include "runtime/accesslog/line_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <climits>
#include <cstdint>
#include <vector>

namespace gw::accesslog {
namespace {

using namespace std::chrono;

AccessRecord sample() {
  AccessRecord r;
  r.time = system_clock::time_point(milliseconds(1714566896789));  // 2024-05-01T12:34:56.789Z
  r.requestId = "req-1";
  r.clientIp = "192.0.2.7";
  r.method = "GET";
  r.host = "api.example.com";
  r.path = "/users/42";
  r.route = "users";
  r.status = 200;
  r.latency = microseconds(12345);
  r.upstream = "users";
  r.upstreamAddr = "10.0.0.1:8080";
  r.bytesIn = 0;
  r.bytesOut = 512;
  return r;
}

TEST(LineFormat, ExactLine) {
  TimeCache tc;
  std::string line;
  formatLine(sample(), tc, line);
  EXPECT_EQ(line,
            "{\"time\":\"2024-05-01T12:34:56.789Z\",\"request_id\":\"req-1\","
            "\"client_ip\":\"192.0.2.7\",\"method\":\"GET\",\"host\":\"api.example.com\","
            "\"path\":\"/users/42\",\"route\":\"users\",\"status\":200,\"latency_ms\":12.345,"
            "\"upstream\":\"users\",\"upstream_addr\":\"10.0.0.1:8080\",\"bytes_in\":0,"
            "\"bytes_out\":512,\"decision\":\"allow\",\"rule\":\"\",\"subject\":\"\"}\n");
}

TEST(LineFormat, DenyWithHostileStringsParsesBack) {
  AccessRecord r = sample();
  r.path = "/a\"b\\c\n\x01\xFF";
  r.requestId = "</script>";
  r.decision = Outcome::kDeny;
  r.rule = "admins \"only\"";
  r.subject = "alice\t";
  r.status = 403;
  r.latency = nanoseconds(999);  // below a microsecond
  TimeCache tc;
  std::string line;
  formatLine(r, tc, line);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one physical line
  nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["path"], "/a\"b\\c\n\x01\xEF\xBF\xBD");
  EXPECT_EQ(j["decision"], "deny");
  EXPECT_EQ(j["rule"], "admins \"only\"");
  EXPECT_EQ(j["status"], 403);
  EXPECT_EQ(j["latency_ms"].get<double>(), 0.0);
  EXPECT_EQ(j["subject"], "alice\t");
  EXPECT_EQ(j.size(), 16u);
}

TEST(LineFormat, TimeCacheAcrossSecondsAndMilliseconds) {
  TimeCache tc;
  std::string out;
  tc.append(out, system_clock::time_point(milliseconds(0)));
  out += ' ';
  tc.append(out, system_clock::time_point(milliseconds(999)));
  out += ' ';
  tc.append(out, system_clock::time_point(milliseconds(1000)));
  out += ' ';
  tc.append(out, system_clock::time_point(milliseconds(951782400005)));  // leap day 2000
  EXPECT_EQ(out,
            "1970-01-01T00:00:00.000Z 1970-01-01T00:00:00.999Z 1970-01-01T00:00:01.000Z "
            "2000-02-29T00:00:00.005Z");
}

TEST(LineFormat, LatencyAndOutcomes) {
  AccessRecord r = sample();
  TimeCache tc;
  std::string line;
  r.latency = seconds(3) + microseconds(7);
  r.decision = Outcome::kLimited;
  formatLine(r, tc, line);
  EXPECT_NE(line.find("\"latency_ms\":3000.007,"), std::string::npos);
  EXPECT_NE(line.find("\"decision\":\"limited\""), std::string::npos);
  for (Outcome o : {Outcome::kAllow, Outcome::kDeny, Outcome::kLimited, Outcome::kUnauthenticated,
                    Outcome::kNoRoute, Outcome::kMethodNotAllowed, Outcome::kUnavailable,
                    Outcome::kError}) {
    r.decision = o;
    formatLine(r, tc, line);
    EXPECT_EQ(nlohmann::json::parse(line)["decision"], std::string(outcomeName(o)));
  }
}

// writeLine writes through a raw pointer into a buffer of lineBound() bytes: with every field
// at (and past) its limit and made of bytes that escape to six, it must stay inside the bound
// and still be one valid JSON line.
TEST(LineFormat, WriteLineStaysInsideLineBound) {
  const std::string controls(5000, '\x01');
  const std::string parts = "[{\"part\":\"a\"}]";
  AccessRecord r = sample();
  r.requestId = r.clientIp = r.method = r.host = r.path = r.route = r.upstream = r.upstreamAddr =
      r.rule = r.subject = controls;
  r.partsJson = parts;
  r.status = 2147483647;
  r.latency = nanoseconds(INT64_MAX);
  r.bytesIn = r.bytesOut = UINT64_MAX;
  r.decision = Outcome::kMethodNotAllowed;
  TimeCache tc;
  const std::size_t bound = lineBound(r);
  std::vector<char> buf(bound + 64, '\x5a');
  char* end = writeLine(r, tc, buf.data());
  ASSERT_LE(static_cast<std::size_t>(end - buf.data()), bound);
  for (std::size_t i = bound; i < buf.size(); ++i) {
    ASSERT_EQ(buf[i], '\x5a') << "wrote past lineBound at +" << i - bound;
  }
  std::string line(buf.data(), end);
  nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["path"].get<std::string>().size(), 2048u + 3u);  // the limit, then "..."
  EXPECT_EQ(j["bytes_out"].get<std::uint64_t>(), UINT64_MAX);
  EXPECT_EQ(j["parts"][0]["part"], "a");
  std::string viaString;
  formatLine(r, tc, viaString);
  EXPECT_EQ(viaString, line);
}

TEST(LineFormat, DefaultTimeIsNow) {
  AccessRecord r = sample();
  r.time = {};
  TimeCache tc;
  std::string line;
  formatLine(r, tc, line);
  std::string t = nlohmann::json::parse(line)["time"];
  std::time_t now = system_clock::to_time_t(system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  EXPECT_EQ(t.substr(0, 4), std::to_string(tm.tm_year + 1900));
  EXPECT_EQ(t.size(), 24u);
}

}  // namespace
}  // namespace gw::accesslog
