#include "runtime/gateway/aggregate_body.h"

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "runtime/accesslog/json_escape.h"

namespace gw::gateway {

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool appendPathValue(std::string& out, std::string_view value, bool query) {
  if (!query && (value.empty() || value == "." || value == "..")) return false;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return true;
}

bool buildPartPath(const policy::CompiledPolicy& p, const policy::AggregatePart& part,
                   const gw_request& req, gw_eval_ctx& ctx, std::string& out, std::string& why) {
  out.clear();
  for (const policy::PathPiece& piece : part.path) {
    if (piece.value < 0) {
      out.append(piece.text);
      continue;
    }
    ctx.scratch_used = 0;  // the value is copied before the next evaluation
    std::string_view v = p.evalString(piece.value, req, ctx);
    if (!appendPathValue(out, v, piece.query)) {
      why = v.empty() ? "a value inserted in its path is empty"
                      : "a value inserted in its path is a dot segment";
      return false;
    }
  }
  return true;
}

bool isJsonDocument(std::string_view body) {
  return nlohmann::json::accept(body.begin(), body.end());
}

void composeObject(std::span<const PartBody> parts, std::string& out) {
  out.clear();
  out.push_back('{');
  for (const PartBody& part : parts) {
    if (out.size() > 1) out.push_back(',');
    accesslog::appendJsonString(out, part.field, part.field.size());
    out.push_back(':');
    std::string_view json = trim(part.json);
    out.append(json.empty() ? std::string_view("null") : json);
  }
  out.push_back('}');
}

std::string partErrorBody(int status, std::string_view part, std::string_view reason,
                          std::string_view requestId) {
  std::string out = "{\"error\":\"aggregate part failed\",\"part\":";
  accesslog::appendJsonString(out, part, part.size());
  out += ",\"reason\":";
  accesslog::appendJsonString(out, reason, reason.size());
  out += ",\"status\":" + std::to_string(status) + ",\"request_id\":";
  accesslog::appendJsonString(out, requestId, requestId.size());
  out += "}\n";
  return out;
}

void appendPartLog(std::string& out, const PartLog& log) {
  if (!out.empty() && out.back() != '[') out.push_back(',');
  out += "{\"part\":";
  accesslog::appendJsonString(out, log.field, 256);
  out += ",\"upstream\":";
  accesslog::appendJsonString(out, log.upstream, 256);
  out += ",\"upstream_addr\":";
  accesslog::appendJsonString(out, log.addr, 128);
  out += ",\"status\":" + std::to_string(log.status) + ",\"result\":";
  accesslog::appendJsonString(out, log.result, 64);
  char ms[32];
  int n = std::snprintf(ms, sizeof ms, "%.3f", log.latencyMs);
  out += ",\"latency_ms\":";
  out.append(ms, n > 0 ? static_cast<size_t>(n) : 0);
  out += '}';
}

}  // namespace gw::gateway
