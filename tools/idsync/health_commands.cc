// idsync status ; idsync metrics
#include <fstream>
#include <iostream>

#include "commands.h"

namespace idsync::cli {

void add_health_commands(CLI::App& app, GlobalOptions& global) {
  app.add_subcommand("status", "last run per connector, pending changes, scheduler and staging state (JSON)")
      ->callback([&global] {
        auto server = open_server(global.store);
        if (!server.ok()) {
          global.exit_code = report(server.status());
          return;
        }
        auto status = (*server)->status_json();
        if (!status.ok()) {
          global.exit_code = report(status.status());
          return;
        }
        std::cout << *status << "\n";
      });
  auto out = std::make_shared<std::string>();
  auto* metrics = app.add_subcommand("metrics", "health metrics in the Prometheus text format");
  metrics->add_option("--out", *out,
                      "write to this file atomically (e.g. node_exporter's textfile directory) instead of stdout");
  metrics->callback([&global, out] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    auto text = (*server)->metrics_text();
    if (!text.ok()) {
      global.exit_code = report(text.status());
      return;
    }
    if (out->empty()) {
      std::cout << *text;
      return;
    }
    // node_exporter must never read half a file: write beside it, then rename.
    std::string temp = *out + ".tmp";
    {
      std::ofstream f(temp, std::ios::binary | std::ios::trunc);
      f << *text;
      if (!f.flush()) {
        global.exit_code = report(Status::Error(ErrorCode::kIoError, "cannot write '" + temp + "'"));
        return;
      }
    }
    if (std::rename(temp.c_str(), out->c_str()) != 0)
      global.exit_code = report(Status::Error(ErrorCode::kIoError, "cannot rename '" + temp + "' to '" + *out + "'"));
  });
}

}  // namespace idsync::cli
