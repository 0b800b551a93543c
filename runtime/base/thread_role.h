#pragma once
// Names gw's threads and keeps its background threads off the request path's critical path.
//
// Every thread gw starts is named (`gw-worker-3`, `gw-accesslog`, ...) so `top -H`,
// `perf sched timehist` and /proc/<pid>/task/*/comm tell them apart. Background threads (the
// access-log writer, the policy reloader, the JWKS/introspection control loop) also run under
// SCHED_BATCH: a batch thread that wakes up does not preempt the running thread, so its work
// (a log write every 100 ms, a policy compile) waits for the worker to block in epoll instead
// of stalling a request mid-flight. Unlike SCHED_IDLE or nice 19 it keeps its full fair share
// of the CPU, so under saturation the writer still drains the rings and no log line is lost.
// See docs/operations.md ("Threads").

namespace gw {

/// Sets the calling thread's name (at most 15 bytes are kept: the kernel's limit). Best effort.
void nameThisThread(const char* name) noexcept;

/// nameThisThread(name), then moves the calling thread to SCHED_BATCH (priority 0, nice
/// unchanged). Returns false when the kernel refused the policy (e.g. a seccomp filter); the
/// thread then keeps running under its old policy, which is correct, only less polite.
bool enterBackground(const char* name) noexcept;

}  // namespace gw
