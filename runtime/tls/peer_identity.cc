#include "runtime/tls/peer_identity.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <memory>

namespace gw::tls {
namespace {

std::string asn1String(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::string ipText(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  const unsigned char* data = ASN1_STRING_get0_data(ip);
  const int len = ASN1_STRING_length(ip);
  if (len == 4) {
    inet_ntop(AF_INET, data, buf, sizeof buf);
  } else if (len == 16) {
    inet_ntop(AF_INET6, data, buf, sizeof buf);
  }
  return buf;
}

std::string nameRfc2253(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    return {};
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string commonName(const X509_NAME* name) {
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) {
    return {};
  }
  return asn1String(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
}

std::string serialHex(X509* cert) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(
      ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr), BN_free);
  if (!bn) {
    return {};
  }
  char* hex = BN_bn2hex(bn.get());
  std::string out = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  return out;
}

std::string sha256Hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

}  // namespace

const char* sanTypeName(SubjectAltName::Type type) {
  switch (type) {
    case SubjectAltName::Type::kDns:
      return "DNS";
    case SubjectAltName::Type::kUri:
      return "URI";
    case SubjectAltName::Type::kEmail:
      return "email";
    case SubjectAltName::Type::kIp:
      return "IP";
  }
  return "unknown";
}

std::vector<SubjectAltName> subjectAltNames(X509* cert) {
  std::vector<SubjectAltName> out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) {
    return out;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    switch (gn->type) {
      case GEN_DNS:
        out.push_back({SubjectAltName::Type::kDns, asn1String(gn->d.dNSName)});
        break;
      case GEN_URI:
        out.push_back({SubjectAltName::Type::kUri, asn1String(gn->d.uniformResourceIdentifier)});
        break;
      case GEN_EMAIL:
        out.push_back({SubjectAltName::Type::kEmail, asn1String(gn->d.rfc822Name)});
        break;
      case GEN_IPADD:
        out.push_back({SubjectAltName::Type::kIp, ipText(gn->d.iPAddress)});
        break;
      default:
        break;
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

PeerIdentity identityFromCertificate(X509* cert) {
  PeerIdentity id;
  if (cert == nullptr) {
    return id;
  }
  id.present = true;
  id.subject = nameRfc2253(X509_get_subject_name(cert));
  id.issuer = nameRfc2253(X509_get_issuer_name(cert));
  id.common_name = commonName(X509_get_subject_name(cert));
  id.serial_hex = serialHex(cert);
  id.sha256_fingerprint = sha256Hex(cert);
  id.sans = subjectAltNames(cert);
  return id;
}

PeerIdentity peerIdentity(const SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  PeerIdentity id = identityFromCertificate(cert);
  id.verified = id.present && SSL_get_verify_result(ssl) == X509_V_OK;
  return id;
}

}  // namespace gw::tls

namespace gw::tls {

std::string verifyResultText(const SSL* ssl) {
  return X509_verify_cert_error_string(SSL_get_verify_result(ssl));
}

}  // namespace gw::tls
