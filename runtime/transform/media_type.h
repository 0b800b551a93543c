#pragma once
// Media-type tests on a Content-Type field value ("application/json; charset=utf-8"): which
// responses are worth compressing and which bodies are JSON. Pure; thread-safe; no allocation.
#include <string_view>

namespace gw::transform {

/// The "type/subtype" part of a Content-Type value, without parameters or OWS.
std::string_view mediaType(std::string_view contentType);

/// False for media types that are already compressed or must stream unbuffered: image/* (except
/// image/svg+xml and image/bmp), video/*, audio/*, font/woff and font/woff2, archives
/// (zip, gzip, bzip2, xz, zstd, 7z, rar, compress), application/octet-stream, application/pdf,
/// text/event-stream (Server-Sent Events must reach the client event by event). True otherwise,
/// including for a missing Content-Type. Case-insensitive.
bool isCompressible(std::string_view contentType);

/// application/json or any "+json" structured syntax suffix (application/problem+json).
bool isJson(std::string_view contentType);

}  // namespace gw::transform
