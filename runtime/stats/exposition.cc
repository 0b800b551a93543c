#include "runtime/stats/exposition.h"

#include <charconv>
#include <cmath>

namespace gw::stats {

void appendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void appendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void appendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, ec == std::errc() ? end : buf);
}

void appendValue(std::string& out, std::uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, ec == std::errc() ? end : buf);
}

void appendValue(std::string& out, std::int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, ec == std::errc() ? end : buf);
}

void MetricWriter::family(std::string_view name, std::string_view help, MetricKind kind) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  appendHelp(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += typeName(kind);
  out_ += '\n';
}

void MetricWriter::head(std::string_view name, std::span<const Label> labels) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) {
        out_ += ',';
      }
      first = false;
      out_ += k;
      out_ += "=\"";
      appendLabelValue(out_, v);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

void MetricWriter::sample(std::string_view name, std::span<const Label> labels,
                          std::uint64_t value) {
  head(name, labels);
  appendValue(out_, value);
  out_ += '\n';
}

void MetricWriter::sample(std::string_view name, std::span<const Label> labels,
                          std::int64_t value) {
  head(name, labels);
  appendValue(out_, value);
  out_ += '\n';
}

void MetricWriter::sample(std::string_view name, std::span<const Label> labels, double value) {
  head(name, labels);
  appendValue(out_, value);
  out_ += '\n';
}

}  // namespace gw::stats
