// idsync cs show|list ; idsync mv show|list
#include <iostream>

#include "commands.h"

namespace idsync::cli {

void add_object_commands(CLI::App& app, GlobalOptions& global) {
  struct Args {
    std::string connector, key, type;
    uint64_t id = 0;
    int64_t limit = 100;
    bool pending_export = false;
  };
  auto args = std::make_shared<Args>();

  auto* cs = app.add_subcommand("cs", "show connector space objects");
  cs->require_subcommand(1);
  auto* cs_show = cs->add_subcommand("show", "one object: hologram, pending import and export, link");
  cs_show->add_option("connector", args->connector, "connector name")->required();
  cs_show->add_option("key", args->key, "DN, or anchor:<base64> for an anchor")->required();
  cs_show->callback([&global, args] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    auto o = (*server)->cs_object_json(args->connector, args->key);
    if (!o.ok()) {
      global.exit_code = report(o.status());
    } else if (!o->has_value()) {
      global.exit_code = report(Status::Error(ErrorCode::kNotFound, "connector '" + args->connector +
                                                                        "' holds no object '" + args->key + "'"));
    } else {
      std::cout << **o << "\n";
    }
  });
  auto* cs_list = cs->add_subcommand("list", "objects of a connector space (JSON)");
  cs_list->add_option("connector", args->connector, "connector name")->required();
  cs_list->add_flag("--pending-export", args->pending_export, "only objects with a pending export");
  cs_list->add_option("--limit", args->limit, "at most this many (default 100; 0 = all)");
  cs_list->callback([&global, args] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    auto list = (*server)->cs_list_json(args->connector, args->pending_export, args->limit);
    if (!list.ok()) {
      global.exit_code = report(list.status());
      return;
    }
    std::cout << *list << "\n";
  });

  auto* mv = app.add_subcommand("mv", "show metaverse objects");
  mv->require_subcommand(1);
  auto* mv_show = mv->add_subcommand("show", "one metaverse object with its connectors");
  mv_show->add_option("id", args->id, "metaverse object id")->required();
  mv_show->callback([&global, args] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    auto o = (*server)->mv_object_json(args->id);
    if (!o.ok()) {
      global.exit_code = report(o.status());
    } else if (!o->has_value()) {
      global.exit_code = report(Status::Error(ErrorCode::kNotFound, "no metaverse object " + std::to_string(args->id)));
    } else {
      std::cout << **o << "\n";
    }
  });
  auto* mv_list = mv->add_subcommand("list", "metaverse objects (JSON)");
  mv_list->add_option("--type", args->type, "only this object type (person, group, ...)");
  mv_list->add_option("--limit", args->limit, "at most this many (default 100; 0 = all)");
  mv_list->callback([&global, args] {
    auto server = open_server(global.store);
    if (!server.ok()) {
      global.exit_code = report(server.status());
      return;
    }
    auto list = (*server)->mv_list_json(args->type, args->limit);
    if (!list.ok()) {
      global.exit_code = report(list.status());
      return;
    }
    std::cout << *list << "\n";
  });
}

}  // namespace idsync::cli
