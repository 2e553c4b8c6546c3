// TLS: certificates are verified by default; a server whose CA is unknown is refused with an
// error that says to use ca_file; ca_file makes it work, and so does the explicit insecure
// switch. The server is the real test server over HTTPS with a certificate made here.
#include "scim_server.h"

namespace idsync::scimtest {
namespace {

// A self-signed certificate for 127.0.0.1 in `dir`; false (with the reason) when openssl fails.
bool make_certificate(const fs::path& dir, std::string& error) {
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                    "-addext subjectAltName=IP:127.0.0.1 -keyout '" + (dir / "key.pem").string() + "' -out '" +
                    (dir / "cert.pem").string() + "' >'" + (dir / "openssl.log").string() + "' 2>&1";
  if (std::system(cmd.c_str()) == 0 && fs::exists(dir / "cert.pem")) return true;
  error = "openssl could not make a test certificate: " + read_file(dir / "openssl.log");
  return false;
}

class CertDir {
 public:
  CertDir() {
    std::string tmpl = (fs::temp_directory_path() / "idsync-scim-tls-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path = tmpl;
    ok = !path.empty() && make_certificate(path, error);
  }
  ~CertDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  fs::path path;
  bool ok = false;
  std::string error;
};

TEST(ScimTls, CertificatesAreVerifiedAndCaFileOrInsecureAreExplicit) {
  CertDir certs;
  ASSERT_TRUE(certs.ok) << certs.error;
  ScimServer server(std::map<std::string, std::string>{{"SCIM_TLS_CERT", (certs.path / "cert.pem").string()},
                                                       {"SCIM_TLS_KEY", (certs.path / "key.pem").string()}});
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_EQ(server.base_url().rfind("https://", 0), 0u);
  server.create("Users", user_json("a@c.com", "ext-a"));

  auto strict = make_connector(server.options());
  ASSERT_NE(strict, nullptr);
  Collector sink;
  std::string watermark;
  Status s = strict->full_import(sink, watermark);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("TLS"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("ca_file"), std::string::npos) << s.message();
  EXPECT_TRUE(sink.changes.empty());

  auto with_ca = server.options();
  with_ca["ca_file"] = (certs.path / "cert.pem").string();
  auto trusted = make_connector(with_ca);
  Collector a;
  s = trusted->full_import(a, watermark);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(a.changes.size(), 1u);

  auto insecure = server.options();
  insecure["tls_verify"] = "false";
  insecure["insecure"] = "true";
  auto unchecked = make_connector(insecure);
  Collector b;
  s = unchecked->full_import(b, watermark);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(b.changes.size(), 1u);
}

}  // namespace
}  // namespace idsync::scimtest
