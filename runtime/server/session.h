#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "runtime/http/request_parser.h"
#include "runtime/server/client_input.h"
#include "runtime/server/decision.h"
#include "runtime/server/forwarder.h"
#include "runtime/server/request_context.h"
#include "runtime/server/transport.h"
#include "runtime/server/watchdog.h"

namespace gw::server {

class Worker;

/// One client connection: reads request heads (with the header deadline against slowloris),
/// rejects malformed ones with the right status before anything else sees them, normalizes the
/// path once, asks the Handler, then answers locally or forwards. Requests are served one at a
/// time in arrival order, so pipelined responses are always in order; pipelined requests wait
/// as bytes in the bounded head buffer (TCP backpressure does the rest). Every buffer and string
/// is reused across the connection's requests. Lives on one worker thread; owned by shared_ptr
/// held by its coroutines; registered with the Worker for graceful shutdown. On a TLS listener
/// the connection starts with the handshake (bounded by handshakeTimeout); the client
/// certificate's identity is computed once and shown to every request of the connection.
class Session : public std::enable_shared_from_this<Session> {
 public:
  /// `tls` is the listener's current TLS context, or null for plain TCP.
  Session(Worker& worker, boost::asio::ip::tcp::socket socket,
          std::shared_ptr<const tls::ServerTlsContext> tls);
  ~Session();

  /// The connection's main loop; co_spawn with the owning shared_ptr.
  static boost::asio::awaitable<void> run(std::shared_ptr<Session> self);

  /// Graceful shutdown: an idle connection closes now, a busy one after its current response.
  void onDrain();
  /// Forced shutdown: cancels everything the session waits for.
  void abort();

  Session* prev = nullptr;  ///< intrusive list of the worker's sessions
  Session* next = nullptr;

 private:
  /// Where reading a request head stands; the steps are plain functions, run() awaits the reads.
  enum class HeadStatus {
    kOk,        ///< head_ is parsed, its bytes consumed
    kMore,      ///< read into input_.headRoom(), then afterHeadRead()
    kBad,       ///< malformed or over a limit: answer badStatus_/badReason_, then close
    kTimedOut,  ///< the header deadline passed mid-head: answer 408, then close
    kClose,     ///< the client closed, failed or idled out: close without an answer
  };
  /// What a parsed request needs next.
  enum class Next {
    kDecided,  ///< decision_ holds the answer (decideNow())
    kDecide,   ///< the handler's decide() coroutine must decide (a step may wait)
    kBadPath,  ///< the path does not normalize: decision_ holds the error, nothing is counted
  };

  boost::asio::awaitable<bool> handshake();
  /// Starts a request head: arms the idle (or, with bytes buffered, the header) deadline and
  /// parses what is buffered.
  HeadStatus beginHead();
  /// After a read into input_.headRoom() that gave `ec` and `n` bytes.
  HeadStatus afterHeadRead(const boost::system::error_code& ec, std::size_t n);
  /// Parses what is buffered: kOk (deadline off, head consumed), kMore or kBad.
  HeadStatus parseBuffered();
  /// Normalizes the path, prepares ctx_ and asks the handler's decideNow().
  Next beginRequest();
  /// How far answerNow() got.
  enum class Answer { kSent, kPartial, kFailed };
  /// decision_'s local answer in one non-blocking write, which the socket almost always takes
  /// whole; kPartial: answerRest() writes the rest (answerSent_ bytes went).
  Answer answerNow();
  /// The rest of answerNow()'s write, under the idle deadline. Whether to keep alive.
  boost::asio::awaitable<bool> answerRest();
  /// Reports the local answer written (status, body bytes) to the handler.
  void reportAnswer();
  boost::asio::awaitable<void> respondError(int status, std::string_view reason);
  void prepareContext();
  boost::asio::awaitable<void> lingeringClose();

  Worker& worker_;
  Transport client_;
  std::shared_ptr<const tls::ServerTlsContext> tlsContext_;  ///< until the handshake is done
  Watchdog watchdog_;
  ClientInput input_;
  http::RequestParser parser_;
  http::RequestHead head_;
  std::string path_;
  std::string requestId_;
  std::string traceparent_;
  std::string clientIp_;
  std::uint16_t clientPort_ = 0;
  RequestContext ctx_;
  Decision decision_;
  Forwarder forwarder_;
  std::string out_;
  int badStatus_ = 0;           ///< HeadStatus::kBad's answer
  const char* badReason_ = "";
  bool mustClose_ = false;      ///< the current request's connection closes after its answer
  std::size_t answerSent_ = 0;  ///< bytes of out_ answerNow() wrote
  bool idle_ = true;
  bool peerClosed_ = false;
};

}  // namespace gw::server
