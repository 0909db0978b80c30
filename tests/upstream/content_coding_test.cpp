#include "hoursd/upstream/content_coding.hpp"

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace hoursd {
namespace {

// "hello, hoursd\n" as the gzip and zstd command-line tools wrote it (`gzip -n`, zstd 1.5.4).
constexpr unsigned char kGzipCli[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                      0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0xc8,
                                      0xc8, 0x2f, 0x2d, 0x2a, 0x4e, 0xe1, 0x02, 0x00, 0xee,
                                      0xc1, 0x26, 0xb1, 0x0e, 0x00, 0x00, 0x00};
constexpr unsigned char kZstdCli[] = {0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x71, 0x00, 0x00,
                                      0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x2c, 0x20, 0x68, 0x6f,
                                      0x75, 0x72, 0x73, 0x64, 0x0a, 0xf8, 0x86, 0xe4, 0xa6};

template <std::size_t N>
std::string bytes(const unsigned char (&b)[N]) {
  return std::string(reinterpret_cast<const char*>(b), N);
}

/// Text that compresses as a snapshot does: repetitive JSON with some noise.
std::string sample_text(std::size_t customers) {
  std::mt19937 rng(7);
  std::string out = "[";
  for (std::size_t i = 0; i < customers; ++i) {
    out += R"({"id":"c-)" + std::to_string(i) + R"(","name":"Customer )" + std::to_string(rng()) +
           R"(","schedule":{"timeZoneId":"America/New_York"}},)";
  }
  out.back() = ']';
  return out;
}

constexpr std::size_t kNoCap = std::size_t(-1);

TEST(ContentCoding, ReadsWhatTheCommandLineToolsWrite) {
  auto gz = decompress(bytes(kGzipCli), ContentCoding::gzip, kNoCap);
  ASSERT_OK(gz);
  EXPECT_EQ(*gz, "hello, hoursd\n");
  auto zs = decompress(bytes(kZstdCli), ContentCoding::zstd, kNoCap);
  ASSERT_OK(zs);
  EXPECT_EQ(*zs, "hello, hoursd\n");
}

TEST(ContentCoding, RoundTripsEachCodingWithItsMagicNumber) {
  const std::string text = sample_text(20'000);  // over 1 MiB: several output chunks
  const std::pair<ContentCoding, std::string> cases[] = {
      {ContentCoding::gzip, "\x1f\x8b"},
      {ContentCoding::zstd, "\x28\xb5\x2f\xfd"},
      {ContentCoding::identity, "["},
  };
  for (const auto& [coding, magic] : cases) {
    auto packed = compress(text, coding);
    ASSERT_OK(packed);
    EXPECT_TRUE(packed->starts_with(magic)) << to_string(coding);
    if (coding != ContentCoding::identity) {
      EXPECT_LT(packed->size(), text.size() / 3);
    }
    auto back = decompress(*packed, coding, text.size());  // exactly at the cap is fine
    ASSERT_OK(back);
    EXPECT_TRUE(*back == text) << to_string(coding);
  }
}

TEST(ContentCoding, CompressionIsDeterministic) {
  const std::string text = sample_text(1000);
  for (ContentCoding c : {ContentCoding::gzip, ContentCoding::zstd})
    EXPECT_EQ(*compress(text, c), *compress(text, c)) << to_string(c);
}

TEST(ContentCoding, ABombStopsAtTheCap) {
  const std::string zeros(64u << 20, '\0');  // 64 MiB that compress to a few KiB
  for (ContentCoding c : {ContentCoding::gzip, ContentCoding::zstd}) {
    auto bomb = compress(zeros, c);
    ASSERT_OK(bomb);
    ASSERT_LT(bomb->size(), 200u << 10);
    auto out = decompress(*bomb, c, 1u << 20);
    ASSERT_FALSE(out.has_value()) << to_string(c);
    EXPECT_EQ(out.error().code, ErrorCode::out_of_range);
    EXPECT_EQ(out.error().message,
              std::string(to_string(c)) + ": decompresses to more than 1048576 bytes");
  }
}

TEST(ContentCoding, TruncatedCorruptAndTrailingInputFail) {
  const std::string text = sample_text(200);
  for (ContentCoding c : {ContentCoding::gzip, ContentCoding::zstd}) {
    const std::string whole = *compress(text, c);
    const std::string name(to_string(c));
    auto cut = decompress(whole.substr(0, whole.size() - 7), c, kNoCap);
    ASSERT_FALSE(cut.has_value()) << name;
    EXPECT_EQ(cut.error().code, ErrorCode::bad_json);
    EXPECT_TRUE(cut.error().message.starts_with(name + ": ")) << cut.error().message;
    std::string flipped = whole;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
    flipped[flipped.size() / 2 + 1] = static_cast<char>(flipped[flipped.size() / 2 + 1] ^ 0x55);
    EXPECT_FALSE(decompress(flipped, c, kNoCap).has_value()) << name;
    EXPECT_FALSE(decompress("not compressed at all", c, kNoCap).has_value()) << name;
    EXPECT_FALSE(decompress("", c, kNoCap).has_value()) << name;
  }
  auto trailing = decompress(bytes(kGzipCli) + "xyz", ContentCoding::gzip, kNoCap);
  ASSERT_FALSE(trailing.has_value());
  EXPECT_EQ(trailing.error().message, "gzip: trailing bytes after the compressed data");
  EXPECT_FALSE(decompress(bytes(kZstdCli) + "xyz", ContentCoding::zstd, kNoCap).has_value());
}

TEST(ContentCoding, IdentityHasACapToo) {
  EXPECT_EQ(*decompress("abc", ContentCoding::identity, 3), "abc");
  auto over = decompress("abcd", ContentCoding::identity, 3);
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code, ErrorCode::out_of_range);
}

TEST(ContentCoding, ParsesContentEncodingValues) {
  const std::pair<const char*, ContentCoding> cases[] = {
      {"", ContentCoding::identity},   {"identity", ContentCoding::identity},
      {"gzip", ContentCoding::gzip},   {" GZip ", ContentCoding::gzip},
      {"x-gzip", ContentCoding::gzip}, {"zstd", ContentCoding::zstd},
      {"ZSTD", ContentCoding::zstd},
  };
  for (const auto& [value, coding] : cases) {
    auto parsed = parse_content_coding(value);
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, coding) << value;
  }
  for (const char* bad : {"br", "deflate", "gzip, zstd", "compress"}) {
    auto parsed = parse_content_coding(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(parsed.error().message,
              "Content-Encoding \"" + std::string(bad) + "\" is not gzip, zstd or identity");
  }
}

}  // namespace
}  // namespace hoursd
