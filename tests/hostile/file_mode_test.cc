// Every file IdSync writes that can hold directory data is owner-only (0600) whatever the
// umask: csexport output, the analyzer CSV and its summary, the preview page, configuration
// exports (`config export FILE`, `config import-entra --json-out FILE`). A file that was there
// with a wider mode is made private before it is rewritten.
#include <sys/stat.h>

#include "hostile/secret_leak.h"
#include "idsync/private_file.h"
#include "sync/scenario.h"

namespace idsync::scenario {
namespace {

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

// Sets the umask for the test's lifetime (the CLI children inherit it).
class Umask {
 public:
  explicit Umask(mode_t m) : old_(::umask(m)) {}
  ~Umask() { ::umask(old_); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

 private:
  mode_t old_;
};

TEST(PrivateFileModeTest, CsexportAnalyzerPreviewAndConfigurationExportsAre0600UnderUmask0) {
  Scenario s;
  standard_setup(s);
  s.set_content("hr", hr_user("u1", "Ann Lee") + hr_user("u2", "Bob Ray"));
  fs::path config = s.dir() / "config.json";
  write_text(config, write_configuration(s.config()));
  const fs::path out = s.dir() / "out";
  fs::create_directories(out);
  // Files that were there before, readable by everyone: rewritten, they become private.
  write_text(out / "config-again.json", "old");
  write_text(out / "preview-again.html", "old");
  ASSERT_EQ(::chmod((out / "config-again.json").c_str(), 0666), 0);
  ASSERT_EQ(::chmod((out / "preview-again.html").c_str(), 0666), 0);

  Umask open_umask(0);
  const std::string cli = secret_leak::cli(s.store_path());
  std::string printed;
  const std::string entra = std::string(IDSYNC_SHARED_DIR) + "/reference/entra-connect-config-export";
  for (const std::string& args :
       {std::string("store create"), "config import '" + config.string() + "'", std::string("run hr 'Full Import'"),
        std::string("run hr 'Full Synchronization'"), "csexport dir '" + (out / "dir.xml").string() + "'",
        "csanalyzer '" + (out / "dir.xml").string() + "' --out '" + (out / "dir.csv").string() + "' --summary '" +
            (out / "summary.csv").string() + "'",
        "preview dir -o '" + (out / "preview.html").string() + "'",
        "preview dir -o '" + (out / "preview-again.html").string() + "'",
        "config export '" + (out / "config.json").string() + "'",
        "config export '" + (out / "config-again.json").string() + "'",
        "config import-entra '" + entra + "' --dry-run --json-out '" + (out / "entra.json").string() + "'"})
    printed += "$ idsync " + args + "\n" + secret_leak::run(cli + args);

  for (const char* name : {"dir.xml", "dir.csv", "summary.csv", "preview.html", "preview-again.html", "config.json",
                           "config-again.json", "entra.json"}) {
    ASSERT_TRUE(fs::exists(out / name)) << name << " was not written:\n" << printed;
    EXPECT_EQ(mode_of(out / name), 0600u) << name;
  }
  // They do hold directory data (the pending adds of Ann Lee to "dir").
  for (const char* name : {"dir.xml", "dir.csv", "preview.html"})
    EXPECT_NE(read_text(out / name).find("Ann Lee"), std::string::npos) << name << "\n" << printed;
  EXPECT_NE(read_text(out / "config-again.json").find("\"connectors\""), std::string::npos);
  // The store too, created under the same umask.
  EXPECT_EQ(mode_of(s.store_path()), 0600u);
}

TEST(PrivateFileModeTest, PrepareLeavesDevicesAloneAndNamesTheFileItCannotCreate) {
  TempDir tmp;
  const mode_t null_mode = mode_of("/dev/null");
  EXPECT_TRUE(prepare_private_file("/dev/null").ok());
  EXPECT_EQ(mode_of("/dev/null"), null_mode) << "a device keeps its mode";
  Status missing = prepare_private_file((tmp.path() / "no-such-dir" / "x.csv").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("no-such-dir/x.csv"), std::string::npos) << missing.message();
  // A FIFO nobody reads fails at once instead of blocking.
  fs::path fifo = tmp.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  EXPECT_FALSE(prepare_private_file(fifo.string()).ok());
  // Through a symbolic link, the file written is the one made private.
  fs::path target = tmp.path() / "target.json";
  write_text(target, "x");
  ASSERT_EQ(::chmod(target.c_str(), 0644), 0);
  fs::create_symlink(target, tmp.path() / "link.json");
  ASSERT_TRUE(prepare_private_file((tmp.path() / "link.json").string()).ok());
  EXPECT_EQ(mode_of(target), 0600u);
}

}  // namespace
}  // namespace idsync::scenario
