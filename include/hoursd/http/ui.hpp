#pragma once
/// The debug page (docs/operations.md): HTML, CSS, JavaScript and an icon compiled into the
/// binary from src/http/ui/, answered by handle_request() for every path under /ui. The
/// page calls only the JSON API, with the bearer token; its files hold no data and are
/// served without one, since a browser cannot send a bearer token when it opens a page.
/// Shell component.

#include <string_view>
#include <vector>

#include "hoursd/http/api.hpp"

namespace hoursd {

/// The metrics label of every request for a /ui path.
inline constexpr std::string_view kUiRoute = "/ui/";

/// True when `path` (without its query) is "/ui" or starts with "/ui/".
bool is_ui_path(std::string_view path);

/// The answer for a /ui path (is_ui_path(path) must hold), for `method` GET or HEAD (HEAD is
/// answered as GET); any other method is 405 with Allow. With `enabled` false (server.ui)
/// every /ui path is 404. Otherwise:
///   /ui                      308 to /ui/
///   /ui/, /ui/customers/ID   the page (one shell; the script draws what the path names)
///   /ui/assets/NAME          an embedded file
///   anything else            404
/// `token_required` is written into the page, so that it asks for the token before its
/// first call rather than after a 401. Files carry their Content-Type, a strong ETag (a
/// digest of the bytes sent) with `Cache-Control: no-cache`, a Content-Security-Policy that
/// allows this origin alone, and 304 when If-None-Match names the ETag. Errors are the
/// API's JSON errors. Never throws; thread-safe.
ApiResponse ui_response(const ApiRequest& request, std::string_view path, bool enabled,
                        bool token_required);

/// One embedded file, as served under /ui/assets/ (index.html is the shell).
struct UiFile {
  std::string_view name;  // "app.js"
  std::string_view content_type;
  std::string_view bytes;
};

/// Every embedded file, for tests and the page-size check.
std::vector<UiFile> ui_files();

}  // namespace hoursd
