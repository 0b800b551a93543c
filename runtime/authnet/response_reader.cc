#include "runtime/authnet/response_reader.h"

#include "runtime/http/header.h"

namespace gw::authnet {

ResponseReader::ResponseReader(std::size_t maxHeaderBytes, std::size_t maxBodyBytes)
    : maxBodyBytes_(maxBodyBytes), parser_(http::ResponseLimits{maxHeaderBytes, 100}) {}

void ResponseReader::fail(FetchError error, std::string reason) {
  state_ = State::kFailed;
  error_ = error;
  reason_ = std::move(reason);
  response_.body.clear();
}

void ResponseReader::feed(std::string_view bytes) {
  if (state_ == State::kHead) {
    feedHead(bytes);
  } else if (!done()) {
    feedBody(bytes);
  }
}

void ResponseReader::feedHead(std::string_view bytes) {
  head_.append(bytes);
  http::ResponseHead head;
  for (;;) {
    const http::ParseResult r = parser_.parse(head_, /*requestMethodHead=*/false, head);
    if (r.status == http::ParseStatus::kNeedMore) {
      return;
    }
    if (r.status == http::ParseStatus::kError) {
      fail(FetchError::kMalformedResponse, r.reason);
      return;
    }
    if (!head.interim()) {
      // The head's views point into head_: copy what we need before touching it.
      const std::string rest = head_.substr(r.consumed);
      startBody(head, rest);
      head_.clear();
      head_.shrink_to_fit();
      return;
    }
    head_.erase(0, r.consumed);  // 100 Continue and friends precede the real response
    parser_.reset();
  }
}

void ResponseReader::startBody(const http::ResponseHead& head, std::string_view rest) {
  response_.status = head.status;
  keepAlive_ = head.keepAlive && head.body != http::BodyKind::kUntilClose;
  if (const http::Header* cc = http::findHeader(head.headers, "cache-control")) {
    response_.maxAgeSeconds = parseCacheControlMaxAge(cc->value);
  }
  switch (head.body) {
    case http::BodyKind::kNone:
      state_ = State::kDone;
      extra_ = !rest.empty();
      return;
    case http::BodyKind::kContentLength:
      if (head.contentLength > maxBodyBytes_) {
        fail(FetchError::kTooLarge, "response body of " + std::to_string(head.contentLength) +
                                        " bytes exceeds the limit");
        return;
      }
      remaining_ = head.contentLength;
      response_.body.reserve(static_cast<std::size_t>(head.contentLength));
      state_ = remaining_ == 0 ? State::kDone : State::kLength;
      break;
    case http::BodyKind::kChunked:
      state_ = State::kChunked;
      break;
    case http::BodyKind::kUntilClose:
      state_ = State::kUntilClose;
      break;
  }
  if (!rest.empty() && !done()) {
    feedBody(rest);
  }
}

void ResponseReader::appendBody(std::string_view data) {
  if (response_.body.size() + data.size() > maxBodyBytes_) {
    fail(FetchError::kTooLarge, "response body exceeds the limit");
    return;
  }
  response_.body.append(data);
}

void ResponseReader::feedBody(std::string_view bytes) {
  if (state_ == State::kLength) {
    const std::size_t take = std::min<std::uint64_t>(bytes.size(), remaining_);
    extra_ = take < bytes.size();
    response_.body.append(bytes.substr(0, take));
    remaining_ -= take;
    if (remaining_ == 0) {
      state_ = State::kDone;
    }
    return;
  }
  if (state_ == State::kUntilClose) {
    appendBody(bytes);
    return;
  }
  while (state_ == State::kChunked && !bytes.empty()) {
    const http::ChunkResult r = chunked_.decode(bytes);
    bytes.remove_prefix(r.consumed);
    if (r.status == http::ChunkStatus::kError) {
      fail(FetchError::kMalformedResponse, std::string("bad chunked body: ") + r.reason);
    } else if (r.status == http::ChunkStatus::kData) {
      appendBody(r.data);
    } else if (r.status == http::ChunkStatus::kDone) {
      state_ = State::kDone;
      extra_ = !bytes.empty();
    } else {
      return;  // kNeedMore: everything consumed
    }
  }
}

void ResponseReader::finish(bool clean) {
  if (done()) {
    return;
  }
  switch (state_) {
    case State::kHead:
      fail(FetchError::kMalformedResponse, "connection closed before the response head");
      return;
    case State::kUntilClose:
      if (clean) {
        state_ = State::kDone;
      } else {
        fail(FetchError::kMalformedResponse, "tls connection closed without close_notify");
      }
      return;
    default:
      fail(FetchError::kMalformedResponse, "connection closed before the end of the body");
      return;
  }
}

std::optional<std::int64_t> parseCacheControlMaxAge(std::string_view value) noexcept {
  std::optional<std::int64_t> result;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view directive = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!directive.empty() && (directive.front() == ' ' || directive.front() == '\t')) {
      directive.remove_prefix(1);
    }
    while (!directive.empty() && (directive.back() == ' ' || directive.back() == '\t')) {
      directive.remove_suffix(1);
    }
    if (http::iequals(directive, "no-store") || http::iequals(directive, "no-cache")) {
      return 0;
    }
    if (directive.size() <= 8 || !http::iequals(directive.substr(0, 8), "max-age=")) {
      continue;
    }
    std::string_view digits = directive.substr(8);
    if (digits.size() >= 2 && digits.front() == '"' && digits.back() == '"') {
      digits = digits.substr(1, digits.size() - 2);
    }
    std::int64_t seconds = 0;
    bool valid = !digits.empty() && digits.size() <= 10;
    for (char c : digits) {
      valid = valid && c >= '0' && c <= '9';
      seconds = seconds * 10 + (c - '0');
    }
    if (!valid) {
      return std::nullopt;  // RFC 9111 5.2: a malformed max-age is not trusted
    }
    result = seconds;
  }
  return result;
}

}  // namespace gw::authnet
