#include "hoursd/io/parallel.hpp"

#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace hoursd {

void on_every_core(std::size_t n, const std::function<void(std::size_t)>& work) {
  const std::size_t threads = std::min<std::size_t>(
      std::max(1u, std::thread::hardware_concurrency()), std::max<std::size_t>(n, 1));
  std::vector<std::exception_ptr> failed(threads);
  auto stride = [&](std::size_t t) {
    try {
      for (std::size_t k = t; k < n; k += threads) work(k);
    } catch (...) {
      failed[t] = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> helpers;
    std::size_t t = 1;
    try {
      for (; t < threads; ++t) helpers.emplace_back(stride, t);
    } catch (const std::system_error&) {  // no thread to be had: this one does the rest
    }
    for (; t < threads; ++t) stride(t);
    stride(0);
  }
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
}

}  // namespace hoursd
