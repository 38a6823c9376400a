#include "provenance/pki/openssl_handles.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace hallmark::provenance {

std::string DrainOpenSslErrors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

Result<UniqueX509> ParseCertificateDer(ByteView der, const std::string& what) {
  const unsigned char* p = der.data();
  UniqueX509 cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size()) {
    DrainOpenSslErrors();
    return Status::BadInput(what + ": not a DER X.509 certificate");
  }
  return cert;
}

Result<Bytes> CertificateDer(X509* cert) {
  unsigned char* buf = nullptr;
  const int n = i2d_X509(cert, &buf);
  if (n <= 0) return Status::Internal("cannot encode certificate: " + DrainOpenSslErrors());
  Bytes out(buf, buf + n);
  OPENSSL_free(buf);
  return out;
}

std::string CertificatePem(X509* cert) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string X509NameString(const X509_NAME* name) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace hallmark::provenance
