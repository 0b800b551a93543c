// Incremental parsing must not depend on where the network split the bytes: for every split
// point, parsing a prefix and then the whole buffer with the same parser reaches the verdict a
// fresh parser reaches on the whole buffer. Regression for the http_request_fuzzer finding
// "split-verdict" (a request line exactly at the length limit, read up to its CR but not its LF,
// was rejected with 414 although the whole line was within the limit).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/http/request_parser.h"

namespace gw::http {
namespace {

/// The limits the fuzzer uses: 256-byte targets, so the request line may be 256 + 44 bytes.
constexpr RequestLimits kFuzzLimits{256, 2048, 32};
constexpr std::size_t kLineLimit = 256 + 44;

/// A request line of exactly `len` bytes (without its CRLF).
std::string lineOfLength(std::size_t len) {
  std::string line = "GET /";
  line.append(len - line.size() - 9, 'a');
  line += " HTTP/1.1";
  return line;
}

ParseResult parseSplit(std::string_view buf, std::size_t at, const RequestLimits& limits) {
  RequestParser parser(limits);
  RequestHead head;
  ParseResult r = parser.parse(buf.substr(0, at), head);
  if (r.status == ParseStatus::kNeedMore) {
    r = parser.parse(buf, head);
  }
  return r;
}

TEST(RequestParserSplit, LineAtTheLimitCutBetweenCrAndLf) {
  std::string line = lineOfLength(kLineLimit);
  ASSERT_EQ(line.size(), kLineLimit);
  std::string buf = line + "\r\n";
  RequestParser whole(kFuzzLimits);
  RequestHead head;
  EXPECT_EQ(whole.parse(buf, head).status, ParseStatus::kNeedMore);

  RequestParser split(kFuzzLimits);
  ParseResult first = split.parse(std::string_view(buf).substr(0, buf.size() - 1), head);
  EXPECT_EQ(first.status, ParseStatus::kNeedMore) << first.httpStatus << " " << first.reason;
  EXPECT_EQ(split.parse(buf, head).status, ParseStatus::kNeedMore);

  // One byte more is over the limit however it is split.
  std::string longer = lineOfLength(kLineLimit + 1) + "\r";
  RequestParser over(kFuzzLimits);
  ParseResult r = over.parse(longer, head);
  ASSERT_EQ(r.status, ParseStatus::kError);
  EXPECT_EQ(r.httpStatus, 414);
}

TEST(RequestParserSplit, CrOnlyLineDoesNotHideTheLimit) {
  // Bare CRs inside the line are still line bytes; only the final CR is held back.
  std::string buf(kLineLimit + 1, '\r');
  buf[0] = 'G';
  RequestParser parser(kFuzzLimits);
  RequestHead head;
  ParseResult r = parser.parse(buf, head);
  ASSERT_EQ(r.status, ParseStatus::kNeedMore);
  buf.back() = 'x';
  RequestParser fresh(kFuzzLimits);
  r = fresh.parse(buf, head);
  ASSERT_EQ(r.status, ParseStatus::kError);
  EXPECT_EQ(r.httpStatus, 414);
}

std::vector<std::string> splitCases() {
  const std::string h = "Host: h\r\n";
  return {
      "GET / HTTP/1.1\r\n" + h + "\r\n",
      "\r\n\r\nPOST /u?x=1 HTTP/1.1\r\n" + h + "Content-Length: 3\r\n\r\nabc",
      "GET / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
      "GET / HTTP/1.1\r\n" + h + " folded\r\n\r\n",
      "GET / HTTP/1.1\n" + h + "\r\n",
      "GET / HTTP/1.1\r\r\n" + h + "\r\n",
      lineOfLength(kLineLimit) + "\r\n" + h + "\r\n",
      lineOfLength(kLineLimit - 1) + "\r\n" + h + "\r\n",
      lineOfLength(kLineLimit + 1) + "\r\n" + h + "\r\n",
      lineOfLength(kLineLimit) + "\r\n",
      "GET /" + std::string(250, 'b') + " HTTP/1.1\r\n" + h + "\r\n",
      "GET / HTTP/1.1\r\n" + h + "X: " + std::string(2100, 'v') + "\r\n\r\n",
      std::string("\r\r|\r\x03", 5) + std::string(300 - 5, '\xff') + "\r\n" +
          std::string(40, '\0'),
  };
}

TEST(RequestParserSplit, EverySplitPointReachesTheWholeVerdict) {
  for (const std::string& buf : splitCases()) {
    RequestParser fresh(kFuzzLimits);
    RequestHead head;
    ParseResult whole = fresh.parse(buf, head);
    for (std::size_t at = 0; at <= buf.size(); ++at) {
      ParseResult split = parseSplit(buf, at, kFuzzLimits);
      ASSERT_EQ(split.status, whole.status) << "split at " << at << " of " << buf.size() << ": "
                                            << split.reason << " vs " << whole.reason;
      if (whole.ok()) {
        ASSERT_EQ(split.consumed, whole.consumed) << "split at " << at;
      }
    }
  }
}

}  // namespace
}  // namespace gw::http
