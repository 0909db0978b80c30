// gzip (zlib) and zstd (libzstd) behind content_coding.hpp. Each library gets its RAII
// wrapper here and its status codes become Errors at the call. Both directions stream in
// chunks, so an input over 4 GiB (zlib counts in 32 bits) and an output cap work alike.

#include "hoursd/upstream/content_coding.hpp"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace hoursd {
namespace {

constexpr std::size_t kChunk = 256u << 10;  // output grows by this much per step
constexpr int kGzipLevel = 6;               // zlib's Z_DEFAULT_COMPRESSION
constexpr int kZstdLevel = 3;               // ZSTD_CLEVEL_DEFAULT
constexpr int kGzipWindow = 15 + 16;        // 32 KiB window, gzip header and trailer

// How much more output to make room for: a chunk, or one byte past the cap, so that going
// over the cap shows without decoding further.
std::size_t room_for(std::size_t used, std::size_t max_bytes) {
  return max_bytes - used >= kChunk ? kChunk : max_bytes - used + 1;
}

std::string lower_trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// ---- zlib ---------------------------------------------------------------------------------------

struct ZStream {
  z_stream z{};
  bool inflating = false;
  bool open = false;
  ~ZStream() {
    if (open) inflating ? inflateEnd(&z) : deflateEnd(&z);
  }
};

Failure gzip_error(const ZStream& s, std::string_view what) {
  std::string message = "gzip: " + std::string(what);
  if (s.z.msg) message += std::string(": ") + s.z.msg;
  return fail(ErrorCode::bad_json, message);
}

// zlib counts bytes in 32-bit uInt: hand it the input in slices it can count.
void feed(z_stream& z, std::string_view bytes, std::size_t& fed) {
  if (z.avail_in > 0 || fed == bytes.size()) return;
  const std::size_t n = std::min<std::size_t>(bytes.size() - fed, 1u << 30);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + fed));
  z.avail_in = static_cast<uInt>(n);
  fed += n;
}

Result<std::string> gzip_compress(std::string_view bytes) {
  ZStream s;
  if (deflateInit2(&s.z, kGzipLevel, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return fail(ErrorCode::io_error, "gzip: cannot start the compressor (out of memory)");
  s.open = true;
  std::string out;
  std::size_t fed = 0;
  for (int rc = Z_OK; rc != Z_STREAM_END;) {
    feed(s.z, bytes, fed);
    const std::size_t used = out.size();
    out.resize(used + kChunk);
    s.z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    s.z.avail_out = static_cast<uInt>(kChunk);
    rc = deflate(&s.z, fed == bytes.size() && s.z.avail_in == 0 ? Z_FINISH : Z_NO_FLUSH);
    out.resize(used + kChunk - s.z.avail_out);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      return fail(ErrorCode::io_error,
                  "gzip: compression failed (code " + std::to_string(rc) + ")");
  }
  return out;
}

Result<std::string> gzip_decompress(std::string_view bytes, std::size_t max_bytes) {
  ZStream s;
  s.inflating = true;
  if (inflateInit2(&s.z, kGzipWindow) != Z_OK)
    return fail(ErrorCode::io_error, "gzip: cannot start the decompressor (out of memory)");
  s.open = true;
  std::string out;
  std::size_t fed = 0;
  for (;;) {
    feed(s.z, bytes, fed);
    const std::size_t room = room_for(out.size(), max_bytes);
    const std::size_t used = out.size();
    out.resize(used + room);
    s.z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    s.z.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&s.z, Z_NO_FLUSH);
    out.resize(used + room - s.z.avail_out);
    if (out.size() > max_bytes)
      return fail(ErrorCode::out_of_range,
                  "gzip: decompresses to more than " + std::to_string(max_bytes) + " bytes");
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && s.z.avail_in == 0 && fed == bytes.size())
      return gzip_error(s, "truncated: the stream ends before its trailer");
    if (rc != Z_OK && rc != Z_BUF_ERROR) return gzip_error(s, "corrupt data");
  }
  if (s.z.avail_in > 0 || fed < bytes.size())
    return fail(ErrorCode::bad_json, "gzip: trailing bytes after the compressed data");
  return out;
}

// ---- zstd ---------------------------------------------------------------------------------------

struct ZstdFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

Result<std::string> zstd_compress(std::string_view bytes) {
  std::unique_ptr<ZSTD_CCtx, ZstdFree> ctx(ZSTD_createCCtx());
  if (!ctx) return fail(ErrorCode::io_error, "zstd: cannot start the compressor (out of memory)");
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_compressionLevel, kZstdLevel);
  // A content checksum, as gzip's CRC-32: damage in transit fails in the decoder.
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  const std::size_t n =
      ZSTD_compress2(ctx.get(), out.data(), out.size(), bytes.data(), bytes.size());
  if (ZSTD_isError(n))
    return fail(ErrorCode::io_error,
                std::string("zstd: compression failed: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> zstd_decompress(std::string_view bytes, std::size_t max_bytes) {
  std::unique_ptr<ZSTD_DCtx, ZstdFree> ctx(ZSTD_createDCtx());
  if (!ctx) return fail(ErrorCode::io_error, "zstd: cannot start the decompressor (out of memory)");
  if (bytes.empty()) return fail(ErrorCode::bad_json, "zstd: no data");
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  std::string out;
  std::size_t pending = 1;  // 0 once the last frame has ended
  while (in.pos < in.size || pending != 0) {
    const std::size_t used = out.size();
    const std::size_t room = room_for(used, max_bytes);
    out.resize(used + room);
    ZSTD_outBuffer o{out.data() + used, room, 0};
    pending = ZSTD_decompressStream(ctx.get(), &o, &in);
    out.resize(used + o.pos);
    if (ZSTD_isError(pending))
      return fail(ErrorCode::bad_json,
                  std::string("zstd: corrupt data: ") + ZSTD_getErrorName(pending));
    if (out.size() > max_bytes)
      return fail(ErrorCode::out_of_range,
                  "zstd: decompresses to more than " + std::to_string(max_bytes) + " bytes");
    // All input taken, output not full, and the frame still unfinished: nothing more comes.
    if (in.pos == in.size && pending != 0 && o.pos < room)
      return fail(ErrorCode::bad_json, "zstd: truncated: the last frame does not end");
  }
  return out;
}

}  // namespace

std::string_view to_string(ContentCoding coding) {
  switch (coding) {
    case ContentCoding::identity: return "identity";
    case ContentCoding::gzip: return "gzip";
    case ContentCoding::zstd: return "zstd";
  }
  return "identity";
}

Result<ContentCoding> parse_content_coding(std::string_view value) {
  const std::string token = lower_trimmed(value);
  if (token.empty() || token == "identity") return ContentCoding::identity;
  if (token == "gzip" || token == "x-gzip") return ContentCoding::gzip;
  if (token == "zstd") return ContentCoding::zstd;
  std::string shown(value.substr(0, 40));
  for (char& c : shown)
    if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
  return fail(ErrorCode::invalid_argument,
              "Content-Encoding \"" + shown + "\" is not gzip, zstd or identity");
}

Result<std::string> compress(std::string_view bytes, ContentCoding coding) {
  switch (coding) {
    case ContentCoding::gzip: return gzip_compress(bytes);
    case ContentCoding::zstd: return zstd_compress(bytes);
    case ContentCoding::identity: break;
  }
  return std::string(bytes);
}

Result<std::string> decompress(std::string_view bytes, ContentCoding coding,
                               std::size_t max_bytes) {
  switch (coding) {
    case ContentCoding::gzip: return gzip_decompress(bytes, max_bytes);
    case ContentCoding::zstd: return zstd_decompress(bytes, max_bytes);
    case ContentCoding::identity: break;
  }
  if (bytes.size() > max_bytes)
    return fail(ErrorCode::out_of_range, "identity: " + std::to_string(bytes.size()) +
                                             " bytes, more than " + std::to_string(max_bytes));
  return std::string(bytes);
}

}  // namespace hoursd
