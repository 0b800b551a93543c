#include "runtime/http/response_parser.h"

#include <gtest/gtest.h>

namespace gw::http {
namespace {

struct RespCase {
  const char* name;
  std::string input;
  bool head;
  int status;
  BodyKind body;
  bool keepAlive;
};

class ResponseParserTest : public ::testing::TestWithParam<RespCase> {};

TEST_P(ResponseParserTest, Frames) {
  const RespCase& c = GetParam();
  ResponseParser parser;
  ResponseHead head;
  ParseResult r = parser.parse(c.input, c.head, head);
  ASSERT_TRUE(r.ok()) << c.name << ": " << r.reason;
  EXPECT_EQ(head.status, c.status) << c.name;
  EXPECT_EQ(head.body, c.body) << c.name;
  EXPECT_EQ(head.keepAlive, c.keepAlive) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ResponseParserTest,
    ::testing::Values(
        RespCase{"length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", false, 200,
                 BodyKind::kContentLength, true},
        RespCase{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, 200,
                 BodyKind::kChunked, true},
        RespCase{"close_delimited", "HTTP/1.1 200 OK\r\n\r\n", false, 200, BodyKind::kUntilClose,
                 false},
        RespCase{"no_content", "HTTP/1.1 204 No Content\r\n\r\n", false, 204, BodyKind::kNone,
                 true},
        RespCase{"not_modified", "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", false,
                 304, BodyKind::kNone, true},
        RespCase{"head", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true, 200, BodyKind::kNone,
                 true},
        RespCase{"continue", "HTTP/1.1 100 Continue\r\n\r\n", false, 100, BodyKind::kNone, true},
        RespCase{"http10", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", false, 200,
                 BodyKind::kContentLength, false},
        RespCase{"conn_close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n",
                 false, 200, BodyKind::kContentLength, false},
        RespCase{"empty_reason", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", false, 404,
                 BodyKind::kContentLength, true}));

TEST(ResponseParser, RejectsWith502) {
  const char* bad[] = {
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",
      "HTTP/1.1 200 OK\nX: a\r\n\r\n",
      "HTTP/1.1 099 Low\r\n\r\n",
  };
  for (const char* in : bad) {
    ResponseParser parser;
    ResponseHead head;
    ParseResult r = parser.parse(in, false, head);
    EXPECT_EQ(r.status, ParseStatus::kError) << in;
    EXPECT_EQ(r.httpStatus, 502) << in;
  }
}

TEST(ResponseParser, InterimThenFinal) {
  std::string buf =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
  ResponseParser parser;
  ResponseHead head;
  ParseResult r = parser.parse(buf, false, head);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(head.interim());
  parser.reset();
  r = parser.parse(std::string_view(buf).substr(r.consumed), false, head);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(head.status, 201);
  EXPECT_EQ(head.reason, "Created");
}

}  // namespace
}  // namespace gw::http
