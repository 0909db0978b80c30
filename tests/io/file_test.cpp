#include "hoursd/io/file.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "test_util.hpp"

namespace hoursd {
namespace {

namespace fs = std::filesystem;

class File : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("hoursd_file-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& contents) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  fs::path dir_;
};

TEST_F(File, ReadsTheWholeFile) {
  const auto text = read_file(write("a", "line one\nline two\n"), kNoSizeLimit);
  ASSERT_OK(text);
  EXPECT_EQ(*text, "line one\nline two\n");
}

TEST_F(File, BinaryBytesComeBackUnchanged) {
  const std::string bytes("\0\x01\xff\r\n\x7f\x80 end", 11);
  const auto text = read_file(write("bin", bytes), kNoSizeLimit);
  ASSERT_OK(text);
  EXPECT_EQ(*text, bytes);
}

TEST_F(File, FileLongerThanOneReadComesBackWhole) {
  std::string big;
  for (int i = 0; big.size() < 300'000; ++i) big += std::to_string(i) + ",";
  const auto text = read_file(write("big", big), kNoSizeLimit);
  ASSERT_OK(text);
  EXPECT_EQ(*text, big);
}

TEST_F(File, LeavesSpareRoomPastTheBytes) {
  const auto text = read_file(write("room", std::string(100'000, 'x')), kNoSizeLimit);
  ASSERT_OK(text);
  EXPECT_EQ(text->size(), 100'000u);
  EXPECT_GE(text->capacity(), text->size() + kReadSpare);
}

TEST_F(File, EmptyFileIsAnEmptyString) {
  const auto text = read_file(write("empty", ""), 0);
  ASSERT_OK(text);
  EXPECT_EQ(*text, "");
}

TEST_F(File, MissingFileIsNotFoundNamingThePath) {
  const fs::path path = dir_ / "missing";
  const auto text = read_file(path, kNoSizeLimit);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::not_found);
  EXPECT_EQ(text.error().message, "cannot read " + path.string() + ": No such file or directory");
}

TEST_F(File, MissingDirectoryOnThePathIsNotFound) {
  const auto text = read_file(dir_ / "no-dir" / "file", kNoSizeLimit);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::not_found);
}

TEST_F(File, FileOnThePathWhereADirectoryBelongsIsAnIoError) {
  const auto text = read_file(write("plain", "x") / "file", kNoSizeLimit);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::io_error);
}

TEST_F(File, DirectoryIsAnIoErrorNamingThePath) {
  const auto text = read_file(dir_, kNoSizeLimit);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::io_error);
  EXPECT_NE(text.error().message.find(dir_.string()), std::string::npos) << text.error().message;
}

// A reader reads a file in pieces, to its end, and knows when the file was written to since
// it was opened.
TEST_F(File, AReaderReadsInPiecesAndSeesTheFileChange) {
  const fs::path path = write("pieces", "0123456789");
  auto reader = FileReader::open(path);
  ASSERT_OK(reader);
  std::string text;
  auto n = reader->read_into(text, 4);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 4u);
  while (true) {
    auto more = reader->read_into(text, 4);
    ASSERT_OK(more);
    if (*more == 0) break;
  }
  EXPECT_EQ(text, "0123456789");
  EXPECT_EQ(reader->size_hint(), 10u);
  EXPECT_FALSE(reader->changed_since_open());
  std::ofstream(path, std::ios::app) << "more";
  EXPECT_TRUE(reader->changed_since_open());
  EXPECT_EQ(FileReader::open(dir_ / "missing").error().code, ErrorCode::not_found);
}

TEST_F(File, FileOfExactlyMaxBytesIsRead) {
  const auto text = read_file(write("ten", "0123456789"), 10);
  ASSERT_OK(text);
  EXPECT_EQ(text->size(), 10u);
}

TEST_F(File, LargerFileIsAnIoErrorThatNeverQuotesTheContents) {
  const fs::path path = write("eleven", "hunter2hunt");
  const auto text = read_file(path, 10);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::io_error);
  EXPECT_EQ(text.error().message, path.string() + " is larger than 10 bytes");
}

TEST_F(File, WhatNamesTheFileInMessages) {
  const auto missing = read_file(dir_ / "token", 64, "secret file token");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "cannot read secret file token: No such file or directory");
  const auto large = read_file(write("token", std::string(65, 'x')), 64, "secret file token");
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().message, "secret file token is larger than 64 bytes");
}

}  // namespace
}  // namespace hoursd
