// Body transforms on the forwarding path (docs/transforms.md): a JSON request body is read whole
// and edited before anything is sent upstream; a response is compressed while it streams, or,
// with a response `body json`, read whole (bounded), edited, then compressed in one piece.
#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>

#include "runtime/server/forwarder.h"
#include "runtime/server/message_writer.h"
#include "runtime/transform/media_type.h"

namespace gw::server {

namespace asio = boost::asio;

namespace {

/// A JSON request body is held whole: the route's max_body bounds it, else this.
constexpr std::uint64_t kDefaultRequestJsonLimit = 1 << 20;

std::string_view fieldValue(const http::HeaderList& headers, std::string_view name) {
  const http::Header* h = http::findHeader(headers, name);
  return h != nullptr ? h->value : std::string_view{};
}

bool hasContentEncoding(const http::HeaderList& headers) {
  for (const http::Header& h : headers) {
    if (http::iequals(h.name, "content-encoding") && !http::iequals(h.value, "identity")) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool Forwarder::transformsResponse(const Exchange& ex) const {
  const ForwardAction& a = ex.action;
  if (a.compress == nullptr && a.responseJson == nullptr) return false;
  bool isHead = ex.head.method == "HEAD";
  if (a.compress != nullptr &&
      transform::compressibleResponse(isHead, response_.status, response_.headers)) {
    return true;
  }
  return a.responseJson != nullptr && !isHead && response_.body != http::BodyKind::kNone &&
         transform::isJson(fieldValue(response_.headers, "content-type")) &&
         !hasContentEncoding(response_.headers);
}

asio::awaitable<Forwarder::Step> Forwarder::readWholeRequestBody(Exchange& ex,
                                                                 std::uint64_t limit) {
  const http::RequestHead& head = ex.head;
  bodyBuf_.clear();
  decoder_.reset();
  std::uint64_t remaining = head.chunked ? 0 : head.contentLength;
  while (head.chunked || remaining > 0) {
    std::string_view avail = ex.input.buffered();
    if (avail.empty()) {
      ex.watchdog.arm(options_.bodyIdleTimeout);
      boost::system::error_code ec = co_await ex.input.readBody(SIZE_MAX);
      ex.watchdog.disarm();
      if (ec) co_return Step::kClientGone;
      continue;
    }
    if (!head.chunked) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(avail.size(), remaining));
      bodyBuf_.append(avail.data(), n);
      ex.input.consume(n);
      remaining -= n;
      continue;
    }
    http::ChunkResult r = decoder_.decode(avail);
    if (r.status == http::ChunkStatus::kError) co_return Step::kBadBody;
    bodyBuf_.append(r.data);
    ex.input.consume(r.consumed);
    if (bodyBuf_.size() > limit) co_return Step::kTooLarge;
    if (r.status == http::ChunkStatus::kDone) break;
  }
  co_return Step::kOk;
}

asio::awaitable<Forwarder::Step> Forwarder::prepareRequestJson(Exchange& ex) {
  requestBodyReady_ = false;
  const http::RequestHead& head = ex.head;
  if (ex.action.requestJson == nullptr || !head.hasBody() ||
      !transform::isJson(fieldValue(head.headers, "content-type"))) {
    co_return Step::kOk;  // not JSON: the body streams through untouched
  }
  std::uint64_t limit = ex.action.maxBody != 0 ? maxBody_ : kDefaultRequestJsonLimit;
  if (head.hasContentLength && head.contentLength > limit) co_return Step::kTooLarge;
  if (head.expectContinue && !co_await sendContinue(ex)) co_return Step::kClientGone;
  Step s = co_await readWholeRequestBody(ex, limit);
  if (s != Step::kOk) co_return s;
  requestBodyDone_ = true;
  if (ex.action.requestJson->apply(bodyBuf_, requestBody_, ex.action.requestJsonValues) ==
      transform::JsonEditStatus::kInvalid) {
    co_return Step::kBadJson;
  }
  requestBodyReady_ = true;
  co_return Step::kOk;
}

asio::awaitable<ForwardOutcome> Forwarder::rejectRequestBody(Exchange& ex, Step why) {
  // A body read to its end leaves the connection usable; anything else closes it.
  bool close = !requestBodyDone_ || !ex.head.keepAlive || ex.draining;
  switch (why) {
    case Step::kBadJson:
      co_return co_await respondError(ex, 400, "request body is not valid JSON", close);
    case Step::kBadBody:
      co_return co_await respondError(ex, 400, "malformed chunked request body", true);
    case Step::kTooLarge:
      co_return co_await respondError(ex, 413, "request body too large", true);
    default:
      co_return ForwardOutcome::kClose;
  }
}

void Forwarder::keepHead(UpstreamConnection& conn) {
  // The head's views point into the connection buffer, which the body reads below reuse.
  const char* base = conn.buffer.get() + conn.begin;
  headCopy_.assign(base, responseHeadLength_);
  auto rebase = [&](std::string_view v) {
    return v.empty() ? v : std::string_view(headCopy_.data() + (v.data() - base), v.size());
  };
  for (http::Header& h : response_.headers) {
    h.name = rebase(h.name);
    h.value = rebase(h.value);
  }
  response_.reason = {};
  conn.begin += responseHeadLength_;
}

void Forwarder::addCompressionHeaders(Exchange& ex, bool varies, bool compressing) {
  HeaderEdits& edits = ex.action.responseHeaders;
  if (varies) {
    auto set = std::find_if(edits.set.begin(), edits.set.end(),
                            [](const auto& f) { return http::iequals(f.first, "vary"); });
    if (set != edits.set.end()) {
      set->second = transform::varyWithAcceptEncoding(set->second);
    } else {
      std::string joined;
      for (const http::Header& h : response_.headers) {
        if (http::iequals(h.name, "vary")) {
          if (!joined.empty()) joined += ", ";
          joined += h.value;
        }
      }
      edits.set.emplace_back("Vary", transform::varyWithAcceptEncoding(joined));
    }
  }
  if (!compressing) return;
  edits.set.eraseIf([](const auto& f) { return http::iequals(f.first, "content-encoding"); });
  edits.set.emplace_back("Content-Encoding", transform::codingName(ex.action.coding));
  edits.remove.emplace_back("Accept-Ranges");  // ranges of the compressed bytes are not served
  std::string_view etag = fieldValue(response_.headers, "etag");
  if (!etag.empty() && !edits.overrides("etag")) {
    edits.set.emplace_back("ETag", transform::weakenEtag(etag));
  }
}

asio::awaitable<Forwarder::Piece> Forwarder::nextBodyPiece(Exchange& ex, UpstreamConnection& conn,
                                                           std::string_view& out) {
  while (true) {
    bool lengthDone = response_.body == http::BodyKind::kNone ||
                      (response_.body == http::BodyKind::kContentLength && bodyLeft_ == 0);
    if (lengthDone || chunksDone_) {
      sawBodyEnd_ = true;
      co_return Piece::kEnd;
    }
    std::string_view avail = conn.buffered();
    if (!avail.empty()) {
      if (response_.body == http::BodyKind::kContentLength) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(avail.size(), bodyLeft_));
        out = avail.substr(0, n);
        conn.begin += n;
        bodyLeft_ -= n;
        co_return Piece::kData;
      }
      if (response_.body == http::BodyKind::kUntilClose) {
        out = avail;
        conn.begin = conn.end;
        co_return Piece::kData;
      }
      http::ChunkResult r = decoder_.decode(avail);
      if (r.status == http::ChunkStatus::kError) co_return Piece::kError;
      conn.begin += r.consumed;
      chunksDone_ = r.status == http::ChunkStatus::kDone;
      if (!r.data.empty()) {
        out = r.data;
        co_return Piece::kData;
      }
      continue;
    }
    if (!idleReported_) {
      idleReported_ = true;
      co_return Piece::kIdle;
    }
    idleReported_ = false;
    conn.begin = conn.end = 0;
    std::size_t want = response_.body == http::BodyKind::kContentLength
                           ? static_cast<std::size_t>(std::min<std::uint64_t>(bodyLeft_, conn.capacity))
                           : conn.capacity;
    boost::system::error_code ec = co_await readUpstream(ex, conn, want);
    if (ec == asio::error::eof && response_.body == http::BodyKind::kUntilClose) {
      sawBodyEnd_ = true;
      co_return Piece::kEnd;
    }
    if (ec) co_return Piece::kError;
  }
}

asio::awaitable<bool> Forwarder::sendBuffered(Exchange& ex, std::string_view body, bool close) {
  response_.contentLength = body.size();
  scratch_.clear();
  appendClientResponseHead(scratch_, response_, ex.action.responseHeaders, ex.ctx.requestId,
                           ClientBody::kContentLength, close);
  std::array<asio::const_buffer, 2> bufs{asio::buffer(scratch_), asio::buffer(body)};
  co_return co_await writeClient(ex, bufs);
}

asio::awaitable<bool> Forwarder::writeEncoded(Exchange& ex, std::string_view data,
                                              bool& headSent, bool chunked, bool last) {
  batch_.clear();
  if (!headSent) batch_.addRaw(scratch_);
  if (chunked) {
    batch_.addChunk(data);
    if (last) batch_.addLast();
  } else {
    batch_.addRaw(data);
  }
  headSent = true;
  if (batch_.empty()) co_return true;
  co_return co_await writeClient(ex, batch_.buffers());
}

}  // namespace gw::server
