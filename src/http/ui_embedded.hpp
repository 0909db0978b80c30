#pragma once
// Private to the http layer: the files of src/http/ui/ as bytes. src/http/ui/embed.cmake
// writes the definitions into a .cpp in the build tree whenever one of the files changes,
// so the daemon reads no file at run time and its page always matches its API.

#include <cstddef>

namespace hoursd::ui_embedded {

struct EmbeddedFile {
  const char* name;            // the file name in src/http/ui/: "app.js"
  const unsigned char* bytes;  // `size` bytes, as in the file
  std::size_t size;
  const char* sha256;  // of the bytes, lower-case hex
};

extern const EmbeddedFile kFiles[];
extern const std::size_t kFileCount;

}  // namespace hoursd::ui_embedded
