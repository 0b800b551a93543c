#include "runtime/base/thread_role.h"

#include <pthread.h>
#include <sched.h>

#include <cstring>

namespace gw {

void nameThisThread(const char* name) noexcept {
  char truncated[16];
  std::strncpy(truncated, name, sizeof truncated - 1);
  truncated[sizeof truncated - 1] = '\0';
  pthread_setname_np(pthread_self(), truncated);
}

bool enterBackground(const char* name) noexcept {
  nameThisThread(name);
  sched_param param{};
  param.sched_priority = 0;
  // pid 0: the calling thread (Linux schedules threads, not processes).
  return sched_setscheduler(0, SCHED_BATCH, &param) == 0;
}

}  // namespace gw
