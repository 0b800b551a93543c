// Placeholder translation unit so gw_stdlib always has one source.
extern "C" int gw_stdlib_linked() noexcept { return 1; }
