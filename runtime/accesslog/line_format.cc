#include "runtime/accesslog/line_format.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>

#include "runtime/accesslog/json_escape.h"

namespace gw::accesslog {

namespace {

// The line is written in one pass through a raw pointer into a buffer sized by lineBound():
// each key is a fixed-size store the compiler inlines, each value one writeJsonString. Built
// with std::string appends it cost ~1 k instructions more per request (a capacity check, a
// length update and often a memcpy call for each of ~45 pieces; session 9's profile).

// The per-field input limits (longer values end in "...").
constexpr std::size_t kMaxRequestId = 256, kMaxClientIp = 64, kMaxMethod = 64, kMaxHost = 256,
                      kMaxPath = 2048, kMaxRoute = 256, kMaxUpstream = 256,
                      kMaxUpstreamAddr = 128, kMaxRule = 512, kMaxSubject = 256;

/// Everything but the string values and parts: keys, punctuation, time, five numbers of at
/// most 20 digits, the longest decision name, the newline.
constexpr std::size_t kFixedBound = 512;

template <std::size_t N>
char* put(char* d, const char (&literal)[N]) {
  std::memcpy(d, literal, N - 1);
  return d + N - 1;
}

char* putUint(char* d, std::uint64_t v) { return std::to_chars(d, d + 20, v).ptr; }

void writePadded(char* dst, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    dst[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// Milliseconds with three decimals (microsecond precision), e.g. 12.345.
char* putLatencyMs(char* d, std::chrono::nanoseconds latency) {
  std::int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  if (us < 0) {
    us = 0;
  }
  d = putUint(d, static_cast<std::uint64_t>(us / 1000));
  *d = '.';
  writePadded(d + 1, static_cast<unsigned>(us % 1000), 3);
  return d + 4;
}

std::size_t stringBound(std::string_view s, std::size_t maxBytes) {
  return jsonStringBound(std::min(s.size(), maxBytes));
}

}  // namespace

char* TimeCache::write(char* d, std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  std::int64_t ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::int64_t sec = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  if (sec != second_) {
    std::time_t tt = static_cast<std::time_t>(sec);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    writePadded(prefix_, static_cast<unsigned>(tm.tm_year + 1900), 4);
    prefix_[4] = '-';
    writePadded(prefix_ + 5, static_cast<unsigned>(tm.tm_mon + 1), 2);
    prefix_[7] = '-';
    writePadded(prefix_ + 8, static_cast<unsigned>(tm.tm_mday), 2);
    prefix_[10] = 'T';
    writePadded(prefix_ + 11, static_cast<unsigned>(tm.tm_hour), 2);
    prefix_[13] = ':';
    writePadded(prefix_ + 14, static_cast<unsigned>(tm.tm_min), 2);
    prefix_[16] = ':';
    writePadded(prefix_ + 17, static_cast<unsigned>(tm.tm_sec), 2);
    second_ = sec;
  }
  std::memcpy(d, prefix_, 19);
  d[19] = '.';
  writePadded(d + 20, static_cast<unsigned>(ms - sec * 1000), 3);
  d[23] = 'Z';
  return d + kLength;
}

void TimeCache::append(std::string& out, std::chrono::system_clock::time_point t) {
  char buf[kLength];
  out.append(buf, static_cast<std::size_t>(write(buf, t) - buf));
}

std::size_t lineBound(const AccessRecord& r) {
  return kFixedBound + stringBound(r.requestId, kMaxRequestId) +
         stringBound(r.clientIp, kMaxClientIp) + stringBound(r.method, kMaxMethod) +
         stringBound(r.host, kMaxHost) + stringBound(r.path, kMaxPath) +
         stringBound(r.route, kMaxRoute) + stringBound(r.upstream, kMaxUpstream) +
         stringBound(r.upstreamAddr, kMaxUpstreamAddr) + stringBound(r.rule, kMaxRule) +
         stringBound(r.subject, kMaxSubject) + r.partsJson.size();
}

char* writeLine(const AccessRecord& r, TimeCache& time, char* d) {
  d = put(d, "{\"time\":\"");
  d = time.write(d, r.time == std::chrono::system_clock::time_point{}
                        ? std::chrono::system_clock::now()
                        : r.time);
  d = put(d, "\",\"request_id\":");
  d = writeJsonString(d, r.requestId, kMaxRequestId);
  d = put(d, ",\"client_ip\":");
  d = writeJsonString(d, r.clientIp, kMaxClientIp);
  d = put(d, ",\"method\":");
  d = writeJsonString(d, r.method, kMaxMethod);
  d = put(d, ",\"host\":");
  d = writeJsonString(d, r.host, kMaxHost);
  d = put(d, ",\"path\":");
  d = writeJsonString(d, r.path, kMaxPath);
  d = put(d, ",\"route\":");
  d = writeJsonString(d, r.route, kMaxRoute);
  d = put(d, ",\"status\":");
  d = putUint(d, static_cast<std::uint64_t>(r.status < 0 ? 0 : r.status));
  d = put(d, ",\"latency_ms\":");
  d = putLatencyMs(d, r.latency);
  d = put(d, ",\"upstream\":");
  d = writeJsonString(d, r.upstream, kMaxUpstream);
  d = put(d, ",\"upstream_addr\":");
  d = writeJsonString(d, r.upstreamAddr, kMaxUpstreamAddr);
  d = put(d, ",\"bytes_in\":");
  d = putUint(d, r.bytesIn);
  d = put(d, ",\"bytes_out\":");
  d = putUint(d, r.bytesOut);
  d = put(d, ",\"decision\":\"");
  const std::string_view decision = outcomeName(r.decision);
  std::memcpy(d, decision.data(), decision.size());
  d += decision.size();
  d = put(d, "\",\"rule\":");
  d = writeJsonString(d, r.rule, kMaxRule);
  d = put(d, ",\"subject\":");
  d = writeJsonString(d, r.subject, kMaxSubject);
  if (!r.partsJson.empty()) {
    d = put(d, ",\"parts\":");
    std::memcpy(d, r.partsJson.data(), r.partsJson.size());  // every string already escaped
    d += r.partsJson.size();
  }
  return put(d, "}\n");
}

void formatLine(const AccessRecord& r, TimeCache& time, std::string& out) {
  out.resize(lineBound(r));
  char* end = writeLine(r, time, out.data());
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace gw::accesslog
