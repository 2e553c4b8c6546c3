// idsync preview CONNECTOR [--output FILE]: the connector's pending exports as one HTML page.
#include <iostream>

#include "commands.h"
#include "idsync/preview.h"

namespace idsync::cli {

void add_preview_command(CLI::App& app, GlobalOptions& global) {
  struct Args {
    std::string connector, output;
    size_t max_rows = 20000;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "preview", "the connector's pending exports as a self-contained HTML page: counts, riskiest changes first, "
                 "a searchable table");
  cmd->add_option("connector", a->connector, "connector name")->required();
  cmd->add_option("-o,--output", a->output, "HTML file to write (created or replaced); standard output when not given");
  cmd->add_option("--max-rows", a->max_rows, "rows in the searchable table (default 20000; counts always cover all)");
  cmd->callback([&global, a] {
    auto path = store_path(global.store);
    if (!path.ok()) {
      global.exit_code = report(path.status());
      return;
    }
    PreviewRequest request;
    request.store_path = *path;
    request.connector = a->connector;
    request.max_rows = a->max_rows;
    auto stats = a->output.empty() || a->output == "-" ? write_export_preview(request, std::cout)
                                                        : write_export_preview_file(request, a->output);
    if (!stats.ok()) {
      global.exit_code = report(stats.status());
      return;
    }
    std::cerr << "preview of " << stats->pending << " pending exports to " << a->connector << " (" << stats->risky
              << " risky)" << (a->output.empty() || a->output == "-" ? "" : " written to " + a->output)
              << (stats->would_stop ? "; the next export would STOP on a safety limit (see the page)" : "") << "\n";
  });
}

}  // namespace idsync::cli
