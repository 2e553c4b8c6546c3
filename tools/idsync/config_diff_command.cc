// idsync config diff STORE_A STORE_B [--json]: exit 0 when the configurations are the same,
// 1 when they differ (as diff(1) does), other codes on errors.
#include <iostream>

#include "commands.h"
#include "idsync/config_diff.h"

namespace idsync::cli {

void add_config_diff_command(CLI::App& config, GlobalOptions& global) {
  struct Args {
    std::string a, b;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = config.add_subcommand(
      "diff", "connector, sync rule and metaverse differences between two server stores (e.g. active vs staging); "
              "exit 0 = same, 1 = different");
  cmd->add_option("store_a", args->a, "first server store (e.g. the active server's)")->required();
  cmd->add_option("store_b", args->b, "second server store (e.g. the staging server's)")->required();
  cmd->add_flag("--json", args->json, "machine-readable output");
  cmd->callback([&global, args] {
    auto a = read_store_configuration(args->a);
    if (!a.ok()) {
      global.exit_code = report(a.status());
      return;
    }
    auto b = read_store_configuration(args->b);
    if (!b.ok()) {
      global.exit_code = report(b.status());
      return;
    }
    ConfigDiff diff = diff_configurations(*a, *b);
    std::cout << (args->json ? config_diff_to_json(diff, args->a, args->b) + "\n" : format_config_diff(diff, args->a, args->b));
    global.exit_code = diff.differ() ? kExitCompletedWithErrors : kExitOk;
  });
}

}  // namespace idsync::cli
