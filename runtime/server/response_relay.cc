// The response half of Forwarder: streams the upstream response to the client.
#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>

#include "runtime/server/forwarder.h"
#include "runtime/server/message_writer.h"
#include "runtime/server/timed_write.h"

namespace gw::server {

namespace asio = boost::asio;

ClientBody Forwarder::beginRelay(Exchange& ex, bool& close) {
  bool clientHttp10 = ex.head.versionMinor == 0;
  close = !ex.head.keepAlive || ex.draining;
  ClientBody body = ClientBody::kNone;
  switch (response_.body) {
    case http::BodyKind::kNone:
      break;
    case http::BodyKind::kContentLength:
      body = ClientBody::kContentLength;
      break;
    case http::BodyKind::kChunked:
    case http::BodyKind::kUntilClose:
      // HTTP/1.0 clients cannot read chunked: they get a close-delimited body instead.
      body = clientHttp10 ? ClientBody::kUntilClose : ClientBody::kChunked;
      break;
  }
  close = close || body == ClientBody::kUntilClose;
  completion_.upstream = Completion::Upstream::kResponse;
  completion_.upstreamStatus = response_.status;
  completion_.status = response_.status;
  if (ex.action.hook != nullptr) {
    ex.action.hook->onResponseHead(ex.ctx, response_.status, response_.headers,
                                   ex.action.responseHeaders);
  }
  return body;
}

Forwarder::Relay Forwarder::relayNow(Exchange& ex, UpstreamConnection& conn) {
  // A bodyless response, or one whose whole Content-Length body came with the head (the common
  // small response): one write of head and body, which the socket normally takes at once.
  relayWhole_ = 0;
  if (response_.body == http::BodyKind::kContentLength &&
      response_.contentLength <= conn.buffered().size() - responseHeadLength_) {
    relayWhole_ = static_cast<std::size_t>(response_.contentLength);
  } else if (response_.body != http::BodyKind::kNone) {
    return Relay::kNotNow;
  }
  if (transformsResponse(ex)) {
    return Relay::kNotNow;
  }
  ClientBody body = beginRelay(ex, relayClose_);
  scratch_.clear();
  appendClientResponseHead(scratch_, response_, ex.action.responseHeaders, ex.ctx.requestId, body,
                           relayClose_);
  conn.begin += responseHeadLength_;  // the head views are not used past this point
  std::array<asio::const_buffer, 2> bufs{asio::buffer(scratch_),
                                         asio::buffer(conn.buffered().data(), relayWhole_)};
  boost::system::error_code ec;
  relaySent_ = ex.client.writeNow(bufs, ec);
  if (ec) {
    return Relay::kFailed;
  }
  if (relaySent_ < scratch_.size() + relayWhole_) {
    return Relay::kPartial;
  }
  conn.begin += relayWhole_;
  completion_.bytesOut += relayWhole_;
  return Relay::kDone;
}

ForwardOutcome Forwarder::endRelay(Exchange& ex, std::unique_ptr<UpstreamConnection> conn,
                                   bool ok, bool close) {
  ex.watchdog.watchUpstream(nullptr);
  bool reusable = ok && response_.keepAlive && conn->begin == conn->end &&
                  response_.body != http::BodyKind::kUntilClose;
  if (reusable) {
    pool_.release(std::move(conn));
  }
  return ok && !close ? ForwardOutcome::kKeepAlive : ForwardOutcome::kClose;
}

asio::awaitable<ForwardOutcome> Forwarder::relayResponse(
    Exchange& ex, std::unique_ptr<UpstreamConnection> connPtr, Relay started) {
  UpstreamConnection& conn = *connPtr;
  if (started == Relay::kPartial) {  // the rest of relayNow()'s one write, under the deadline
    std::array<asio::const_buffer, 2> bufs{asio::buffer(scratch_),
                                           asio::buffer(conn.buffered().data(), relayWhole_)};
    boost::system::error_code ec =
        co_await finishWrite(ex.client, ex.watchdog, options_.idleTimeout, bufs, relaySent_);
    if (!ec) {
      conn.begin += relayWhole_;
      completion_.bytesOut += relayWhole_;
    }
    co_return endRelay(ex, std::move(connPtr), !ec, relayClose_);
  }
  // kNotNow: a body to stream, or a body transform.
  bool close = false;
  ClientBody body = beginRelay(ex, close);
  if (transformsResponse(ex)) {
    co_return co_await relayTransformed(ex, std::move(connPtr));
  }
  scratch_.clear();
  appendClientResponseHead(scratch_, response_, ex.action.responseHeaders, ex.ctx.requestId, body,
                           close);
  conn.begin += responseHeadLength_;  // the head views are not used past this point
  bool ok = false;
  switch (response_.body) {
    case http::BodyKind::kNone: {  // relayNow() sends these; kept whole for any other caller
      std::array<asio::const_buffer, 1> head{asio::buffer(scratch_)};
      ok = co_await writeClient(ex, head);
      break;
    }
    case http::BodyKind::kContentLength:
      ok = co_await relayLengthBody(ex, conn);
      break;
    case http::BodyKind::kChunked:
      ok = co_await relayChunkedBody(ex, conn, body == ClientBody::kChunked);
      break;
    case http::BodyKind::kUntilClose:
      ok = co_await relayUntilClose(ex, conn, body == ClientBody::kChunked);
      break;
  }
  co_return endRelay(ex, std::move(connPtr), ok, close);
}

asio::awaitable<bool> Forwarder::relayLengthBody(Exchange& ex, UpstreamConnection& conn) {
  std::uint64_t remaining = response_.contentLength;
  bool headSent = false;
  while (!headSent || remaining > 0) {
    std::string_view avail = conn.buffered();
    if (avail.empty() && remaining > 0 && headSent) {
      conn.begin = conn.end = 0;
      boost::system::error_code ec = co_await readUpstream(
          ex, conn, static_cast<std::size_t>(std::min<std::uint64_t>(remaining, conn.capacity)));
      if (ec) {
        co_return false;  // truncated response: the client sees the connection close
      }
      continue;
    }
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(avail.size(), remaining));
    std::array<asio::const_buffer, 2> bufs{asio::buffer(scratch_), asio::buffer(avail.data(), n)};
    std::span<const asio::const_buffer> seq(headSent ? bufs.data() + 1 : bufs.data(),
                                            headSent ? 1 : 2);
    if (!co_await writeClient(ex, seq)) {
      co_return false;
    }
    conn.begin += n;
    remaining -= n;
    completion_.bytesOut += n;
    headSent = true;
  }
  co_return true;
}

asio::awaitable<bool> Forwarder::relayChunkedBody(Exchange& ex, UpstreamConnection& conn,
                                                  bool toChunked) {
  decoder_.reset();
  batch_.clear();
  batch_.addRaw(scratch_);
  while (true) {
    std::string_view avail = conn.buffered();
    if (avail.empty()) {
      if (!batch_.empty()) {
        if (!co_await writeClient(ex, batch_.buffers())) {
          co_return false;
        }
        batch_.clear();
      }
      conn.begin = conn.end = 0;
      if (co_await readUpstream(ex, conn, conn.capacity)) {
        co_return false;
      }
      continue;
    }
    http::ChunkResult r = decoder_.decode(avail);
    if (r.status == http::ChunkStatus::kError) {
      co_return false;
    }
    if (toChunked) {
      batch_.addChunk(r.data);
    } else {
      batch_.addRaw(r.data);
    }
    completion_.bytesOut += r.data.size();
    conn.begin += r.consumed;
    if (r.status == http::ChunkStatus::kDone) {
      if (toChunked) {
        batch_.addLast();
      }
      co_return co_await writeClient(ex, batch_.buffers());
    }
    if (batch_.full()) {
      if (!co_await writeClient(ex, batch_.buffers())) {
        co_return false;
      }
      batch_.clear();
    }
  }
}

asio::awaitable<bool> Forwarder::relayUntilClose(Exchange& ex, UpstreamConnection& conn,
                                                 bool toChunked) {
  batch_.clear();
  batch_.addRaw(scratch_);
  while (true) {
    std::string_view avail = conn.buffered();
    if (toChunked) {
      batch_.addChunk(avail);
    } else {
      batch_.addRaw(avail);
    }
    completion_.bytesOut += avail.size();
    conn.begin = conn.end;
    if (!batch_.empty()) {
      // Kept out of the && on purpose: GCC 12 miscompiles co_await inside && / ||.
      bool written = co_await writeClient(ex, batch_.buffers());
      if (!written) {
        co_return false;
      }
    }
    batch_.clear();
    conn.begin = conn.end = 0;
    boost::system::error_code ec = co_await readUpstream(ex, conn, conn.capacity);
    if (ec == asio::error::eof) {
      if (toChunked) {
        batch_.addLast();
        co_return co_await writeClient(ex, batch_.buffers());
      }
      co_return true;
    }
    if (ec) {
      co_return false;
    }
  }
}

}  // namespace gw::server
