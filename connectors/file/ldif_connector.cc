// The "ldif" connector: a directory kept as a content LDIF file plus change files.
//
// Why this layout: appending change files makes an export cheap (no rewrite of a million-entry
// file), crash-safe (temp file + rename) and gives delta import for free (the files after the
// watermark). A full import must then replay the changes, which needs the state in memory;
// when there are no change files the content file is streamed straight to the sink.

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unordered_map>

#include "file_util.h"
#include "idsync/dn.h"
#include "ldif_dn_directory.h"
#include "ldif_dn_snapshot.h"
#include "idsync/file/file_connectors.h"
#include "idsync/file/ldif.h"
#include "idsync/value_types.h"
#include "idsync/file/read_ahead.h"

namespace idsync::file {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kProgressEvery = 10000;

Status connector_error(const std::string& context, const std::string& what) {
  return Status::Error(ErrorCode::kConnectorError, context + ": " + what);
}

// Names of the change files in `dir` ("*.ldif", not hidden), sorted. Missing dir: none.
Result<std::vector<std::string>> list_change_files(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    if (name.size() < 5 || name.compare(name.size() - 5, 5, ".ldif") != 0) continue;
    std::error_code ec2;
    if (!it->is_regular_file(ec2)) continue;
    names.push_back(std::move(name));
  }
  if (ec)
    return Status::Error(ErrorCode::kIoError,
                         "cannot list change files in '" + dir.string() + "': " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

// The directory state: content file + change files, keyed by normalized DN, with every
// entry's attributes (a full import replays the change files on it). An export validates
// against DNs only and uses the compact DnDirectory (ldif_dn_directory.h) instead.
class DirectoryState {
 public:
  bool keeps_attributes() const { return true; }

  Status add(Entry&& entry, const std::string& context) {
    auto norm = normalize_dn(entry.dn);
    if (!norm.ok()) return connector_error(context, norm.status().message());
    if (index_.count(*norm) != 0)
      return connector_error(context, "cannot add '" + entry.dn +
                                          "': an entry with that DN already exists");
    std::string parent(parent_dn(*norm));
    if (!parent.empty()) ++children_[parent];
    index_.emplace(*norm, entries_.size());
    norms_.push_back(std::move(*norm));
    entries_.emplace_back(std::move(entry));
    return Status::Ok();
  }

  // Applies one change; may move from `change`.
  Status apply(EntryChange& change, const std::string& context) {
    if (change.kind == ChangeKind::kAdd) {
      Entry e;
      e.dn = std::move(change.dn);
      e.object_type = std::move(change.object_type);
      e.attributes = std::move(change.attributes);
      return add(std::move(e), context);
    }
    auto norm = normalize_dn(change.dn);
    if (!norm.ok()) return connector_error(context, norm.status().message());
    auto it = index_.find(*norm);
    if (it == index_.end())
      return connector_error(context, std::string("cannot ") + change_kind_name(change.kind) +
                                          " '" + change.dn + "': no such entry");
    const size_t pos = it->second;
    Entry& entry = *entries_[pos];
    switch (change.kind) {
      case ChangeKind::kAdd:
        break;
      case ChangeKind::kModify:
        apply_attribute_changes(entry, change.changes);
        if (!change.object_type.empty()) entry.object_type = change.object_type;
        break;
      case ChangeKind::kDelete: {
        std::string parent(parent_dn(*norm));
        if (!parent.empty() && --children_[parent] == 0) children_.erase(parent);
        index_.erase(it);
        entries_[pos].reset();
        break;
      }
      case ChangeKind::kRename:
        IDSYNC_RETURN_IF_ERROR(rename(pos, *norm, change, context));
        break;
    }
    if (entries_[pos]) {
      // objectClass may have changed: keep object_type = its last value.
      std::string_view oc;
      if (const Attribute* a = entries_[pos]->find("objectClass"); a && !a->values.empty())
        oc = a->values.back();
      if (!oc.empty()) entries_[pos]->object_type = std::string(oc);
    }
    return Status::Ok();
  }

  bool contains(std::string_view dn) const {
    auto norm = normalize_dn(dn);
    return norm.ok() && index_.count(*norm) != 0;
  }

  // Live entries in order (content file order, then added ones).
  std::vector<std::optional<Entry>>& entries() { return entries_; }

 private:
  Status rename(size_t pos, const std::string& old_norm, EntryChange& change,
                const std::string& context) {
    auto new_norm = normalize_dn(change.new_dn);
    if (!new_norm.ok()) return connector_error(context, new_norm.status().message());
    if (*new_norm != old_norm && index_.count(*new_norm) != 0)
      return connector_error(context, "cannot rename '" + change.dn + "' to '" + change.new_dn +
                                          "': an entry with that DN already exists");
    Entry& entry = *entries_[pos];
    // The old RDN values give way to the new ones (deleteoldrdn: 1; "0" arrives as
    // explicit adds in change.changes).
    auto old_rdn = parse_rdn(rdn(entry.dn));
    auto new_rdn = parse_rdn(rdn(change.new_dn));
    if (!new_rdn.ok()) return connector_error(context, new_rdn.status().message());
    if (old_rdn.ok()) {
      for (const Ava& ava : *old_rdn) {
        if (Attribute* a = entry.find(ava.type)) {
          auto& v = a->values;
          v.erase(std::remove_if(v.begin(), v.end(),
                                 [&](const std::string& x) { return iequals(x, ava.value); }),
                  v.end());
          if (v.empty()) entry.set(ava.type, {});
        }
      }
    }
    for (const Ava& ava : *new_rdn) {
      Attribute* a = entry.find(ava.type);
      if (a == nullptr) {
        entry.attributes.push_back(Attribute{ava.type, {ava.value}});
      } else if (std::none_of(a->values.begin(), a->values.end(),
                              [&](const std::string& x) { return iequals(x, ava.value); })) {
        a->values.push_back(ava.value);
      }
    }
    apply_attribute_changes(entry, change.changes);
    const bool has_children = children_.count(old_norm) != 0;
    std::string old_parent(parent_dn(old_norm));
    if (!old_parent.empty() && --children_[old_parent] == 0) children_.erase(old_parent);
    std::string new_parent(parent_dn(*new_norm));
    if (!new_parent.empty()) ++children_[new_parent];
    rekey(pos, old_norm, *new_norm, change.new_dn);
    if (!has_children) return Status::Ok();
    // Descendants move with their parent, as in LDAP.
    const std::string suffix = "," + old_norm;
    auto under = [&](const std::string& norm) {
      return norm.size() > suffix.size() &&
             norm.compare(norm.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    for (size_t k = 0; k < entries_.size(); ++k) {
      if (!entries_[k] || !under(norms_[k])) continue;
      std::string moved_dn = moved_descendant_dn(entries_[k]->dn, old_norm, change.new_dn);
      std::string moved_norm =
          norms_[k].substr(0, norms_[k].size() - suffix.size()) + "," + *new_norm;
      std::string old_child_norm = norms_[k];
      rekey(k, old_child_norm, moved_norm, moved_dn);
    }
    if (*new_norm != old_norm) {
      // Re-key the child counts of the moved subtree.
      std::vector<std::pair<std::string, size_t>> moved;
      for (auto it = children_.begin(); it != children_.end();) {
        if (it->first == old_norm || under(it->first)) {
          moved.emplace_back(it->first.substr(0, it->first.size() - old_norm.size()) + *new_norm,
                             it->second);
          it = children_.erase(it);
        } else {
          ++it;
        }
      }
      for (auto& [key, n] : moved) children_[key] += n;
    }
    return Status::Ok();
  }

  // Points the index at `pos` under its new name.
  void rekey(size_t pos, const std::string& old_norm, const std::string& new_norm,
             const std::string& new_dn) {
    index_.erase(old_norm);
    index_[new_norm] = pos;
    norms_[pos] = new_norm;
    entries_[pos]->dn = new_dn;
  }

  std::vector<std::optional<Entry>> entries_;
  std::vector<std::string> norms_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, size_t> children_;  // normalized DN → number of children
};

class LdifConnector final : public Connector {
 public:
  explicit LdifConnector(ConnectorConfig config) : config_(std::move(config)) {}
  ~LdifConnector() override {
    if (export_) {  // begin_export without end_export: leave no temp file behind
      export_->out.close();
      std::error_code ec;
      fs::remove(export_->temp, ec);
    }
  }

  Status init() {
    path_ = config_.option("path");
    if (path_.empty())
      return Status::Error(ErrorCode::kInvalidArgument,
                           "option 'path' is required: the content LDIF file");
    std::string delta = config_.option("delta_dir");
    delta_dir_ = delta.empty() ? fs::path(path_.string() + ".changes") : fs::path(delta);
    anchor_attr_ = config_.option("anchor");
    std::string assign = to_lower_ascii(config_.option("assign_anchor", "false"));
    if (assign == "true" || assign == "1" || assign == "yes") {
      assign_anchor_ = true;
    } else if (!(assign == "false" || assign == "0" || assign == "no" || assign.empty())) {
      return Status::Error(ErrorCode::kInvalidArgument,
                           "option 'assign_anchor' must be true or false, not '" +
                               config_.option("assign_anchor") + "'");
    }
    if (assign_anchor_ && anchor_attr_.empty())
      return Status::Error(ErrorCode::kInvalidArgument,
                           "option 'assign_anchor' needs option 'anchor' (e.g. objectGUID)");
    object_types_ = split_list(config_.option("object_types"), ',');
    return Status::Ok();
  }

  ConnectorCapabilities capabilities() const override {
    ConnectorCapabilities c;
    c.full_import = true;
    c.delta_import = true;
    c.export_changes = true;
    c.rename = true;
    c.assigns_anchor = assign_anchor_;
    return c;
  }

  Result<ConnectorSchema> discover_schema() override {
    struct Collector : ImportSink {
      struct Seen {
        std::string name;
        bool multi = false;
        bool binary = false;
      };
      std::vector<Seen> attrs;
      std::unordered_map<std::string, size_t> attr_index;  // lowercased name
      std::vector<SchemaObjectType> types;
      std::vector<std::unordered_map<std::string, bool>> type_attrs;
      Status on_change(EntryChange&& c) override {
        size_t t = 0;
        for (; t < types.size(); ++t)
          if (iequals(types[t].name, c.object_type)) break;
        if (t == types.size()) {
          types.push_back(SchemaObjectType{c.object_type, {}});
          type_attrs.emplace_back();
        }
        for (const Attribute& a : c.attributes) {
          std::string key = to_lower_ascii(a.name);
          auto [it, inserted] = attr_index.emplace(key, attrs.size());
          if (inserted) attrs.push_back(Seen{a.name});
          Seen& s = attrs[it->second];
          if (a.values.size() > 1) s.multi = true;
          if (!s.binary)
            for (const std::string& v : a.values)
              if (!is_valid_utf8(v)) s.binary = true;
          if (type_attrs[t].emplace(key, true).second) types[t].attributes.push_back(s.name);
        }
        return Status::Ok();
      }
    } collector;
    std::string watermark;
    IDSYNC_RETURN_IF_ERROR(full_import(collector, watermark));
    ConnectorSchema schema;
    for (const auto& s : collector.attrs) {
      SchemaAttribute a{s.name, s.binary ? AttrType::kBinary : AttrType::kString, s.multi};
      if (const SchemaAttribute* declared = config_.schema.find_attribute(s.name))
        a.type = declared->type;
      schema.attributes.push_back(std::move(a));
    }
    schema.object_types = std::move(collector.types);
    return schema;
  }

  Status full_import(ImportSink& sink, std::string& watermark) override {
    auto files = list_change_files(delta_dir_);
    if (!files.ok()) return files.status();
    std::error_code ec;
    const bool have_content = fs::exists(path_, ec);
    if (!have_content && files->empty())
      return Status::Error(ErrorCode::kNotFound,
                           "LDIF file '" + path_.string() +
                               "' does not exist; check option 'path' (an export creates it)");
    uint64_t count = 0;
    if (files->empty()) {
      // Nothing to replay: stream the content file straight through, parsed on a read-ahead
      // thread while the sink stages what was parsed before.
      std::ifstream in;
      IDSYNC_RETURN_IF_ERROR(open_input(path_, in));
      LdifReader reader(in, path_.filename().string());
      LdifRecord rec;
      ReadAhead<EntryChange> parsed([&](EntryChange& out) -> Result<bool> {
        for (;;) {
          auto more = reader.next(rec);
          if (!more.ok() || !*more) return more;
          IDSYNC_RETURN_IF_ERROR(check_content_record(rec));
          if (!wanted(rec.entry.object_type)) continue;
          out = to_add(std::move(rec.entry));
          return true;
        }
      });
      EntryChange change;
      for (;;) {
        auto more = parsed.next(change);
        if (!more.ok()) return more.status();
        if (!*more) break;
        IDSYNC_RETURN_IF_ERROR(sink.on_change(std::move(change)));
        if (++count % kProgressEvery == 0) sink.on_progress(count);
      }
      sink.on_progress(count);
      watermark.clear();
      return Status::Ok();
    }
    DirectoryState state;
    IDSYNC_RETURN_IF_ERROR(load_state(state, *files, have_content));
    for (auto& slot : state.entries()) {
      if (!slot || !wanted(slot->object_type)) continue;
      IDSYNC_RETURN_IF_ERROR(sink.on_change(to_add(std::move(*slot))));
      slot.reset();
      if (++count % kProgressEvery == 0) sink.on_progress(count);
    }
    sink.on_progress(count);
    watermark = files->back();
    return Status::Ok();
  }

  Status delta_import(ImportSink& sink, std::string& watermark) override {
    auto files = list_change_files(delta_dir_);
    if (!files.ok()) return files.status();
    uint64_t count = 0;
    for (const std::string& name : *files) {
      if (name <= watermark) continue;
      std::ifstream in;
      IDSYNC_RETURN_IF_ERROR(open_input(delta_dir_ / name, in));
      LdifReader reader(in, name);
      LdifRecord rec;
      for (;;) {
        auto more = reader.next(rec);
        if (!more.ok()) return more.status();
        if (!*more) break;
        EntryChange change = rec.is_change ? std::move(rec.change) : to_add(std::move(rec.entry));
        if (change.kind == ChangeKind::kAdd) {
          if (!wanted(change.object_type)) continue;
          change.anchor = anchor_of(change.attributes);
        }
        IDSYNC_RETURN_IF_ERROR(sink.on_change(std::move(change)));
        if (++count % kProgressEvery == 0) sink.on_progress(count);
      }
      // Only a fully read file moves the watermark.
      watermark = name;
    }
    sink.on_progress(count);
    return Status::Ok();
  }

  Status begin_export() override {
    if (export_)
      return Status::Error(ErrorCode::kInternal, "begin_export called twice without end_export");
    std::error_code ec;
    fs::create_directories(delta_dir_, ec);
    if (ec)
      return Status::Error(ErrorCode::kIoError, "cannot create change folder '" +
                                                    delta_dir_.string() + "': " + ec.message());
    if (!fs::exists(path_, ec)) {
      if (path_.has_parent_path()) fs::create_directories(path_.parent_path(), ec);
      IDSYNC_RETURN_IF_ERROR(create_private_file(path_));  // a new export file holds directory data: 0600
      std::ofstream create(path_, std::ios::binary);
      create << "version: 1\n";
      create.close();
      if (!create)
        return Status::Error(ErrorCode::kIoError, "cannot create LDIF file '" + path_.string() + "'");
    }
    auto files = list_change_files(delta_dir_);
    if (!files.ok()) return files.status();
    auto ex = std::make_unique<ExportState>();
    ex->state = std::make_unique<DnDirectory>();  // DNs only: enough to validate
    IDSYNC_RETURN_IF_ERROR(load_export_state(*ex, *files));
    std::string name = next_change_file_name(files->empty() ? std::string() : files->back());
    ex->final_path = delta_dir_ / name;
    ex->temp = delta_dir_ / ("." + name + ".tmp");
    IDSYNC_RETURN_IF_ERROR(create_private_file(ex->temp));
    ex->out.open(ex->temp, std::ios::binary | std::ios::trunc);
    if (!ex->out)
      return Status::Error(ErrorCode::kIoError,
                           "cannot create change file '" + ex->temp.string() + "'");
    ex->writer = std::make_unique<LdifWriter>(ex->out, true);
    export_ = std::move(ex);
    return Status::Ok();
  }

  ExportResult export_change(const EntryChange& change) override {
    ExportResult result;
    if (!export_) {
      result.status = Status::Error(ErrorCode::kInternal, "export_change called before begin_export");
      return result;
    }
    if (change.kind == ChangeKind::kModify && change.changes.empty()) return result;
    // What an add gains on its way to the file (objectClass from the object type, the anchor),
    // written around its attributes: the change itself is not copied.
    std::vector<Attribute> before, after;
    if (change.kind == ChangeKind::kAdd) {
      if (!change.object_type.empty()) {
        bool has_oc = false;
        for (const Attribute& a : change.attributes) has_oc = has_oc || iequals(a.name, "objectClass");
        if (!has_oc) before.push_back(Attribute{"objectClass", {change.object_type}});
      }
      if (!anchor_attr_.empty() && anchor_of(change.attributes).empty()) {
        std::string anchor = change.anchor;
        if (anchor.empty() && assign_anchor_) {
          anchor = random_guid_bytes();
          result.new_anchor = anchor;
        }
        if (!anchor.empty()) after.push_back(Attribute{anchor_attr_, {std::move(anchor)}});
      }
    }
    // Validate against the directory state first so that a rejected object leaves no record.
    EntryChange probe;
    probe.kind = change.kind;
    probe.dn = change.dn;
    probe.new_dn = change.new_dn;
    Status s = export_->state->apply(probe, "export to '" + config_.name + "'");
    if (!s.ok()) {
      result.status = s;
      result.new_anchor.clear();
      return result;
    }
    result.status = export_->writer->write_change(change, before, after);
    if (!result.status.ok()) result.new_anchor.clear();
    return result;
  }

  Status end_export() override {
    if (!export_) return Status::Error(ErrorCode::kInternal, "end_export called before begin_export");
    std::unique_ptr<ExportState> ex = std::move(export_);
    ex->out.flush();
    ex->out.close();
    std::error_code ec;
    if (!ex->out) {
      fs::remove(ex->temp, ec);
      return Status::Error(ErrorCode::kIoError,
                           "writing change file '" + ex->temp.string() + "' failed; nothing exported");
    }
    if (ex->writer->records_written() == 0) {  // nothing changed: no empty change file
      fs::remove(ex->temp, ec);
      if (!ex->from_snapshot) save_dn_snapshot(*ex);
      return Status::Ok();
    }
    // A change file is part of the content file's data: it takes that file's mode and owner.
    IDSYNC_RETURN_IF_ERROR(fsync_and_rename(ex->temp, ex->final_path, path_));
    std::optional<FileStamp> written = stamp_file(ex->final_path, ex->final_path.filename().string());
    if (written) {
      ex->stamps.push_back(std::move(*written));
      save_dn_snapshot(*ex);
    }
    return Status::Ok();
  }

 private:
  struct ExportState {
    std::unique_ptr<DnDirectory> state;
    // The files `state` was read from (directly or through the DN snapshot), stamped before
    // they were read, so that a file changed meanwhile never matches a later snapshot.
    std::vector<FileStamp> stamps;
    bool from_snapshot = false;
    fs::path temp;
    fs::path final_path;
    std::ofstream out;
    std::unique_ptr<LdifWriter> writer;
  };

  static Status open_input(const fs::path& p, std::ifstream& in) {
    in.open(p, std::ios::binary);
    if (!in)
      return Status::Error(ErrorCode::kIoError, "cannot open LDIF file '" + p.string() + "'");
    return Status::Ok();
  }

  Status check_content_record(const LdifRecord& rec) const {
    if (!rec.is_change) return Status::Ok();
    return Status::Error(ErrorCode::kParseError,
                         path_.filename().string() + " line " + std::to_string(rec.line) +
                             " (entry '" + rec.change.dn + "'): the content file holds a change "
                             "record; put change records in the change folder '" +
                             delta_dir_.string() + "'");
  }

  fs::path dn_snapshot_path() const { return delta_dir_ / ".export-dns"; }

  // The DNs an export validates against: from the DN snapshot when it matches the content
  // file and a prefix of the change files exactly (then only the change files after that
  // prefix are read), else from all the files.
  Status load_export_state(ExportState& ex, const std::vector<std::string>& files) {
    std::optional<FileStamp> content = stamp_file(path_, path_.string());
    if (!content) return Status::Error(ErrorCode::kIoError, "cannot read LDIF file '" + path_.string() + "'");
    std::vector<FileStamp> stamps{*content};
    for (const std::string& name : files) {
      std::optional<FileStamp> st = stamp_file(delta_dir_ / name, name);
      if (!st)
        return Status::Error(ErrorCode::kIoError, "cannot read change file '" + (delta_dir_ / name).string() + "'");
      stamps.push_back(std::move(*st));
    }
    ex.stamps = stamps;
    std::optional<DnSnapshotFile> snapshot = open_dn_snapshot(dn_snapshot_path());
    const bool matches = snapshot && !snapshot->files.empty() && snapshot->files.size() <= stamps.size() &&
                         std::equal(snapshot->files.begin(), snapshot->files.end(), stamps.begin());
    if (matches) {
      const std::string context = dn_snapshot_path().string();
      Status s = snapshot->each_dn([&](std::string_view dn) { return ex.state->add_dn(dn, context); });
      if (s.ok()) {
        const std::vector<std::string> newer(files.begin() + static_cast<std::ptrdiff_t>(snapshot->files.size() - 1),
                                             files.end());
        ex.from_snapshot = newer.empty();
        snapshot.reset();  // its bytes are in the DN view now
        return load_state(*ex.state, newer, false);
      }
      ex.state = std::make_unique<DnDirectory>();  // an inconsistent snapshot: read the files
    }
    snapshot.reset();
    return load_state(*ex.state, files, true);
  }

  // A cache for the next export: when it cannot be written, that export reads the files (an
  // older snapshot stays usable: its files are a prefix of the new list).
  void save_dn_snapshot(const ExportState& ex) const {
    const DnDirectory& dns = *ex.state;
    (void)write_dn_snapshot(dn_snapshot_path(), ex.stamps, dns.live_count(),
                            [&](const std::function<void(std::string_view)>& sink) { dns.for_each_live_dn(sink); });
  }

  // Fills a DirectoryState (full import) or a DnDirectory (export): the same calls.
  template <typename State>
  Status load_state(State& state, const std::vector<std::string>& files, bool have_content) {
    LdifRecord rec;
    if (have_content) {
      std::ifstream in;
      IDSYNC_RETURN_IF_ERROR(open_input(path_, in));
      const std::string name = path_.filename().string();
      LdifReader reader(in, name);
      reader.set_names_only(!state.keeps_attributes());
      for (;;) {
        auto more = reader.next(rec);
        if (!more.ok()) return more.status();
        if (!*more) break;
        IDSYNC_RETURN_IF_ERROR(check_content_record(rec));
        IDSYNC_RETURN_IF_ERROR(
            state.add(std::move(rec.entry), name + " line " + std::to_string(rec.line)));
      }
    }
    for (const std::string& name : files) {
      std::ifstream in;
      IDSYNC_RETURN_IF_ERROR(open_input(delta_dir_ / name, in));
      LdifReader reader(in, name);
      // An export only validates DNs: the values of content and add records (almost all of
      // what a first export wrote) are not copied only to be dropped by DirectoryState.
      reader.set_names_only(!state.keeps_attributes());
      for (;;) {
        auto more = reader.next(rec);
        if (!more.ok()) return more.status();
        if (!*more) break;
        EntryChange change = rec.is_change ? std::move(rec.change) : to_add(std::move(rec.entry));
        IDSYNC_RETURN_IF_ERROR(state.apply(change, name + " line " + std::to_string(rec.line)));
      }
    }
    return Status::Ok();
  }

  bool wanted(std::string_view object_type) const {
    if (object_types_.empty()) return true;
    for (const std::string& t : object_types_)
      if (iequals(t, object_type)) return true;
    return false;
  }

  std::string anchor_of(const std::vector<Attribute>& attrs) const {
    if (anchor_attr_.empty()) return {};
    for (const Attribute& a : attrs)
      if (iequals(a.name, anchor_attr_) && !a.values.empty()) return a.values.front();
    return {};
  }

  EntryChange to_add(Entry&& entry) const {
    EntryChange c;
    c.kind = ChangeKind::kAdd;
    c.anchor = anchor_of(entry.attributes);
    c.dn = std::move(entry.dn);
    c.object_type = std::move(entry.object_type);
    c.attributes = std::move(entry.attributes);
    return c;
  }

  // "<UTC yyyymmddThhmmssZ>-<6-digit seq>.ldif", sorting after `last_existing`.
  static std::string next_change_file_name(const std::string& last_existing) {
    std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    std::string name = std::string(stamp) + "-000001.ldif";
    if (name > last_existing) return name;
    // Same second (or a clock behind the newest file): continue the newest file's sequence.
    const std::string stem = last_existing.substr(0, last_existing.size() - 5);
    size_t dash = stem.rfind('-');
    if (dash != std::string::npos && stem.size() - dash - 1 == 6 &&
        std::all_of(stem.begin() + static_cast<std::ptrdiff_t>(dash) + 1, stem.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      unsigned long seq = std::stoul(stem.substr(dash + 1)) + 1;
      if (seq <= 999999) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%06lu", seq);
        return stem.substr(0, dash + 1) + buf + ".ldif";
      }
    }
    return stem + "_000001.ldif";  // '_' sorts after '-' and '.'
  }

  ConnectorConfig config_;
  fs::path path_;
  fs::path delta_dir_;
  std::string anchor_attr_;
  bool assign_anchor_ = false;
  std::vector<std::string> object_types_;
  std::unique_ptr<ExportState> export_;
};

}  // namespace

Result<std::unique_ptr<Connector>> create_ldif_connector(const ConnectorConfig& config) {
  auto c = std::make_unique<LdifConnector>(config);
  IDSYNC_RETURN_IF_ERROR(c->init());
  return std::unique_ptr<Connector>(std::move(c));
}

}  // namespace idsync::file
