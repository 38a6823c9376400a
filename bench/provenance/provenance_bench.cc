// Cost of provenance per image: SignImage (with and without the exiv2 XMP pass), its parts
// (SHA-256 of the file, one ES256 signature) and VerifyImage, on real photographs; and what
// judging a stapled OCSP answer adds to VerifyImage (a studio made by KeyStore, which has a
// responder, signing the same image with and without a staple).
//
// Images come from $HALLMARK_BENCH_IMAGES, default /usr/lib/python3/dist-packages/skimage/data
// (Debian package python3-skimage), else tests/data/photos.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/sha256.h"
#include "image/codec.h"
#include "provenance/c2pa/image_signer.h"
#include "provenance/c2pa/manifest_validator.h"
#include "provenance/pki/certificate_authority.h"
#include "provenance/pki/key_store.h"
#include "provenance/pki/ocsp_responder.h"
#include "provenance/pki/signer.h"

namespace {

using namespace hallmark;
using namespace hallmark::provenance;

struct Fixture {
  std::unique_ptr<Signer> es256;
  std::unique_ptr<Signer> ed25519;
  TrustStore trust;
  // A studio home with an OCSP responder, for the stapled case.
  std::unique_ptr<Signer> studio;
  std::unique_ptr<OcspResponder> responder;
  TrustStore studio_trust;
};

Fixture* g_fixture = nullptr;

std::unique_ptr<Signer> MakeSigner(KeyAlgorithm alg, X509* ca, EVP_PKEY* ca_key) {
  auto key = GenerateKey(alg);
  auto cert =
      IssueSigningCertificate(key->get(), "Bench", "Bench signer", ca, ca_key, Validity::Days(30));
  std::vector<UniqueX509> chain;
  chain.push_back(std::move(*cert));
  auto signer = Signer::Create(std::move(*key), std::move(chain));
  return std::make_unique<Signer>(std::move(*signer));
}

ManifestSpec Spec() {
  ManifestSpec s;
  s.asset_id = "bench-asset";
  s.software_version = "0.1.0";
  s.model = {"model-1", "dcgan-fashion", "1.0", "00"};
  s.datasets = {{"Fashion-MNIST", "MIT", "Zalando Research", "", ""}};
  s.parameters = {{"seed", 1}, {"class", 2}};
  s.watermark_payload = Bytes(8, 0x5a);
  s.watermark_embedded = true;  // stands for a generated, marked image
  s.training_mining.ai_training = "notAllowed";
  s.creator = "Bench";
  return s;
}

void BM_Sha256(benchmark::State& state, Bytes file) {
  for (auto _ : state) benchmark::DoNotOptimize(Sha256(file));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * file.size()));
}

void BM_Es256SignClaim(benchmark::State& state) {
  const Bytes claim(2000, 0x42);
  for (auto _ : state) benchmark::DoNotOptimize(g_fixture->es256->Sign(claim));
}

void BM_SignImage(benchmark::State& state, Bytes file, bool xmp, bool ed25519) {
  ManifestSpec spec = Spec();
  spec.write_xmp = xmp;
  const image::Format format = *image::SniffFormat(file);
  const Signer& signer = ed25519 ? *g_fixture->ed25519 : *g_fixture->es256;
  for (auto _ : state) {
    auto out = SignImage(file, format, spec, signer);
    if (!out.ok()) state.SkipWithError(out.status().ToString().c_str());
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * file.size()));
}

void BM_VerifyImage(benchmark::State& state, Bytes file) {
  const image::Format format = *image::SniffFormat(file);
  auto signed_file = SignImage(file, format, Spec(), *g_fixture->es256);
  for (auto _ : state) {
    auto r = VerifyImage(*signed_file, g_fixture->trust);
    if (!r.ok() || r->state == ValidationState::kInvalid) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * signed_file->size()));
}

void BM_VerifyImageStaple(benchmark::State& state, Bytes file, bool stapled) {
  const image::Format format = *image::SniffFormat(file);
  SignOptions options;
  options.ocsp_responder = stapled ? g_fixture->responder.get() : nullptr;
  auto signed_file = SignImage(file, format, Spec(), *g_fixture->studio, options);
  for (auto _ : state) {
    auto r = VerifyImage(*signed_file, g_fixture->studio_trust);
    if (!r.ok() || r->state != ValidationState::kTrusted) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(r);
  }
}

// The studio of the stapled case, in a folder removed at exit.
bool MakeStudio(Fixture& f, const std::string& home) {
  const std::string pass = "bench passphrase";
  KeyStore store(home);
  if (!store.Init(KeyOptions{}, pass).ok()) return false;
  auto signer = store.LoadSigner(pass);
  auto responder = OcspResponder::OpenForStapling(home, pass);
  auto trust = TrustStore::LoadDirectory(store.trust_dir());
  if (!signer.ok() || !responder.ok() || !*responder || !trust.ok()) return false;
  f.studio = std::make_unique<Signer>(std::move(*signer));
  f.responder = std::move(*responder);
  f.studio_trust = std::move(*trust);
  return true;
}

std::string ImageDir() {
  if (const char* env = std::getenv("HALLMARK_BENCH_IMAGES"); env && *env) return env;
  const std::string skimage = "/usr/lib/python3/dist-packages/skimage/data";
  if (std::filesystem::is_directory(skimage)) return skimage;
  return std::string(HALLMARK_SOURCE_DIR) + "/tests/data/photos";
}

}  // namespace

int main(int argc, char** argv) {
  auto ca_key = GenerateKey(KeyAlgorithm::kEs256);
  auto ca = IssueRootCertificate(ca_key->get(), "Bench", Validity::Days(30));
  Fixture fixture;
  fixture.es256 = MakeSigner(KeyAlgorithm::kEs256, ca->get(), ca_key->get());
  fixture.ed25519 = MakeSigner(KeyAlgorithm::kEd25519, ca->get(), ca_key->get());
  (void)fixture.trust.AddPem(ByteView(CertificatePem(ca->get())), "bench CA");
  g_fixture = &fixture;
  const std::string home =
      (std::filesystem::temp_directory_path() / ("hallmark-bench-" + std::to_string(getpid())))
          .string();
  const bool studio = MakeStudio(fixture, home);

  const std::string dir = ImageDir();
  benchmark::RegisterBenchmark("Es256SignClaim", BM_Es256SignClaim);
  for (const char* name : {"astronaut.png", "coffee.png", "motorcycle_left.png", "chelsea.png",
                           "hubble_deep_field.jpg", "rocket.jpg"}) {
    auto data = ReadFile(dir + "/" + name);
    if (!data.ok()) continue;
    const std::string n = name;
    benchmark::RegisterBenchmark(("Sha256/" + n).c_str(), BM_Sha256, *data);
    benchmark::RegisterBenchmark(("SignImage_noXmp_ES256/" + n).c_str(), BM_SignImage, *data, false,
                                 false);
    benchmark::RegisterBenchmark(("SignImage_noXmp_Ed25519/" + n).c_str(), BM_SignImage, *data,
                                 false, true);
    benchmark::RegisterBenchmark(("SignImage_withXmp_ES256/" + n).c_str(), BM_SignImage, *data,
                                 true, false);
    benchmark::RegisterBenchmark(("VerifyImage/" + n).c_str(), BM_VerifyImage, *data);
    if (studio) {
      benchmark::RegisterBenchmark(("VerifyImage_studio_bare/" + n).c_str(), BM_VerifyImageStaple,
                                   *data, false);
      benchmark::RegisterBenchmark(("VerifyImage_studio_stapled/" + n).c_str(),
                                   BM_VerifyImageStaple, *data, true);
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(home, ec);
  return 0;
}
