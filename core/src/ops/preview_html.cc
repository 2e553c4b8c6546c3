// The export preview page: one HTML file, inline style and one inline script (with the page's
// nonce), nothing loaded from elsewhere. Every piece of directory data goes through
// html_escape(); the script only reads text the page already shows.
#include <cctype>
#include <cstdio>
#include <ctime>
#include <ostream>

#include "ops/preview_report.h"
#include "ops/utf8_sequence.h"

namespace idsync {

namespace {

// Length of the valid UTF-8 sequence at s[i] (a character HTML may show), 0 when invalid.
size_t utf8_length(std::string_view s, size_t i) {
  uint32_t cp = 0;
  size_t n = utf8_sequence(s, i, cp);
  if (n == 1) return (cp >= 0x20 && cp != 0x7F) || cp == '\t' || cp == '\n' ? 1 : 0;
  return cp >= 0x80 && cp < 0xA0 ? 0 : n;  // C1 controls are not shown either
}

const char kStyle[] = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right}
.verdict{padding:.6em 1em;border-radius:4px;font-weight:600}
.stop{background:#fde2e1;border:1px solid #d33}.go{background:#e3f4e1;border:1px solid #3a3}
.risk-delete{background:#fde2e1}.risk-anchor-change,.risk-upn-change{background:#fff1d6}
.risk-member-removals{background:#fff8c5}.risk-rename{background:#eef3ff}
.dn{font-family:ui-monospace,monospace;word-break:break-all}
ul.changes{margin:0;padding-left:1.2em}
#search{width:30em;padding:.3em}
)css";

// Filters the rows of #changes: every word typed must occur in the row's text (any case).
const char kScript[] = R"js(
(function () {
  var box = document.getElementById('search');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#changes tbody tr'));
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var shown = document.getElementById('shown');
  function filter() {
    var words = box.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var match = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      rows[i].hidden = !match;
      if (match) n++;
    }
    shown.textContent = n + ' of ' + rows.length + ' rows shown';
  }
  box.addEventListener('input', filter);
  filter();
})();
)js";

std::string risk_class(Risk r) {
  std::string name = risk_name(r);
  for (char& c : name)
    if (c == ' ') c = '-';
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name.empty() ? "" : "risk-" + name;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

void changes_cell(std::ostream& out, const PreviewItem& it) {
  if (!it.new_dn.empty()) out << "<div>new DN: <span class=\"dn\">" << html_escape(it.new_dn) << "</span></div>";
  if (it.changes.empty()) return;
  out << "<ul class=\"changes\">";
  for (const PreviewChange& c : it.changes) {
    out << "<li><b>" << html_escape(c.attribute) << "</b> " << html_escape(c.operation);
    if (!c.old_text.empty()) out << " <span class=\"old\">" << html_escape(c.old_text) << "</span>";
    if (!c.old_text.empty() && !c.new_text.empty()) out << " →";
    if (!c.new_text.empty()) out << " <span class=\"new\">" << html_escape(c.new_text) << "</span>";
    out << "</li>";
  }
  out << "</ul>";
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_length(s, i);
    if (n == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(s[i]));
      out += hex;
      ++i;
      continue;
    }
    if (n == 1) {
      switch (s[i]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += s[i];
      }
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

void render_preview_html(const PreviewReport& r, const std::string& nonce, std::ostream& out) {
  std::string name = html_escape(r.connector);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'nonce-"
      << nonce << "'\">\n<title>IdSync export preview: " << name << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  out << "<h1>Pending exports to <span id=\"connector\">" << name << "</span></h1>\n";
  out << "<p id=\"generated\">Store <span class=\"dn\">" << html_escape(r.store_path) << "</span>, " << utc_now() << ". "
      << r.pending << " pending exports over " << r.objects << " connector space objects."
      << (r.staging_mode ? " The server is in staging mode: nothing is exported until it is switched to active." : "")
      << "</p>\n";

  if (r.stop_reasons.empty()) {
    out << "<div id=\"verdict\" class=\"verdict go\">The next export of " << name
        << " stays within the deletion threshold and the group member-removal limit.</div>\n";
  } else {
    out << "<div id=\"verdict\" class=\"verdict stop\">The next export of " << name
        << " would stop and export nothing:<ul>";
    for (const std::string& reason : r.stop_reasons) out << "<li>" << html_escape(reason) << "</li>";
    out << "</ul></div>\n";
  }

  static const char* kOps[] = {"Add", "Update", "Rename", "Delete"};
  out << "<h2>Counts by object type and operation</h2>\n<table id=\"counts\"><thead><tr><th>Object type</th>";
  for (const char* op : kOps) out << "<th>" << op << "</th>";
  out << "<th>Total</th></tr></thead><tbody>\n";
  std::map<std::string, uint64_t> totals;
  for (const auto& [type, ops] : r.counts) {
    uint64_t total = 0;
    out << "<tr><td>" << html_escape(type) << "</td>";
    for (const char* op : kOps) {
      auto it = ops.find(op);
      uint64_t n = it == ops.end() ? 0 : it->second;
      total += n;
      totals[op] += n;
      out << "<td class=\"n\">" << n << "</td>";
    }
    out << "<td class=\"n\">" << total << "</td></tr>\n";
  }
  out << "<tr><th>All</th>";
  for (const char* op : kOps) out << "<th class=\"n\">" << totals[op] << "</th>";
  out << "<th class=\"n\">" << r.pending << "</th></tr>\n</tbody></table>\n";

  uint64_t risky = 0;
  for (const auto& [risk, n] : r.risk_counts) risky += n;
  out << "<h2>Riskiest changes first</h2>\n";
  if (risky == 0) {
    out << "<p id=\"no-risk\">No deletes, anchor or userPrincipalName changes, large-group member removals or renames.</p>\n";
  } else {
    out << "<p>";
    bool first = true;
    for (const auto& [risk, n] : r.risk_counts) {
      out << (first ? "" : ", ") << risk_name(risk) << ": " << n;
      first = false;
    }
    if (r.risky.size() < risky) out << " (the " << r.risky.size() << " riskiest are listed)";
    out << ".</p>\n<table id=\"risky\"><thead><tr><th>Risk</th><th>Object type</th><th>DN</th><th>What it does</th></tr></thead><tbody>\n";
    for (const PreviewItem& it : r.risky)
      out << "<tr class=\"" << risk_class(it.risk) << "\"><td>" << risk_name(it.risk) << "</td><td>"
          << html_escape(it.object_type) << "</td><td class=\"dn\">" << html_escape(it.dn) << "</td><td>"
          << html_escape(it.risk_detail) << "</td></tr>\n";
    out << "</tbody></table>\n";
  }

  out << "<h2>All pending exports</h2>\n";
  if (r.rows.size() < r.pending)
    out << "<p>The " << r.rows.size() << " riskiest of " << r.pending
        << " pending exports are listed; <code>idsync csexport " << name
        << " FILE /f:x</code> writes all of them.</p>\n";
  out << "<p><label>Filter: <input id=\"search\" type=\"search\" autocomplete=\"off\" "
         "placeholder=\"words that must all occur in a row (DN, attribute, value, operation)\"></label> "
         "<span id=\"shown\">"
      << r.rows.size() << " of " << r.rows.size() << " rows shown</span></p>\n";
  out << "<table id=\"changes\"><thead><tr><th>Risk</th><th>Operation</th><th>Object type</th><th>DN</th><th>Changes</th>"
         "</tr></thead><tbody>\n";
  for (const PreviewItem& it : r.rows) {
    out << "<tr class=\"" << risk_class(it.risk) << "\"><td>" << risk_name(it.risk) << "</td><td>" << it.operation
        << "</td><td>" << html_escape(it.object_type) << "</td><td class=\"dn\">" << html_escape(it.dn) << "</td><td>";
    changes_cell(out, it);
    out << "</td></tr>\n";
  }
  out << "</tbody></table>\n<script nonce=\"" << nonce << "\">" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace idsync
