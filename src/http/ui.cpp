// The debug page behind /ui (ui.hpp). One shell serves every view: the script reads
// location.pathname, so /ui/customers/ID can be bookmarked and reloaded. Paths are matched
// exactly, so a typo is a 404 rather than a blank page.

#include "hoursd/http/ui.hpp"

#include <string>

#include "api/internal.hpp"
#include "ui_embedded.hpp"

namespace hoursd {
namespace {

constexpr std::string_view kShell = "index.html";
constexpr std::string_view kAssetsPrefix = "/ui/assets/";
constexpr std::string_view kCustomerPrefix = "/ui/customers/";
// Where index.html says whether the API wants a bearer token ("required" or "none").
constexpr std::string_view kTokenMarker = "@HOURSD_TOKEN@";

// This origin only, for scripts, styles, images and the API calls; no inline script or
// style (the page sets none), no plugins, frames, form posts or <base> elsewhere.
constexpr std::string_view kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

std::string_view bytes_of(const ui_embedded::EmbeddedFile& f) {
  return {reinterpret_cast<const char*>(f.bytes), f.size};
}

const ui_embedded::EmbeddedFile* find_file(std::string_view name) {
  for (std::size_t i = 0; i < ui_embedded::kFileCount; ++i) {
    if (ui_embedded::kFiles[i].name == name) return &ui_embedded::kFiles[i];
  }
  return nullptr;
}

// A strong validator: a digest of the bytes sent, which only a new build can change.
std::string etag_of(const ui_embedded::EmbeddedFile& f, std::string_view variant = "") {
  return "\"" + std::string(f.sha256).substr(0, 16) + std::string(variant) + "\"";
}

ApiResponse file_response(const ApiRequest& request, std::string_view name, std::string body,
                          const std::string& etag) {
  ApiResponse r;
  r.content_type = content_type_of(name);
  // no-cache: reuse only after revalidating, so an upgraded daemon never runs an old script.
  r.headers = {{"Cache-Control", "no-cache"},
               {"ETag", etag},
               {"Content-Security-Policy", std::string(kPolicy)},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"}};
  if (api::none_match_hits(request.header("if-none-match"), etag)) {
    r.status = 304;
    return r;
  }
  r.body = std::move(body);
  return r;
}

ApiResponse shell(const ApiRequest& request, bool token_required) {
  const ui_embedded::EmbeddedFile* f = find_file(kShell);
  if (!f) return api::error_response(500, "internal", "the debug page was not embedded");
  std::string body(bytes_of(*f));
  if (const auto at = body.find(kTokenMarker); at != std::string::npos) {
    body.replace(at, kTokenMarker.size(), token_required ? "required" : "none");
  }
  return file_response(request, kShell, std::move(body), etag_of(*f, token_required ? "-t" : "-n"));
}

bool is_customer_path(std::string_view path) {
  if (!path.starts_with(kCustomerPrefix)) return false;
  const std::string_view id = path.substr(kCustomerPrefix.size());
  return !id.empty() && id.find('/') == std::string_view::npos;
}

ApiResponse asset(const ApiRequest& request, std::string_view path) {
  const std::string_view name = path.substr(kAssetsPrefix.size());
  const ui_embedded::EmbeddedFile* f = name == kShell ? nullptr : find_file(name);
  if (!f) return api::error_response(404, "not_found", "no page at " + std::string(path));
  return file_response(request, name, std::string(bytes_of(*f)), etag_of(*f));
}

ApiResponse redirect(std::string_view to) {
  ApiResponse r = api::text_response("", "text/plain; charset=utf-8");
  r.status = 308;
  r.headers.emplace_back("Location", std::string(to));
  return r;
}

}  // namespace

bool is_ui_path(std::string_view path) { return path == "/ui" || path.starts_with("/ui/"); }

ApiResponse ui_response(const ApiRequest& request, std::string_view path, bool enabled,
                        bool token_required) {
  if (!enabled) {
    return api::error_response(404, "not_found", "the debug page is turned off (server.ui)");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    ApiResponse r = api::error_response(405, "method_not_allowed",
                                        request.method + " is not allowed here; use GET or HEAD");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (path == "/ui") return redirect("/ui/");
  if (path == "/ui/" || is_customer_path(path)) return shell(request, token_required);
  if (path.starts_with(kAssetsPrefix)) return asset(request, path);
  return api::error_response(404, "not_found", "no page at " + std::string(path));
}

std::vector<UiFile> ui_files() {
  std::vector<UiFile> out;
  for (std::size_t i = 0; i < ui_embedded::kFileCount; ++i) {
    const ui_embedded::EmbeddedFile& f = ui_embedded::kFiles[i];
    out.push_back({f.name, content_type_of(f.name), bytes_of(f)});
  }
  return out;
}

}  // namespace hoursd
