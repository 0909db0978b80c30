# cmake -DOUT=FILE.cpp -DDIR=src/http/ui -DFILES=a.html,b.js -P embed.cmake
# Writes OUT defining hoursd::ui_embedded::kFiles (src/http/ui_embedded.hpp): every file of
# FILES, read from DIR, as an array of bytes with its SHA-256. Run by the build whenever
# one of them changes, so the daemon carries its page and never reads it from disk.
cmake_minimum_required(VERSION 3.25)

string(REPLACE "," ";" FILES "${FILES}")
set(arrays "")
set(entries "")
set(index 0)
foreach(name IN LISTS FILES)
  file(READ "${DIR}/${name}" hex HEX)
  file(SHA256 "${DIR}/${name}" digest)
  # Sixteen bytes a line, each as 0xNN; a trailing 0 keeps an empty file's array legal.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x..,){16})" "\\1\n" bytes "${bytes}")
  string(APPEND arrays "const unsigned char k${index}[] = {\n${bytes}0x00};\n")
  string(APPEND entries "    {\"${name}\", k${index}, sizeof k${index} - 1, \"${digest}\"},\n")
  math(EXPR index "${index} + 1")
endforeach()

set(text "// Generated at build time by src/http/ui/embed.cmake from src/http/ui/; edits are lost.
#include \"ui_embedded.hpp\"

namespace hoursd::ui_embedded {
namespace {
${arrays}}  // namespace

const EmbeddedFile kFiles[] = {
${entries}};
const std::size_t kFileCount = ${index};

}  // namespace hoursd::ui_embedded
")
file(WRITE "${OUT}" "${text}")
