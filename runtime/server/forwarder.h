#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "runtime/http/chunked_decoder.h"
#include "runtime/http/response_parser.h"
#include "runtime/server/chunk_batch.h"
#include "runtime/server/client_input.h"
#include "runtime/server/decision.h"
#include "runtime/server/handler.h"
#include "runtime/server/message_writer.h"
#include "runtime/server/request_context.h"
#include "runtime/server/upstream_pool.h"
#include "runtime/server/watchdog.h"
#include "runtime/transform/encoder.h"

namespace gw::server {

/// Everything one forwarded request touches; all references are owned by the session.
struct Exchange {
  Transport& client;
  ClientInput& input;
  Watchdog& watchdog;
  RequestContext& ctx;
  const http::RequestHead& head;
  ForwardAction& action;
  const bool& draining;  ///< the worker is shutting down: responses carry Connection: close
};

/// The status (502, or 504 for a timeout) and message answering a failed upstream connect.
int connectErrorStatus(ConnectError e);
std::string_view connectErrorMessage(ConnectError e);

/// Outcome of a forwarded exchange for the client connection.
enum class ForwardOutcome {
  kKeepAlive,  ///< response fully written, request body fully read: the session may continue
  kClose,      ///< the client connection must be closed (error mid-stream, unread body, ...)
};

/// Carries one request to an upstream and its response back, streaming both bodies through
/// bounded buffers (a body is never held whole). Maps failures to 502 (connect refused, bad or
/// truncated response) and 504 (connect or response timeout) with the JSON error body, 413 for
/// oversized bodies, and sends `100 Continue` only once the upstream connection is up.
/// One per session (it owns reused scratch buffers); single-threaded.
class Forwarder final : private SendBatch::Sender {
 public:
  Forwarder(UpstreamPool& pool, const ServerOptions& options) : pool_(pool), options_(options) {}
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  boost::asio::awaitable<ForwardOutcome> forward(Exchange& ex);

  /// How the last forward() ended (status sent, upstream outcome); valid until the next one.
  const Completion& completion() const { return completion_; }

 private:
  enum class Step {
    kOk, kClientGone, kUpstreamFailed, kUpstreamTimeout, kBadBody, kTooLarge, kBadJson,
    kLater,     ///< sendHeadNow(): sendRequest() sends the request (or the rest of its head)
    kReadMore,  ///< the response head is not whole: read into responseRoom(), afterResponseRead()
  };

  /// forward() with a RetryHook for a bodyless request or one whose body is buffered in
  /// requestBody_ (forward_retry.cc).
  boost::asio::awaitable<ForwardOutcome> forwardWithRetries(Exchange& ex);
  /// With a RetryHook: reads a body of at most action.retryBodyLimit bytes into requestBody_
  /// (requestBodyReady_) so a retry can replay it. A larger Content-Length body is left unread;
  /// a chunked body found larger while reading keeps its decoded start in bodyBuf_
  /// (resumeChunked_) and streams on from there. Both then go without retries. kOk, or kBadBody,
  /// kTooLarge (max_body), kClientGone.
  boost::asio::awaitable<Step> bufferForReplay(Exchange& ex);
  /// Sends `100 Continue` once per request.
  boost::asio::awaitable<bool> sendContinue(Exchange& ex);
  boost::asio::awaitable<Step> writeUpstream(Exchange& ex, UpstreamConnection& conn,
                                             std::span<const boost::asio::const_buffer> bufs);
  /// The common bodyless request sent without a coroutine frame: its head in one non-blocking
  /// write. kOk (all sent), kUpstreamFailed, or kLater: a body to send, or the socket took only
  /// part of the head (headSent_ bytes); then sendRequest().
  Step sendHeadNow(Exchange& ex, UpstreamConnection& conn);
  /// Waits for the end of the worker's batch of ready handlers: when gathersSends(), every
  /// send of a request to an upstream comes after it (forwarder.cc says why). Call before
  /// sendHeadNow().
  boost::asio::awaitable<void> batchEnd(UpstreamConnection& conn);
  /// Another upstream exchange of this worker is in progress, so a batch may gather.
  bool gathersSends() const { return pool_.exchanges() > 1; }
  /// With gathersSends(): a bodyless request on a plaintext connection hands its head to the
  /// worker's SendBatch, which sends it at the batch's end (sendDeferred()), and the caller
  /// awaits the response at once: no suspension before the send. False for other requests
  /// (then batchEnd() and the send).
  bool deferHead(Exchange& ex, UpstreamConnection& conn);
  /// SendBatch::Sender: the deferred head's send, one non-blocking write. If it fails or the
  /// socket takes only part, cancels the response read, and afterResponseRead() reports it
  /// (kUpstreamFailed, or kLater: sendRequest() writes the rest).
  void sendDeferred() override;
  /// Sends the request after batchEnd() and a sendHeadNow() that returned kLater.
  boost::asio::awaitable<Step> sendRequest(Exchange& ex, UpstreamConnection& conn);
  boost::asio::awaitable<Step> sendContentLengthBody(Exchange& ex, UpstreamConnection& conn);
  boost::asio::awaitable<Step> sendChunkedBody(Exchange& ex, UpstreamConnection& conn);
  /// Reads the response head: kOk (response_ parsed, responseHeadLength_ its length),
  /// kUpstreamFailed (badResponse_ when it was invalid) or kUpstreamTimeout. For the retry
  /// path; forward() runs the same steps with the read awaited in its own frame.
  boost::asio::awaitable<Step> readResponseHead(Exchange& ex, UpstreamConnection& conn);
  /// readResponseHead()'s steps, plain functions: beginResponseHead() starts a response on
  /// `conn` (kReadMore); each read into responseRoom() (a kDrainedPerInq read, under the
  /// upstream deadline, which this step arms) is followed by afterResponseRead(), which parses
  /// what the connection holds: kOk, kReadMore, kUpstreamFailed or kUpstreamTimeout.
  Step beginResponseHead(Exchange& ex, UpstreamConnection& conn);
  boost::asio::mutable_buffer responseRoom(UpstreamConnection& conn) {
    return {conn.buffer.get() + conn.end, conn.capacity - conn.end};
  }
  Step afterResponseRead(Exchange& ex, UpstreamConnection& conn,
                         const boost::system::error_code& ec, std::size_t n);
  /// Parses what `conn` holds (dropping interim responses): kOk, kReadMore (room made for
  /// it, the deadline armed) or kUpstreamFailed.
  Step parseResponseHead(Exchange& ex, UpstreamConnection& conn);
  /// How far relayNow() got with a response.
  enum class Relay : std::uint8_t {
    kNotNow,   ///< nothing done: a body to stream or transform; relayResponse() does it all
    kDone,     ///< written whole (endRelay() next)
    kPartial,  ///< the socket took part of the one write; relayResponse() writes the rest
    kFailed,   ///< the client connection failed (endRelay() next)
  };
  /// The common response without a coroutine frame: no body, or a Content-Length body that
  /// came whole with the head, and no body transform: head and body in one non-blocking write.
  Relay relayNow(Exchange& ex, UpstreamConnection& conn);
  /// What every relay starts with: the client's framing of the response and whether the
  /// connection closes after it (`close`), the completion's upstream fields, the ResponseHook.
  ClientBody beginRelay(Exchange& ex, bool& close);
  /// Returns a reusable connection to the pool; the exchange's outcome for the client.
  ForwardOutcome endRelay(Exchange& ex, std::unique_ptr<UpstreamConnection> conn, bool ok,
                          bool close);
  /// The response after relayNow() returned `started` (kNotNow or kPartial).
  boost::asio::awaitable<ForwardOutcome> relayResponse(Exchange& ex,
                                                       std::unique_ptr<UpstreamConnection> conn,
                                                       Relay started);
  boost::asio::awaitable<bool> relayLengthBody(Exchange& ex, UpstreamConnection& conn);
  boost::asio::awaitable<bool> relayChunkedBody(Exchange& ex, UpstreamConnection& conn,
                                                bool toChunked);
  boost::asio::awaitable<bool> relayUntilClose(Exchange& ex, UpstreamConnection& conn,
                                               bool toChunked);
  boost::asio::awaitable<ForwardOutcome> respondError(Exchange& ex, int status,
                                                      std::string_view message, bool close);
  boost::asio::awaitable<bool> writeClient(Exchange& ex,
                                           std::span<const boost::asio::const_buffer> bufs);
  boost::asio::awaitable<boost::system::error_code> readUpstream(Exchange& ex,
                                                                 UpstreamConnection& conn,
                                                                 std::size_t maxBytes);

  // Body transforms (body_transform.cc, docs/transforms.md).
  /// kIdle: no upstream bytes at hand, the next call will wait for the upstream (flush now).
  enum class Piece { kData, kIdle, kEnd, kError };
  /// Reads the whole JSON request body, applies ex.action.requestJson into requestBody_.
  /// kOk (requestBodyReady_ set, or the body is not JSON and streams as usual), kBadJson,
  /// kBadBody (invalid chunking), kTooLarge, kClientGone.
  boost::asio::awaitable<Step> prepareRequestJson(Exchange& ex);
  boost::asio::awaitable<Step> readWholeRequestBody(Exchange& ex, std::uint64_t limit);
  /// Answers a request whose body was refused while read or edited (400 bad JSON or chunking,
  /// 413 over max_body), or drops it: the one Step -> client error mapping for request bodies.
  boost::asio::awaitable<ForwardOutcome> rejectRequestBody(Exchange& ex, Step why);
  /// relayResponse() for routes with `compress` or a response `body json`.
  boost::asio::awaitable<ForwardOutcome> relayTransformed(
      Exchange& ex, std::unique_ptr<UpstreamConnection> conn);
  /// The next slice of the decoded upstream body (valid until the next call), kEnd after the
  /// last one. Handles all three framings.
  boost::asio::awaitable<Piece> nextBodyPiece(Exchange& ex, UpstreamConnection& conn,
                                              std::string_view& out);
  boost::asio::awaitable<bool> relayJson(Exchange& ex, UpstreamConnection& conn,
                                         bool compressible, bool compress, bool& close);
  boost::asio::awaitable<bool> failResponse(Exchange& ex, std::string_view why, bool& close);
  boost::asio::awaitable<bool> relayCompressed(Exchange& ex, UpstreamConnection& conn,
                                               bool compress, bool& close);
  /// The body after the head decision: encoded (or not) piece by piece, flushed when idle.
  boost::asio::awaitable<bool> streamBody(Exchange& ex, UpstreamConnection& conn,
                                          bool doCompress, bool chunked, bool ended, bool& close);
  boost::asio::awaitable<bool> sendBuffered(Exchange& ex, std::string_view body, bool close);
  /// Writes `data` (with the head in scratch_ the first time) as a chunk or raw bytes.
  boost::asio::awaitable<bool> writeEncoded(Exchange& ex, std::string_view data, bool& headSent,
                                            bool chunked, bool last);
  void keepHead(UpstreamConnection& conn);
  void addCompressionHeaders(Exchange& ex, bool varies, bool compressing);
  /// True when relayTransformed() must handle this response (decided on its head).
  bool transformsResponse(const Exchange& ex) const;

  Millis upstreamTimeout(const Exchange& ex) const {
    return ex.action.timeout.count() > 0 ? ex.action.timeout : options_.defaultUpstreamTimeout;
  }

  UpstreamPool& pool_;
  const ServerOptions& options_;
  Completion completion_;
  std::string scratch_;  ///< serialized heads; capacity reused
  http::ResponseParser responseParser_;
  http::ResponseHead response_;
  http::ChunkedDecoder decoder_;
  ChunkBatch batch_;
  std::uint64_t maxBody_ = 0;
  std::size_t responseHeadLength_ = 0;
  std::size_t headSent_ = 0;  ///< bytes of a bodyless request's head sendHeadNow() wrote
  UpstreamConnection* deferredConn_ = nullptr;  ///< deferHead()'s connection until the send
  Step deferredStep_ = Step::kOk;  ///< how sendDeferred() went, until afterResponseRead()
  std::size_t relayWhole_ = 0;  ///< relayNow(): the body bytes sent with the head
  std::size_t relaySent_ = 0;   ///< relayNow(): bytes its one write took
  bool relayClose_ = false;     ///< relayNow(): the client connection closes after it
  bool sawResponseBytes_ = false;
  bool badResponse_ = false;
  bool requestBodyDone_ = true;
  // Body transforms: buffers keep their capacity across the session's requests.
  transform::Encoder encoder_;
  std::string headCopy_;     ///< the upstream head, when its body is read before it is sent
  std::string bodyBuf_;      ///< buffered upstream body (JSON, or up to `min` for compression)
  std::string outBuf_;       ///< encoder / JSON output
  std::string requestBody_;  ///< the edited JSON request body
  std::string encoded_;      ///< a whole compressed (edited JSON) response body
  bool requestBodyReady_ = false;  ///< send requestBody_ instead of streaming the client body
  bool resumeChunked_ = false;     ///< sendChunkedBody() starts with bodyBuf_, decoder_ as is
  bool continueSent_ = false;      ///< `100 Continue` already went to the client
  std::uint64_t bodyLeft_ = 0;     ///< Content-Length body bytes still to read
  bool chunksDone_ = false;
  bool sawBodyEnd_ = false;  ///< nextBodyPiece() returned kEnd: the upstream body was read whole
  bool idleReported_ = false;  ///< nextBodyPiece() returned kIdle; the next call reads
};

}  // namespace gw::server
