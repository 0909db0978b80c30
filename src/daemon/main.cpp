#include <chrono>
#include <exception>
#include <iostream>

#include "hoursd/daemon/app.hpp"

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return hoursd::run_cli(args, std::cout, std::cerr, now);
  } catch (const std::exception& e) {
    std::cerr << "error main: " << e.what() << "\n";
    return hoursd::kExitFailure;
  }
}
