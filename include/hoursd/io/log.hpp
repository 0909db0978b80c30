#pragma once
/// Logging for the shell: one line per event on stderr, `level component: message key=value`.
/// The journal adds timestamps, so we don't. The core never logs. Thread-safe (one write
/// per line). Values are written as given: callers never pass secrets.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hoursd {

enum class LogLevel { debug, info, warning, error };

/// Lines below `level` are dropped. Default: info.
void set_log_level(LogLevel level);
/// The level named "debug", "info", "warning" or "error"; nullopt for any other text.
std::optional<LogLevel> parse_log_level(std::string_view text);

using LogField = std::pair<std::string_view, std::string>;

/// Writes `level component: message k=v k=v`. Values with spaces or quotes are quoted.
void log(LogLevel level, std::string_view component, std::string_view message,
         std::initializer_list<LogField> fields = {});

}  // namespace hoursd
