#include "hoursd/io/log.hpp"

#include <unistd.h>

#include <atomic>

namespace hoursd {
namespace {

std::atomic<LogLevel> g_level{LogLevel::info};

const char* name(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
  }
  return "?";
}

void append_value(std::string& line, const std::string& v) {
  const bool plain = !v.empty() && v.find_first_of(" \"=\n\t") == std::string::npos;
  if (plain) {
    line += v;
    return;
  }
  line += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') line += '\\';
    line += c == '\n' ? ' ' : c;
  }
  line += '"';
}

}  // namespace

void set_log_level(LogLevel level) { g_level = level; }

std::optional<LogLevel> parse_log_level(std::string_view text) {
  for (LogLevel l : {LogLevel::debug, LogLevel::info, LogLevel::warning, LogLevel::error}) {
    if (text == name(l)) return l;
  }
  return std::nullopt;
}

void log(LogLevel level, std::string_view component, std::string_view message,
         std::initializer_list<LogField> fields) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  std::string line = name(level);
  line += ' ';
  line += component;
  line += ": ";
  line += message;
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    append_value(line, value);
  }
  line += '\n';
  // One write(2) per line keeps lines from several threads whole.
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace hoursd
