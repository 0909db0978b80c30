#pragma once
// Splits a customers document (an array of CustomerInfo, or a ListResponse object) into the
// JSON texts of its items without building a tree of the whole document: a decode then
// holds one customer's tree at a time, and a sync can skip customers whose text it has
// seen before. Private to the json component.

#include <simdjson.h>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoursd/json/customers_json.hpp"

namespace hoursd::json_items {

struct Split {
  /// The items in order, each a slice of the document text or of `copy`, and followed by at
  /// least PaddedText::kReadAhead readable bytes (the rest of the document and its padding).
  std::vector<std::string_view> items;
  /// The padded copy of a document that was not padded; null when the items lie in it.
  std::unique_ptr<std::string> copy;
  /// Set for a ListResponse: its members other than `items` that decoding reads
  /// (totalCount, totalPages, hasMorePages), and `items` itself when it is not an array,
  /// as the text of a JSON object, so the tree decoder reports them exactly as before.
  std::optional<std::string> list_members;
  /// How many windows of whole items the array was indexed in; 0 when it was indexed at once.
  std::size_t windows = 0;
};

/// How many bytes of an array document split() indexes at once, by default.
inline constexpr std::size_t kSplitWindow = std::size_t{8} << 20;

/// The split of `text`, or std::nullopt when the document is not well-formed JSON of either
/// shape, or deeper than `max_depth`: the caller then parses it whole, which reports the
/// problem. The returned views point into `text`. `padded`: the text is followed by
/// PaddedText::kReadAhead readable bytes, so it is indexed in place instead of copied.
/// An array of objects longer than `window` bytes is indexed a window of whole items at a
/// time, so the index (four bytes per structural character) and its page faults stay
/// bounded however large the document is; the items are the same either way. Never throws.
std::optional<Split> split(std::string_view text, bool padded, std::size_t max_depth,
                           std::size_t window = kSplitWindow);

/// An array document read a window of whole items at a time, so that about two windows of
/// its text are held at once however long it is: a customers file of hundreds of megabytes.
/// The items it hands out are those split() gives the whole text; or, of a document the
/// whole index refuses, they include one that is not JSON on its own (On-Demand checks the
/// nesting only at a run's end), which a decode refuses. Not thread-safe.
class ArrayWindows {
 public:
  /// A window's text grows to at most this many windows while no cut is found, and never
  /// declines below kMinUncutBytes, so that a small document streams whatever the window.
  static constexpr std::size_t kMaxUncut = 4;
  static constexpr std::size_t kMinUncutBytes = std::size_t{64} << 10;

  /// `read` yields the document from its first byte; `window` > 0.
  ArrayWindows(ReadMore read, std::size_t max_depth, std::size_t window);
  /// The next window's items, each followed by PaddedText::kReadAhead readable bytes and
  /// valid until the next call; none once the array has ended. std::nullopt when the
  /// document is not an array, is malformed, has a window with no whole item, or runs on
  /// for kMaxUncut windows without a place to cut (one huge item, items that are not
  /// objects): the caller then splits or parses the whole text, which decides. Errors:
  /// those of `read`.
  Result<std::optional<std::vector<std::string_view>>> next();
  /// Bytes of the document read so far.
  std::size_t bytes_read() const { return bytes_read_; }

 private:
  Result<bool> read_more();
  Result<bool> open();
  Result<bool> fill();

  ReadMore read_;
  std::size_t max_depth_;
  std::size_t window_;
  std::string text_;     // the unsplit rest of the document, from the next window's start
  std::string scratch_;  // a window as the parser takes it
  simdjson::ondemand::parser parser_;
  std::size_t bytes_read_ = 0;
  std::size_t consumed_ = 0;  // where in text_ the next window starts
  bool opened_ = false;       // the '[' has been read
  bool first_ = true;         // no window has been split yet
  bool ended_ = false;        // `read` has reached the document's end
  bool done_ = false;         // every window has been handed out
};

/// The text of the value of `item`'s member "schedule" (its key compared unescaped), when
/// `item` is an object with exactly one such member; std::nullopt otherwise. REQUIRES: `item`
/// is an item of a split, so readable past its end. Never throws.
std::optional<std::string_view> schedule_text(std::string_view item);

/// The content hash of one item's text (customers_json.hpp). Never throws.
ContentHash content_hash(std::string_view text);

}  // namespace hoursd::json_items
