// The "csv" connector: one object per row, a header row naming the columns.
//
// A CSV file has no change history, so only full import exists; export loads the file,
// applies the changes in memory and rewrites it (temp file + rename, so a crash leaves the
// old file intact).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "file_util.h"
#include "idsync/dn.h"
#include "idsync/file/csv.h"
#include "idsync/file/file_connectors.h"
#include "idsync/value_types.h"

namespace idsync::file {

namespace fs = std::filesystem;

namespace {

class CsvConnector final : public Connector {
 public:
  explicit CsvConnector(ConnectorConfig config) : config_(std::move(config)) {}

  Status init() {
    path_ = config_.option("path");
    if (path_.empty())
      return Status::Error(ErrorCode::kInvalidArgument, "option 'path' is required: the CSV file");
    dn_column_ = config_.option("dn_column", "dn");
    if (dn_column_.empty())
      return Status::Error(ErrorCode::kInvalidArgument, "option 'dn_column' must not be empty");
    anchor_column_ = config_.option("anchor");
    object_type_ = config_.option("object_type", "person");
    object_type_column_ = config_.option("object_type_column");
    std::string delim = config_.option("delimiter", ",");
    if (delim == "tab" || delim == "\\t") delim = "\t";
    if (delim.size() != 1 || delim == "\"" || delim == "\n" || delim == "\r")
      return Status::Error(ErrorCode::kInvalidArgument,
                           "option 'delimiter' must be one character other than a quote or a "
                           "line break (or 'tab'), not '" + config_.option("delimiter") + "'");
    delimiter_ = delim[0];
    separator_ = config_.option("multi_value_separator", ";");
    if (!separator_.empty() && separator_.find(delimiter_) != std::string::npos)
      return Status::Error(ErrorCode::kInvalidArgument,
                           "option 'multi_value_separator' must differ from the delimiter");
    return Status::Ok();
  }

  ConnectorCapabilities capabilities() const override {
    ConnectorCapabilities c;
    c.full_import = true;
    c.delta_import = false;
    c.export_changes = true;
    c.rename = true;
    c.assigns_anchor = false;
    return c;
  }

  Result<ConnectorSchema> discover_schema() override {
    Table table;
    IDSYNC_RETURN_IF_ERROR(load(table, false));
    ConnectorSchema schema;
    std::unordered_map<std::string, size_t> seen;
    std::vector<SchemaObjectType> types;
    std::vector<std::unordered_map<std::string, bool>> type_attrs;
    // Every column is an attribute, even when all its cells are empty.
    for (const std::string& col : table.columns) {
      SchemaAttribute a{col, AttrType::kString, false};
      if (const SchemaAttribute* declared = config_.schema.find_attribute(col)) a.type = declared->type;
      seen.emplace(to_lower_ascii(col), schema.attributes.size());
      schema.attributes.push_back(std::move(a));
    }
    for (const Entry& e : table.rows) {
      size_t t = 0;
      for (; t < types.size(); ++t)
        if (iequals(types[t].name, e.object_type)) break;
      if (t == types.size()) {
        types.push_back(SchemaObjectType{e.object_type, {}});
        type_attrs.emplace_back();
      }
      for (const Attribute& a : e.attributes) {
        auto it = seen.find(to_lower_ascii(a.name));
        if (it == seen.end()) continue;
        SchemaAttribute& sa = schema.attributes[it->second];
        if (a.values.size() > 1) sa.multi_valued = true;
        if (type_attrs[t].emplace(it->first, true).second) types[t].attributes.push_back(sa.name);
      }
    }
    for (SchemaAttribute& a : schema.attributes)
      if (!splits(a.name) && a.multi_valued) a.multi_valued = false;
    schema.object_types = std::move(types);
    return schema;
  }

  Status full_import(ImportSink& sink, std::string& watermark) override {
    std::ifstream in(path_, std::ios::binary);
    if (!in)
      return Status::Error(ErrorCode::kNotFound, "CSV file '" + path_.string() +
                                                     "' cannot be opened; check option 'path'");
    CsvReader reader(in, delimiter_, path_.filename().string());
    std::vector<std::string> header, fields;
    IDSYNC_RETURN_IF_ERROR(read_header(reader, header));
    std::unordered_map<std::string, uint64_t> dns;  // normalized DN → line
    uint64_t count = 0;
    for (;;) {
      auto more = reader.next(fields);
      if (!more.ok()) return more.status();
      if (!*more) break;
      auto entry = row_to_entry(header, fields, reader.row_line());
      if (!entry.ok()) return entry.status();
      IDSYNC_RETURN_IF_ERROR(check_unique(dns, entry->dn, reader.row_line()));
      EntryChange c;
      c.kind = ChangeKind::kAdd;
      c.dn = std::move(entry->dn);
      c.object_type = std::move(entry->object_type);
      c.anchor = std::move(entry->anchor);
      c.attributes = std::move(entry->attributes);
      IDSYNC_RETURN_IF_ERROR(sink.on_change(std::move(c)));
      if (++count % 10000 == 0) sink.on_progress(count);
    }
    sink.on_progress(count);
    watermark.clear();
    return Status::Ok();
  }

  Status delta_import(ImportSink& /*sink*/, std::string& /*watermark*/) override {
    return Status::Error(ErrorCode::kUnsupported,
                         "CSV files carry no change history; run a Full Import instead");
  }

  Status begin_export() override {
    if (exporting_)
      return Status::Error(ErrorCode::kInternal, "begin_export called twice without end_export");
    table_ = Table{};
    IDSYNC_RETURN_IF_ERROR(load(table_, true));
    index_.clear();
    for (size_t i = 0; i < table_.rows.size(); ++i) {
      auto norm = normalize_dn(table_.rows[i].dn);
      if (!norm.ok()) return norm.status().with_context(path_.filename().string());
      index_[*norm] = i;
    }
    alive_.assign(table_.rows.size(), true);
    exporting_ = true;
    changed_ = false;
    return Status::Ok();
  }

  ExportResult export_change(const EntryChange& change) override {
    ExportResult result;
    if (!exporting_) {
      result.status = Status::Error(ErrorCode::kInternal, "export_change called before begin_export");
      return result;
    }
    auto fail = [&](const std::string& what) {
      result.status = Status::Error(ErrorCode::kConnectorError,
                                    "export to '" + path_.filename().string() + "': " + what);
      return result;
    };
    auto norm = normalize_dn(change.dn);
    if (!norm.ok()) {
      result.status = norm.status();
      return result;
    }
    auto it = index_.find(*norm);
    if (change.kind == ChangeKind::kAdd) {
      if (it != index_.end()) return fail("cannot add '" + change.dn + "': a row with that DN exists");
      Entry e;
      e.dn = change.dn;
      e.object_type = change.object_type.empty() ? object_type_ : change.object_type;
      e.attributes = change.attributes;
      if (!anchor_column_.empty() && e.find(anchor_column_) == nullptr && !change.anchor.empty())
        e.set(anchor_column_, {change.anchor});
      std::string problem = check_cells(e);
      if (!problem.empty()) return fail(problem);
      index_[*norm] = table_.rows.size();
      table_.rows.push_back(std::move(e));
      alive_.push_back(true);
      changed_ = true;
      return result;
    }
    if (it == index_.end())
      return fail(std::string("cannot ") + change_kind_name(change.kind) + " '" + change.dn +
                  "': no such row");
    const size_t pos = it->second;
    if (change.kind == ChangeKind::kDelete) {
      alive_[pos] = false;
      index_.erase(it);
      changed_ = true;
      return result;
    }
    Entry updated = table_.rows[pos];
    std::string new_norm = *norm;
    if (change.kind == ChangeKind::kRename) {
      auto nn = normalize_dn(change.new_dn);
      if (!nn.ok()) {
        result.status = nn.status();
        return result;
      }
      if (*nn != *norm && index_.count(*nn) != 0)
        return fail("cannot rename '" + change.dn + "' to '" + change.new_dn +
                    "': a row with that DN exists");
      new_norm = *nn;
      updated.dn = change.new_dn;
    }
    apply_attribute_changes(updated, change.changes);
    if (!change.object_type.empty()) updated.object_type = change.object_type;
    std::string problem = check_cells(updated);
    if (!problem.empty()) return fail(problem);
    table_.rows[pos] = std::move(updated);
    if (new_norm != *norm) {
      index_.erase(*norm);
      index_[new_norm] = pos;
    }
    changed_ = true;
    return result;
  }

  Status end_export() override {
    if (!exporting_) return Status::Error(ErrorCode::kInternal, "end_export called before begin_export");
    exporting_ = false;
    if (!changed_ && table_.existed) return Status::Ok();
    // Columns: the file's own order, then new attributes in order of first appearance.
    std::vector<std::string> columns = table_.columns;
    std::unordered_map<std::string, size_t> col_index;
    for (size_t i = 0; i < columns.size(); ++i) col_index.emplace(to_lower_ascii(columns[i]), i);
    for (size_t r = 0; r < table_.rows.size(); ++r) {
      if (!alive_[r]) continue;
      for (const Attribute& a : table_.rows[r].attributes) {
        if (a.values.empty()) continue;
        if (col_index.emplace(to_lower_ascii(a.name), columns.size()).second) columns.push_back(a.name);
      }
    }
    std::error_code ec;
    if (path_.has_parent_path()) fs::create_directories(path_.parent_path(), ec);
    fs::path temp = path_;
    temp += ".tmp";
    IDSYNC_RETURN_IF_ERROR(create_private_file(temp));
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      if (!out) return Status::Error(ErrorCode::kIoError, "cannot create '" + temp.string() + "'");
      CsvWriter writer(out, delimiter_);
      std::vector<std::string> row;
      row.push_back(dn_column_);
      if (!object_type_column_.empty()) row.push_back(object_type_column_);
      row.insert(row.end(), columns.begin(), columns.end());
      Status s = writer.write_row(row);
      for (size_t r = 0; s.ok() && r < table_.rows.size(); ++r) {
        if (!alive_[r]) continue;
        const Entry& e = table_.rows[r];
        row.assign(1, e.dn);
        if (!object_type_column_.empty()) row.push_back(e.object_type);
        for (const std::string& col : columns) {
          const Attribute* a = e.find(col);
          row.push_back(a == nullptr ? std::string() : cell_of(*a));
        }
        s = writer.write_row(row);
      }
      if (s.ok()) {
        out.flush();
        if (!out) s = Status::Error(ErrorCode::kIoError, "writing '" + temp.string() + "' failed");
      }
      if (!s.ok()) {
        out.close();
        fs::remove(temp, ec);
        return s;
      }
    }
    return fsync_and_rename(temp, path_);
  }

 private:
  struct Table {
    bool existed = false;
    std::vector<std::string> columns;  // attribute columns in file order
    std::vector<Entry> rows;
  };

  // Attributes split on the separator: all but those the schema declares single-valued.
  bool splits(std::string_view attr) const {
    if (separator_.empty()) return false;
    const SchemaAttribute* declared = config_.schema.find_attribute(attr);
    return declared == nullptr || declared->multi_valued;
  }
  bool is_binary(std::string_view attr) const {
    const SchemaAttribute* declared = config_.schema.find_attribute(attr);
    return declared != nullptr && declared->type == AttrType::kBinary;
  }

  std::string cell_of(const Attribute& a) const {
    std::string cell;
    const bool binary = is_binary(a.name);
    for (size_t i = 0; i < a.values.size(); ++i) {
      if (i > 0) cell += separator_;
      if (binary) {
        base64_encode_to(a.values[i], cell);
      } else {
        cell += a.values[i];
      }
    }
    return cell;
  }

  // Why a value cannot be written to a cell and read back the same; empty when it can.
  std::string check_cells(const Entry& e) const {
    for (const Attribute& a : e.attributes) {
      if (iequals(a.name, dn_column_) ||
          (!object_type_column_.empty() && iequals(a.name, object_type_column_)))
        return "attribute '" + a.name + "' of '" + e.dn + "' has the name of a reserved column";
      if (a.values.size() > 1 && !splits(a.name))
        return "attribute '" + a.name + "' of '" + e.dn + "' has " + std::to_string(a.values.size()) +
               " values but cannot be multi-valued in this CSV (set multi_value_separator or "
               "declare it multi-valued)";
      if (is_binary(a.name) || separator_.empty() || !splits(a.name)) continue;
      for (const std::string& v : a.values) {
        if (v.empty() && a.values.size() > 1)
          return "attribute '" + a.name + "' of '" + e.dn + "' has an empty value among several";
        if (v.find(separator_) != std::string::npos)
          return "value '" + v + "' of '" + a.name + "' for '" + e.dn +
                 "' contains the multi-value separator '" + separator_ +
                 "'; choose another multi_value_separator";
      }
    }
    return {};
  }

  Status read_header(CsvReader& reader, std::vector<std::string>& header) const {
    auto more = reader.next(header);
    if (!more.ok()) return more.status();
    const std::string file = path_.filename().string();
    if (!*more)
      return Status::Error(ErrorCode::kParseError,
                           file + ": the file is empty; the first row must name the columns");
    bool has_dn = false, has_type = object_type_column_.empty();
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i].empty())
        return Status::Error(ErrorCode::kParseError,
                             file + " line 1: column " + std::to_string(i + 1) + " has no name");
      for (size_t j = 0; j < i; ++j)
        if (iequals(header[i], header[j]))
          return Status::Error(ErrorCode::kParseError,
                               file + " line 1: column '" + header[i] + "' appears twice");
      has_dn = has_dn || iequals(header[i], dn_column_);
      has_type = has_type || iequals(header[i], object_type_column_);
    }
    if (!has_dn)
      return Status::Error(ErrorCode::kParseError,
                           file + " line 1: no DN column '" + dn_column_ +
                               "' in the header; set option 'dn_column'");
    if (!has_type)
      return Status::Error(ErrorCode::kParseError,
                           file + " line 1: no object type column '" + object_type_column_ +
                               "' in the header; check option 'object_type_column'");
    return Status::Ok();
  }

  Result<Entry> row_to_entry(const std::vector<std::string>& header,
                             std::vector<std::string>& fields, uint64_t line) const {
    const std::string where = path_.filename().string() + " line " + std::to_string(line);
    if (fields.size() != header.size())
      return Status::Error(ErrorCode::kParseError,
                           where + ": the row has " + std::to_string(fields.size()) +
                               " fields but the header has " + std::to_string(header.size()));
    Entry e;
    e.object_type = object_type_;
    for (size_t i = 0; i < header.size(); ++i) {
      if (iequals(header[i], dn_column_)) {
        e.dn = std::move(fields[i]);
        continue;
      }
      if (!object_type_column_.empty() && iequals(header[i], object_type_column_)) {
        e.object_type = std::move(fields[i]);
        continue;
      }
      if (fields[i].empty()) continue;
      ValueList values;
      if (splits(header[i])) {
        std::string_view cell = fields[i];
        size_t start = 0;
        while (start <= cell.size()) {
          size_t end = cell.find(separator_, start);
          if (end == std::string_view::npos) end = cell.size();
          if (end > start) values.emplace_back(cell.substr(start, end - start));
          start = end + separator_.size();
        }
      } else {
        values.push_back(std::move(fields[i]));
      }
      if (is_binary(header[i])) {
        for (std::string& v : values) {
          auto decoded = base64_decode(v);
          if (!decoded)
            return Status::Error(ErrorCode::kParseError,
                                 where + " (entry '" + e.dn + "'): value of binary attribute '" +
                                     header[i] + "' is not valid base64");
          v = std::move(*decoded);
        }
      }
      e.attributes.push_back(Attribute{header[i], std::move(values)});
    }
    if (e.dn.empty())
      return Status::Error(ErrorCode::kParseError, where + ": the DN column '" + dn_column_ + "' is empty");
    if (e.object_type.empty())
      return Status::Error(ErrorCode::kParseError, where + " (entry '" + e.dn +
                                                       "'): the object type column '" +
                                                       object_type_column_ + "' is empty");
    if (!anchor_column_.empty()) e.anchor = std::string(e.first(anchor_column_));
    return e;
  }

  Status check_unique(std::unordered_map<std::string, uint64_t>& dns, const std::string& dn,
                      uint64_t line) const {
    auto norm = normalize_dn(dn);
    const std::string where = path_.filename().string() + " line " + std::to_string(line);
    if (!norm.ok()) return norm.status().with_context(where);
    auto [it, inserted] = dns.emplace(std::move(*norm), line);
    if (!inserted)
      return Status::Error(ErrorCode::kParseError, where + ": DN '" + dn +
                                                       "' appears again (first on line " +
                                                       std::to_string(it->second) + ")");
    return Status::Ok();
  }

  // Reads the whole file; a missing file is an empty table when `missing_ok`.
  Status load(Table& table, bool missing_ok) const {
    std::error_code ec;
    if (!fs::exists(path_, ec)) {
      if (missing_ok) return Status::Ok();
      return Status::Error(ErrorCode::kNotFound, "CSV file '" + path_.string() +
                                                     "' does not exist; check option 'path'");
    }
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Status::Error(ErrorCode::kIoError, "cannot open CSV file '" + path_.string() + "'");
    table.existed = true;
    CsvReader reader(in, delimiter_, path_.filename().string());
    std::vector<std::string> header, fields;
    IDSYNC_RETURN_IF_ERROR(read_header(reader, header));
    for (const std::string& h : header)
      if (!iequals(h, dn_column_) && !(!object_type_column_.empty() && iequals(h, object_type_column_)))
        table.columns.push_back(h);
    std::unordered_map<std::string, uint64_t> dns;
    for (;;) {
      auto more = reader.next(fields);
      if (!more.ok()) return more.status();
      if (!*more) break;
      auto entry = row_to_entry(header, fields, reader.row_line());
      if (!entry.ok()) return entry.status();
      IDSYNC_RETURN_IF_ERROR(check_unique(dns, entry->dn, reader.row_line()));
      table.rows.push_back(std::move(*entry));
    }
    return Status::Ok();
  }

  ConnectorConfig config_;
  fs::path path_;
  std::string dn_column_;
  std::string anchor_column_;
  std::string object_type_;
  std::string object_type_column_;
  char delimiter_ = ',';
  std::string separator_;

  bool exporting_ = false;
  bool changed_ = false;
  Table table_;
  std::vector<bool> alive_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace

Result<std::unique_ptr<Connector>> create_csv_connector(const ConnectorConfig& config) {
  auto c = std::make_unique<CsvConnector>(config);
  IDSYNC_RETURN_IF_ERROR(c->init());
  return std::unique_ptr<Connector>(std::move(c));
}

}  // namespace idsync::file
