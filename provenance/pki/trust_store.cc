#include "provenance/pki/trust_store.h"

#include <openssl/pem.h>

#include <algorithm>
#include <filesystem>

#include "base/file.h"

namespace hallmark::provenance {
namespace fs = std::filesystem;

Status TrustStore::AddPem(ByteView pem, const std::string& what) {
  UniqueBio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr);
  DrainOpenSslErrors();
  if (!infos) return Status::BadInput(what + ": no PEM certificate or revocation list");
  size_t found = 0;
  for (int i = 0; i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509) {
      X509_up_ref(info->x509);
      anchors_.emplace_back(info->x509);
      ++found;
    }
    if (info->crl) {
      X509_CRL_up_ref(info->crl);
      crls_.emplace_back(info->crl);
      ++found;
    }
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  if (found == 0) return Status::BadInput(what + ": no PEM certificate or revocation list");
  return Status::Ok();
}

Result<TrustStore> TrustStore::LoadDirectory(const std::string& dir, bool must_exist) {
  TrustStore store;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (must_exist) return Status::NotFound(dir + ": no such trust folder or PEM file");
    return store;
  }
  if (!fs::is_directory(dir, ec)) {
    // A single PEM file works too.
    HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(dir, 1 << 24));
    HM_RETURN_IF_ERROR(store.AddPem(data, dir));
    return store;
  }
  // error_code forms throughout: a folder that cannot be listed is an error naming it, never an
  // exception. Each file is read through ReadFile, which refuses anything but a regular file (a
  // FIFO named like a certificate would otherwise block the reader).
  std::vector<fs::path> files;
  fs::directory_iterator it(dir, ec);
  for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    const std::string ext = it->path().extension().string();
    if (ext == ".pem" || ext == ".crt" || ext == ".cer" || ext == ".crl") {
      files.push_back(it->path());
    }
  }
  if (ec) return Status::IoError(dir + ": cannot list the trust folder: " + ec.message());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(f.string(), 1 << 24));
    HM_RETURN_IF_ERROR(store.AddPem(data, f.string()));
  }
  if (fs::is_directory(dir + "/tsa", ec)) {
    HM_ASSIGN_OR_RETURN(TrustStore tsa, LoadDirectory(dir + "/tsa"));
    store.tsa_anchors_ = std::move(tsa.anchors_);
  }
  return store;
}

ChainCheck TrustStore::Check(X509* leaf, const std::vector<X509*>& intermediates) const {
  ChainCheck result;
  if (anchors_.empty()) {
    result.detail = "no trust anchors configured";
    return result;
  }
  UniqueX509Store store(X509_STORE_new());
  for (const auto& a : anchors_) X509_STORE_add_cert(store.get(), a.get());
  UniqueX509Stack untrusted(sk_X509_new_null());
  for (X509* c : intermediates) {
    X509_up_ref(c);
    sk_X509_push(untrusted.get(), c);
  }
  UniqueX509StoreCtx ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // Anchors may be intermediates (partial chain); dates are judged by the caller.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
  const int ok = X509_verify_cert(ctx.get());
  if (ok != 1) {
    result.detail = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    DrainOpenSslErrors();
    return result;
  }
  result.trusted = true;
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  // Each certificate but the anchor: look it up in every CRL issued (and signed) by its issuer.
  for (int i = 0; i + 1 < sk_X509_num(chain); ++i) {
    X509* cert = sk_X509_value(chain, i);
    X509* issuer = sk_X509_value(chain, i + 1);
    for (const auto& crl : crls_) {
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer)) != 0) {
        continue;
      }
      if (X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer)) != 1) {
        DrainOpenSslErrors();
        continue;  // a forged or damaged list is ignored, not believed
      }
      X509_REVOKED* entry = nullptr;
      if (X509_CRL_get0_by_serial(crl.get(), &entry, X509_get_serialNumber(cert)) == 1) {
        struct tm t {};
        std::time_t at = 0;
        if (ASN1_TIME_to_tm(X509_REVOKED_get0_revocationDate(entry), &t) == 1) at = timegm(&t);
        if (!result.revoked || at < result.revoked_at) result.revoked_at = at;
        result.revoked = true;
        result.detail = "certificate " + X509NameString(X509_get_subject_name(cert)) +
                        " is on its issuer's revocation list";
      }
    }
  }
  return result;
}

X509* TrustStore::FindIssuer(X509* cert, const std::vector<X509*>& intermediates) const {
  std::vector<X509*> candidates = intermediates;
  for (const UniqueX509& anchor : anchors_) candidates.push_back(anchor.get());
  for (X509* candidate : candidates) {
    if (X509_check_issued(candidate, cert) == X509_V_OK &&
        X509_verify(cert, X509_get0_pubkey(candidate)) == 1) {
      return candidate;
    }
  }
  DrainOpenSslErrors();
  return nullptr;
}

}  // namespace hallmark::provenance
