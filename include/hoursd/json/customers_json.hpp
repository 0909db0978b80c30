#pragma once
/// Decoding (and encoding) customers in the upstream's JSON shape (docs/upstream.md): a
/// ListResponse page `{items, totalCount, totalPages, hasMorePages}` or a bare array of
/// CustomerInfo. Keys are camelCase; unknown keys are ignored; null counts as absent; enums
/// arrive as names ("Weekly") or integers. Shell component (nlohmann_json).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hoursd/core/compiled.hpp"
#include "hoursd/core/result.hpp"
#include "hoursd/core/schedule.hpp"

namespace hoursd {

/// One customer that could not be decoded. The others still are.
struct DecodeError {
  std::size_t index = 0;    // position in the array or in `items`
  std::string customer_id;  // "" when the id itself is missing or unreadable
  std::string path;         // JSON path, e.g. "customers[3].schedule.rules[1].byMonth[0]"
  std::string message;      // full text: "<path>: expected integer, got \"x\""
};

/// Paging fields of a ListResponse; absent for a bare array.
struct ListPage {
  std::optional<std::int64_t> total_count;
  std::optional<std::int64_t> total_pages;
  std::optional<bool> has_more_pages;
};

struct DecodedCustomers {
  std::vector<Customer> customers;  // in input order, the undecodable ones left out
  std::vector<DecodeError> errors;
  std::optional<ListPage> page;  // set when the input was a ListResponse
};

/// 128 bits of the SHA-256 of one customer's JSON text exactly as received: a sync compares
/// it to know a customer is unchanged without decoding it. The text holds the customer's id
/// and dateLastModified, so equal hashes mean the same id, the same dateLastModified and the
/// same content. All zero: unknown (matches nothing).
struct ContentHash {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  bool known() const { return hi != 0 || lo != 0; }
  friend bool operator==(const ContentHash&, const ContentHash&) = default;
};
struct ContentHashHash {
  std::size_t operator()(const ContentHash& h) const { return static_cast<std::size_t>(h.lo); }
};

/// The customer already decoded from a text with this hash, or null.
using ReuseLookup = std::function<SharedCustomer(const ContentHash&)>;

struct SharedDecode {
  std::vector<SharedCustomer> customers;  // in input order, the undecodable ones left out
  std::vector<ContentHash> hashes;        // of each customer's text, parallel to customers
  std::vector<DecodeError> errors;
  std::optional<ListPage> page;  // set when the input was a ListResponse
  std::size_t reused = 0;        // customers taken from `reuse` instead of decoded
};

/// Decoded schedules by content, so that customers with equal schedules hold one
/// (OptionalSchedule): a platform makes many customers from a few templates. One pool may
/// serve several decodes, e.g. the pages of one fetch. Holds each distinct schedule it saw,
/// and the content hash (as of customers) of each text it was decoded from, so that a text
/// seen before is not decoded again. Not thread-safe.
class SchedulePool {
 public:
  /// Makes `schedule` share the storage of an equal schedule seen before, or remembers it.
  /// `hash` is any hash of its content: equal schedules must have equal hashes. Schedules
  /// are compared in full before they are shared.
  void intern(std::size_t hash, OptionalSchedule& schedule);
  /// Remembers that the schedule member text with hash `text` decoded to `schedule`.
  void remember(const ContentHash& text, const OptionalSchedule& schedule);
  /// The schedule a member text with hash `text` decoded to, or null when none was
  /// remembered.
  const OptionalSchedule* decoded_from(const ContentHash& text) const;

 private:
  std::unordered_map<std::size_t, std::vector<OptionalSchedule>> seen_;
  std::unordered_map<ContentHash, OptionalSchedule, ContentHashHash> by_text_;
};

/// A text whose buffer goes on, readable and initialized, for at least kReadAhead bytes past
/// its end. decode_shared_customers() indexes such a text where it lies; any other text it
/// copies first, because its parser reads ahead of the text in wide blocks. For a document
/// of hundreds of megabytes the copy is as large again, and every sync paid for it.
class PaddedText {
 public:
  static constexpr std::size_t kReadAhead = 64;
  /// Views all of `buffer` after writing kReadAhead spaces past its end, outside its size;
  /// reallocates only when `buffer`'s spare capacity is short of them. REQUIRES: `buffer`
  /// outlives the view and is not changed while it is used.
  explicit PaddedText(std::string& buffer);
  /// Copies `text` into `storage` (once: the room for the padding is reserved first) and
  /// views the copy. REQUIRES: as for the constructor, of `storage`.
  static PaddedText copy(std::string_view text, std::string& storage);
  /// The text from `offset` to the end, padded as this one is. REQUIRES: offset <= size.
  PaddedText suffix(std::size_t offset) const { return PaddedText(text_.substr(offset)); }
  std::string_view text() const { return text_; }

 private:
  explicit PaddedText(std::string_view text) : text_(text) {}
  std::string_view text_;
};

/// Reads more of a document: appends its next bytes to `out` and returns how many, 0 at its
/// end. Errors: the reader's own (a file's read error), passed on.
using ReadMore = std::function<Result<std::size_t>(std::string& out)>;

/// How many bytes of a document decode_shared_stream() splits and decodes at once, by default:
/// enough text to decode on every core, few enough bytes that the text, its copy for
/// the parser and the parser's index add tens of megabytes, not hundreds.
inline constexpr std::size_t kStreamWindow = std::size_t{8} << 20;

/// decode_shared_customers() of the document `read` yields, read, split and decoded a
/// window of whole items at a time, so that only about two windows of its text are held at
/// once, however large it is. std::nullopt when it is not an array or is malformed (read up
/// to where that shows): the caller then decodes the whole text, which reports the problem.
/// Otherwise the result equals decode_shared_customers() of the whole text. Errors: those of
/// `read`.
Result<std::optional<SharedDecode>> decode_shared_stream(const ReadMore& read,
                                                         const ReuseLookup& reuse = {},
                                                         SchedulePool* pool = nullptr,
                                                         std::size_t window = kStreamWindow);

/// Decodes `json_text` one customer at a time (on every core from 256 KiB of them): no
/// tree of the whole document is built, and a customer whose text hash `reuse` knows is
/// taken from it instead of being decoded. `reuse` is called on this thread only.
/// Decoded customers with equal schedules share them through `pool` (a pool of this call's
/// own when null); a document the splitter declines (decoded as one tree) shares none.
/// Errors as decode_customers().
Result<SharedDecode> decode_shared_customers(std::string_view json_text,
                                             const ReuseLookup& reuse = {},
                                             SchedulePool* pool = nullptr);
/// decode_shared_customers() of a padded text, which is not copied.
Result<SharedDecode> decode_shared_customers(PaddedText json_text, const ReuseLookup& reuse = {},
                                             SchedulePool* pool = nullptr);

/// Decodes `json_text`. Errors (whole document unusable): ErrorCode::bad_json when the text
/// is not JSON, or is neither an array nor an object whose `items` is an array or absent.
Result<DecodedCustomers> decode_customers(std::string_view json_text);

/// Encodes customers as a JSON array that decode_customers() reads back to equal values.
/// Absent values are omitted. Used for persisted snapshots and debug dumps.
std::string encode_customers(const std::vector<Customer>& customers);
/// encode_customers() of shared customers.
std::string encode_shared_customers(const std::vector<SharedCustomer>& customers);
/// Appends `customer` as the one JSON object encode_customers() writes for it, so a caller
/// can write a long array a slice at a time (the persisted snapshot, streamed to its file).
void encode_customer(const Customer& customer, std::string& out);

}  // namespace hoursd
