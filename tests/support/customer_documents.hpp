#pragma once
// Customers documents of every shape the upstream or a hand could produce, each with the
// outcome the whole-tree decode gives it: the table both decodes (the streaming one and
// the tree it falls back to) must agree with, byte for byte in every message.

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "hoursd/core/result.hpp"
#include "hoursd/json/customers_json.hpp"

namespace hoursd::test {

struct CustomerDocument {
  const char* what;
  std::string text;
  /// outcome() of decoding `text`: customers (encoded), errors and page, or the document error.
  std::string outcome;
};

/// One line per part: "customers: <encode_customers()>", "error: <message>" for each
/// per-customer error (with index and id), "page: <fields>"; or "refused: <message>".
template <class Decoded, class Encode>
std::string outcome(const Result<Decoded>& r, Encode encode) {
  if (!r) return "refused: " + r.error().message;
  std::string out = "customers: " + encode(r->customers) + "\n";
  for (const DecodeError& e : r->errors)
    out += "error: " + std::to_string(e.index) + " " + e.customer_id + " " + e.message + "\n";
  if (!r->page) return out + "page: none";
  auto field = [](const auto& v) { return v ? std::to_string(*v) : std::string("-"); };
  return out + "page: count " + field(r->page->total_count) + " pages " +
         field(r->page->total_pages) + " more " + field(r->page->has_more_pages);
}

/// A reader of `text` (which must outlive it) `piece` bytes at a time, as a stream takes it.
inline ReadMore pieces_of(const std::string& text, std::size_t piece) {
  return [&text, piece, at = std::size_t{0}](std::string& out) mutable -> Result<std::size_t> {
    const std::size_t n = std::min(piece, text.size() - at);
    out.append(text, at, n);
    at += n;
    return n;
  };
}

/// `levels` nested arrays: "[[...]]".
inline std::string nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

// Nesting depth counts the document's own levels: in [{"data":{"x":D}}] the array, the
// customer and data are 3 levels above D; a ListResponse adds one more.
inline std::vector<CustomerDocument> customer_documents() {
  const std::string a = R"({"id":"a"})";
  return {
      {"bare array", R"([{"id":"a","name":"A"},{"id":"b"}])",
       "customers: [{\"id\":\"a\",\"name\":\"A\"},{\"id\":\"b\"}]\npage: none"},
      {"empty array", "[]", "customers: []\npage: none"},
      {"whitespace between every token", " \n\t[ {\"id\" :\r\n\"a\" } ,\n {\"id\":\"b\"}\t] \n",
       "customers: [{\"id\":\"a\"},{\"id\":\"b\"}]\npage: none"},
      {"list response, items first",
       R"({"items":[{"id":"a"}],"totalCount":1,"totalPages":1,"hasMorePages":false})",
       "customers: [{\"id\":\"a\"}]\npage: count 1 pages 1 more 0"},
      {"list response, items last",
       R"({"hasMorePages":true,"totalPages":9,"totalCount":900,"items":[{"id":"a"}]})",
       "customers: [{\"id\":\"a\"}]\npage: count 900 pages 9 more 1"},
      {"list response without items", R"({"totalCount":0})",
       "customers: []\npage: count 0 pages - more -"},
      {"list response with null items", R"({"items":null})",
       "customers: []\npage: count - pages - more -"},
      {"nested unknown members around items",
       R"({"responseStatus":{"errorCode":null,"meta":{"x":[1,{"y":[]}]}},)"
       R"("items":[{"id":"a"}],"z":[[{}]]})",
       "customers: [{\"id\":\"a\"}]\npage: count - pages - more -"},
      {"nested unknown members in a customer",
       R"([{"id":"a","x":{"y":[{"z":null}]},"schedule":{"rules":[],"extra":[[[]]]}}])",
       "customers: [{\"id\":\"a\",\"schedule\":{}}]\npage: none"},
      {"duplicate items, the later wins", R"({"items":[{"id":"a"}],"items":[{"id":"b"}]})",
       "customers: [{\"id\":\"b\"}]\npage: count - pages - more -"},
      {"duplicate items, a later non-array wins", R"({"items":[{"id":"a"}],"items":"none"})",
       "refused: customers: items: expected array, got \"none\""},
      {"duplicate items, a later array wins", R"({"items":"none","items":[{"id":"a"}]})",
       "customers: [{\"id\":\"a\"}]\npage: count - pages - more -"},
      {"duplicate paging member, the later wins", R"({"items":[],"totalCount":"x","totalCount":2})",
       "customers: []\npage: count 2 pages - more -"},
      {"duplicate member in a customer", R"([{"id":"a","name":"first","name":"second"}])",
       "customers: [{\"id\":\"a\",\"name\":\"second\"}]\npage: none"},
      {"unicode escapes in values", R"([{"id":"\u0061","name":"caf\u00e9 \ud83d\ude00"}])",
       "customers: [{\"id\":\"a\",\"name\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}]\npage: none"},
      {"escaped member names", R"({"it\u0065ms":[{"\u0069d":"a"}],"tot\u0061lCount":1})",
       "customers: [{\"id\":\"a\"}]\npage: count 1 pages - more -"},
      {"items not an array", R"({"items":{"id":"a"}})",
       "refused: customers: items: expected array, got object"},
      {"paging member of the wrong type", R"({"totalCount":"3","items":[{"id":"a"}]})",
       "refused: customers: totalCount: expected integer, got \"3\""},
      {"a bad customer among good ones",
       R"({"items":[{"id":"a"},{"id":"b","name":1},"x"],"totalCount":3})",
       "customers: [{\"id\":\"a\"}]\nerror: 1 b customers[1].name: expected string, got 1\n"
       "error: 2  customers[2]: expected object, got \"x\"\npage: count 3 pages - more -"},
      {"top level neither array nor object", "42",
       "refused: customers: expected a ListResponse object or an array, got 42"},
      {"trailing garbage", "[" + a + "] x",
       "refused: customers: not JSON (byte 14): [json.exception.parse_error.101] parse "
       "error at line 1, column 14: syntax error while parsing value - invalid literal; "
       "last read: '\"a\"}] x'; expected end of input"},
      {"a second document", "[" + a + "][]",
       "refused: customers: not JSON (byte 13): [json.exception.parse_error.101] parse "
       "error at line 1, column 13: syntax error while parsing value - unexpected '['; "
       "expected end of input"},
      {"trailing NUL and garbage", "[" + a + "]" + std::string(1, '\0') + "x",
       "customers: [{\"id\":\"a\"}]\npage: none"},
      {"truncated", R"({"items":[{"id":"a"},{"id":)",
       "refused: customers: not JSON (byte 28): [json.exception.parse_error.101] parse "
       "error at line 1, column 28: syntax error while parsing value - unexpected end of "
       "input; expected '[', '{', or a literal"},
      {"empty text", "",
       "refused: customers: not JSON (byte 1): [json.exception.parse_error.101] parse error "
       "at line 1, column 1: syntax error while parsing value - unexpected end of input; "
       "expected '[', '{', or a literal"},
      {"byte order mark", "\xEF\xBB\xBF[" + a + "]", "customers: [{\"id\":\"a\"}]\npage: none"},
      {"malformed ignored member", R"({"meta":[1,],"items":[]})",
       "refused: customers: not JSON (byte 12): [json.exception.parse_error.101] parse "
       "error at line 1, column 12: syntax error while parsing value - unexpected ']'; "
       "expected '[', '{', or a literal"},
      {"number overflow in a customer", R"([{"id":"a","x":1e999}])",
       "refused: customers: [json.exception.out_of_range.406] number overflow parsing "
       "'1e999'"},
      {"number overflow in a paging member", R"({"items":[],"totalCount":1e999})",
       "refused: customers: [json.exception.out_of_range.406] number overflow parsing "
       "'1e999'"},
      {"number overflow in an ignored member", R"({"meta":1e999,"items":[]})",
       "refused: customers: [json.exception.out_of_range.406] number overflow parsing "
       "'1e999'"},
      {"invalid UTF-8 in a customer", "[{\"id\":\"a\xff\"}]",
       "refused: customers: not JSON (byte 10): [json.exception.parse_error.101] parse "
       "error at line 1, column 10: syntax error while parsing value - invalid string: "
       "ill-formed UTF-8 byte; last read: '\"a?'"},
      {"lone surrogate escape in a customer", R"([{"id":"\ud800"}])",
       "refused: customers: not JSON (byte 15): [json.exception.parse_error.101] parse "
       "error at line 1, column 15: syntax error while parsing value - invalid string: "
       "surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: "
       "'\"\\ud800\"'"},
      {"raw control character in a string", "[{\"id\":\"a\x01\"}]",
       "refused: customers: not JSON (byte 10): [json.exception.parse_error.101] parse "
       "error at line 1, column 10: syntax error while parsing value - invalid string: "
       "control character U+0001 (SOH) must be escaped to \\u0001; last read: '\"a<U+0001>'"},
      {"item that is an array", "[[" + a + "]]",
       "customers: []\nerror: 0  customers[0]: expected object, got array\npage: none"},
      {"array document at the depth cap", R"([{"id":"a","data":{"x":)" + nested(253) + "}}]",
       "customers: []\nerror: 0 a customers[0].data: nesting deeper than 64 levels\npage: none"},
      {"array document past the depth cap", R"([{"id":"a","data":{"x":)" + nested(254) + "}}]",
       "refused: customers: JSON nesting is deeper than 256 levels"},
      {"list response at the depth cap",
       R"({"items":[{"id":"a","data":{"x":)" + nested(252) + "}}]}",
       "customers: []\nerror: 0 a customers[0].data: nesting deeper than 64 levels\npage: coun"
       "t - pages - more -"},
      {"list response past the depth cap",
       R"({"items":[{"id":"a","data":{"x":)" + nested(253) + "}}]}",
       "refused: customers: JSON nesting is deeper than 256 levels"},
      {"ignored member at the depth cap", R"({"meta":)" + nested(255) + R"(,"items":[]})",
       "customers: []\npage: count - pages - more -"},
      {"ignored member past the depth cap", R"({"meta":)" + nested(256) + R"(,"items":[]})",
       "refused: customers: JSON nesting is deeper than 256 levels"},
  };
}

}  // namespace hoursd::test
