// hoursd_wedge: `hoursd serve` whose io thread stops returning to its event loop on cue, the
// one failure the watchdog test cannot cause from outside. A separate test-only binary rather
// than a switch in hoursd: the installed daemon has no way at all to wedge itself, so no
// stray environment variable or request can trigger it in production.
//
//   hoursd_wedge WEDGE_AFTER_MS --config FILE
//
// Serves like `hoursd serve --config FILE`; WEDGE_AFTER_MS after the io threads start, it
// posts a task that never returns to one of them. The test kills the process afterwards.

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "hoursd/daemon/daemon.hpp"
#include "hoursd/io/log.hpp"

int main(int argc, char** argv) {
  if (argc != 4 || std::string(argv[2]) != "--config") {
    std::cerr << "usage: hoursd_wedge WEDGE_AFTER_MS --config FILE\n";
    return hoursd::kExitUsage;
  }
  const std::chrono::milliseconds wedge_after(std::stol(argv[1]));
  hoursd::ConfigOverrides overrides;
  overrides.config_file = argv[3];
  auto config = hoursd::effective_config(overrides);
  if (!config) {
    std::cerr << "error config: " << config.error().message << "\n";
    return hoursd::kExitConfig;
  }
  hoursd::ServeHooks hooks;
  hooks.serving = [wedge_after](hoursd::HttpServer& server) {
    std::thread([&server, wedge_after] {
      std::this_thread::sleep_for(wedge_after);
      hoursd::log(hoursd::LogLevel::warning, "test", "wedging an io thread");
      server.post([] {
        for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
      });
    }).detach();
  };
  return hoursd::serve(*config, overrides, std::cerr, hooks);
}
