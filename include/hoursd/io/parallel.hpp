#pragma once
/// Spreading independent work over the machine's cores: the shell's one way of starting
/// threads for a batch (decoding a page's customers, compiling their schedules).

#include <cstddef>
#include <functional>

namespace hoursd {

/// Runs work(k) for every k in [0, n), each exactly once, on as many threads as the machine
/// has cores (this one included), and returns when all have run. Thread t takes every
/// threads-th k from t. A share that no thread could be started for runs on this one. An
/// exception from any work(k) ends that thread's share and is rethrown here once all have
/// stopped. `work` must be safe to call from several threads at once for different k.
void on_every_core(std::size_t n, const std::function<void(std::size_t)>& work);

}  // namespace hoursd
