// Sources of customers (docs/upstream.md): make_source() picks the file source below, the
// API source of list_api.cpp or the replica source of replica_source.cpp, after checking the
// settings they rely on.

#include "hoursd/upstream/upstream.hpp"

#include <iterator>
#include <unordered_map>

#include "hoursd/io/file.hpp"
#include "sources.hpp"

namespace hoursd {
namespace {

/// "file:PATH": the whole customer list in one JSON document, read anew by every fetch, a
/// window at a time when it is an array (decode_shared_stream()).
class FileSource final : public Source {
 public:
  explicit FileSource(std::string path) : path_(std::move(path)) {}

  Result<FetchResult> fetch(std::stop_token) override {
    const auto started = std::chrono::steady_clock::now();
    std::size_t bytes = 0;
    auto decoded = decode_streamed(bytes);
    if (!decoded) return fail(decoded.error());
    FetchResult out;
    out.customers = std::move(decoded->customers);
    out.hashes = std::move(decoded->hashes);
    out.stats.pages = 1;
    out.stats.bytes = bytes;
    out.stats.reused = decoded->reused;
    out.stats.duplicates = upstream::dedupe_by_id(out.customers, out.hashes);
    out.stats.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return out;
  }

  std::string describe() const override { return "file:" + path_; }

 private:
  /// The file's customers, read a window at a time (an array, the usual file), or else read
  /// whole and decoded as one text, which reports what is wrong with it. Sets `bytes` to how
  /// many bytes the decode took.
  Result<SharedDecode> decode_streamed(std::size_t& bytes) const {
    auto file = FileReader::open(path_);
    if (!file) return unreadable(file.error().code);
    const ReadMore read = [&](std::string& out) -> Result<std::size_t> {
      auto n = file->read_into(out, kStreamWindow);
      if (n) bytes += *n;
      return n;
    };
    auto streamed = decode_shared_stream(read, reuse());
    if (!streamed) return unreadable(streamed.error().code);
    if (*streamed) {
      // Decoding while reading gives a rewrite in place time to splice two versions of the
      // file into one that parses: such a fetch fails, and the next sync reads it again.
      if (file->changed_since_open())
        return fail(ErrorCode::io_error, describe() + ": the file changed while it was read");
      return checked(std::move(**streamed));
    }
    auto text = read_text();
    if (!text) return fail(text.error());
    bytes = text->size();
    static_assert(kReadSpare >= PaddedText::kReadAhead);  // so padding does not copy
    auto decoded = decode_shared_customers(PaddedText(*text), reuse());
    if (!decoded) return fail(ErrorCode::bad_json, describe() + ": " + decoded.error().message);
    return checked(std::move(*decoded));
  }

  /// `decoded`, or the error naming every customer that did not decode.
  Result<SharedDecode> checked(SharedDecode decoded) const {
    if (!decoded.errors.empty())
      return fail(ErrorCode::bad_json,
                  describe() + ": " + upstream::describe_decode_errors(decoded.errors));
    return decoded;
  }

  Result<std::string> read_text() const {
    auto text = read_file(path_, kNoSizeLimit);
    if (!text) return unreadable(text.error().code);
    // An empty file (often one caught mid-rewrite) is unreadable rather than bad JSON.
    if (text->empty()) return unreadable(ErrorCode::io_error);
    return text;
  }

  /// The file is missing (ErrorCode::not_found), or else cannot be read.
  Failure unreadable(ErrorCode code) const {
    if (code == ErrorCode::not_found) return fail(code, describe() + ": no such file");
    return fail(ErrorCode::io_error, describe() + ": cannot read the file");
  }

  const std::string path_;
};

Failure bad_setting(const std::string& key, const std::string& why) {
  return fail(ErrorCode::invalid_argument, "upstream." + key + ": " + why);
}

}  // namespace

namespace upstream {

Result<void> check_settings(const UpstreamConfig& c) {
  if (c.count_per_page < 1 || c.count_per_page > 1000)
    return bad_setting("count_per_page", std::to_string(c.count_per_page) + " is not in 1..1000");
  if (c.max_pages < 1) return bad_setting("max_pages", "must be at least 1");
  if (c.max_attempts < 1) return bad_setting("max_attempts", "must be at least 1");
  if (c.connect_timeout.count() <= 0 || c.request_timeout.count() <= 0)
    return bad_setting("connect_timeout", "timeouts must be positive");
  if (c.backoff_initial.count() < 0 || c.backoff_max < c.backoff_initial)
    return bad_setting("backoff_max", "must be at least backoff_initial, which is >= 0");
  const bool replica = c.source.starts_with(kReplicaPrefix);
  if ((c.auth == AuthMode::bearer) != replica && c.auth != AuthMode::none)
    return bad_setting("auth", replica ? "a hoursd+ source takes none or bearer"
                                       : "bearer is for hoursd+ sources");
  if ((c.auth == AuthMode::basic || c.auth == AuthMode::cookie) && c.username.empty())
    return bad_setting("username", "required when upstream.auth is basic or cookie");
  return {};
}

std::size_t dedupe_by_id(std::vector<SharedCustomer>& customers, std::vector<ContentHash>& hashes) {
  hashes.resize(customers.size());  // a source that knows no hashes passes none
  // id -> index in `kept`. A key views the id of its first occurrence, which `customers`
  // holds until the end (`kept` may let go of it for a later copy).
  std::unordered_map<std::string_view, std::size_t> position;
  position.reserve(customers.size());
  std::vector<SharedCustomer> kept;
  std::vector<ContentHash> kept_hashes;
  kept.reserve(customers.size());
  kept_hashes.reserve(customers.size());
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const std::string_view id = customers[i]->id;
    auto [it, fresh] =
        id.empty() ? std::pair{position.end(), true} : position.try_emplace(id, kept.size());
    if (fresh) {
      kept.push_back(customers[i]);
      kept_hashes.push_back(hashes[i]);
    } else {
      kept[it->second] = customers[i];
      kept_hashes[it->second] = hashes[i];
    }
  }
  const std::size_t dropped = customers.size() - kept.size();
  customers = std::move(kept);
  hashes = std::move(kept_hashes);
  return dropped;
}

std::string describe_decode_errors(const std::vector<DecodeError>& errors) {
  std::string out = errors.front().message;
  if (!errors.front().customer_id.empty()) out += " (customer " + errors.front().customer_id + ")";
  if (errors.size() > 1) out += " and " + std::to_string(errors.size() - 1) + " more";
  return out;
}

}  // namespace upstream

Result<std::unique_ptr<Source>> make_source(const UpstreamConfig& config, std::string password) {
  if (config.source.starts_with("file:")) {
    std::string path = config.source.substr(5);
    if (path.empty()) return bad_setting("source", "\"file:\" names no file");
    return std::unique_ptr<Source>(std::make_unique<FileSource>(std::move(path)));
  }
  const bool replica = config.source.starts_with(kReplicaPrefix);
  auto origin = upstream::parse_origin(
      std::string_view(config.source).substr(replica ? kReplicaPrefix.size() : 0));
  if (!origin) return fail(origin.error());
  if (auto ok = upstream::check_settings(config); !ok) return fail(ok.error());
  if (replica)
    return upstream::make_replica_source(config, std::move(*origin), std::move(password));
  return upstream::make_api_source(config, std::move(*origin), std::move(password));
}

}  // namespace hoursd
