// The public connector interface: the only thing a connector driver sees of IdSync.
//
// A Connector reads and writes one directory. The engine owns it, calls it from one thread at
// a time, and destroys it after the run step. Import streams records into an ImportSink so a
// million-object directory never needs to be held twice. Every error names the object (DN or
// line) and says what to do; a failure on one object during export is reported in its
// ExportResult and the export goes on.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "idsync/entry.h"
#include "idsync/status.h"

namespace idsync {

struct ConnectorCapabilities {
  bool full_import = true;
  bool delta_import = false;
  bool export_changes = false;  // add / modify / delete
  bool rename = false;          // DN changes (modrdn)
  bool assigns_anchor = false;  // the directory creates the anchor on add (returned on export)
};

struct SchemaAttribute {
  std::string name;
  AttrType type = AttrType::kString;
  bool multi_valued = false;
};

struct SchemaObjectType {
  std::string name;
  std::vector<std::string> attributes;  // names from ConnectorSchema::attributes
};

struct ConnectorSchema {
  std::vector<SchemaAttribute> attributes;
  std::vector<SchemaObjectType> object_types;
  const SchemaAttribute* find_attribute(std::string_view name) const;
};

// How an administrator configures a connector: a type ("ldif", "csv", ...) and named options
// whose meaning belongs to the driver. Secrets are never stored here in clear: options name a
// file or an environment variable that holds them.
struct ConnectorConfig {
  std::string name;
  std::string type;
  std::map<std::string, std::string> options;
  // The schema the administrator declared or the last discovery returned. Drivers use it to
  // decode values (e.g. which attributes are binary).
  ConnectorSchema schema;

  // Option value or `fallback`.
  std::string option(const std::string& key, const std::string& fallback = "") const;
};

// Receives imported objects, one at a time, in directory order. Returning an error stops the
// import; the driver returns that Status from the import call.
class ImportSink {
 public:
  virtual ~ImportSink() = default;
  // Full import: every object present in the directory, as kAdd records with a full entry.
  // Delta import: kAdd (full entry), kModify (changes), kDelete, kRename.
  virtual Status on_change(EntryChange&& change) = 0;
  // Progress for long imports: objects read so far. Default: ignored.
  virtual void on_progress(uint64_t /*objects_read*/) {}
};

struct ExportResult {
  Status status;             // per object: a rejected value is not a failed run
  std::string new_anchor;    // when the directory assigned one on add
};

class Connector {
 public:
  virtual ~Connector() = default;
  Connector() = default;
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  virtual ConnectorCapabilities capabilities() const = 0;

  // Reads the directory's schema. File connectors derive it from their configuration and data.
  virtual Result<ConnectorSchema> discover_schema() = 0;

  // The types the directory itself gives its attributes, used for an attribute the configured
  // schema (ConnectorConfig::schema) does not declare; where the configured schema declares an
  // attribute, it wins. The engine asks once before every import, so this must cost far less
  // than the import (AD: the subschema entry, not the data). Without it an undeclared binary
  // attribute such as objectSid would be stored as a string. Default: none (every undeclared
  // attribute is a string).
  virtual Result<ConnectorSchema> attribute_types() { return ConnectorSchema{}; }

  // Values the directory itself defines for rule parameters (%Domain.FQDN%, %Domain.Netbios%,
  // %Domain.LDAP%, %Forest.*% for AD, read from the rootDSE). The engine asks before every
  // import and keeps them with the connector for its rules; parameters set explicitly in the
  // connector definition win. Default: none.
  virtual Result<std::map<std::string, std::string>> discover_parameters() {
    return std::map<std::string, std::string>{};
  }

  // Reads every object. `watermark` receives the position a later delta import starts from.
  virtual Status full_import(ImportSink& sink, std::string& watermark) = 0;

  // Reads the changes since `watermark` and updates it. Drivers without delta support return
  // kUnsupported with a message that says to run a full import.
  virtual Status delta_import(ImportSink& sink, std::string& watermark) = 0;

  // Export: begin, one call per object change, then end (which makes the changes durable).
  // Objects are given in a stable order: adds and modifies parents-first, deletes last.
  virtual Status begin_export() = 0;
  virtual ExportResult export_change(const EntryChange& change) = 0;
  // Several changes at once, in the order above; one result per change, in the same order.
  // Drivers that can overlap requests (SCIM over HTTP) override both; the engine hands over
  // at most export_batch_size() changes per call. Default: export_change one by one.
  virtual std::vector<ExportResult> export_changes(const std::vector<const EntryChange*>& changes);
  virtual size_t export_batch_size() const { return 1; }
  virtual Status end_export() = 0;
};

using ConnectorFactory =
    std::function<Result<std::unique_ptr<Connector>>(const ConnectorConfig& config)>;

// Maps connector type names to factories. Drivers register themselves through a function
// of their library (e.g. register_file_connectors); the engine only creates through here.
class ConnectorRegistry {
 public:
  void add(std::string type, ConnectorFactory factory);
  Result<std::unique_ptr<Connector>> create(const ConnectorConfig& config) const;
  bool has(const std::string& type) const;
  std::vector<std::string> types() const;

 private:
  std::map<std::string, ConnectorFactory> factories_;
};

}  // namespace idsync
