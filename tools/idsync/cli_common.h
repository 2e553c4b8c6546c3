// Shared plumbing of the idsync commands: exit codes, opening the store, progress output.
#pragma once

#include <memory>
#include <string>

#include "idsync/connector.h"
#include "idsync/run_result.h"
#include "idsync/server.h"
#include "idsync/status.h"

namespace idsync::cli {

// Exit codes (README "Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitCompletedWithErrors = 1,  // the run finished; some objects had errors
  kExitUsage = 2,                // bad command line
  kExitFailed = 3,               // the run or command failed / stopped
  kExitBusy = 4,                 // another run holds the store
  kExitNotFound = 5,             // no such store, connector, object or file
};

int exit_code_for(const Status& status);
int exit_code_for_result(const std::string& run_result);

// Prints "idsync: <message>" to stderr and returns the exit code for `status`.
int report(const Status& status);
// report() for an error in a configuration being imported (config import, import-entra): one
// that does not parse or validate (syntax, unknown key, broken rule expression, unknown
// attribute) is a bad configuration, exit 2 as README promises; busy (4), not found (5) and
// store failures (3) keep their codes.
int report_configuration_error(const Status& status);

const ConnectorRegistry& registry();

// --store, else $IDSYNC_STORE; an error when neither is set.
Result<std::string> store_path(const std::string& flag);
Result<std::unique_ptr<Server>> open_server(const std::string& flag, StoreOpenMode mode = StoreOpenMode::kMustExist);

// Progress lines on stderr for long runs: rewritten in place on a terminal, one line every few
// seconds otherwise (so logs of scheduled tasks stay short).
ProgressCallback progress_printer(bool enabled);

void print_run(const RunResult& run, bool verbose);

}  // namespace idsync::cli
