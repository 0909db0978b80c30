// The splitter behind streaming decodes, on simdjson's On-Demand API: it indexes the
// document's structure in one pass (validating UTF-8 and nesting) and hands out each item's
// exact text, so nothing but the index is built for the whole document.

#include "json_items.hpp"

#include <algorithm>
#include <utility>

#include <openssl/evp.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "hoursd/json/json_limits.hpp"

namespace hoursd::json_items {
namespace {

namespace od = simdjson::ondemand;

/// `text` without the whitespace after it, which On-Demand hands out with a scalar and which
/// depends on where the value sits (before a comma or before the closing bracket).
std::string_view trimmed(std::string_view text) {
  const auto end = text.find_last_not_of(" \t\n\r");
  return end == std::string_view::npos ? std::string_view() : text.substr(0, end + 1);
}

/// The text of `value` as it stands in the document, without the whitespace that follows
/// it, or std::nullopt on an error.
std::optional<std::string_view> raw_text(od::value value) {
  od::json_type type;
  if (value.type().get(type)) return std::nullopt;
  std::string_view text;
  if (type == od::json_type::object) {
    od::object object;
    if (value.get_object().get(object) || object.raw_json().get(text)) return std::nullopt;
  } else if (type == od::json_type::array) {
    od::array array;
    if (value.get_array().get(array) || array.raw_json().get(text)) return std::nullopt;
  } else {
    text = value.raw_json_token();
  }
  return trimmed(text);
}

/// `text`, which PaddedText::kReadAhead readable bytes follow, as simdjson takes it.
simdjson::padded_string_view padded_view(std::string_view text) {
  static_assert(PaddedText::kReadAhead >= simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(text.data(), text.size(),
                                      text.size() + simdjson::SIMDJSON_PADDING);
}

/// Appends every element of `array` to `out`. False on an error.
bool collect(od::array array, std::vector<std::string_view>& out) {
  for (auto element : array) {
    od::value value;
    if (element.get(value)) return false;
    auto text = raw_text(value);
    if (!text) return false;
    out.push_back(*text);
  }
  return true;
}

/// Appends `"key":text` to the object text `members`.
void append_member(std::string& members, std::string_view key, std::string_view text) {
  if (members.size() > 1) members += ',';
  members.append("\"").append(key).append("\":").append(text);
}

/// The members of a ListResponse. A later duplicate key wins, as in a tree parse.
bool split_object(od::object object, std::size_t max_depth, Split& out) {
  std::string members = "{";
  std::optional<std::string_view> items_not_array;
  for (auto field : object) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) return false;
    const bool paging = key == "totalCount" || key == "totalPages" || key == "hasMorePages";
    if (key != "items" && !paging) {
      // Ignored, but a tree parse would refuse the document if it were malformed or too
      // deep; On-Demand skips a value without counting its depth.
      auto text = raw_text(value);
      if (!text || !check_json_depth(*text, max_depth - 1) || !nlohmann::json::accept(*text))
        return false;
      continue;
    }
    od::json_type type;
    if (value.type().get(type)) return false;
    if (key == "items" && type == od::json_type::array) {
      od::array array;
      out.items.clear();
      if (value.get_array().get(array) || !collect(array, out.items)) return false;
      items_not_array.reset();
      continue;
    }
    auto text = raw_text(value);
    if (!text) return false;
    if (paging) {
      append_member(members, key, *text);
    } else {
      out.items.clear();
      items_not_array = *text;
    }
  }
  if (items_not_array) append_member(members, "items", *items_not_array);
  out.list_members = members + "}";
  return true;
}

// ---- Large arrays, a window at a time ----------------------------------------------------------
//
// A window is a run of the array's items, parsed as "[" + run + "]". It ends at a cut: a
// comma after a '}' and before a '{' (whitespace aside), found past `window` bytes. That
// comma may lie between two items, or within one: between the objects of an array member,
// or inside a string. Within an array member, the run's last item does not parse; the items
// before it are kept and the next run starts after the last of them. Inside a string, or
// when a run holds no whole item (a malformed document), the whole document is indexed at
// once instead, and reports the problem. So every item kept was parsed whole from its true
// start, and the items are the whole index's.

constexpr std::string_view kSpace = " \t\n\r";

/// The first cut at or after `from` in `body`: the index of a comma between a '}' and a
/// '{', or body.size() when there is none.
std::size_t next_cut(std::string_view body, std::size_t from) {
  for (std::size_t close = body.find('}', from); close != std::string_view::npos;
       close = body.find('}', close + 1)) {
    const std::size_t comma = body.find_first_not_of(kSpace, close + 1);
    if (comma == std::string_view::npos || body[comma] != ',') continue;
    const std::size_t open = body.find_first_not_of(kSpace, comma + 1);
    if (open != std::string_view::npos && body[open] == '{') return comma;
  }
  return body.size();
}

/// How a run parsed: whole, or only up to `end`, where the last item that did parse ends in
/// the run (0 when none did).
struct Run {
  bool whole = false;
  std::size_t end = 0;
};

/// Appends the items of `run` (a slice of the document that starts at an item), as slices
/// of the document, parsing it as "[" + run + "]" in `buffer` with `parser`.
Run collect_run(std::string_view run, std::size_t max_depth, od::parser& parser,
                std::string& buffer, std::vector<std::string_view>& out) {
  buffer.assign(1, '[');
  buffer.append(run).append(1, ']');
  const std::size_t size = buffer.size();
  buffer.append(simdjson::SIMDJSON_PADDING, ' ');
  // A quarter more than this run needs, so that runs a little longer than the first do not
  // each allocate the index anew.
  if (parser.capacity() < size && parser.allocate(size + size / 4, max_depth) != simdjson::SUCCESS)
    return {};
  od::document doc;
  od::array array;
  if (parser.iterate(buffer.data(), size, buffer.size()).get(doc) || doc.get_array().get(array))
    return {};  // e.g. a string left open by a cut inside it
  const std::size_t first = out.size();
  const bool whole =
      collect(array, out) && doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
  // Each item's text lies in the buffer one byte ('[') after where it lies in `run`.
  for (std::size_t i = first; i < out.size(); ++i) {
    const std::size_t offset = static_cast<std::size_t>(out[i].data() - buffer.data()) - 1;
    out[i] = run.substr(offset, out[i].size());
  }
  if (whole) return {true, run.size()};
  if (out.size() == first) return {};
  return {false, static_cast<std::size_t>(out.back().data() + out.back().size() - run.data())};
}

/// Splits off the window of `body` (the text between an array's brackets) that starts at an
/// item at `start` and ends at the first cut past start + window: appends its whole items to
/// `out`, and returns where the next window starts, past body.size() when the array ends
/// there. std::nullopt when the window does not parse (the caller then indexes the document
/// at once). `first`: the window starts at the array's first item. REQUIRES: that cut lies in
/// `body`, or `body` runs to the array's end.
std::optional<std::size_t> next_window(std::string_view body, std::size_t start, bool first,
                                       std::size_t window, std::size_t max_depth,
                                       od::parser& parser, std::string& buffer,
                                       std::vector<std::string_view>& out) {
  const std::size_t cut = next_cut(body, std::min(start + window, body.size()));
  const std::size_t before = out.size();
  const Run run = collect_run(body.substr(start, cut - start), max_depth, parser, buffer, out);
  if (!first && out.size() == before) return std::nullopt;  // no item after a comma
  if (run.whole) return cut + 1;
  if (run.end == 0) return std::nullopt;
  // A cut within an item: go on after the last whole item and its comma.
  const std::size_t comma = body.find_first_not_of(kSpace, start + run.end);
  if (comma == std::string_view::npos || body[comma] != ',') return std::nullopt;
  if (comma + 1 == body.size()) return std::nullopt;  // a trailing comma
  return comma + 1;
}

/// Sets out.items and out.windows when `text` is an array longer than `window` bytes that
/// the windows parse, and returns true; else returns false (the caller then indexes the
/// document at once), leaving out.items in any state.
bool split_windows(std::string_view text, std::size_t max_depth, std::size_t window, Split& out) {
  const std::size_t open = text.find_first_not_of(kSpace);
  const std::size_t close = text.find_last_not_of(kSpace);
  if (text.size() <= window || open == std::string_view::npos || text[open] != '[' ||
      text[close] != ']' || close == open) {
    return false;
  }
  const std::string_view body = text.substr(open + 1, close - open - 1);
  od::parser parser;
  std::string buffer;
  out.windows = 0;
  for (std::size_t start = 0; start < body.size(); ++out.windows) {
    const auto next =
        next_window(body, start, start == 0, window, max_depth, parser, buffer, out.items);
    if (!next) return false;
    start = *next;
  }
  return true;
}

}  // namespace

std::optional<Split> split(std::string_view text, bool padded, std::size_t max_depth,
                           std::size_t window) {
  // On-Demand reads up to SIMDJSON_PADDING bytes past the end: a padded text has them, any
  // other is copied into a buffer that has.
  Split out;
  if (!padded) {
    out.copy = std::make_unique<std::string>();
    text = PaddedText::copy(text, *out.copy).text();
  }
  if (split_windows(text, max_depth, window, out)) return out;
  out.items.clear();
  out.windows = 0;
  const simdjson::padded_string_view input = padded_view(text);
  od::parser parser;
  if (parser.allocate(input.size() + 1, max_depth) != simdjson::SUCCESS) return std::nullopt;
  od::document doc;
  if (parser.iterate(input).get(doc)) return std::nullopt;
  od::json_type type;
  if (doc.type().get(type)) return std::nullopt;
  bool ok = false;
  if (type == od::json_type::array) {
    od::array array;
    ok = !doc.get_array().get(array) && collect(array, out.items);
  } else if (type == od::json_type::object) {
    od::object object;
    ok = !doc.get_object().get(object) && split_object(object, max_depth, out);
  }
  // Trailing content: a location still in bounds after the root value.
  if (!ok || doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return std::nullopt;
  return out;
}

ArrayWindows::ArrayWindows(ReadMore read, std::size_t max_depth, std::size_t window)
    : read_(std::move(read)), max_depth_(max_depth), window_(window) {}

/// Reads the next piece of the document into text_: false at its end.
Result<bool> ArrayWindows::read_more() {
  auto n = read_(text_);
  if (!n) return fail(n.error());
  bytes_read_ += *n;
  ended_ = *n == 0;
  return !ended_;
}

/// Reads up to the array's '[' and drops it: false when the document does not start with one.
/// Space before it is dropped as it is read, so each byte is looked at once.
Result<bool> ArrayWindows::open() {
  for (;;) {
    const std::size_t at = text_.find_first_not_of(kSpace);
    if (at != std::string::npos) {
      if (text_[at] != '[') return false;
      text_.erase(0, at + 1);
      opened_ = true;
      return true;
    }
    text_.clear();
    auto more = read_more();
    if (!more) return fail(more.error());
    if (!*more) return false;
  }
}

/// Reads until text_ holds the first cut past the window (what next_cut() finds: a '}', a
/// ',' and a '{', space between them), or the document's end; true then. Each byte is looked
/// at once, however the pieces fall. False when kMaxUncut windows (kMinUncutBytes at least)
/// pass without a cut (one huge item, or items that are not objects): the whole-text path
/// then takes the document, without the copy a window makes.
Result<bool> ArrayWindows::fill() {
  enum class Seen { nothing, close, comma } seen = Seen::nothing;
  std::size_t at = window_;
  for (;;) {
    while (at < text_.size()) {
      if (seen == Seen::nothing) {
        const std::size_t close = text_.find('}', at);
        at = close == std::string::npos ? text_.size() : close + 1;
        if (close != std::string::npos) seen = Seen::close;
        continue;
      }
      const std::size_t next = text_.find_first_not_of(kSpace, at);
      if (next == std::string::npos) {
        at = text_.size();
      } else if (seen == Seen::close && text_[next] == ',') {
        seen = Seen::comma;
        at = next + 1;
      } else if (seen == Seen::comma && text_[next] == '{') {
        PaddedText padded(text_);  // the items are read past their ends
        return true;
      } else {
        seen = Seen::nothing;  // `next` may be the '}' of the next cut
        at = next;
      }
    }
    if (ended_) break;
    if (text_.size() > std::max(kMaxUncut * window_, kMinUncutBytes)) return false;
    if (auto more = read_more(); !more) return fail(more.error());
  }
  PaddedText padded(text_);
  return true;
}

Result<std::optional<std::vector<std::string_view>>> ArrayWindows::next() {
  using Items = std::optional<std::vector<std::string_view>>;
  if (done_) return Items(std::vector<std::string_view>{});
  text_.erase(0, std::exchange(consumed_, 0));  // the last window's items are no longer used
  if (!opened_) {
    auto opened = open();
    if (!opened) return fail(opened.error());
    if (!*opened) return Items();
  }
  auto filled = fill();
  if (!filled) return fail(filled.error());
  if (!*filled) return Items();
  std::string_view body = text_;
  if (ended_) {  // the array's end is in text_: its ']' and nothing after
    const std::size_t close = body.find_last_not_of(kSpace);
    if (close == std::string_view::npos || body[close] != ']') return Items();
    body = body.substr(0, close);
    if (first_ && body.find_first_not_of(kSpace) == std::string_view::npos) {
      done_ = true;  // an empty array
      return Items(std::vector<std::string_view>{});
    }
  }
  std::vector<std::string_view> items;
  const auto next = next_window(body, 0, first_, window_, max_depth_, parser_, scratch_, items);
  if (!next || items.empty()) return Items();  // none: only the end hands out none
  first_ = false;
  if (*next > body.size()) {
    done_ = true;
    return Items(std::move(items));
  }
  consumed_ = *next;
  return Items(std::move(items));
}

std::optional<std::string_view> schedule_text(std::string_view item) {
  od::parser parser;
  od::document doc;
  od::object object;
  if (parser.iterate(padded_view(item)).get(doc) || doc.get_object().get(object))
    return std::nullopt;
  std::optional<std::string_view> found;
  for (auto field : object) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) return std::nullopt;
    if (key != "schedule") continue;
    if (found) return std::nullopt;  // a repeated key: the tree parse decides which one counts
    found = raw_text(value);
    if (!found) return std::nullopt;
  }
  return found;
}

ContentHash content_hash(std::string_view text) {
  // Fetched once: the implicit fetch of EVP_sha256() per call costs as much as hashing a
  // small customer.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ContentHash out;
  // Fails only when OpenSSL cannot allocate; the zero hash then matches nothing.
  if (sha256 == nullptr || EVP_Digest(text.data(), text.size(), md, &len, sha256, nullptr) != 1)
    return out;
  for (int i = 0; i < 8; ++i) out.hi = (out.hi << 8) | md[i];
  for (int i = 8; i < 16; ++i) out.lo = (out.lo << 8) | md[i];
  return out;
}

}  // namespace hoursd::json_items
