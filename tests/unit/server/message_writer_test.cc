#include "runtime/server/message_writer.h"

#include <gtest/gtest.h>

#include "runtime/http/request_parser.h"

namespace gw::server {
namespace {

struct Fixture {
  std::string raw;
  http::RequestHead head;
  RequestContext ctx;
  std::string path = "/norm";

  explicit Fixture(std::string request) : raw(std::move(request)) {
    http::RequestParser parser;
    EXPECT_TRUE(parser.parse(raw, head).ok());
    ctx.method = head.method;
    ctx.path = path;
    ctx.query = head.query;
    ctx.hasQuery = head.hasQuery;
    ctx.host = head.host;
    ctx.head = &head;
    ctx.clientIp = "192.0.2.7";
    ctx.requestId = "rid-1";
    ctx.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  }
};

TEST(MessageWriter, UpstreamHeadDropsHopByHopAndAppendsForwarding) {
  Fixture f(
      "POST /a/../norm?q=1 HTTP/1.1\r\nHost: Api.Example\r\nConnection: keep-alive, X-Drop\r\n"
      "X-Drop: 1\r\nKeep-Alive: 5\r\nTE: trailers\r\nUpgrade: h2c\r\nProxy-Connection: x\r\n"
      "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\nX-Forwarded-For: 10.0.0.1\r\n"
      "X-Forwarded-For: 10.0.0.2\r\nForwarded: for=10.0.0.1\r\nX-Request-ID: old\r\n"
      "X-Keep: yes\r\nX-Remove-Me: 1\r\nX-Replace: old\r\n\r\n");
  ForwardAction fwd;
  fwd.requestHeaders.remove.push_back("x-remove-me");
  fwd.requestHeaders.set.emplace_back("X-Replace", "new");
  std::string out;
  appendUpstreamRequestHead(out, f.ctx, fwd, UpstreamBody::kChunked, 0);
  EXPECT_EQ(out,
            "POST /norm?q=1 HTTP/1.1\r\n"
            "Host: Api.Example\r\n"
            "X-Keep: yes\r\n"
            "X-Replace: new\r\n"
            "X-Forwarded-For: 10.0.0.1, 10.0.0.2, 192.0.2.7\r\n"
            "X-Forwarded-Proto: http\r\n"
            "Forwarded: for=10.0.0.1, for=192.0.2.7;proto=http;host=\"api.example\"\r\n"
            "X-Request-ID: rid-1\r\n"
            "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
            "Transfer-Encoding: chunked\r\n\r\n");
}

TEST(MessageWriter, UpstreamHeadUsesRewriteAndAddsHostForHttp10) {
  Fixture f("GET /x HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
  f.ctx.clientIp = "2001:db8::1";
  ForwardAction fwd;
  fwd.host = "10.1.1.1";
  fwd.path = "/rewritten";
  std::string out;
  appendUpstreamRequestHead(out, f.ctx, fwd, UpstreamBody::kContentLength, 0);
  EXPECT_NE(out.find("GET /rewritten HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(out.find("Forwarded: for=\"[2001:db8::1]\";proto=http\r\n"), std::string::npos);
  EXPECT_NE(out.find("Host: 10.1.1.1\r\n"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(MessageWriter, ClientResponseHeadReframes) {
  http::ResponseParser parser;
  http::ResponseHead up;
  std::string raw =
      "HTTP/1.1 200 Fine\r\nContent-Length: 10\r\nConnection: X-Hop\r\nX-Hop: 1\r\n"
      "Server: up\r\nSet-Cookie: a=1\r\nX-Strip: 1\r\n\r\n";
  ASSERT_TRUE(parser.parse(raw, false, up).ok());
  HeaderEdits edits;
  edits.remove.push_back("x-strip");
  edits.set.emplace_back("X-Added", "v");
  std::string out;
  appendClientResponseHead(out, up, edits, "rid", ClientBody::kContentLength, true);
  EXPECT_EQ(
      out,
      "HTTP/1.1 200 OK\r\nServer: up\r\nSet-Cookie: a=1\r\nX-Added: v\r\nX-Request-ID: rid\r\n"
      "Content-Length: 10\r\nConnection: close\r\n\r\n");
}

TEST(MessageWriter, HeadResponseKeepsContentLength) {
  http::ResponseParser parser;
  http::ResponseHead up;
  std::string raw = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n";
  ASSERT_TRUE(parser.parse(raw, true, up).ok());
  std::string out;
  appendClientResponseHead(out, up, HeaderEdits{}, "rid", ClientBody::kNone, false);
  EXPECT_NE(out.find("Content-Length: 99\r\n"), std::string::npos);
}

// The writers classify the first 64 fields once and the rest again: hop-by-hop fields, fields
// named in Connection and the regenerated ones are dropped past that point too, and the head
// is appended after what the buffer already holds.
TEST(MessageWriter, UpstreamHeadBeyondSixtyFourFieldsAndAfterExistingBytes) {
  std::string raw = "GET /x HTTP/1.1\r\nHost: h\r\n";
  std::string kept;
  for (int i = 0; i < 70; ++i) {
    raw += "X-F" + std::to_string(i) + ": " + std::to_string(i) + "\r\n";
    kept += "X-F" + std::to_string(i) + ": " + std::to_string(i) + "\r\n";
  }
  raw += "Connection: X-Late\r\nX-Late: 1\r\nKeep-Alive: 5\r\nX-Request-ID: old\r\n";
  raw += "X-Forwarded-For: 10.0.0.9\r\n\r\n";
  Fixture f(raw);
  ForwardAction fwd;
  std::string out = "earlier bytes|";
  appendUpstreamRequestHead(out, f.ctx, fwd, UpstreamBody::kNone, 0);
  EXPECT_EQ(out,
            "earlier bytes|GET /norm HTTP/1.1\r\nHost: h\r\n" + kept +
                "X-Forwarded-For: 10.0.0.9, 192.0.2.7\r\n"
                "X-Forwarded-Proto: http\r\n"
                "Forwarded: for=192.0.2.7;proto=http;host=\"h\"\r\n"
                "X-Request-ID: rid-1\r\n"
                "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n");
}

TEST(MessageWriter, ClientResponseHeadKeepsTheUpstreamsRequestId) {
  http::ResponseParser parser;
  http::ResponseHead up;
  std::string raw = "HTTP/1.1 204 No Content\r\nx-request-id: theirs\r\nDate: d\r\n\r\n";
  ASSERT_TRUE(parser.parse(raw, false, up).ok());
  std::string out = "|";
  appendClientResponseHead(out, up, HeaderEdits{}, "ours", ClientBody::kNone, false);
  EXPECT_EQ(out, "|HTTP/1.1 204 No Content\r\nx-request-id: theirs\r\nDate: d\r\n\r\n");
}

TEST(MessageWriter, LocalErrorBodyIsJsonWithRequestId) {
  std::string out;
  appendErrorResponse(out, 404, "no route for `/x\"`", "rid-9", false);
  std::string body = out.substr(out.find("\r\n\r\n") + 4);
  EXPECT_EQ(body,
            "{\"error\":\"no route for `/x\\\"`\",\"status\":404,\"request_id\":\"rid-9\"}\n");
  EXPECT_NE(out.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Connection: close"), std::string::npos);
  LocalResponse r;
  r.status = 405;
  r.headers.emplace_back("Allow", "GET, HEAD");
  out.clear();
  appendLocalResponse(out, r, "rid", true);
  EXPECT_EQ(out.rfind("HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\n", 0), 0u);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
}

}  // namespace
}  // namespace gw::server
