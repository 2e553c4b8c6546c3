// The end-to-end leak check every connector that takes a secret must pass: drive the real
// idsync CLI over a store through every command that shows or writes what the store holds
// (runs, run history, status, csexport, configuration export, connector and metaverse
// listings, the export preview) and collect all it printed (stdout and stderr) and every byte
// of every file it left in the test's directory (store, WAL, exports). A test then asserts
// that the secret is in none of it. Used by tests/hostile, tests/scim and tests/ldap.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace idsync::secret_leak {

namespace fs = std::filesystem;

// Runs a shell command; its stdout and stderr together. popen waits for the command to end;
// every command run here ends on its own (the connectors have their own timeouts).
inline std::string run(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1 </dev/null").c_str(), "r");
  std::string out;
  if (p == nullptr) return "popen failed for: " + cmd;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// Every byte of every regular file under `dir`, except the secret files themselves (named
// "secret*"), which the test put there.
inline std::string files_under(const fs::path& dir) {
  std::string all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename().string().rfind("secret", 0) == 0) continue;
    std::ifstream in(e.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

// The idsync CLI with `--store store`.
inline std::string cli(const std::string& store) {
  return std::string("'") + IDSYNC_CLI_PATH + "' --store '" + store + "' ";
}

// Creates the store, imports `config`, runs an Initial and a Delta cycle and then every
// query and export command (outputs go to `out_dir`) for each of `connectors`. Returns all
// the CLI printed, each command's output after a "$ idsync <args>" line.
inline std::string drive_cli(const std::string& store, const fs::path& config, const fs::path& out_dir,
                             const std::vector<std::string>& connectors) {
  std::vector<std::string> commands = {"store create", "config import '" + config.string() + "'",
                                       "cycle --policy Initial", "cycle"};
  for (const std::string& c : connectors) {
    commands.push_back("csexport '" + c + "' '" + (out_dir / (c + "-csexport.xml")).string() + "'");
    commands.push_back("cs list '" + c + "'");
    commands.push_back("cs list '" + c + "' --pending-export");
    commands.push_back("preview '" + c + "' -o '" + (out_dir / (c + "-preview.html")).string() + "'");
  }
  for (const char* c : {"history", "history --json", "status", "connector list", "config export", "metrics", "mv list"})
    commands.emplace_back(c);
  commands.push_back("config export '" + (out_dir / "exported-config.json").string() + "'");
  std::string printed;
  for (const std::string& args : commands) printed += "$ idsync " + args + "\n" + run(cli(store) + args);
  return printed;
}

}  // namespace idsync::secret_leak
