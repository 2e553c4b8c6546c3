// idsync generate: a realistic AD forest as LDIF, or a change set against it.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "generate_files.h"

namespace idsync::cli {

void add_generate_command(CLI::App& app, GlobalOptions& global) {
  struct Args {
    uint64_t objects = 100000, seed = 1, huge_group = 0;
    std::string domain = "contoso.com", out;
    uint32_t changes_round = 0;
  };
  auto args = std::make_shared<Args>();
  auto* gen = app.add_subcommand("generate", "write a generated AD forest (or a change set) as LDIF");
  gen->add_option("--objects,-n", args->objects, "objects in the forest (1,000 to 1,000,000+; default 100000)");
  gen->add_option("--seed", args->seed, "random seed; the same seed gives the same forest (default 1)");
  gen->add_option("--domain", args->domain, "DNS name of the domain (default contoso.com)");
  gen->add_option("--huge-group", args->huge_group, "also make one group with this many members");
  gen->add_option("--changes", args->changes_round,
                  "write change set number N (1% adds, 1% deletes, 5% modifies) instead of the forest");
  gen->add_option("--out,-o", args->out, "output LDIF file")->required();
  gen->callback([&global, args] {
    forestgen::ForestOptions options;
    options.objects = args->objects;
    options.seed = args->seed;
    options.domain = args->domain;
    options.huge_group_members = args->huge_group;
    auto start = std::chrono::steady_clock::now();
    Result<uint64_t> written = args->changes_round == 0
                                   ? write_forest_ldif(options, args->out)
                                   : write_changes_ldif(options, args->changes_round, args->out);
    if (!written.ok()) {
      global.exit_code = report(written.status());
      return;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wrote %llu %s to %s in %.2fs\n", static_cast<unsigned long long>(*written),
                args->changes_round == 0 ? "entries" : "change records", args->out.c_str(), seconds);
  });
}

}  // namespace idsync::cli
