// Our request-head parser against Boost.Beast's http::request_parser on the same requests.
// Beast builds a basic_fields (one allocation per field) and cannot be reused across requests;
// ours fills string_views into a reused vector. Run: build/bin/http_parser_bench
#include <benchmark/benchmark.h>

#include <boost/beast/http.hpp>
#include <string>

#include "runtime/http/path_normalizer.h"
#include "runtime/http/request_parser.h"

namespace {

namespace http = boost::beast::http;

const std::string kBrowserGet =
    "GET /api/v1/catalog/items?page=2&sort=price HTTP/1.1\r\n"
    "Host: shop.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
    "Accept: application/json, text/plain, */*\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Referer: https://shop.example.com/catalog\r\n"
    "Authorization: Bearer "
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl\r\n"
    "Cookie: session=4f1c2a9b8e7d6c5b4a39281706f5e4d3; theme=dark\r\n"
    "X-Request-ID: 7f3e2a1b-9c8d-4e5f-a6b7-c8d9e0f1a2b3\r\n"
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
    "Connection: keep-alive\r\n"
    "\r\n";

const std::string kApiPost =
    "POST /v2/orders HTTP/1.1\r\n"
    "Host: api.example.com\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 128\r\n"
    "X-Api-Key: k_live_0123456789abcdef\r\n"
    "\r\n";

const std::string kCurlGet =
    "GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\n\r\n";

const std::string& requestFor(int i) { return i == 0 ? kBrowserGet : i == 1 ? kApiPost : kCurlGet; }

void BM_GwParser(benchmark::State& state) {
  const std::string& req = requestFor(static_cast<int>(state.range(0)));
  gw::http::RequestParser parser;
  gw::http::RequestHead head;
  for (auto _ : state) {
    parser.reset();
    gw::http::ParseResult r = parser.parse(req, head);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(head.headers.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size()));
}

void BM_GwParserAndNormalize(benchmark::State& state) {
  const std::string& req = requestFor(static_cast<int>(state.range(0)));
  gw::http::RequestParser parser;
  gw::http::RequestHead head;
  std::string path;
  for (auto _ : state) {
    parser.reset();
    gw::http::ParseResult r = parser.parse(req, head);
    gw::http::NormalizeResult n = gw::http::normalizePath(head.path, path);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size()));
}

void BM_BeastParser(benchmark::State& state) {
  const std::string& req = requestFor(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(16384);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(req), ec);
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(parser.get().target().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size()));
}

}  // namespace

BENCHMARK(BM_GwParser)->DenseRange(0, 2)->ArgName("req");
BENCHMARK(BM_GwParserAndNormalize)->DenseRange(0, 2)->ArgName("req");
BENCHMARK(BM_BeastParser)->DenseRange(0, 2)->ArgName("req");
BENCHMARK_MAIN();
