// Entra Connect configuration export → IdSync Configuration (see idsync/entra_import.h).
#include "idsync/entra_import.h"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <set>
#include <unordered_map>

#include "idsync/expression.h"

namespace idsync {

namespace {

namespace fs = std::filesystem;

// Internal: an error naming the XML file and element, thrown to the top of the import.
struct ImportError {
  Status status;
};

[[noreturn]] void fail(ErrorCode code, const std::string& file, const std::string& element, const std::string& what) {
  throw ImportError{Status::Error(code, file + ": " + (element.empty() ? "" : "element " + element + ": ") + what)};
}

std::string_view local_name(std::string_view name) {
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// "/synchronizationRule/attribute-mappings/mapping[3]/dest" (1-based index among same-named siblings).
std::string element_path(pugi::xml_node n) {
  std::string out;
  for (; n && n.type() == pugi::node_element; n = n.parent()) {
    std::string part = n.name();
    size_t index = 1, count = 0;
    for (pugi::xml_node s = n.parent().first_child(); s; s = s.next_sibling()) {
      if (s.type() != pugi::node_element || std::string_view(s.name()) != n.name()) continue;
      ++count;
      if (s == n) index = count;
    }
    if (count > 1) part += "[" + std::to_string(index) + "]";
    out = "/" + part + out;
  }
  return "<" + (out.empty() ? std::string("?") : out) + ">";
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Child by local name (namespace prefixes such as "dsml:" ignored).
pugi::xml_node child(pugi::xml_node n, std::string_view name) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c.name()) == name) return c;
  return {};
}

std::vector<pugi::xml_node> children(pugi::xml_node n, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c.name()) == name) out.push_back(c);
  return out;
}

pugi::xml_node descendant(pugi::xml_node n, std::string_view name) {
  return n.find_node([name](pugi::xml_node c) { return c.type() == pugi::node_element && local_name(c.name()) == name; });
}

std::string text_of(pugi::xml_node n) { return n ? trim(n.child_value()) : std::string(); }
std::string child_text(pugi::xml_node n, std::string_view name) { return text_of(child(n, name)); }

bool has_element_children(pugi::xml_node n) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) return true;
  return false;
}

std::string required_text(const std::string& file, pugi::xml_node parent, std::string_view name) {
  pugi::xml_node c = child(parent, name);
  if (!c) fail(ErrorCode::kParseError, file, element_path(parent), "missing child <" + std::string(name) + ">");
  std::string t = text_of(c);
  if (t.empty()) fail(ErrorCode::kParseError, file, element_path(c), "is empty");
  return t;
}

bool parse_bool_text(const std::string& file, pugi::xml_node n, bool fallback) {
  if (!n) return fallback;
  std::string t = to_lower_ascii(text_of(n));
  if (t.empty()) return fallback;
  if (t == "true" || t == "1") return true;
  if (t == "false" || t == "0") return false;
  fail(ErrorCode::kParseError, file, element_path(n), "'" + text_of(n) + "' is not True or False");
}

// "{AE4DB4CC-...}" / "ae4db4cc-..." → "ae4db4cc-..."
std::string guid_key(std::string_view s) {
  std::string t = to_lower_ascii(trim(s));
  if (!t.empty() && t.front() == '{') t.erase(0, 1);
  if (!t.empty() && t.back() == '}') t.pop_back();
  return t;
}

bool is_null_guid(std::string_view s) {
  std::string k = guid_key(s);
  return k.empty() || k.find_first_not_of("0-") == std::string::npos;
}

std::string join_list(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string display_path(const fs::path& p, const fs::path& root) {
  std::error_code ec;
  fs::path rel = fs::relative(p, root, ec);
  return (ec || rel.empty() ? p : rel).generic_string();
}

void load_xml(const fs::path& path, const std::string& shown, pugi::xml_document& doc) {
  pugi::xml_parse_result r = doc.load_file(path.c_str(), pugi::parse_default, pugi::encoding_auto);
  if (!r)
    fail(ErrorCode::kParseError, shown, "",
         std::string("not well-formed XML at byte ") + std::to_string(r.offset) + ": " + r.description());
}

std::vector<fs::path> xml_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && to_lower_ascii(it->path().extension().string()) == ".xml") out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

// Files beside the XML ones are not read; the report says so rather than dropping them quietly.
void report_other_files(const fs::path& dir, const std::string& shown_dir, EntraImportReport& report) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    bool xml = it->is_regular_file() && to_lower_ascii(it->path().extension().string()) == ".xml";
    if (!xml)
      report.skipped.push_back(shown_dir + it->path().filename().string() + ": not an XML file of the export; not read");
  }
}

// Children of `node` that the importer does not read, reported as not carried.
void report_unknown_children(pugi::xml_node node, std::initializer_list<std::string_view> known,
                             const std::string& who, EntraImportReport& report) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    bool read = false;
    for (std::string_view k : known) read = read || k == c.name();
    if (!read)
      report.skipped.push_back(who + ": element <" + std::string(node.name()) + "/" + c.name() +
                               "> not understood; not carried");
  }
}

// ---- DSML schema ----

// LDAP / AD syntax OIDs as the sync engine's DSML writes them.
std::optional<AttrType> syntax_type(std::string_view oid) {
  static const std::pair<std::string_view, AttrType> kSyntaxes[] = {
      {"1.3.6.1.4.1.1466.115.121.1.15", AttrType::kString},     // Directory String
      {"1.3.6.1.4.1.1466.115.121.1.26", AttrType::kString},     // IA5 String
      {"1.3.6.1.4.1.1466.115.121.1.44", AttrType::kString},     // Printable String
      {"1.3.6.1.4.1.1466.115.121.1.36", AttrType::kString},     // Numeric String
      {"1.3.6.1.4.1.1466.115.121.1.38", AttrType::kString},     // OID
      {"1.3.6.1.4.1.1466.115.121.1.43", AttrType::kString},     // Presentation Address
      {"1.2.840.113556.1.4.905", AttrType::kString},            // Case-sensitive (Teletex) string
      {"1.2.840.113556.1.4.903", AttrType::kString},            // DN-Binary (value includes binary data)
      {"1.2.840.113556.1.4.904", AttrType::kString},            // DN-String
      {"1.3.6.1.4.1.1466.115.121.1.12", AttrType::kReference},  // DN
      {"1.2.840.113556.1.4.1221", AttrType::kReference},        // OR-Name (a DN)
      {"1.3.6.1.4.1.1466.115.121.1.27", AttrType::kInteger},    // Integer
      {"1.2.840.113556.1.4.906", AttrType::kInteger},           // Large Integer
      {"1.3.6.1.4.1.1466.115.121.1.7", AttrType::kBoolean},     // Boolean
      {"1.3.6.1.4.1.1466.115.121.1.5", AttrType::kBinary},      // Binary
      {"1.3.6.1.4.1.1466.115.121.1.40", AttrType::kBinary},     // Octet String
      {"1.2.840.113556.1.4.907", AttrType::kBinary},            // NT Security Descriptor
      {"1.3.6.1.4.1.1466.115.121.1.24", AttrType::kDateTime},   // Generalized Time
      {"1.3.6.1.4.1.1466.115.121.1.53", AttrType::kDateTime},   // UTC Time
  };
  for (const auto& [o, t] : kSyntaxes)
    if (o == oid) return t;
  return std::nullopt;
}

struct DsmlClass {
  std::string name;
  std::string superior;  // class id
  std::string kind;      // structural / auxiliary / abstract
  std::vector<std::string> attribute_ids;
};

struct Dsml {
  std::vector<std::string> attr_ids;  // document order
  std::unordered_map<std::string, SchemaAttribute> attrs;
  std::unordered_map<std::string, std::string> attr_id_by_lower_name;
  std::vector<std::string> class_ids;
  std::unordered_map<std::string, DsmlClass> classes;
  std::set<std::string> unknown_syntaxes;

  const DsmlClass* find_class(std::string_view name) const {
    for (const std::string& id : class_ids)
      if (iequals(classes.at(id).name, name)) return &classes.at(id);
    return nullptr;
  }
  // Names of the class's attributes and those of its superiors, own first.
  std::vector<std::string> class_attribute_names(const DsmlClass& c) const {
    std::vector<std::string> out;
    std::set<std::string> seen, visited;
    for (const DsmlClass* k = &c; k != nullptr;) {
      for (const std::string& id : k->attribute_ids) {
        auto it = attrs.find(id);
        if (it != attrs.end() && seen.insert(to_lower_ascii(it->second.name)).second) out.push_back(it->second.name);
      }
      if (k->superior.empty() || !visited.insert(k->superior).second) break;
      auto it = classes.find(k->superior);
      k = it == classes.end() ? nullptr : &it->second;
    }
    return out;
  }
};

std::string ref_id(std::string_view ref) {
  std::string r = trim(ref);
  if (!r.empty() && r.front() == '#') r.erase(0, 1);
  return r;
}

Dsml parse_dsml(const std::string& file, pugi::xml_node schema_node) {
  Dsml d;
  pugi::xml_node ds = descendant(schema_node, "directory-schema");
  if (!ds) fail(ErrorCode::kParseError, file, element_path(schema_node), "no <dsml:directory-schema> inside");
  for (pugi::xml_node a : children(ds, "attribute-type")) {
    std::string id = a.attribute("id").as_string();
    SchemaAttribute attr;
    attr.name = child_text(a, "name");
    if (attr.name.empty()) attr.name = id;
    if (id.empty()) id = attr.name;
    if (attr.name.empty()) fail(ErrorCode::kParseError, file, element_path(a), "attribute type without a name");
    std::string syntax = child_text(a, "syntax");
    auto t = syntax_type(syntax);
    if (!t) d.unknown_syntaxes.insert(attr.name + " (" + (syntax.empty() ? "no syntax" : syntax) + ")");
    attr.type = t.value_or(AttrType::kString);
    attr.multi_valued = !iequals(a.attribute("single-value").as_string(), "true");
    d.attr_id_by_lower_name.emplace(to_lower_ascii(attr.name), id);
    if (d.attrs.emplace(id, std::move(attr)).second) d.attr_ids.push_back(id);
  }
  for (pugi::xml_node c : children(ds, "class")) {
    std::string id = c.attribute("id").as_string();
    DsmlClass k;
    k.name = child_text(c, "name");
    if (k.name.empty()) k.name = id;
    if (id.empty()) id = k.name;
    k.superior = ref_id(c.attribute("superior").as_string());
    k.kind = c.attribute("type").as_string();
    for (pugi::xml_node a : children(c, "attribute")) k.attribute_ids.push_back(ref_id(a.attribute("ref").as_string()));
    if (d.classes.emplace(id, std::move(k)).second) d.class_ids.push_back(id);
  }
  return d;
}

// ---- connectors ----

struct ImportedConnector {
  std::string file;       // shown path
  std::string xml_id;     // as written
  ConnectorDefinition def;
  std::vector<std::string> object_classes;  // partition filter
  std::string anchor;                       // anchor attribute (cloud connectors)
};

std::optional<StepType> step_from_xml(pugi::xml_node step_type) {
  std::string type = to_lower_ascii(step_type.attribute("type").as_string());
  std::string import_sub = to_lower_ascii(child_text(step_type, "import-subtype"));
  std::string rules_sub = to_lower_ascii(child_text(step_type, "apply-rules-subtype"));
  if (type == "full-import" && (import_sub.empty() || import_sub == "to-cs")) return StepType::kFullImport;
  if (type == "delta-import" && (import_sub.empty() || import_sub == "to-cs")) return StepType::kDeltaImport;
  if (type == "apply-rules" && rules_sub == "reevaluate-flow-connectors") return StepType::kFullSync;
  if (type == "apply-rules" && rules_sub == "apply-pending") return StepType::kDeltaSync;
  if (type == "export") return StepType::kExport;
  return std::nullopt;
}

void read_parameters(pugi::xml_node values, const std::string& where, ConnectorDefinition& def,
                     std::vector<std::string>& connectivity, std::vector<std::string>& secrets,
                     std::vector<std::string>& partition_settings, bool take_domain) {
  for (pugi::xml_node p : children(values, "parameter")) {
    std::string name = p.attribute("name").as_string();
    if (name.empty()) continue;
    std::string use = to_lower_ascii(p.attribute("use").as_string());
    std::string value = text_of(p);
    bool secret = iequals(p.attribute("type").as_string(), "encrypted-string") || p.attribute("encrypted").as_bool();
    bool intrinsic = p.attribute("intrinsic").as_bool();
    if (secret) {
      secrets.push_back(name);
    } else if (use == "global" || (intrinsic && (take_domain || name.rfind("Domain.", 0) != 0))) {
      def.parameters[name] = value;
    } else if (use == "connectivity") {
      connectivity.push_back(name + "=" + value);
    } else {
      partition_settings.push_back(where + name);
    }
  }
}

ImportedConnector parse_connector(const fs::path& path, const std::string& shown, const EntraImportOptions& options,
                                  EntraImportReport& report) {
  pugi::xml_document doc;
  load_xml(path, shown, doc);
  pugi::xml_node ma = doc.child("ma-data");
  if (!ma) fail(ErrorCode::kParseError, shown, "", "the root element is not <ma-data> (not a connector export)");
  ImportedConnector out;
  out.file = shown;
  out.xml_id = required_text(shown, ma, "id");
  ConnectorDefinition& def = out.def;
  def.name = required_text(shown, ma, "name");
  def.id = out.xml_id;
  const std::string who = "connector '" + def.name + "'";
  const std::string category = child_text(ma, "category");
  const std::string subtype = child_text(ma, "subtype") + " " + child_text(ma, "ma-listname");
  const bool is_ad = iequals(category, "AD");
  const bool is_aad = subtype.find("Azure Active Directory") != std::string::npos;
  if (is_ad) {
    def.role = ConnectorRole::kOnPremises;
  } else if (is_aad) {
    def.role = ConnectorRole::kCloud;
  } else {
    def.role = ConnectorRole::kOnPremises;
    report.skipped.push_back(who + ": category '" + category + "' (" + trim(subtype) +
                             ") is neither Active Directory nor Azure AD; imported as an on-premises connector");
  }

  // Schema with the attribute inclusion list.
  pugi::xml_node schema_node = child(ma, "schema");
  if (!schema_node) fail(ErrorCode::kParseError, shown, element_path(ma), "missing child <schema>");
  Dsml dsml = parse_dsml(shown, schema_node);
  std::vector<std::string> inclusion;
  for (pugi::xml_node a : children(child(ma, "attribute-inclusion"), "attribute"))
    if (!text_of(a).empty()) inclusion.push_back(text_of(a));
  std::set<std::string> included_lower;
  if (inclusion.empty()) {
    for (const std::string& id : dsml.attr_ids) def.schema.attributes.push_back(dsml.attrs.at(id));
  } else {
    for (const std::string& name : inclusion) included_lower.insert(to_lower_ascii(name));
    for (const std::string& id : dsml.attr_ids)
      if (included_lower.count(to_lower_ascii(dsml.attrs.at(id).name))) def.schema.attributes.push_back(dsml.attrs.at(id));
    for (const std::string& name : inclusion)
      if (!dsml.attr_id_by_lower_name.count(to_lower_ascii(name))) {
        def.schema.attributes.push_back(SchemaAttribute{name, AttrType::kString, false});
        report.skipped.push_back(who + ": included attribute '" + name +
                                 "' has no type in the connector schema; imported as a single-valued string");
      }
    size_t from_dsml = 0;
    for (const std::string& id : dsml.attr_ids) from_dsml += included_lower.count(to_lower_ascii(dsml.attrs.at(id).name));
    const size_t left_out = dsml.attr_ids.size() - from_dsml;
    if (left_out > 0)
      report.skipped.push_back(who + ": " + std::to_string(left_out) + " of " + std::to_string(dsml.attr_ids.size()) +
                               " schema attributes are not in the attribute inclusion list and were not imported "
                               "(the connector space holds only included attributes)");
  }
  for (const std::string& u : dsml.unknown_syntaxes)
    report.skipped.push_back(who + ": attribute " + u + ": syntax not known to IdSync; imported as string");

  // Partitions: the filter's object classes, Domain.* parameters, container filters.
  std::vector<std::string> connectivity, secrets, partition_settings;
  int selected = 0;
  for (pugi::xml_node part : children(child(ma, "ma-partition-data"), "partition")) {
    std::string pname = child_text(part, "name");
    if (!parse_bool_text(shown, child(part, "selected"), false)) {
      report.skipped.push_back(who + ": partition '" + pname + "' is not selected; it is not synchronized");
      continue;
    }
    ++selected;
    pugi::xml_node filter = child(part, "filter");
    for (pugi::xml_node oc : children(child(filter, "object-classes"), "object-class")) {
      std::string name = text_of(oc);
      bool dup = false;
      for (const std::string& o : out.object_classes) dup = dup || iequals(o, name);
      if (!name.empty() && !dup) out.object_classes.push_back(name);
    }
    pugi::xml_node containers = child(filter, "containers");
    std::vector<std::string> incl, excl;
    for (pugi::xml_node i : children(child(containers, "inclusions"), "inclusion"))
      if (!text_of(i).empty()) incl.push_back(text_of(i));
    for (pugi::xml_node e : children(child(containers, "exclusions"), "exclusion"))
      if (!text_of(e).empty()) excl.push_back(text_of(e));
    if (!incl.empty() || !excl.empty())
      report.skipped.push_back(who + ": partition '" + pname + "' container (OU) filter [included: " + join_list(incl, "; ") +
                               "] [excluded: " + join_list(excl, "; ") +
                               "] not carried: IdSync connectors have no container filter; limit the LDIF file to "
                               "those containers or add scoping conditions to the rules");
    if (selected > 1) {
      report.skipped.push_back(who + ": partition '" + pname +
                               "': an IdSync connector has one partition; its %Domain.*% parameters come from the "
                               "first selected partition, so rules see that domain's values for every object");
      continue;
    }
    read_parameters(child(part, "parameter-values"), "partition '" + pname + "' ", def, connectivity, secrets,
                    partition_settings, true);
    // Fallbacks from the partition data when the intrinsic parameters are missing.
    pugi::xml_node pdata = descendant(child(part, "custom-data"), "dn").parent();
    if (is_ad) {
      if (!def.parameters.count("Domain.LDAP") && pdata && !child_text(pdata, "dn").empty())
        def.parameters["Domain.LDAP"] = child_text(pdata, "dn");
      if (!def.parameters.count("Domain.FQDN") && pdata && !child_text(pdata, "name").empty())
        def.parameters["Domain.FQDN"] = child_text(pdata, "name");
    }
  }
  if (is_ad && selected == 0)
    report.skipped.push_back(who + ": no selected partition; %Domain.*% parameters are not set");

  // Connector-level parameters (Forest.*, ADS_* constants, connectivity).
  pugi::xml_node priv = child(ma, "private-configuration");
  for (pugi::xml_node values = descendant(priv, "parameter-values"); values;) {
    read_parameters(values, "", def, connectivity, secrets, partition_settings, false);
    // Only the first <parameter-values> block of the private configuration holds values.
    break;
  }
  if (is_ad) {
    pugi::xml_node adma = child(priv, "adma-configuration");
    std::string forest = child_text(adma, "forest-name");
    if (!def.parameters.count("Forest.FQDN") && !forest.empty()) def.parameters["Forest.FQDN"] = forest;
    if (!def.parameters.count("Forest.LDAP") && !forest.empty()) {
      std::string ldap;
      size_t start = 0;
      while (start <= forest.size()) {
        size_t dot = forest.find('.', start);
        if (dot == std::string::npos) dot = forest.size();
        ldap += (ldap.empty() ? "DC=" : ",DC=") + forest.substr(start, dot - start);
        start = dot + 1;
      }
      def.parameters["Forest.LDAP"] = ldap;
    }
    for (const char* p : {"Domain.FQDN", "Domain.Netbios", "Domain.LDAP", "Forest.FQDN", "Forest.Netbios", "Forest.LDAP"})
      if (!def.parameters.count(p))
        report.skipped.push_back(who + ": parameter %" + std::string(p) +
                                 "% not found in the export; rules using it see no value");
    pugi::xml_node phs = child(adma, "password-hash-sync-config");
    if (phs)
      report.skipped.push_back(who + ": password hash synchronization (" +
                               std::string(parse_bool_text(shown, child(phs, "enabled"), false) ? "enabled" : "disabled") +
                               ", target " + child_text(phs, "target") + ") not carried: IdSync does not synchronize password hashes");
  }
  if (!connectivity.empty())
    report.skipped.push_back(who + ": connectivity settings (" + join_list(connectivity) +
                             ") not carried: the IdSync connector is configured through its own options");
  if (!secrets.empty())
    report.skipped.push_back(who + ": credentials (" + join_list(secrets) +
                             ") not carried: the export holds them encrypted and IdSync stores no secrets");
  if (!partition_settings.empty())
    report.skipped.push_back(who + ": partition settings (" + join_list(partition_settings) +
                             ") not carried: directory-driver specific");
  if (priv && !is_ad)
    report.skipped.push_back(who + ": extensible connector private configuration (class mappings, extension "
                             "assembly, paging, parameter definitions) not carried: driver specific");

  // Anchor of a cloud connector (the same attribute for every class in practice).
  if (pugi::xml_node anchor = descendant(descendant(priv, "importing"), "anchor")) {
    pugi::xml_node a = child(anchor, "attribute");
    if (a) out.anchor = text_of(a);
  }

  // Run profiles.
  std::vector<std::string> step_settings;
  for (pugi::xml_node rc : children(child(ma, "ma-run-data"), "run-configuration")) {
    RunProfile rp;
    rp.name = child_text(rc, "name");
    std::string problem;
    for (pugi::xml_node step : children(child(rc, "configuration"), "step")) {
      pugi::xml_node st = child(step, "step-type");
      auto t = step_from_xml(st);
      if (!t) {
        problem = "step type '" + std::string(st.attribute("type").as_string()) + "' " +
                  child_text(st, "import-subtype") + child_text(st, "apply-rules-subtype") + " has no IdSync equivalent";
        break;
      }
      rp.steps.push_back(*t);
    }
    if (rp.name.empty()) fail(ErrorCode::kParseError, shown, element_path(rc), "run profile without a <name>");
    if (problem.empty() && rp.steps.empty()) problem = "it has no steps";
    if (!problem.empty()) {
      report.skipped.push_back(who + ": run profile '" + rp.name + "' not imported: " + problem);
      continue;
    }
    step_settings.push_back(rp.name);
    def.run_profiles.push_back(std::move(rp));
  }
  if (def.run_profiles.empty()) {
    def.run_profiles = standard_run_profiles();
    report.imported.push_back(who + ": no run profiles in the export; the five standard ones were created");
  }
  if (!step_settings.empty())
    report.skipped.push_back(who + ": run profile step settings (partition, object threshold, batch and page sizes, "
                             "time limits) of " + join_list(step_settings) + " not carried: IdSync steps have no such settings");

  // Sections of the classic engine and password sync.
  auto non_empty = [&](const char* name) { return has_element_children(child(ma, name)); };
  for (const char* sec : {"join", "projection", "export-attribute-flow"})
    if (non_empty(sec))
      report.skipped.push_back(who + ": classic <" + std::string(sec) +
                               "> rules not carried: IdSync uses the declarative sync rules only");
  if (non_empty("password-sync") || child_text(ma, "password-sync-allowed") == "1")
    report.skipped.push_back(who + ": password synchronization settings (password-sync: retries, retry interval, "
                             "unlock-account) not carried: IdSync does not synchronize passwords");
  if (non_empty("component_mappings"))
    report.skipped.push_back(who + ": component mappings not carried (no IdSync equivalent)");
  if (non_empty("encrypted-attributes"))
    report.skipped.push_back(who + ": encrypted attributes not carried: IdSync stores no secrets");

  // Object types: the classes the partition filter selects (all structural classes otherwise).
  std::vector<std::string> types = out.object_classes;
  if (types.empty())
    for (const std::string& id : dsml.class_ids)
      if (!iequals(dsml.classes.at(id).kind, "abstract") && !iequals(dsml.classes.at(id).kind, "auxiliary"))
        types.push_back(dsml.classes.at(id).name);
  for (const std::string& t : types) {
    SchemaObjectType ot;
    ot.name = t;
    if (const DsmlClass* c = dsml.find_class(t)) {
      for (const std::string& a : dsml.class_attribute_names(*c))
        if (def.schema.find_attribute(a) != nullptr) ot.attributes.push_back(def.schema.find_attribute(a)->name);
    } else {
      report.skipped.push_back(who + ": object class '" + t + "' is selected but not in the connector schema; "
                               "imported without attributes");
    }
    def.schema.object_types.push_back(std::move(ot));
  }
  if (dsml.class_ids.size() > types.size())
    report.skipped.push_back(who + ": " + std::to_string(dsml.class_ids.size() - types.size()) + " of " +
                             std::to_string(dsml.class_ids.size()) +
                             " schema object classes are not selected in the partition filter and were not imported");
  report.imported.push_back(who + " (" + shown + "): " + (def.role == ConnectorRole::kCloud ? "cloud" : "on-premises") +
                            ", " + std::to_string(def.schema.attributes.size()) + " attributes, " +
                            std::to_string(def.schema.object_types.size()) + " object types, " +
                            std::to_string(def.run_profiles.size()) + " run profiles, " +
                            std::to_string(def.parameters.size()) + " parameters");
  (void)options;
  return out;
}

void apply_driver(ImportedConnector& c, const EntraImportOptions& options, EntraImportReport& report) {
  ConnectorDefinition& def = c.def;
  const EntraConnectorOverride* ov = nullptr;
  for (const auto& [key, value] : options.connectors)
    if (iequals(key, def.name) || (!guid_key(key).empty() && guid_key(key) == guid_key(c.xml_id))) ov = &value;
  const std::string file_name = entra_connector_file_name(def.name);
  def.type = options.default_type;
  if (!ov || !ov->replace_options) {
    def.options["path"] = (fs::path(options.base_dir.empty() ? "." : options.base_dir) / (file_name + ".ldif")).string();
    if (def.role == ConnectorRole::kCloud) {
      def.options["anchor"] = c.anchor.empty() ? "cloudAnchor" : c.anchor;
      def.options["assign_anchor"] = "true";
    } else {
      def.options["anchor"] = "objectGUID";
    }
    if (!c.object_classes.empty()) def.options["object_types"] = join_list(c.object_classes, ",");
  }
  if (ov) {
    if (!ov->type.empty()) def.type = ov->type;
    for (const auto& [k, v] : ov->options) def.options[k] = v;
    if (!ov->name.empty()) def.name = ov->name;
  }
  std::string opts;
  for (const auto& [k, v] : def.options) opts += (opts.empty() ? "" : ", ") + k + "=" + v;
  report.imported.push_back("connector '" + def.name + "': IdSync type '" + def.type + "' (" + opts + ")");
}

// ---- metaverse ----

void parse_metaverse(const fs::path& path, const std::string& shown, Configuration& config, EntraImportReport& report) {
  pugi::xml_document doc;
  load_xml(path, shown, doc);
  pugi::xml_node mv = doc.child("saved-mv-configuration").child("mv-data");
  if (!mv) mv = doc.child("mv-data");
  if (!mv) fail(ErrorCode::kParseError, shown, "", "no <mv-data> element (not a metaverse export)");
  pugi::xml_node schema_node = child(mv, "schema");
  if (!schema_node) fail(ErrorCode::kParseError, shown, element_path(mv), "missing child <schema>");
  Dsml dsml = parse_dsml(shown, schema_node);
  for (const std::string& id : dsml.attr_ids) config.metaverse.attributes.push_back(dsml.attrs.at(id));
  for (const std::string& id : dsml.class_ids) {
    const DsmlClass& c = dsml.classes.at(id);
    config.metaverse.object_types.push_back(SchemaObjectType{c.name, dsml.class_attribute_names(c)});
  }
  for (const std::string& u : dsml.unknown_syntaxes)
    report.skipped.push_back("metaverse: attribute " + u + ": syntax not known to IdSync; imported as string");
  std::vector<std::string> inert;
  for (pugi::xml_node p : children(child(mv, "parameter-values"), "parameter")) {
    std::string name = p.attribute("name").as_string();
    if (name.empty()) continue;
    config.global_parameters[name] = text_of(p);
    if (!text_of(p).empty() && name.rfind("Microsoft.", 0) == 0) inert.push_back(name + "=" + text_of(p));
  }
  report.imported.push_back("metaverse (" + shown + "): " + std::to_string(config.metaverse.attributes.size()) +
                            " attributes, " + std::to_string(config.metaverse.object_types.size()) + " object types, " +
                            std::to_string(config.global_parameters.size()) + " global parameters");
  if (!inert.empty())
    report.skipped.push_back("global settings " + join_list(inert) +
                             ": kept in globalParameters (readable as %Name%), but IdSync does not act on them "
                             "(scheduler, staging mode, deletion threshold, optional features such as password hash "
                             "sync and writeback are set through IdSync's own commands)");
  if (pugi::xml_node pw = child(mv, "password-change-history-size"))
    report.skipped.push_back("metaverse: password-change-history-size " + text_of(pw) +
                             " not carried: IdSync does not synchronize passwords");
  if (has_element_children(child(mv, "password-sync")))
    report.skipped.push_back("metaverse: password-sync settings not carried: IdSync does not synchronize passwords");
}

// ---- rules ----

struct ParsedRule {
  SyncRule rule;
  std::string file;
  pugi::xml_document doc;  // kept for error messages naming elements
  std::vector<pugi::xml_node> flow_nodes;
};

SyncRule parse_rule(const std::string& shown, pugi::xml_node r, const std::map<std::string, std::string>& connector_names,
                    std::vector<pugi::xml_node>& flow_nodes, EntraImportReport& report, bool& unknown_connector) {
  SyncRule rule;
  rule.id = child_text(r, "id");
  rule.name = required_text(shown, r, "name");
  rule.description = child_text(r, "description");
  rule.immutable_tag = child_text(r, "immutable-tag");
  const std::string who = "rule '" + rule.name + "'";
  {
    pugi::xml_node n = child(r, "direction");
    auto d = parse_direction(required_text(shown, r, "direction"));
    if (!d) fail(ErrorCode::kParseError, shown, element_path(n), "'" + text_of(n) + "' is not Inbound or Outbound");
    rule.direction = *d;
  }
  rule.disabled = parse_bool_text(shown, child(r, "disabled"), false);
  {
    pugi::xml_node n = child(r, "connector");
    std::string guid = required_text(shown, r, "connector");
    auto it = connector_names.find(guid_key(guid));
    if (it == connector_names.end()) {
      unknown_connector = true;
      rule.connector = guid;
    } else {
      rule.connector = it->second;
    }
    (void)n;
  }
  rule.source_object_type = required_text(shown, r, "sourceObjectType");
  rule.target_object_type = required_text(shown, r, "targetObjectType");
  if (pugi::xml_node n = child(r, "linkType"); n && !text_of(n).empty()) {
    auto l = parse_link_type(text_of(n));
    if (!l) fail(ErrorCode::kParseError, shown, element_path(n), "'" + text_of(n) + "' is not Join, Provision or StickyJoin");
    rule.link_type = *l;
  }
  {
    pugi::xml_node n = child(r, "precedence");
    std::string t = required_text(shown, r, "precedence");
    try {
      size_t used = 0;
      rule.precedence = std::stoi(t, &used);
      if (used != t.size()) throw std::invalid_argument(t);
    } catch (const std::exception&) {
      fail(ErrorCode::kParseError, shown, element_path(n), "'" + t + "' is not an integer");
    }
  }

  // Scope: each <conditions> is a group (ORed); its <scope> clauses are ANDed.
  report_unknown_children(child(r, "synchronizationCriteria"), {"conditions"}, "rule '" + rule.name + "' scope", report);
  for (pugi::xml_node group : children(child(r, "synchronizationCriteria"), "conditions")) {
    ScopeGroup g;
    report_unknown_children(group, {"scope"}, "rule '" + rule.name + "' scope", report);
    for (pugi::xml_node s : children(group, "scope")) {
      report_unknown_children(s, {"csAttribute", "csOperator", "csValue"}, "rule '" + rule.name + "' scope", report);
      ScopeCondition c;
      c.attribute = required_text(shown, s, "csAttribute");
      pugi::xml_node op = child(s, "csOperator");
      auto parsed = parse_scope_operator(required_text(shown, s, "csOperator"));
      if (!parsed) fail(ErrorCode::kParseError, shown, element_path(op), "'" + text_of(op) + "' is not a scope operator");
      c.op = *parsed;
      c.value = child(s, "csValue").child_value();  // values are taken verbatim
      g.conditions.push_back(std::move(c));
    }
    if (!g.conditions.empty()) rule.scope.push_back(std::move(g));
  }

  // Join: each <conditions> is a join group; its <condition> clauses are ANDed.
  report_unknown_children(child(r, "relationshipCriteria"), {"conditions"}, "rule '" + rule.name + "' join", report);
  for (pugi::xml_node group : children(child(r, "relationshipCriteria"), "conditions")) {
    JoinGroup g;
    report_unknown_children(group, {"condition"}, "rule '" + rule.name + "' join", report);
    for (pugi::xml_node c : children(group, "condition")) {
      report_unknown_children(c, {"csAttribute", "ilmAttribute", "caseSensitive"}, "rule '" + rule.name + "' join", report);
      JoinCondition j;
      j.cs_attribute = required_text(shown, c, "csAttribute");
      j.mv_attribute = required_text(shown, c, "ilmAttribute");
      j.case_sensitive = parse_bool_text(shown, child(c, "caseSensitive"), false);
      g.conditions.push_back(std::move(j));
    }
    if (!g.conditions.empty()) rule.joins.push_back(std::move(g));
  }

  // Attribute flows.
  report_unknown_children(child(r, "attribute-mappings"), {"mapping"}, "rule '" + rule.name + "'", report);
  for (pugi::xml_node m : children(child(r, "attribute-mappings"), "mapping")) {
    AttributeFlow f;
    f.destination = required_text(shown, m, "dest");
    report_unknown_children(m, {"dest", "src", "expression", "valueMergeType", "executeOnce"},
                            "rule '" + rule.name + "', flow to '" + f.destination + "'", report);
    pugi::xml_node src = child(m, "src");
    report_unknown_children(src, {"attr"}, "rule '" + rule.name + "', flow to '" + f.destination + "'", report);
    for (pugi::xml_node a : children(src, "attr"))
      if (!text_of(a).empty()) f.sources.push_back(text_of(a));
    pugi::xml_node expr = child(m, "expression");
    if (expr) {
      f.type = FlowType::kExpression;
      f.expression = expr.child_value();
      if (trim(f.expression).empty()) fail(ErrorCode::kParseError, shown, element_path(expr), "empty expression");
    } else if (f.sources.empty()) {
      if (!src) fail(ErrorCode::kParseError, shown, element_path(m), "a mapping needs <src> or <expression>");
      f.type = FlowType::kConstant;
      f.expression = src.child_value();
    } else if (f.sources.size() == 1) {
      f.type = FlowType::kDirect;
    } else {
      fail(ErrorCode::kParseError, shown, element_path(src),
           std::to_string(f.sources.size()) + " source attributes without an <expression>: a direct flow reads one");
    }
    if (pugi::xml_node mt = child(m, "valueMergeType"); mt && !text_of(mt).empty()) {
      auto merge = parse_merge_type(text_of(mt));
      if (!merge) fail(ErrorCode::kParseError, shown, element_path(mt), "'" + text_of(mt) + "' is not a merge type");
      f.merge = *merge;
    }
    if (pugi::xml_attribute eo = m.attribute("execute-once")) f.execute_once = eo.as_bool();
    if (pugi::xml_node eo = child(m, "executeOnce")) f.execute_once = parse_bool_text(shown, eo, false);
    rule.flows.push_back(std::move(f));
    flow_nodes.push_back(m);
  }

  // What has no IdSync equivalent.
  if (parse_bool_text(shown, child(r, "EnablePasswordSync"), false))
    report.skipped.push_back(who + ": EnablePasswordSync=true not carried: IdSync does not synchronize password hashes");
  if (std::string sd = child_text(r, "softDeleteExpiryInterval"); !sd.empty() && sd != "00:00:00")
    report.skipped.push_back(who + ": softDeleteExpiryInterval " + sd + " not carried: IdSync has no soft delete");
  for (const char* p : {"precedence-after", "precedence-before"})
    if (std::string g = child_text(r, p); !is_null_guid(g))
      report.skipped.push_back(who + ": <" + std::string(p) + "> " + g +
                               " not carried: IdSync orders rules by precedence alone");
  static const std::set<std::string> kKnown = {
      "id", "internal-id", "version", "name", "description", "immutable-tag", "direction", "disabled", "connector",
      "sourceObjectType", "targetObjectType", "linkType", "precedence", "precedence-after", "precedence-before",
      "softDeleteExpiryInterval", "EnablePasswordSync", "attribute-mappings", "relationshipCriteria",
      "synchronizationCriteria"};
  for (pugi::xml_node c = r.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && !kKnown.count(c.name()))
      report.skipped.push_back(who + ": element <" + std::string(c.name()) + "> not understood; not carried");
  return rule;
}

// Resolves attribute names of one side of a rule, recording those the side's schema lacks.
class RecordingResolver : public expr::AttributeResolver {
 public:
  explicit RecordingResolver(std::function<SchemaAttribute(std::string_view)> lookup) : lookup_(std::move(lookup)) {}
  std::optional<expr::AttrRef> resolve(std::string_view name) const override {
    SchemaAttribute a = lookup_(name);
    auto [it, inserted] = ids_.emplace(to_lower_ascii(name), static_cast<uint32_t>(ids_.size()));
    return expr::AttrRef{it->second, a.type, a.multi_valued};
  }

 private:
  std::function<SchemaAttribute(std::string_view)> lookup_;
  mutable std::unordered_map<std::string, uint32_t> ids_;
};

// Adds attributes a rule names but a schema lacks; compiles every expression.
class SchemaCompleter {
 public:
  SchemaCompleter(Configuration& config, EntraImportReport& report) : config_(config), report_(report) {}

  void complete(const ParsedRule& pr) {
    const SyncRule& r = pr.rule;
    ConnectorDefinition* cs = nullptr;
    for (ConnectorDefinition& c : config_.connectors)
      if (iequals(c.name, r.connector)) cs = &c;
    if (cs == nullptr) return;
    const bool inbound = r.direction == Direction::kInbound;
    const std::string& cs_type = inbound ? r.source_object_type : r.target_object_type;
    const std::string& mv_type = inbound ? r.target_object_type : r.source_object_type;
    Side cs_side{&cs->schema, "connector '" + cs->name + "'", cs_type};
    Side mv_side{&config_.metaverse, "the metaverse", mv_type};
    Side& src = inbound ? cs_side : mv_side;
    Side& dst = inbound ? mv_side : cs_side;
    for (const ScopeGroup& g : r.scope)
      for (const ScopeCondition& c : g.conditions) ensure(src, c.attribute, r);
    for (const JoinGroup& g : r.joins)
      for (const JoinCondition& c : g.conditions) {
        ensure(cs_side, c.cs_attribute, r);
        ensure(mv_side, c.mv_attribute, r);
      }
    for (size_t i = 0; i < r.flows.size(); ++i) {
      const AttributeFlow& f = r.flows[i];
      if (!(r.direction == Direction::kOutbound && iequals(f.destination, "dn"))) ensure(dst, f.destination, r);
      for (const std::string& s : f.sources) ensure(src, s, r);
      if (f.type != FlowType::kExpression) continue;
      RecordingResolver resolver([&](std::string_view name) { return ensure(src, std::string(name), r); });
      auto program = expr::compile(f.expression, resolver);
      if (!program.ok()) {
        pugi::xml_node e = child(pr.flow_nodes[i], "expression");
        fail(ErrorCode::kParseError, pr.file, element_path(e),
             "rule '" + r.name + "', flow to '" + f.destination + "': " + program.status().message());
      }
    }
  }

 private:
  struct Side {
    ConnectorSchema* schema;
    std::string description;
    std::string object_type;  // the rule's object type on this side
  };

  // The export's class lists omit auxiliary classes (e.g. sAMAccountName of securityPrincipal on
  // user): an attribute a rule uses on an object type joins that type's list.
  void note_use(Side& side, const std::string& name) {
    for (SchemaObjectType& t : side.schema->object_types) {
      if (!iequals(t.name, side.object_type)) continue;
      for (const std::string& a : t.attributes)
        if (iequals(a, name)) return;
      const SchemaAttribute* a = side.schema->find_attribute(name);
      t.attributes.push_back(a ? a->name : name);
      ++type_list_additions_;
      return;
    }
  }

 public:
  size_t type_list_additions() const { return type_list_additions_; }

 private:
  size_t type_list_additions_ = 0;

  // The attribute as `side` declares it, adding it (typed as elsewhere, else string) when missing.
  SchemaAttribute ensure(Side& side, const std::string& name, const SyncRule& rule) {
    if (!iequals(name, "dn")) note_use(side, name);
    if (const SchemaAttribute* a = side.schema->find_attribute(name)) return *a;
    if (side.schema->attributes.empty()) return SchemaAttribute{name, AttrType::kString, false};  // accepts any name
    SchemaAttribute added{name, AttrType::kString, false};
    bool typed = false;
    auto borrow = [&](const ConnectorSchema& s) {
      if (typed) return;
      if (const SchemaAttribute* a = s.find_attribute(name)) {
        added.type = a->type;
        added.multi_valued = a->multi_valued;
        typed = true;
      }
    };
    if (!iequals(name, "dn")) {
      borrow(config_.metaverse);
      for (const ConnectorDefinition& c : config_.connectors) borrow(c.schema);
    }
    side.schema->attributes.push_back(added);
    std::string line = side.description + ": " + name + " (" + attr_type_name(added.type) +
                       (added.multi_valued ? ", multi-valued" : "") + "), used by rule '" + rule.name + "'";
    report_.added_attributes.push_back(line);
    report_.imported.push_back("added attribute " + line + ", which the schema in the export lacks");
    return added;
  }

  Configuration& config_;
  EntraImportReport& report_;
};

}  // namespace

std::string entra_connector_file_name(const std::string& connector_name) {
  std::string out;
  for (char c : connector_name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || out == "." || out == "..") out = "connector";
  return out;
}

std::string EntraImportReport::text() const {
  std::string out = std::to_string(rules) + " rules, " + std::to_string(connectors) + " connectors imported\n";
  for (const std::string& i : imported) out += "  imported: " + i + "\n";
  out += std::to_string(skipped.size()) + " items skipped:\n";
  for (const std::string& s : skipped) out += "  skipped: " + s + "\n";
  return out;
}

Result<Configuration> import_entra_configuration(const std::string& folder, const EntraImportOptions& options,
                                                 EntraImportReport& report) {
  report = EntraImportReport{};
  const fs::path root(folder);
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return Status::Error(ErrorCode::kNotFound, "'" + folder + "' is not a directory; give the folder of an Entra "
                                               "Connect configuration export (with SynchronizationRules/, Connectors/, "
                                               "GlobalSettings/)");
  try {
    Configuration config;
    // Connectors.
    const fs::path connectors_dir = root / "Connectors";
    if (!fs::is_directory(connectors_dir, ec))
      return Status::Error(ErrorCode::kNotFound, display_path(connectors_dir, root.parent_path()) +
                                                     ": no Connectors folder in the export");
    report_other_files(connectors_dir, "Connectors/", report);
    std::vector<ImportedConnector> connectors;
    std::map<std::string, std::string> names_by_guid;
    for (const fs::path& p : xml_files(connectors_dir)) {
      std::string shown = display_path(p, root);
      ImportedConnector c = parse_connector(p, shown, options, report);
      apply_driver(c, options, report);
      for (const ImportedConnector& other : connectors) {
        if (iequals(other.def.name, c.def.name))
          fail(ErrorCode::kInvalidArgument, shown, "<ma-data/name>",
               "connector name '" + c.def.name + "' is also used by " + other.file +
                   "; rename one through EntraImportOptions::connectors");
        if (guid_key(other.xml_id) == guid_key(c.xml_id))
          fail(ErrorCode::kInvalidArgument, shown, "<ma-data/id>", "connector id " + c.xml_id + " is also used by " + other.file);
      }
      names_by_guid[guid_key(c.xml_id)] = c.def.name;
      connectors.push_back(std::move(c));
    }
    if (connectors.empty())
      return Status::Error(ErrorCode::kNotFound, "Connectors/: no connector XML files in the export");
    for (const ImportedConnector& c : connectors) config.connectors.push_back(c.def);

    // Metaverse.
    const fs::path mv_path = root / "GlobalSettings" / "MV.xml";
    if (fs::exists(mv_path, ec)) {
      parse_metaverse(mv_path, display_path(mv_path, root), config, report);
    } else {
      report.skipped.push_back("GlobalSettings/MV.xml missing: the metaverse schema is left empty (every attribute "
                               "name is accepted) and there are no global parameters");
    }
    report_other_files(root / "GlobalSettings", "GlobalSettings/", report);
    for (const fs::path& p : xml_files(root / "GlobalSettings"))
      if (!iequals(p.filename().string(), "MV.xml"))
        report.skipped.push_back(display_path(p, root) + ": global settings file not understood; not carried");

    // Rules.
    const fs::path rules_dir = root / "SynchronizationRules";
    if (!fs::is_directory(rules_dir, ec))
      return Status::Error(ErrorCode::kNotFound, "SynchronizationRules/: no such folder in the export");
    report_other_files(rules_dir, "SynchronizationRules/", report);
    std::vector<std::unique_ptr<ParsedRule>> parsed;
    size_t versions = 0;
    for (const fs::path& p : xml_files(rules_dir)) {
      auto pr = std::make_unique<ParsedRule>();
      pr->file = display_path(p, root);
      load_xml(p, pr->file, pr->doc);
      pugi::xml_node r = pr->doc.child("synchronizationRule");
      if (!r) fail(ErrorCode::kParseError, pr->file, "", "the root element is not <synchronizationRule>");
      bool unknown_connector = false;
      pr->rule = parse_rule(pr->file, r, names_by_guid, pr->flow_nodes, report, unknown_connector);
      if (child(r, "version") || child(r, "internal-id")) ++versions;
      if (unknown_connector) {
        if (!options.skip_rules_of_unknown_connectors)
          fail(ErrorCode::kInvalidArgument, pr->file, element_path(child(r, "connector")),
               "rule '" + pr->rule.name + "' names connector " + pr->rule.connector + ", which is not in Connectors/");
        report.skipped.push_back("rule '" + pr->rule.name + "' (" + pr->file + "): its connector " + pr->rule.connector +
                                 " is not in Connectors/; rule not imported");
        continue;
      }
      parsed.push_back(std::move(pr));
    }
    std::stable_sort(parsed.begin(), parsed.end(), [](const auto& a, const auto& b) {
      if (a->rule.precedence != b->rule.precedence) return a->rule.precedence < b->rule.precedence;
      return a->rule.name < b->rule.name;
    });
    std::set<std::string> ids;
    for (const auto& pr : parsed)
      if (!pr->rule.id.empty() && !ids.insert(guid_key(pr->rule.id)).second)
        fail(ErrorCode::kInvalidArgument, pr->file, "<synchronizationRule/id>", "rule id " + pr->rule.id + " is used twice");
    if (versions > 0)
      report.skipped.push_back("rule bookkeeping (<version>, <internal-id>) of " + std::to_string(versions) +
                               " rules not carried: IdSync keeps no rule versions");

    SchemaCompleter completer(config, report);
    for (const auto& pr : parsed) completer.complete(*pr);
    if (completer.type_list_additions() > 0)
      report.imported.push_back(std::to_string(completer.type_list_additions()) +
                                " attributes added to object types' attribute lists because rules use them on those "
                                "types (the export's class lists leave out auxiliary classes such as securityPrincipal)");
    for (const auto& pr : parsed) config.rules.push_back(pr->rule);
    report.rules = config.rules.size();
    report.connectors = config.connectors.size();
    return config;
  } catch (const ImportError& e) {
    return e.status;
  }
}

}  // namespace idsync
