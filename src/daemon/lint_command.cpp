// hoursd lint: the compiler already finds everything (issues by rule and field, lint by
// code); this file gathers it per customer, says each finding once, and turns it into text,
// JSON and an exit code a CI job can gate on.

#include "hoursd/daemon/lint_command.hpp"

#include <algorithm>
#include <ostream>

#include <nlohmann/json.hpp>

#include "hoursd/config/config.hpp"
#include "hoursd/core/compiler.hpp"
#include "hoursd/daemon/daemon.hpp"
#include "hoursd/daemon/exit_codes.hpp"
#include "hoursd/io/file.hpp"
#include "hoursd/upstream/test_schedule.hpp"
#include "hoursd/upstream/upstream.hpp"

namespace hoursd {
namespace {

using json = nlohmann::ordered_json;

bool same(const LintFinding& a, const LintFinding& b) {
  return a.rule == b.rule && a.field == b.field && a.code == b.code && a.message == b.message;
}

/// An issue's code: issue_lint_code() for errors, "compiler" for warnings and notes. The
/// schedule's lint follows; an entry with the code of an error already reported is that
/// error again (a rule that expands past its bound is both an issue and schedule lint), so
/// it is left out rather than reported a second time as a warning.
std::vector<LintFinding> customer_findings(const CompiledSet& set, const CompiledCustomer& c) {
  std::vector<LintFinding> out;
  std::vector<std::string> error_codes;
  for (const Issue& i : c.issues) {
    std::string code = "compiler";
    if (i.severity == Severity::error) code = error_codes.emplace_back(issue_lint_code(i));
    out.push_back({std::string(c.id), i.rule_id, i.field, i.severity, std::move(code), i.message});
  }
  // customer_lint() starts with a finding per error issue, up to its budget.
  const std::vector<Lint> lint = customer_lint(set, c);
  for (std::size_t k = std::min(error_codes.size(), kMaxLintPerCustomer); k < lint.size(); ++k) {
    const Lint& l = lint[k];
    if (std::find(error_codes.begin(), error_codes.end(), l.code) != error_codes.end()) continue;
    const bool info = l.code == "force_closed" || l.code == "lint_truncated";
    out.push_back({std::string(c.id), std::string(l.rule_id), "",
                   info ? Severity::info : Severity::warning, std::string(l.code),
                   std::string(l.message)});
  }
  return out;
}

std::size_t count(const std::vector<LintFinding>& findings, Severity s) {
  return std::count_if(findings.begin(), findings.end(),
                       [&](const LintFinding& f) { return f.severity == s; });
}

struct Input {
  std::vector<Customer> customers;
  std::vector<DecodeError> errors;
  std::string source;  // as printed
};

/// A file is decoded here rather than through the file: source, which stops at the first
/// bad customer: lint reports every one.
Result<Input> read_file_input(const std::string& path) {
  auto text = read_file(path, kNoSizeLimit);
  if (!text) return fail(ErrorCode::io_error, "cannot read " + path + ": " + text.error().message);
  auto decoded = decode_customers(*text);
  if (!decoded) return fail(ErrorCode::bad_json, path + ": " + decoded.error().message);
  return Input{std::move(decoded->customers), std::move(decoded->errors), "file:" + path};
}

/// Every page of the API, as a sync fetches it, except that a customer that does not
/// decode comes back as a finding rather than failing the fetch.
Result<Input> read_api_input(const UpstreamConfig& upstream) {
  auto password = read_upstream_password(upstream);
  if (!password) return fail(password.error());
  auto source = make_source(upstream, *password);
  if (!source) return fail(source.error());
  (*source)->keep_decode_errors();
  auto fetched = (*source)->fetch(std::stop_token{});
  if (!fetched)
    return fail(fetched.error().code, (*source)->describe() + ": " + fetched.error().message);
  Input input{{}, std::move(fetched->decode_errors), (*source)->describe()};
  for (const SharedCustomer& c : fetched->customers) input.customers.push_back(*c);
  return input;
}

Result<Config> lint_config(const LintOptions& o) {
  ConfigOverrides overrides;
  if (o.config_file) overrides.config_file = *o.config_file;
  overrides.source = o.source;
  overrides.zoneinfo_dir = o.zoneinfo_dir;
  return effective_config(overrides);
}

}  // namespace

std::vector<LintFinding> lint_findings(const CompiledSet& set,
                                       const std::vector<DecodeError>& decode_errors) {
  std::vector<LintFinding> out;
  for (const DecodeError& e : decode_errors)
    out.push_back({e.customer_id, "", e.path, Severity::error, "decode_error", e.message});
  for (const CompiledCustomer& c : set.customers()) {
    std::vector<LintFinding> mine = customer_findings(set, c);
    const CompiledCustomer* owner =
        c.schedule && c.schedule_owner() != c.id ? set.find(c.schedule_owner()) : nullptr;
    if (owner) {
      const std::vector<LintFinding> theirs = customer_findings(set, *owner);
      std::erase_if(mine, [&](const LintFinding& f) {
        return std::any_of(theirs.begin(), theirs.end(),
                           [&](const LintFinding& t) { return same(f, t); });
      });
    }
    std::move(mine.begin(), mine.end(), std::back_inserter(out));
  }
  return out;
}

int lint_exit_code(const std::vector<LintFinding>& findings, bool strict) {
  if (count(findings, Severity::error)) return 2;
  if (strict && count(findings, Severity::warning)) return 1;
  return 0;
}

void write_lint_text(std::ostream& out, const std::vector<LintFinding>& findings,
                     std::size_t customers, bool verbose) {
  for (const LintFinding& f : findings) {
    if (f.severity == Severity::info && !verbose) continue;
    out << (f.customer.empty() ? "(no id)" : f.customer);
    if (!f.rule.empty()) out << " rule " << f.rule;
    if (!f.field.empty()) out << " field " << f.field;
    out << ": " << to_string(f.severity) << " " << f.code << ": " << f.message << "\n";
  }
  out << "lint: " << customers << " customers, " << count(findings, Severity::error) << " errors, "
      << count(findings, Severity::warning) << " warnings, " << count(findings, Severity::info)
      << " infos\n";
}

void write_lint_json(std::ostream& out, const std::vector<LintFinding>& findings,
                     std::size_t customers, const std::string& source, const std::string& tzdata,
                     int exit_code) {
  const auto dump = [](const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  out << "{\"source\":" << dump(source) << ",\"tzdata\":" << dump(tzdata)
      << ",\"customers\":" << customers << ",\"findings\":[";
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const LintFinding& f = findings[i];
    out << (i ? ",\n" : "\n")
        << dump({{"customer", f.customer},
                 {"rule", f.rule},
                 {"field", f.field},
                 {"severity", std::string(to_string(f.severity))},
                 {"code", f.code},
                 {"message", f.message}});
  }
  out << "],\n\"summary\":"
      << dump({{"errors", count(findings, Severity::error)},
               {"warnings", count(findings, Severity::warning)},
               {"infos", count(findings, Severity::info)}})
      << ",\"exit\":" << exit_code << "}\n";
}

int lint_command(const LintOptions& o, date::sys_seconds now, std::ostream& out,
                 std::ostream& err) {
  auto config = lint_config(o);
  if (!config) return err << "error config: " << config.error().message << "\n", kExitConfig;
  auto zones = config_zones(*config);
  if (!zones) return err << "error config: " << zones.error().message << "\n", kExitConfig;
  const std::string& src = config->upstream.source;
  Result<Input> input = o.customers_file           ? read_file_input(*o.customers_file)
                        : src.starts_with("file:") ? read_file_input(src.substr(5))
                                                   : read_api_input(config->upstream);
  if (!input) {
    err << "error lint: " << input.error().message << "\n";
    return input.error().code == ErrorCode::invalid_argument ? kExitConfig : 2;
  }
  const CompiledSet set = compile(input->customers, config->engine, **zones, now);
  const std::vector<LintFinding> findings = lint_findings(set, input->errors);
  const int code = lint_exit_code(findings, o.strict);
  const std::size_t customers = input->customers.size() + input->errors.size();
  if (o.json) write_lint_json(out, findings, customers, input->source, (*zones)->version(), code);
  else write_lint_text(out, findings, customers, o.verbose);
  return code;
}

}  // namespace hoursd
