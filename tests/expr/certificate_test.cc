// Certificate functions against certificates generated at test time with the openssl CLI; the
// expected values are read back from openssl itself (fingerprint, dates, serial).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "expr/text_util.h"
#include "expr_testing.h"

namespace idsync::expr::testing {
namespace {

std::string run_capture(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// "notAfter=Dec 22 04:55:18 2026 GMT" -> "2026-12-22T04:55:18.000Z"
std::string openssl_date(const std::string& dates, const std::string& key) {
  size_t at = dates.find(key + "=");
  if (at == std::string::npos) return "?";
  std::istringstream in(dates.substr(at + key.size() + 1));
  std::string mon, time, year;
  int day = 0;
  in >> mon >> day >> time >> year;
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int m = 0;
  for (int i = 0; i < 12; ++i)
    if (mon == kMonths[i]) m = i + 1;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%02d-%02dT%s.000Z", year.c_str(), m, day, time.c_str());
  return buf;
}

struct Cert {
  std::string der;
  std::string pem;
  std::string thumbprint;  // upper-case hex, no colons
  std::string not_before;
  std::string not_after;
};

class CertificateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("openssl version >/dev/null 2>&1") != 0) return;
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("idsync-cert-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    rsa_ = new Cert(make("rsa",
                         "-newkey rsa:2048 -subj '/C=US/ST=Washington/O=Contoso, Ltd/OU=Staff/CN=Alice Example' "
                         "-set_serial 0x1A2B3C "
                         "-addext 'subjectAltName=DNS:alice.contoso.com,email:alice@contoso.com,"
                         "URI:https://contoso.com/alice,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:alice@contoso.com' "
                         "-addext 'keyUsage=critical,digitalSignature'"));
    ec_ = new Cert(make("ec", "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -subj '/CN=device01' -set_serial 7"));
  }
  static void TearDownTestSuite() {
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
    delete rsa_;
    delete ec_;
    dir_ = nullptr;
    rsa_ = ec_ = nullptr;
  }
  static Cert make(const std::string& name, const std::string& args) {
    std::string base = (*dir_ / name).string();
    std::string cmd = "openssl req -x509 -nodes -days 30 -keyout '" + base + ".key' -out '" + base + ".pem' " + args +
                      " >/dev/null 2>&1 && openssl x509 -in '" + base + ".pem' -outform DER -out '" + base + ".der'";
    Cert c;
    if (std::system(cmd.c_str()) != 0) return c;
    c.der = read_file(base + ".der");
    c.pem = read_file(base + ".pem");
    std::string info = run_capture("openssl x509 -in '" + base + ".pem' -noout -fingerprint -sha1 -dates");
    size_t eq = info.find('=');
    for (size_t i = eq + 1; i < info.size() && info[i] != '\n'; ++i)
      if (info[i] != ':') c.thumbprint += info[i];
    c.not_before = openssl_date(info, "notBefore");
    c.not_after = openssl_date(info, "notAfter");
    return c;
  }
  void SetUp() override {
    ASSERT_TRUE(rsa_ && !rsa_->der.empty() && !ec_->der.empty()) << "the openssl command failed to make the test certificates (tools/setup/install-deps.sh installs it)";
    f.declare("userCertificate", AttrType::kBinary, true);
    f.declare("certText", AttrType::kString, false);
    f.set("searchableDeviceKey", {rsa_->der});
    f.set("objectGUID", {ec_->der});
    f.set("certText", {base64_encode(rsa_->der)});
  }

  static std::filesystem::path* dir_;
  static Cert* rsa_;
  static Cert* ec_;
  Fixture f;
};

std::filesystem::path* CertificateTest::dir_ = nullptr;
Cert* CertificateTest::rsa_ = nullptr;
Cert* CertificateTest::ec_ = nullptr;

TEST_F(CertificateTest, HashesMatchOpenssl) {
  EXPECT_EQ(f.show("CertThumbprint([searchableDeviceKey])"), rsa_->thumbprint);
  EXPECT_EQ(f.show("CertHashString([searchableDeviceKey])"), rsa_->thumbprint);
  EXPECT_EQ(f.show("CertThumbprint([objectGUID])"), ec_->thumbprint);
  EXPECT_EQ(rsa_->thumbprint.size(), 40u);
}

TEST_F(CertificateTest, Base64AndPemInputReadTheSameCertificate) {
  EXPECT_EQ(f.show("CertThumbprint([certText])"), rsa_->thumbprint);
  f.set("certText", {rsa_->pem});
  EXPECT_EQ(f.show("CertThumbprint([certText])"), rsa_->thumbprint);
  EXPECT_EQ(f.show("IsCert([certText])"), "True");
}

TEST_F(CertificateTest, ValidityDates) {
  EXPECT_EQ(f.show("CertNotBefore([searchableDeviceKey])"), rsa_->not_before);
  EXPECT_EQ(f.show("CertNotAfter([searchableDeviceKey])"), rsa_->not_after);
  auto r = f.run("CertNotAfter([searchableDeviceKey])");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, Kind::kDateTime);
  EXPECT_EQ(f.show("DateAdd(\"d\", 30, CertNotBefore([searchableDeviceKey])) = CertNotAfter([searchableDeviceKey])"), "True");
}

TEST_F(CertificateTest, Names) {
  const char* subject = "CN=Alice Example, OU=Staff, O=\"Contoso, Ltd\", S=Washington, C=US";
  EXPECT_EQ(f.show("CertSubject([searchableDeviceKey])"), subject);
  EXPECT_EQ(f.show("CertSubjectNameDN([searchableDeviceKey])"), subject);
  EXPECT_EQ(f.show("CertIssuer([searchableDeviceKey])"), subject);  // self-signed
  EXPECT_EQ(f.show("CertIssuerDN([searchableDeviceKey])"), subject);
  EXPECT_EQ(f.show("CertSubjectNameOid([searchableDeviceKey])"), "2.5.4.3");
  EXPECT_EQ(f.show("CertIssuerOid([searchableDeviceKey])"), "2.5.4.3");
  EXPECT_EQ(f.show("CertSubject([objectGUID])"), "CN=device01");
  EXPECT_EQ(f.show("CertFriendlyName([searchableDeviceKey])"), "");
}

TEST_F(CertificateTest, NameInfo) {
  EXPECT_EQ(f.show("CertNameInfo([searchableDeviceKey], \"SimpleName\", False)"), "Alice Example");
  EXPECT_EQ(f.show("CertNameInfo([searchableDeviceKey], \"SimpleName\", True)"), "Alice Example");
  EXPECT_EQ(f.show("CertNameInfo([searchableDeviceKey], \"DnsName\", False)"), "alice.contoso.com");
  EXPECT_EQ(f.show("CertNameInfo([searchableDeviceKey], \"DnsFromAlternativeName\", False)"), "alice.contoso.com");
  EXPECT_EQ(f.show("CertNameInfo([searchableDeviceKey], \"EmailName\", False)"), "alice@contoso.com");
  EXPECT_EQ(f.show("CertNameInfo([searchableDeviceKey], \"UpnName\", False)"), "alice@contoso.com");
  EXPECT_EQ(f.show("CertNameInfo([searchableDeviceKey], \"UrlName\", False)"), "https://contoso.com/alice");
  EXPECT_EQ(f.show("CertNameInfo([objectGUID], \"DnsName\", False)"), "device01");  // falls back to CN
  EXPECT_EQ(f.show("CertNameInfo([objectGUID], \"UrlName\", False)"), "");
  EXPECT_NE(f.show("CertNameInfo([objectGUID], \"Bogus\", False)").find("sync-rule-error-argument-exception"), std::string::npos);
}

TEST_F(CertificateTest, SerialVersionAndAlgorithms) {
  EXPECT_EQ(f.show("CertSerialNumber([searchableDeviceKey])"), "1A2B3C");
  EXPECT_EQ(f.show("CertSerialNumber([objectGUID])"), "07");
  EXPECT_EQ(f.show("CertVersion([searchableDeviceKey])"), "3");
  EXPECT_EQ(f.show("CertKeyAlgorithm([searchableDeviceKey])"), "1.2.840.113549.1.1.1");
  EXPECT_EQ(f.show("CertPublicKeyOid([searchableDeviceKey])"), "1.2.840.113549.1.1.1");
  EXPECT_EQ(f.show("CertKeyAlgorithmParams([searchableDeviceKey])"), "0500");  // DER NULL
  EXPECT_EQ(f.show("CertPublicKeyParametersOid([searchableDeviceKey])"), "1.2.840.113549.1.1.1");
  EXPECT_EQ(f.show("CertSignatureAlgorithmOid([searchableDeviceKey])"), "1.2.840.113549.1.1.11");  // sha256WithRSA
  EXPECT_EQ(f.show("CertPublicKeyOid([objectGUID])"), "1.2.840.10045.2.1");                 // id-ecPublicKey
  EXPECT_EQ(f.show("CertPublicKeyParametersOid([objectGUID])"), "1.2.840.10045.3.1.7");     // prime256v1
  EXPECT_EQ(f.show("CertKeyAlgorithmParams([objectGUID])"), "06082A8648CE3D030107");
  EXPECT_EQ(f.show("CertSignatureAlgorithmOid([objectGUID])"), "1.2.840.10045.4.3.2");      // ecdsa-with-SHA256
  // Critical extensions only: keyUsage (and basicConstraints, which openssl req marks critical);
  // the subject alternative name is not critical.
  EXPECT_EQ(f.show("Contains(CertExtensionOids([searchableDeviceKey]), \"2.5.29.15\")") == "0", false);
  EXPECT_EQ(f.show("Contains(CertExtensionOids([searchableDeviceKey]), \"2.5.29.17\")"), "0");
  EXPECT_EQ(f.show("CertFormat([searchableDeviceKey])"), "X509");
}

TEST_F(CertificateTest, IsCertAndBadInput) {
  EXPECT_EQ(f.show("IsCert([searchableDeviceKey])"), "True");
  EXPECT_EQ(f.show("IsCert(\"not a certificate\")"), "False");
  EXPECT_EQ(f.show("IsCert([mail])"), "False");  // absent
  EXPECT_EQ(f.show("IsCert(Left([searchableDeviceKey], 100))"), "False");  // truncated DER
  std::string e = f.show("CertThumbprint(\"bm90IGEgY2VydA==\")");
  EXPECT_NE(e.find("sync-rule-error-argument-exception: CertThumbprint expects an X.509 certificate"), std::string::npos) << e;
  EXPECT_EQ(f.show("CertSubject([mail])"), "NULL");
}

TEST_F(CertificateTest, MultiValuedCertificatesApplyPerValue) {
  f.set("userCertificate", {rsa_->der, ec_->der});
  EXPECT_EQ(f.show("CertSubject([userCertificate])"),
            "CN=Alice Example, OU=Staff, O=\"Contoso, Ltd\", S=Washington, C=US\nCN=device01");
  EXPECT_EQ(f.show("Count(Where($c, [userCertificate], CertPublicKeyOid($c) = \"1.2.840.10045.2.1\"))"), "1");
}

}  // namespace
}  // namespace idsync::expr::testing

namespace idsync::expr::testing {
namespace {

// The functions reference's Where and With examples, verbatim: both test certificates are
// valid for 30 more days, so both are "unexpired"; shifting "now" 31 days ahead expires them.
TEST_F(CertificateTest, DocumentedWhereAndWithExamples) {
  f.set("userCertificate", {rsa_->der, ec_->der});
  auto r = f.run("Where($item,[userCertificate],CertNotAfter($item)>Now())");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, Kind::kBinary);
  EXPECT_EQ(r->values, (ValueList{rsa_->der, ec_->der}));
  const char* with =
      "With($unExpiredCerts,Where($item,[userCertificate],CertNotAfter($item)>Now()),"
      "IIF(Count($unExpiredCerts)>0,$unExpiredCerts,NULL))";
  const char* equivalent =
      "IIF (Count(Where($item,[userCertificate],CertNotAfter($item)>Now()))>0, "
      "Where($item,[userCertificate],CertNotAfter($item)>Now()),NULL)";
  EXPECT_EQ(f.show(with), f.show(equivalent));
  EXPECT_EQ(f.run(with)->values, (ValueList{rsa_->der, ec_->der}));
  EXPECT_EQ(f.show("With($unExpiredCerts,Where($item,[userCertificate],CertNotAfter($item)>DateAdd(\"d\",31,Now())),"
                   "IIF(Count($unExpiredCerts)>0,$unExpiredCerts,NULL))"),
            "NULL");
}

}  // namespace
}  // namespace idsync::expr::testing
