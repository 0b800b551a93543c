#include "runtime/accesslog/line_format.h"

#include <charconv>
#include <ctime>

#include "runtime/accesslog/json_escape.h"

namespace gw::accesslog {

namespace {

void appendUint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, ec == std::errc() ? end : buf);
}

void appendPadded(char* dst, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    dst[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// Milliseconds with three decimals (microsecond precision), e.g. 12.345.
void appendLatencyMs(std::string& out, std::chrono::nanoseconds latency) {
  std::int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  if (us < 0) {
    us = 0;
  }
  appendUint(out, static_cast<std::uint64_t>(us / 1000));
  char frac[4] = {'.', 0, 0, 0};
  appendPadded(frac + 1, static_cast<unsigned>(us % 1000), 3);
  out.append(frac, sizeof(frac));
}

void field(std::string& out, const char* key, std::string_view value, std::size_t maxBytes = 1024) {
  out += key;
  appendJsonString(out, value, maxBytes);
}

}  // namespace

void TimeCache::append(std::string& out, std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  std::int64_t ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::int64_t sec = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  if (sec != second_) {
    std::time_t tt = static_cast<std::time_t>(sec);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    appendPadded(prefix_, static_cast<unsigned>(tm.tm_year + 1900), 4);
    prefix_[4] = '-';
    appendPadded(prefix_ + 5, static_cast<unsigned>(tm.tm_mon + 1), 2);
    prefix_[7] = '-';
    appendPadded(prefix_ + 8, static_cast<unsigned>(tm.tm_mday), 2);
    prefix_[10] = 'T';
    appendPadded(prefix_ + 11, static_cast<unsigned>(tm.tm_hour), 2);
    prefix_[13] = ':';
    appendPadded(prefix_ + 14, static_cast<unsigned>(tm.tm_min), 2);
    prefix_[16] = ':';
    appendPadded(prefix_ + 17, static_cast<unsigned>(tm.tm_sec), 2);
    second_ = sec;
  }
  char tail[6] = {'.', 0, 0, 0, 'Z', 0};
  appendPadded(tail + 1, static_cast<unsigned>(ms - sec * 1000), 3);
  out.append(prefix_, 19);
  out.append(tail, 5);
}

void formatLine(const AccessRecord& r, TimeCache& time, std::string& out) {
  out.clear();
  out += "{\"time\":\"";
  time.append(out, r.time == std::chrono::system_clock::time_point{}
                       ? std::chrono::system_clock::now()
                       : r.time);
  out += '"';
  field(out, ",\"request_id\":", r.requestId, 256);
  field(out, ",\"client_ip\":", r.clientIp, 64);
  field(out, ",\"method\":", r.method, 64);
  field(out, ",\"host\":", r.host, 256);
  field(out, ",\"path\":", r.path, 2048);
  field(out, ",\"route\":", r.route, 256);
  out += ",\"status\":";
  appendUint(out, static_cast<std::uint64_t>(r.status < 0 ? 0 : r.status));
  out += ",\"latency_ms\":";
  appendLatencyMs(out, r.latency);
  field(out, ",\"upstream\":", r.upstream, 256);
  field(out, ",\"upstream_addr\":", r.upstreamAddr, 128);
  out += ",\"bytes_in\":";
  appendUint(out, r.bytesIn);
  out += ",\"bytes_out\":";
  appendUint(out, r.bytesOut);
  out += ",\"decision\":\"";
  out += outcomeName(r.decision);
  out += '"';
  field(out, ",\"rule\":", r.rule, 512);
  field(out, ",\"subject\":", r.subject, 256);
  if (!r.partsJson.empty()) {
    out += ",\"parts\":";
    out += r.partsJson;  // rendered with every string escaped (appendPartLog)
  }
  out += "}\n";
}

}  // namespace gw::accesslog
