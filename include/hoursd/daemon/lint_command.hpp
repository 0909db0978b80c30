#pragma once
/// `hoursd lint`: every finding about a list of customers (docs/semantics.md section 5) by
/// customer, rule and field, as text or JSON, with an exit code for CI. Shell component.
///
/// The JSON shape (stable; fields are only ever added):
///   {"source": "file:PATH" | URL, "tzdata": "2026a", "customers": N,
///    "findings": [{"customer": ID, "rule": ID|"", "field": NAME|"", "severity":
///                  "error"|"warning"|"info", "code": CODE, "message": TEXT}],
///    "summary": {"errors": N, "warnings": N, "infos": N}, "exit": 0|1|2}
/// Codes: "decode_error" (the customer could not be read; `field` is its JSON path),
/// "invalid_value", "unknown_zone", "inheritance" (errors from the compiler), "compiler"
/// (the compiler's warnings and notes: a cascaded zone, a skipped condition, a missing start
/// date, CustomerState rules that cannot match), and the lint codes of the compiler
/// ("no_occurrence_in_horizon", "rule_shadowed", "same_priority_overlap", ...), warnings but
/// for "force_closed" and "lint_truncated", which are infos.

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

#include "hoursd/core/compiled.hpp"
#include "hoursd/json/customers_json.hpp"

namespace hoursd {

struct LintFinding {
  std::string customer;  // the customer's id ("" when it could not be read)
  std::string rule;      // the rule's id, "" when about the customer or schedule
  std::string field;     // upstream field ("byMonth", "timeZoneId"), a JSON path, or ""
  Severity severity = Severity::warning;
  std::string code;
  std::string message;
};

/// The findings about `set` and the decode errors of the same input, in input order:
/// decode errors first, then per customer its issues (errors, warnings, notes) and its
/// schedule's lint. A customer that inherits its schedule reports only its own issues (its
/// inheritance), not the owner's, which the owner reports. Pure.
std::vector<LintFinding> lint_findings(const CompiledSet& set,
                                       const std::vector<DecodeError>& decode_errors);

/// 2 when any finding is an error, else 1 when `strict` and any is a warning, else 0.
int lint_exit_code(const std::vector<LintFinding>& findings, bool strict);

/// One line per finding, "CUSTOMER rule RULE field FIELD: SEVERITY CODE: MESSAGE" (the rule
/// and field parts left out when empty), then "lint: N customers, E errors, W warnings, I
/// infos". Infos are printed only when `verbose`.
void write_lint_text(std::ostream& out, const std::vector<LintFinding>& findings,
                     std::size_t customers, bool verbose);

/// The JSON document above, on one line per finding.
void write_lint_json(std::ostream& out, const std::vector<LintFinding>& findings,
                     std::size_t customers, const std::string& source, const std::string& tzdata,
                     int exit_code);

struct LintOptions {
  std::optional<std::string> customers_file;  // --customers FILE, or
  std::optional<std::string> source;          // --source file:PATH|https://HOST|http://HOST
  std::optional<std::string> config_file;     // [upstream] and [engine] settings
  std::optional<std::string> zoneinfo_dir;
  bool json = false;
  bool strict = false;
  bool verbose = false;  // text: print the infos too (JSON always has them)
};

/// The command: reads the customers (every page, as a sync would; nothing is written),
/// compiles them at `now` under the config's [engine] settings and prints the findings.
/// Returns lint_exit_code(); kExitConfig (78) for a config or zoneinfo error; 2 also when the
/// customers cannot be read at all (the message on `err`).
int lint_command(const LintOptions& options, date::sys_seconds now, std::ostream& out,
                 std::ostream& err);

}  // namespace hoursd
