// A studio for provenance tests: a CA, a signing key and a trust folder in a temporary home.
#ifndef HALLMARK_TESTS_PROVENANCE_TEST_STUDIO_H_
#define HALLMARK_TESTS_PROVENANCE_TEST_STUDIO_H_

#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "provenance/pki/key_store.h"
#include "provenance/pki/signer.h"
#include "provenance/pki/trust_store.h"
#include "tests/support/subprocess.h"

namespace hallmark::testing {

struct TestStudio {
  explicit TestStudio(std::string pass) : passphrase(std::move(pass)) {
    auto info = keys.Init({}, passphrase);
    BOOST_REQUIRE_MESSAGE(info.ok(), info.status().ToString());
    id = info->id;
  }
  provenance::Signer LoadSigner() {
    auto s = keys.LoadSigner(passphrase);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    return std::move(*s);
  }
  provenance::TrustStore Trust() {
    auto t = provenance::TrustStore::LoadDirectory(keys.trust_dir());
    BOOST_REQUIRE(t.ok());
    return std::move(*t);
  }
  // The environment a CLI run in this home needs.
  std::vector<std::string> Env() const {
    return {"HALLMARK_HOME=" + home.path(), "HALLMARK_PASSPHRASE=" + passphrase};
  }

  std::string passphrase;
  TempDir home;
  provenance::KeyStore keys{home.path()};
  std::string id;  // the first signing key's
};

}  // namespace hallmark::testing

#endif  // HALLMARK_TESTS_PROVENANCE_TEST_STUDIO_H_
