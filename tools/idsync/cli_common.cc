#include "cli_common.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "idsync/file/file_connectors.h"
#include "idsync/scim/scim_connector.h"
#include "idsync/ldap/ldap_connector.h"

namespace idsync::cli {

int exit_code_for(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOk: return kExitOk;
    case ErrorCode::kBusy: return kExitBusy;
    case ErrorCode::kNotFound: return kExitNotFound;
    case ErrorCode::kInvalidArgument: return kExitUsage;
    default: return kExitFailed;
  }
}

int exit_code_for_result(const std::string& result) {
  if (result == "success") return kExitOk;
  if (result.rfind("completed-", 0) == 0) return kExitCompletedWithErrors;
  return kExitFailed;
}

int report(const Status& status) {
  std::cerr << "idsync: " << status.message() << "\n";
  return exit_code_for(status);
}

int report_configuration_error(const Status& status) {
  int code = report(status);
  switch (status.code()) {
    case ErrorCode::kParseError:
    case ErrorCode::kExpressionError:
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    default:
      return code;
  }
}

const ConnectorRegistry& registry() {
  static const ConnectorRegistry instance = [] {
    ConnectorRegistry r;
    file::register_file_connectors(r);
    register_scim_connector(r);
    ldap::register_ldap_connectors(r);
    return r;
  }();
  return instance;
}

Result<std::string> store_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("IDSYNC_STORE"); env != nullptr && *env != '\0') return std::string(env);
  return Status::Error(ErrorCode::kInvalidArgument,
                       "no server store given: pass --store PATH or set IDSYNC_STORE (create one with "
                       "`idsync store create --store PATH`)");
}

Result<std::unique_ptr<Server>> open_server(const std::string& flag, StoreOpenMode mode) {
  auto path = store_path(flag);
  if (!path.ok()) return path.status();
  return Server::open(*path, mode, registry());
}

ProgressCallback progress_printer(bool enabled) {
  if (!enabled) return {};
  bool tty = isatty(STDERR_FILENO) != 0;
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [tty, last](const Progress& p) {
    auto now = std::chrono::steady_clock::now();
    if (!tty && now - *last < std::chrono::seconds(5)) return;
    *last = now;
    std::string line = "  " + p.connector + " / " + p.step + ": " + std::to_string(p.done);
    if (p.total > 0) line += " of " + std::to_string(p.total);
    line += " objects";
    if (tty) {
      std::fprintf(stderr, "\r%-78s", line.c_str());
      std::fflush(stderr);
      if (p.total > 0 && p.done >= p.total) std::fprintf(stderr, "\r%-78s\r", "");
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  };
}

void print_run(const RunResult& run, bool verbose) {
  if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\r%-78s\r", "");
  double seconds = 0;
  for (const StepResult& s : run.steps) seconds += s.seconds;
  std::printf("%-22s %-24s %-34s %8.2fs\n", run.connector.c_str(), run.run_profile.c_str(), run.result.c_str(), seconds);
  for (const StepResult& s : run.steps) {
    std::string counters;
    for (const auto& [k, v] : s.counters) counters += (counters.empty() ? "" : ", ") + k + " " + std::to_string(v);
    std::printf("    %s: %s\n", s.step_type.c_str(), counters.empty() ? "no changes" : counters.c_str());
    size_t shown = 0;
    for (const ObjectError& e : s.errors) {
      if (!verbose && shown >= 5) {
        std::printf("    ... %llu errors in all (idsync history --run-id %lld shows them)\n",
                    static_cast<unsigned long long>(s.error_count), static_cast<long long>(run.run_id));
        break;
      }
      std::printf("    error %s%s%s: %s\n", e.error_type.c_str(), e.dn.empty() ? "" : " on ", e.dn.c_str(), e.message.c_str());
      ++shown;
    }
  }
}

}  // namespace idsync::cli
