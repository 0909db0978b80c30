// fuzz_customers: bytes as an upstream page -> decode_customers() -> compile() at a fixed
// instant with the default engine options -> for every compiled customer, state_at() at a
// few instants (inside and far outside the precomputed timeline) and transitions() over a
// week. What a sync does with a page, then what lookups do with its customers.
// Failures beyond crashes: encode_customers() of the decoded customers not decoding back to
// equal customers (its contract, which persisted snapshots rely on); and the stream decode
// (decode_shared_stream(), in small windows and pieces) taking a document the whole-text
// decode refuses, or giving other customers, hashes or errors than it.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hoursd/config/config.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/core/evaluator.hpp"
#include "hoursd/core/time_text.hpp"
#include "hoursd/io/zoneinfo.hpp"
#include "hoursd/json/customers_json.hpp"

using namespace hoursd;
using std::chrono::hours;

namespace {

/// A reader of `text` a few bytes at a time, so that windows and reads fall anywhere.
ReadMore pieces_of(std::string_view text, std::size_t piece) {
  return [text, piece](std::string& out) mutable -> Result<std::size_t> {
    const std::size_t n = std::min(piece, text.size());
    out.append(text.substr(0, n));
    text.remove_prefix(n);
    return n;
  };
}

/// Aborts unless the stream of `text` declines or decodes it as the whole text does.
void check_stream(std::string_view text) {
  const std::size_t window = 1 + text.size() % 97;
  auto streamed = decode_shared_stream(pieces_of(text, 1 + text.size() % 13), {}, nullptr, window);
  if (!streamed || !*streamed) return;
  auto whole = decode_shared_customers(text);
  bool same = whole && whole->hashes == (*streamed)->hashes &&
              whole->customers.size() == (*streamed)->customers.size() &&
              whole->errors.size() == (*streamed)->errors.size();
  for (std::size_t i = 0; same && i < whole->customers.size(); ++i)
    same = *whole->customers[i] == *(*streamed)->customers[i];
  for (std::size_t i = 0; same && i < whole->errors.size(); ++i)
    same = whole->errors[i].index == (*streamed)->errors[i].index &&
           whole->errors[i].message == (*streamed)->errors[i].message;
  if (!same) {
    std::fprintf(stderr, "fuzz_customers: the stream decode differs from the whole text's\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const CompileOptions options = Config{}.engine;
  static const ZoneDb& tzdb = hoursd::default_zoneinfo_or_abort();
  static const date::sys_seconds now = *parse_rfc3339("2026-03-07T12:00:00Z");

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_stream(text);
  auto decoded = decode_customers(text);
  if (!decoded) return 0;

  auto again = decode_customers(encode_customers(decoded->customers));
  if (!again || again->customers != decoded->customers) {
    std::fprintf(stderr,
                 "fuzz_customers: encode_customers() does not decode back to equal "
                 "customers\n");
    std::abort();
  }

  const CompiledSet set = compile(decoded->customers, options, tzdb, now);
  const date::sys_seconds instants[] = {now, now + hours(24 * 200), now - hours(24 * 3650),
                                        now + hours(24 * 3650)};
  for (const CompiledCustomer& c : set.customers()) {
    for (date::sys_seconds t : instants) (void)state_at(set, c, t);
    (void)transitions(set, c, Window{now, now + hours(24 * 7)}, 1000);
  }
  return 0;
}
