// Certificate family (Cert*, IsCert), parsed with OpenSSL libcrypto. Each takes the raw data of
// an X.509 certificate: DER bytes (a binary value such as userCertificate) or, as the reference
// allows, base64-encoded DER text (PEM armour and white space are ignored). The results follow
// the .NET X509Certificate2 properties the reference functions wrap:
//   names       "CN=Alice, OU=Staff, O=Contoso, C=US": most specific RDN first, ", " between,
//               .NET short names (S for stateOrProvince, E for emailAddress, OID.n.n for
//               unknown types), values quoted "..." when they hold , + = " < > # ; or new lines
//   hashes      CertThumbprint / CertHashString: SHA-1 of the DER, upper-case hex
//   serial      upper-case hex of the serial's bytes, as stored (big-endian)
//   dates       UTC date-times
//   key params  CertKeyAlgorithmParams: upper-case hex of the DER parameters ("0500" for RSA)
// CertIssuerOid / CertSubjectNameOid return the attribute type OID of the most specific RDN
// (the first one in the .NET string, e.g. 2.5.4.3 for CN): .NET leaves X500DistinguishedName.Oid
// unset for names read from a certificate, so this is IdSync's chosen meaning.
// Data that is not a certificate is an argument error (IsCert says False); null gives null.
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <ctime>
#include <memory>

#include "expr/function_table.h"
#include "expr/text_util.h"
#include "expr/value_util.h"

namespace idsync::expr {

namespace {

using Args = std::span<const Value>;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr parse_der(std::string_view der) {
  if (der.empty() || der.size() > kMaxValueBytes) return nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  // Trailing bytes after the certificate mean this was not (only) a certificate.
  if (cert && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) return nullptr;
  return cert;
}

// DER first; otherwise base64 text, with any PEM armour and white space removed.
X509Ptr parse_cert(const Value& v) {
  const std::string& raw = v.values[0];
  if (X509Ptr c = parse_der(raw)) return c;
  std::string b64;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t eol = raw.find('\n', pos);
    if (eol == std::string::npos) eol = raw.size();
    std::string_view line(raw.data() + pos, eol - pos);
    if (line.substr(0, 5) != "-----") {
      for (char c : line)
        if (c != ' ' && c != '\t' && c != '\r') b64 += c;
    }
    pos = eol + 1;
  }
  std::string der;
  if (b64.empty() || !base64_decode(b64, der)) return nullptr;
  return parse_der(der);
}

Result<X509Ptr> cert_arg(Args args, std::string_view fn) {
  X509Ptr c = parse_cert(args[0]);
  if (!c)
    return runtime_error(kErrArgument, std::string(fn) + " expects an X.509 certificate (DER bytes or base64), got " +
                                           describe(args[0]) + "; check the value with IsCert()");
  return c;
}

std::string hex_upper(const unsigned char* data, size_t n) {
  return hex_encode_upper(std::string_view(reinterpret_cast<const char*>(data), n));
}

std::string oid_text(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return n > 0 ? std::string(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1)) : std::string();
}

std::string asn1_utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  int n = ASN1_STRING_to_UTF8(&out, s);
  if (n < 0) return {};
  std::string text(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return text;
}

const char* dotnet_short_name(int nid) {
  switch (nid) {
    case NID_commonName: return "CN";
    case NID_organizationName: return "O";
    case NID_organizationalUnitName: return "OU";
    case NID_countryName: return "C";
    case NID_localityName: return "L";
    case NID_stateOrProvinceName: return "S";
    case NID_streetAddress: return "STREET";
    case NID_pkcs9_emailAddress: return "E";
    case NID_domainComponent: return "DC";
    case NID_serialNumber: return "SERIALNUMBER";
    case NID_givenName: return "G";
    case NID_surname: return "SN";
    case NID_title: return "T";
    case NID_initials: return "I";
    default: return nullptr;
  }
}

std::string quote_rdn_value(const std::string& v) {
  bool quote = !v.empty() && (v.front() == ' ' || v.back() == ' ');
  for (char c : v)
    if (std::strchr(",+=\"<>#;\n\r", c)) quote = true;
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string name_text(const X509_NAME* name) {
  std::string out;
  for (int i = X509_NAME_entry_count(name) - 1; i >= 0; --i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    if (!out.empty()) out += ", ";
    const char* sn = dotnet_short_name(OBJ_obj2nid(obj));
    out += sn ? std::string(sn) : "OID." + oid_text(obj);
    out += '=';
    out += quote_rdn_value(asn1_utf8(X509_NAME_ENTRY_get_data(e)));
  }
  return out;
}

std::string most_specific_oid(const X509_NAME* name) {
  int n = X509_NAME_entry_count(name);
  if (n <= 0) return {};
  return oid_text(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(name, n - 1)));
}

Result<Value> date_of(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
    return runtime_error(kErrArgument, "the certificate holds an unreadable validity date");
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return make_value(Kind::kDateTime, buf);
}

template <Result<Value> (*F)(X509*)>
Result<Value> with_cert(Args args, std::string_view fn) {
  if (is_nullish(args[0])) return Value::null();
  auto c = cert_arg(args, fn);
  if (!c.ok()) return c.status();
  return F(c->get());
}

#define IDSYNC_CERT_FN(name, body)                                      \
  Result<Value> impl_##name(X509* cert) { body }                        \
  Result<Value> fn_##name(Args args) { return with_cert<impl_##name>(args, #name); }

IDSYNC_CERT_FN(CertThumbprint, {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha1(), md, &n) != 1) return runtime_error(kErrArgument, "CertThumbprint could not hash the certificate");
  return Value::string(hex_upper(md, n));
})
IDSYNC_CERT_FN(CertHashString, { return impl_CertThumbprint(cert); })
IDSYNC_CERT_FN(CertNotAfter, { return date_of(X509_get0_notAfter(cert)); })
IDSYNC_CERT_FN(CertNotBefore, { return date_of(X509_get0_notBefore(cert)); })
IDSYNC_CERT_FN(CertIssuer, { return Value::string(name_text(X509_get_issuer_name(cert))); })
IDSYNC_CERT_FN(CertIssuerDN, { return Value::string(name_text(X509_get_issuer_name(cert))); })
IDSYNC_CERT_FN(CertIssuerOid, { return Value::string(most_specific_oid(X509_get_issuer_name(cert))); })
IDSYNC_CERT_FN(CertSubject, { return Value::string(name_text(X509_get_subject_name(cert))); })
IDSYNC_CERT_FN(CertSubjectNameDN, { return Value::string(name_text(X509_get_subject_name(cert))); })
IDSYNC_CERT_FN(CertSubjectNameOid, { return Value::string(most_specific_oid(X509_get_subject_name(cert))); })
IDSYNC_CERT_FN(CertFriendlyName, {
  // A friendly name is a property of a Windows certificate store entry, never part of the DER.
  (void)cert;
  return Value::string("");
})
IDSYNC_CERT_FN(CertFormat, {
  (void)cert;
  return Value::string("X509");
})
IDSYNC_CERT_FN(CertVersion, { return Value::number(X509_get_version(cert) + 1); })
IDSYNC_CERT_FN(CertSerialNumber, {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  return Value::string(hex_upper(ASN1_STRING_get0_data(serial), static_cast<size_t>(ASN1_STRING_length(serial))));
})
IDSYNC_CERT_FN(CertSignatureAlgorithmOid, {
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(nullptr, &alg, cert);
  const ASN1_OBJECT* obj = nullptr;
  X509_ALGOR_get0(&obj, nullptr, nullptr, alg);
  return Value::string(oid_text(obj));
})

const X509_ALGOR* key_algorithm(X509* cert) {
  X509_PUBKEY* pub = X509_get_X509_PUBKEY(cert);
  X509_ALGOR* alg = nullptr;
  if (!pub || X509_PUBKEY_get0_param(nullptr, nullptr, nullptr, &alg, pub) != 1) return nullptr;
  return alg;
}

std::string key_oid(X509* cert) {
  const X509_ALGOR* alg = key_algorithm(cert);
  if (!alg) return {};
  const ASN1_OBJECT* obj = nullptr;
  X509_ALGOR_get0(&obj, nullptr, nullptr, alg);
  return oid_text(obj);
}

IDSYNC_CERT_FN(CertKeyAlgorithm, { return Value::string(key_oid(cert)); })
IDSYNC_CERT_FN(CertPublicKeyOid, { return Value::string(key_oid(cert)); })
IDSYNC_CERT_FN(CertKeyAlgorithmParams, {
  const X509_ALGOR* alg = key_algorithm(cert);
  if (!alg) return Value::string("");
  int type = 0;
  const void* value = nullptr;
  X509_ALGOR_get0(nullptr, &type, &value, alg);
  if (type == V_ASN1_UNDEF) return Value::string("");
  // Re-encode the parameters (an ASN1_TYPE) to DER.
  ASN1_TYPE* param = ASN1_TYPE_new();
  if (!param) return Value::string("");
  ASN1_TYPE_set1(param, type, value);
  unsigned char* der = nullptr;
  int n = i2d_ASN1_TYPE(param, &der);
  ASN1_TYPE_free(param);
  if (n <= 0) return Value::string("");
  std::string hex = hex_upper(der, static_cast<size_t>(n));
  OPENSSL_free(der);
  return Value::string(hex);
})
IDSYNC_CERT_FN(CertPublicKeyParametersOid, {
  // EC keys name their curve; other algorithms report the key algorithm itself, as .NET's
  // PublicKey.EncodedParameters.Oid does.
  const X509_ALGOR* alg = key_algorithm(cert);
  if (!alg) return Value::string("");
  int type = 0;
  const void* value = nullptr;
  X509_ALGOR_get0(nullptr, &type, &value, alg);
  if (type == V_ASN1_OBJECT) return Value::string(oid_text(static_cast<const ASN1_OBJECT*>(value)));
  return Value::string(key_oid(cert));
})

Result<Value> fn_CertExtensionOids(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto c = cert_arg(args, "CertExtensionOids");
  if (!c.ok()) return c.status();
  ValueList oids;
  for (int i = 0; i < X509_get_ext_count(c->get()); ++i) {
    X509_EXTENSION* ext = X509_get_ext(c->get(), i);
    if (X509_EXTENSION_get_critical(ext)) oids.push_back(oid_text(X509_EXTENSION_get_object(ext)));
  }
  return make_multi(Kind::kString, std::move(oids));
}

Result<Value> fn_IsCert(Args args) {
  if (is_nullish(args[0])) return Value::boolean(false);
  return Value::boolean(parse_cert(args[0]) != nullptr);
}

// GetNameInfo(X509NameType, forIssuer).
std::string alt_name(X509* cert, int type, bool issuer, const char* othername_oid = nullptr) {
  int nid = issuer ? NID_issuer_alt_name : NID_subject_alt_name;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, nid, nullptr, nullptr));
  if (!names) return {};
  std::string out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names) && out.empty(); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != type) continue;
    if (type == GEN_OTHERNAME) {
      if (oid_text(gn->d.otherName->type_id) != othername_oid) continue;
      const ASN1_TYPE* v = gn->d.otherName->value;
      if (v && v->type == V_ASN1_UTF8STRING) out = asn1_utf8(v->value.utf8string);
    } else {
      out = asn1_utf8(gn->d.ia5);
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string name_attr(X509* cert, bool issuer, int nid) {
  const X509_NAME* name = issuer ? X509_get_issuer_name(cert) : X509_get_subject_name(cert);
  int idx = X509_NAME_get_index_by_NID(name, nid, -1);
  if (idx < 0) return {};
  return asn1_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
}

Result<Value> fn_CertNameInfo(Args args) {
  if (is_nullish(args[0])) return Value::null();
  auto type = text_arg(args, 1, "CertNameInfo");
  if (!type.ok()) return type.status();
  auto issuer = truth(args[2], "CertNameInfo");
  if (!issuer.ok()) return issuer.status();
  auto c = cert_arg(args, "CertNameInfo");
  if (!c.ok()) return c.status();
  X509* cert = c->get();
  const std::string& t = *type;
  std::string out;
  if (t == "SimpleName") {
    // CN, else the first of E, OU, O; else the subject alternative e-mail or DNS name.
    for (int nid : {NID_commonName, NID_organizationalUnitName, NID_organizationName, NID_pkcs9_emailAddress}) {
      out = name_attr(cert, *issuer, nid);
      if (!out.empty()) break;
    }
    if (out.empty()) out = alt_name(cert, GEN_EMAIL, *issuer);
    if (out.empty()) out = alt_name(cert, GEN_DNS, *issuer);
  } else if (t == "EmailName") {
    out = name_attr(cert, *issuer, NID_pkcs9_emailAddress);
    if (out.empty()) out = alt_name(cert, GEN_EMAIL, *issuer);
  } else if (t == "UpnName") {
    out = alt_name(cert, GEN_OTHERNAME, *issuer, "1.3.6.1.4.1.311.20.2.3");
  } else if (t == "DnsName") {
    out = alt_name(cert, GEN_DNS, *issuer);
    if (out.empty()) out = name_attr(cert, *issuer, NID_commonName);
  } else if (t == "DnsFromAlternativeName") {
    out = alt_name(cert, GEN_DNS, *issuer);
  } else if (t == "UrlName") {
    out = alt_name(cert, GEN_URI, *issuer);
  } else {
    return runtime_error(kErrArgument, "CertNameInfo name type must be SimpleName, EmailName, UpnName, DnsName, "
                                       "DnsFromAlternativeName or UrlName, got \"" + t + "\"");
  }
  return Value::string(out);
}

constexpr FunctionDef kCertificate[] = {
    {"CertExtensionOids", 1, 1, "s", fn_CertExtensionOids},
    {"CertFormat", 1, 1, "s", fn_CertFormat},
    {"CertFriendlyName", 1, 1, "s", fn_CertFriendlyName},
    {"CertHashString", 1, 1, "s", fn_CertHashString},
    {"CertIssuer", 1, 1, "s", fn_CertIssuer},
    {"CertIssuerDN", 1, 1, "s", fn_CertIssuerDN},
    {"CertIssuerOid", 1, 1, "s", fn_CertIssuerOid},
    {"CertKeyAlgorithm", 1, 1, "s", fn_CertKeyAlgorithm},
    {"CertKeyAlgorithmParams", 1, 1, "s", fn_CertKeyAlgorithmParams},
    {"CertNameInfo", 3, 3, "sss", fn_CertNameInfo},
    {"CertNotAfter", 1, 1, "s", fn_CertNotAfter},
    {"CertNotBefore", 1, 1, "s", fn_CertNotBefore},
    {"CertPublicKeyOid", 1, 1, "s", fn_CertPublicKeyOid},
    {"CertPublicKeyParametersOid", 1, 1, "s", fn_CertPublicKeyParametersOid},
    {"CertSerialNumber", 1, 1, "s", fn_CertSerialNumber},
    {"CertSignatureAlgorithmOid", 1, 1, "s", fn_CertSignatureAlgorithmOid},
    {"CertSubject", 1, 1, "s", fn_CertSubject},
    {"CertSubjectNameDN", 1, 1, "s", fn_CertSubjectNameDN},
    {"CertSubjectNameOid", 1, 1, "s", fn_CertSubjectNameOid},
    {"CertThumbprint", 1, 1, "s", fn_CertThumbprint},
    {"CertVersion", 1, 1, "s", fn_CertVersion},
    {"IsCert", 1, 1, "s", fn_IsCert},
};

}  // namespace

std::span<const FunctionDef> certificate_functions() { return kCertificate; }

}  // namespace idsync::expr
