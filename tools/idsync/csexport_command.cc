// idsync csexport "<connector>" <file.xml> [/f:...] [/o:...] ; idsync csanalyzer <file.xml> [delta-kind]
//
// csexport takes MIM's own switches (/f:d="DN", /f:x, /o:hd, ...) as extra arguments, and the
// same as GNU-style long options for scripts.
#include <fstream>
#include <iostream>

#include "commands.h"
#include "idsync/private_file.h"
#include "idsync/csanalyzer.h"
#include "idsync/csexport.h"

namespace idsync::cli {

namespace {

struct CsExportArgs {
  std::string connector, file;
  std::vector<std::string> mim;  // "/f:x", "/o:hd", ...
  std::string filter_dn, filter_rdn, filter_guid;
  bool disconnectors = false, import_errors = false, export_errors = false, pending_imports = false,
       pending_exports = false;
  bool out_errors = false, out_base = false, out_holograms = false, out_deltas = false, out_pending = false;
};

// Folds the MIM switches and the long options into one request; exactly one filter at most.
Status build_request(const CsExportArgs& a, CsExportRequest& request) {
  std::vector<CsExportFilter> filters;
  std::string letters;
  for (const std::string& arg : a.mim) {
    std::string_view s = arg;
    bool is_filter = s.starts_with("/f") || s.starts_with("-f");
    bool is_output = s.starts_with("/o") || s.starts_with("-o");
    if (!is_filter && !is_output)
      return Status::Error(ErrorCode::kInvalidArgument,
                           "unexpected argument '" + arg + "'; csexport takes a connector, a file and /f:... or /o:...");
    s.remove_prefix(2);
    if (s.starts_with(":")) s.remove_prefix(1);  // MIM accepts /f:x and /fx
    if (is_filter) {
      auto f = parse_csexport_filter(s);
      if (!f.ok()) return f.status();
      filters.push_back(*f);
    } else {
      letters += s;
      if (s.empty()) letters += '?';  // reported as a bad /o below
    }
  }
  auto add = [&](CsExportFilterKind kind, const std::string& value = "") { filters.push_back({kind, value}); };
  if (!a.filter_dn.empty()) add(CsExportFilterKind::kDn, a.filter_dn);
  if (!a.filter_rdn.empty()) add(CsExportFilterKind::kRdn, a.filter_rdn);
  if (!a.filter_guid.empty()) add(CsExportFilterKind::kGuid, a.filter_guid);
  if (a.disconnectors) add(CsExportFilterKind::kDisconnectors);
  if (a.import_errors) add(CsExportFilterKind::kImportErrors);
  if (a.export_errors) add(CsExportFilterKind::kExportErrors);
  if (a.pending_imports) add(CsExportFilterKind::kPendingImports);
  if (a.pending_exports) add(CsExportFilterKind::kPendingExports);
  if (filters.size() > 1)
    return Status::Error(ErrorCode::kInvalidArgument,
                         "csexport takes one filter at most (as MIM's csexport does); run it once per filter");
  if (!filters.empty()) request.filter = filters.front();

  if (a.out_errors) letters += 'e';
  if (a.out_base) letters += 'b';
  if (a.out_holograms) letters += 'h';
  if (a.out_deltas) letters += 'd';
  if (a.out_pending) letters += 'p';
  if (!letters.empty()) {
    auto sections = parse_csexport_sections(letters);
    if (!sections.ok()) return sections.status();
    request.sections = *sections;
  }
  request.connector = a.connector;
  request.file = a.file;
  return Status::Ok();
}

}  // namespace

void add_csexport_commands(CLI::App& app, GlobalOptions& global) {
  auto args = std::make_shared<CsExportArgs>();
  auto* cmd = app.add_subcommand(
      "csexport",
      "write a connector space to a MIM csexport XML file\n"
      "  filters (one): /f:d=\"DN\" /f:r=\"rdn\" /f:g=\"guid\" /f:s /f:i /f:e /f:m /f:x\n"
      "  parts: /o:{e|b|h|d|p} errors, connector state, holograms, export deltas, pending imports");
  cmd->add_option("connector", args->connector, "connector (management agent) name")->required();
  cmd->add_option("file", args->file, "XML file to create (never overwritten)")->required();
  cmd->add_option("switches", args->mim, "MIM switches: /f:... and /o:...");
  cmd->add_option("--filter-dn", args->filter_dn, "only the object with this DN or anchor (/f:d)");
  cmd->add_option("--filter-rdn", args->filter_rdn, "only objects with this RDN (/f:r)");
  cmd->add_option("--filter-guid", args->filter_guid, "only the object with this id (/f:g)");
  cmd->add_flag("--disconnectors", args->disconnectors, "only disconnectors (/f:s)");
  cmd->add_flag("--import-errors", args->import_errors, "only objects with import / sync errors (/f:i)");
  cmd->add_flag("--export-errors", args->export_errors, "only objects with export errors (/f:e)");
  cmd->add_flag("--pending-imports", args->pending_imports, "only objects with pending imports (/f:m)");
  cmd->add_flag("--pending-exports", args->pending_exports, "only objects with pending exports (/f:x)");
  cmd->add_flag("--output-errors", args->out_errors, "write error details (/o:e)");
  cmd->add_flag("--output-base", args->out_base, "write connector, connector-state, cs-mv-links (/o:b)");
  cmd->add_flag("--output-holograms", args->out_holograms, "write holograms (/o:h)");
  cmd->add_flag("--output-deltas", args->out_deltas, "write unapplied / unconfirmed export deltas (/o:d)");
  cmd->add_flag("--output-pending-imports", args->out_pending, "write pending imports (/o:p)");
  cmd->callback([&global, args] {
    auto path = store_path(global.store);
    if (!path.ok()) {
      global.exit_code = report(path.status());
      return;
    }
    CsExportRequest request;
    request.store_path = *path;
    if (Status s = build_request(*args, request); !s.ok()) {
      global.exit_code = report(s);
      return;
    }
    auto stats = csexport(request);
    if (!stats.ok()) {
      global.exit_code = report(stats.status());
      return;
    }
    std::cerr << "csexport: " << stats->written << " objects written to " << request.file << " ("
              << stats->examined << " examined)\n";
  });

  struct AnalyzerArgs {
    std::string file, kind = "unapplied-export", out, summary;
  };
  auto an = std::make_shared<AnalyzerArgs>();
  auto* analyzer = app.add_subcommand(
      "csanalyzer",
      "turn a csexport XML file into CSV, one row per changed attribute; the per-operation summary goes to "
      "stderr (or --summary FILE)");
  analyzer->add_option("file", an->file, "csexport XML file (ours or Microsoft's)")->required();
  analyzer->add_option("delta-kind", an->kind,
                       "unapplied-export (default), unconfirmed-export, escrowed-export or pending-import");
  analyzer->add_option("--out", an->out, "CSV file to write (default: standard output)");
  analyzer->add_option("--summary", an->summary, "also write the per-OMODT summary as CSV to this file");
  analyzer->callback([&global, an] {
    CsAnalyzerOptions options;
    options.delta_kind = an->kind;
    auto result = analyze_csexport_file(an->file, an->out, options);
    if (!result.ok()) {
      global.exit_code = report(result.status());
      return;
    }
    std::cerr << "csanalyzer: " << format_csanalyzer_summary(*result, options);
    if (!an->summary.empty()) {
      if (Status s = prepare_private_file(an->summary); !s.ok()) {
        global.exit_code = report(s);
        return;
      }
      std::ofstream out(an->summary, std::ios::binary | std::ios::trunc);
      out << format_csanalyzer_summary_csv(*result);
      out.close();
      if (!out) {
        global.exit_code = report(Status::Error(ErrorCode::kIoError, "cannot write the summary to " + an->summary +
                                                                         "; check that its folder is writable"));
      }
    }
  });
}

}  // namespace idsync::cli
