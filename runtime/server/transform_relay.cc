// The response half of the body transforms (docs/transforms.md): streaming compression, and
// whole-body JSON edits. Entered from relayResponse() when transformsResponse() says so.
#include <algorithm>

#include "runtime/server/forwarder.h"
#include "runtime/server/message_writer.h"
#include "runtime/transform/media_type.h"

namespace gw::server {

namespace asio = boost::asio;

namespace {
/// A JSON response body larger than this cannot be edited: the client gets 502.
constexpr std::uint64_t kResponseJsonLimit = 1 << 20;
}  // namespace

asio::awaitable<bool> Forwarder::failResponse(Exchange& ex, std::string_view why, bool& close) {
  // Nothing was sent to the client yet; the upstream connection is not reusable.
  close = true;
  co_await respondError(ex, 502, why, true);
  co_return false;
}

asio::awaitable<ForwardOutcome> Forwarder::relayTransformed(
    Exchange& ex, std::unique_ptr<UpstreamConnection> connPtr) {
  UpstreamConnection& conn = *connPtr;
  keepHead(conn);
  http::BodyKind framing = response_.body;
  bodyLeft_ = response_.contentLength;
  chunksDone_ = sawBodyEnd_ = idleReported_ = false;
  decoder_.reset();
  bool close = !ex.head.keepAlive || ex.draining;
  bool isHead = ex.head.method == "HEAD";
  const ForwardAction& a = ex.action;
  bool compressible = a.compress != nullptr &&
                      transform::compressibleResponse(isHead, response_.status, response_.headers);
  bool compress = compressible && a.coding != transform::Coding::kIdentity;
  const http::Header* ct = http::findHeader(response_.headers, "content-type");
  bool json = a.responseJson != nullptr && !isHead && framing != http::BodyKind::kNone &&
              ct != nullptr && transform::isJson(ct->value);
  if (json) {
    const http::Header* ce = http::findHeader(response_.headers, "content-encoding");
    json = ce == nullptr || http::iequals(ce->value, "identity");
    if (!json) completion_.transformSkipped = "response body json: upstream body is encoded";
  }
  bool ok = false;
  if (json) {
    ok = co_await relayJson(ex, conn, compressible, compress, close);
  } else {
    ok = co_await relayCompressed(ex, conn, compress, close);
  }
  ex.watchdog.watchUpstream(nullptr);
  bool reusable = ok && sawBodyEnd_ && response_.keepAlive && conn.begin == conn.end &&
                  framing != http::BodyKind::kUntilClose;
  if (reusable) {
    pool_.release(std::move(connPtr));
  }
  co_return ok && !close ? ForwardOutcome::kKeepAlive : ForwardOutcome::kClose;
}

asio::awaitable<bool> Forwarder::relayJson(Exchange& ex, UpstreamConnection& conn,
                                           bool compressible, bool compress, bool& close) {
  bodyBuf_.clear();
  if (response_.body == http::BodyKind::kContentLength &&
      response_.contentLength > kResponseJsonLimit) {
    co_return co_await failResponse(ex, "upstream JSON body too large to transform", close);
  }
  while (true) {
    std::string_view piece;
    Piece p = co_await nextBodyPiece(ex, conn, piece);
    if (p == Piece::kEnd) break;
    if (p == Piece::kIdle) continue;
    if (p == Piece::kError) {
      co_return co_await failResponse(ex, "invalid upstream response", close);
    }
    bodyBuf_.append(piece);
    if (bodyBuf_.size() > kResponseJsonLimit) {
      co_return co_await failResponse(ex, "upstream JSON body too large to transform", close);
    }
  }
  std::string_view body = bodyBuf_;
  if (!bodyBuf_.empty()) {
    if (ex.action.responseJson->apply(bodyBuf_, outBuf_, ex.action.responseJsonValues) == transform::JsonEditStatus::kInvalid) {
      completion_.transformSkipped = "response body json: upstream body is not valid JSON";
    } else {
      body = outBuf_;
    }
  }
  std::uint64_t min = ex.action.identityRefused || ex.action.compress == nullptr
                          ? 0
                          : ex.action.compress->minBytes;
  bool bigEnough = compressible && body.size() >= min;
  bool doCompress = compress && bigEnough;
  if (doCompress) {
    encoded_.clear();
    bool encoded = encoder_.begin(ex.action.coding) && encoder_.write(body, encoded_, false) &&
                   encoder_.finish(encoded_);
    if (!encoded) co_return co_await failResponse(ex, "response compression failed", close);
    body = encoded_;
  }
  addCompressionHeaders(ex, bigEnough, doCompress);
  co_return co_await sendBuffered(ex, body, close);
}

asio::awaitable<bool> Forwarder::relayCompressed(Exchange& ex, UpstreamConnection& conn,
                                                 bool compress, bool& close) {
  std::uint64_t min = ex.action.identityRefused ? 0 : ex.action.compress->minBytes;
  bool known = response_.body == http::BodyKind::kContentLength ||
               response_.body == http::BodyKind::kNone;
  std::uint64_t size = response_.body == http::BodyKind::kContentLength ? response_.contentLength
                                                                         : 0;
  bodyBuf_.clear();
  outBuf_.clear();
  bool ended = false;
  if (!known) {
    // Unknown length: hold the first bytes until the size question is settled.
    std::uint64_t want = std::min(min, transform::kMaxPrebuffer);
    while (bodyBuf_.size() < want) {
      std::string_view piece;
      Piece p = co_await nextBodyPiece(ex, conn, piece);
      if (p == Piece::kError) co_return co_await failResponse(ex, "invalid upstream response", close);
      if (p == Piece::kEnd) {
        ended = true;
        break;
      }
      if (p == Piece::kIdle) continue;
      bodyBuf_.append(piece);
    }
    size = bodyBuf_.size();
  }
  bool sizeKnown = known || ended;
  bool bigEnough = !sizeKnown || size >= min;
  bool doCompress = compress && bigEnough;
  if (doCompress && !encoder_.begin(ex.action.coding)) {
    co_return co_await failResponse(ex, "response compression failed", close);
  }
  addCompressionHeaders(ex, bigEnough, doCompress);
  ClientBody clientBody = ex.head.versionMinor == 0 ? ClientBody::kUntilClose : ClientBody::kChunked;
  if (!doCompress && sizeKnown) {
    clientBody = ClientBody::kContentLength;
    response_.contentLength = size;
  }
  close = close || clientBody == ClientBody::kUntilClose;
  bool chunked = clientBody == ClientBody::kChunked;
  scratch_.clear();
  appendClientResponseHead(scratch_, response_, ex.action.responseHeaders, ex.ctx.requestId,
                           clientBody, close);
  if (doCompress) {
    if (!encoder_.write(bodyBuf_, outBuf_, false)) co_return false;
  } else {
    outBuf_.swap(bodyBuf_);
  }
  co_return co_await streamBody(ex, conn, doCompress, chunked, ended, close);
}

asio::awaitable<bool> Forwarder::streamBody(Exchange& ex, UpstreamConnection& conn,
                                            bool doCompress, bool chunked, bool ended,
                                            bool& close) {
  bool headSent = false;
  while (!ended) {
    std::string_view piece;
    Piece p = co_await nextBodyPiece(ex, conn, piece);
    if (p == Piece::kError) {
      if (!headSent) co_return co_await failResponse(ex, "invalid upstream response", close);
      co_return false;  // truncated: the client sees the connection close
    }
    if (p == Piece::kEnd) break;
    bool idle = p == Piece::kIdle;
    if (doCompress) {
      // Idle: the upstream has nothing more right now, so everything so far goes out decodable
      // (a sync flush costs a few bytes) and a slow or streaming upstream stays live.
      if (!encoder_.write(piece, outBuf_, idle)) co_return false;
    } else if (!idle) {
      // Identity: the slice is written in place; what the pre-buffer held goes first.
      if (!outBuf_.empty()) {
        if (!co_await writeEncoded(ex, outBuf_, headSent, chunked, false)) co_return false;
        outBuf_.clear();
      }
      if (!co_await writeEncoded(ex, piece, headSent, chunked, false)) co_return false;
      continue;
    }
    if (outBuf_.empty() && headSent) continue;
    if (!co_await writeEncoded(ex, outBuf_, headSent, chunked, false)) co_return false;
    outBuf_.clear();
  }
  if (doCompress && !encoder_.finish(outBuf_)) co_return false;
  bool ok = co_await writeEncoded(ex, outBuf_, headSent, chunked, true);
  outBuf_.clear();
  co_return ok;
}

}  // namespace gw::server
