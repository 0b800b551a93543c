#include "runtime/authnet/control_loop.h"

#include "runtime/base/thread_role.h"

namespace gw::authnet {

ControlLoop::ControlLoop() : io_(1), guard_(io_.get_executor()), thread_([this] {
      enterBackground("gw-authnet");
      io_.run();
    }) {}

ControlLoop::~ControlLoop() {
  guard_.reset();
  io_.stop();
  thread_.join();
}

}  // namespace gw::authnet
