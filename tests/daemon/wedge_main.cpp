// hoursd_wedge: `hoursd serve` whose io thread stops returning to its event loop on cue, the
// one failure the watchdog test cannot cause from outside. A separate test-only binary rather
// than a switch in hoursd: the installed daemon has no way at all to wedge itself, so no
// stray environment variable or request can trigger it in production.
//
//   hoursd_wedge WEDGE_AFTER_MS|never [LOCK_WAIT_MS] --config FILE
//
// Serves like `hoursd serve --config FILE`; WEDGE_AFTER_MS after the io threads start, it
// posts a task that never returns to one of them. The test kills the process afterwards.
// LOCK_WAIT_MS replaces serve's 60 s wait for a locked state directory.

#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "hoursd/daemon/daemon.hpp"
#include "hoursd/io/log.hpp"

int main(int argc, char** argv) {
  if ((argc != 4 && argc != 5) || std::string(argv[argc - 2]) != "--config") {
    std::cerr << "usage: hoursd_wedge WEDGE_AFTER_MS|never [LOCK_WAIT_MS] --config FILE\n";
    return hoursd::kExitUsage;
  }
  std::optional<std::chrono::milliseconds> wedge_after;
  if (std::string(argv[1]) != "never") wedge_after = std::chrono::milliseconds(std::stol(argv[1]));
  hoursd::ServeHooks hooks;
  if (argc == 5) hooks.state_lock_wait = std::chrono::milliseconds(std::stol(argv[2]));
  hoursd::ConfigOverrides overrides;
  overrides.config_file = argv[argc - 1];
  auto config = hoursd::effective_config(overrides);
  if (!config) {
    std::cerr << "error config: " << config.error().message << "\n";
    return hoursd::kExitConfig;
  }
  if (wedge_after) {
    hooks.serving = [after = *wedge_after](hoursd::HttpServer& server) {
      std::thread([&server, after] {
        std::this_thread::sleep_for(after);
        hoursd::log(hoursd::LogLevel::warning, "test", "wedging an io thread");
        server.post([] {
          for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
        });
      }).detach();
    };
  }
  return hoursd::serve(*config, overrides, std::cerr, hooks);
}
