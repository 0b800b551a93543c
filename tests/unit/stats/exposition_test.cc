#include "runtime/stats/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace gw::stats {
namespace {

TEST(Exposition, LabelValueEscaping) {
  std::string out;
  appendLabelValue(out, "a\\b\"c\nd\te");
  EXPECT_EQ(out, "a\\\\b\\\"c\\nd\te");
}

TEST(Exposition, HelpEscapingKeepsQuotes) {
  std::string out;
  appendHelp(out, "say \"hi\"\\\nnext");
  EXPECT_EQ(out, "say \"hi\"\\\\\\nnext");
}

TEST(Exposition, Values) {
  std::string out;
  appendValue(out, std::uint64_t{18446744073709551615u});
  out += ' ';
  appendValue(out, std::int64_t{-3});
  out += ' ';
  appendValue(out, 0.25);
  out += ' ';
  appendValue(out, 1e-9);
  out += ' ';
  appendValue(out, std::numeric_limits<double>::infinity());
  out += ' ';
  appendValue(out, -std::numeric_limits<double>::infinity());
  out += ' ';
  appendValue(out, std::nan(""));
  EXPECT_EQ(out, "18446744073709551615 -3 0.25 1e-09 +Inf -Inf NaN");
}

TEST(Exposition, WriterFamilyAndSamples) {
  std::string out;
  MetricWriter w(out);
  w.family("gw_x_total", "things\nseen", MetricKind::kCounter);
  w.sample("gw_x_total", {}, std::uint64_t{7});
  w.sample("gw_x_total", {{"a", "1"}, {"b", "q\""}}, std::uint64_t{8});
  w.family("gw_g", "a gauge", MetricKind::kGauge);
  w.sample("gw_g", {{"s", "10.0.0.1:80"}}, 0.5);
  EXPECT_EQ(out,
            "# HELP gw_x_total things\\nseen\n"
            "# TYPE gw_x_total counter\n"
            "gw_x_total 7\n"
            "gw_x_total{a=\"1\",b=\"q\\\"\"} 8\n"
            "# HELP gw_g a gauge\n"
            "# TYPE gw_g gauge\n"
            "gw_g{s=\"10.0.0.1:80\"} 0.5\n");
}

}  // namespace
}  // namespace gw::stats
