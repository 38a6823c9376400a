// The LibTorch half, driven through the torch-free backend interface exactly as the CLI drives it
// (this test links libhallmark_generator.so instead of dlopen()ing it).
#define BOOST_TEST_MODULE generator_torch
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <random>

#include "base/file.h"
#include "base/sha256.h"
#include "generator/backend.h"
#include "generator/checkpoint_file.h"
#include "generator/dataset_loader.h"

namespace fs = std::filesystem;
using namespace hallmark;
using namespace hallmark::generator;

namespace {

Backend& TheBackend() {
  int abi = 0;
  Backend* b = HallmarkGeneratorBackend(&abi);
  BOOST_TEST_REQUIRE(abi == kBackendAbiVersion);
  return *b;
}

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "hallmark-gen-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string File(const std::string& n) const { return path + "/" + n; }
  std::string path;
};

ModelSpec Spec(const std::string& arch, int size, int channels, int classes, int width = 8) {
  ModelSpec s;
  s.arch = arch;
  s.image_size = size;
  s.channels = channels;
  for (int i = 0; i < classes; ++i) s.class_names.push_back("c" + std::to_string(i));
  s.width = width;
  return s;
}

LabeledImages Noise(int size, int channels, int classes, int count) {
  LabeledImages d{size, channels, {}, {}, {}};
  for (int i = 0; i < classes; ++i) d.class_names.push_back("c" + std::to_string(i));
  std::mt19937 rng(7);
  d.pixels.resize(size_t(count) * d.image_bytes());
  for (auto& p : d.pixels) p = uint8_t(rng() & 255);
  for (int i = 0; i < count; ++i) d.labels.push_back(i % classes);
  return d;
}

class Recorder : public TrainObserver {
 public:
  void OnStart(int64_t first, int64_t) override { first_step = first; }
  void OnStep(int64_t step, const std::vector<std::pair<std::string, double>>& step_losses,
              int) override {
    last_step = step;
    losses.push_back(step_losses);
  }
  void OnSamples(int64_t, const std::vector<image::Image>& images, int per_class) override {
    grids++;
    grid_images = images.size();
    grid_per_class = per_class;
  }
  void OnCheckpoint(int64_t, const std::string& id) override { model_id = id; }
  bool StopRequested() override { return stop_after > 0 && last_step >= stop_after; }

  int64_t first_step = -1, last_step = 0, stop_after = 0;
  int grids = 0, grid_per_class = 0;
  size_t grid_images = 0;
  std::string model_id;
  std::vector<std::vector<std::pair<std::string, double>>> losses;
};

std::vector<image::Image> SampleOrDie(Model& m, SampleRequest r) {
  auto images = m.Sample(r);
  BOOST_TEST_REQUIRE(images.ok(), images.status().ToString());
  return *images;
}

}  // namespace

BOOST_AUTO_TEST_CASE(shapes_for_every_size_and_one_training_step) {
  Backend& backend = TheBackend();
  for (const char* arch : {"dcgan", "vae"}) {
    for (int size : {32, 64, 128}) {
      for (int channels : {1, 3}) {
        BOOST_TEST_CONTEXT(arch << " " << size << "x" << size << "x" << channels) {
          ModelSpec spec = Spec(arch, size, channels, 3);
          auto model = backend.Create(spec, 1, "cpu");
          BOOST_TEST_REQUIRE(model.ok(), model.status().ToString());
          SampleRequest r;
          r.count = 3;
          auto images = SampleOrDie(**model, r);
          BOOST_TEST(images.size() == 3u);
          BOOST_TEST(images[2].width() == size);
          BOOST_TEST(images[2].height() == size);
          BOOST_TEST(images[2].channels() == channels);
          // One step runs every layer forwards and backwards, discriminator and encoder too.
          TempDir dir;
          TrainConfig c;
          c.spec = spec;
          c.steps = 1;
          c.batch = 4;
          c.device = "cpu";
          c.sample_every = 1;
          c.model_path = dir.File("model.hmk");
          Recorder rec;
          auto result = backend.Train(c, Noise(size, channels, 3, 8), rec);
          BOOST_TEST_REQUIRE(result.ok(), result.status().ToString());
          BOOST_TEST(rec.losses.size() == 1u);
          BOOST_TEST(rec.grid_images == size_t(3 * rec.grid_per_class));
          BOOST_TEST(fs::exists(c.model_path));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(checkpoint_round_trip_samples_identically) {
  Backend& backend = TheBackend();
  TempDir dir;
  for (const char* arch : {"dcgan", "vae"}) {
    auto model = backend.Create(Spec(arch, 32, 1, 10, 16), 3, "cpu");
    BOOST_TEST_REQUIRE(model.ok());
    auto id = (*model)->Save(dir.File("a.hmk"));
    auto id2 = (*model)->Save(dir.File("other-name.hmk"));
    BOOST_TEST_REQUIRE(id.ok());
    BOOST_TEST(*id == *id2);  // the id does not depend on the file name
    BOOST_TEST(*id == Sha256Hex(*ReadFile(dir.File("a.hmk"))));
    auto loaded = backend.Load(dir.File("a.hmk"), "cpu");
    BOOST_TEST_REQUIRE(loaded.ok(), loaded.status().ToString());
    BOOST_TEST((*loaded)->info().model_id == *id);
    BOOST_TEST((*loaded)->info().spec.ToJson() == (*model)->info().spec.ToJson());
    SampleRequest r;
    r.count = 10;
    r.seed = 42;
    BOOST_TEST((SampleOrDie(**model, r) == SampleOrDie(**loaded, r)));
  }
}

BOOST_AUTO_TEST_CASE(same_seed_same_bytes) {
  Backend& backend = TheBackend();
  auto model = backend.Create(Spec("dcgan", 32, 1, 10, 16), 5, "cpu");
  BOOST_TEST_REQUIRE(model.ok());
  SampleRequest r;
  r.count = 6;
  r.seed = 9;
  auto a = SampleOrDie(**model, r);
  auto b = SampleOrDie(**model, r);
  BOOST_TEST((a == b));
  r.seed = 10;
  auto c = SampleOrDie(**model, r);
  BOOST_TEST((a[1] != c[1]));
  // Image i draws from seed + i: the second image of seed 9 is the first of seed 10 (same class
  // given explicitly, one image per batch so the arithmetic is the same).
  SampleRequest one;
  one.class_index = 4;
  one.batch = 1;
  one.count = 2;
  one.seed = 9;
  auto pair = SampleOrDie(**model, one);
  one.count = 1;
  one.seed = 10;
  BOOST_TEST((pair[1] == SampleOrDie(**model, one)[0]));
  // The same weights from the same seed, built twice.
  auto twin = backend.Create(Spec("dcgan", 32, 1, 10, 16), 5, "cpu");
  BOOST_TEST((SampleOrDie(**twin, r) == c));
  // Truncation and walks are deterministic too, and change the output.
  SampleRequest t = r;
  t.truncation = 0.5;
  auto t1 = SampleOrDie(**model, t);
  BOOST_TEST((t1 == SampleOrDie(**model, t)));
  BOOST_TEST((t1 != c));
  SampleRequest walk;
  walk.interpolate = true;
  walk.seed = 1;
  walk.seed_b = 2;
  walk.count = 5;
  walk.class_index = 0;
  walk.batch = 1;
  auto w = SampleOrDie(**model, walk);
  SampleRequest ends;
  ends.class_index = 0;
  ends.batch = 1;
  ends.count = 2;
  ends.seed = 1;
  auto e = SampleOrDie(**model, ends);
  BOOST_TEST((w.front() == e[0]));
  BOOST_TEST((w.back() == e[1]));
  BOOST_TEST((w[2] != e[0]));
}

BOOST_AUTO_TEST_CASE(vae_loss_falls_on_the_bundled_subset) {
  auto data = LoadTrainingData({HALLMARK_FASHION_1K, 32, 0});
  BOOST_TEST_REQUIRE(data.ok(), data.status().ToString());
  TempDir dir;
  TrainConfig c;
  c.spec = Spec("vae", 32, 1, 10, 16);
  c.spec.class_names = data->train.class_names;
  c.steps = 80;
  c.batch = 32;
  c.device = "cpu";
  c.sample_every = 0;
  c.model_path = dir.File("model.hmk");
  Recorder rec;
  auto result = TheBackend().Train(c, data->train, rec);
  BOOST_TEST_REQUIRE(result.ok(), result.status().ToString());
  BOOST_TEST_REQUIRE(rec.losses.size() == 80u);
  auto mean = [&](size_t from, size_t to) {
    double s = 0;
    for (size_t i = from; i < to; ++i) s += rec.losses[i][0].second + rec.losses[i][1].second;
    return s / double(to - from);
  };
  BOOST_TEST_MESSAGE("VAE loss: first 10 steps " << mean(0, 10) << ", last 10 " << mean(70, 80));
  BOOST_TEST(mean(70, 80) < 0.8 * mean(0, 10));
}

BOOST_AUTO_TEST_CASE(dcgan_trains_and_records_its_data) {
  auto data = LoadTrainingData({HALLMARK_FASHION_1K, 32, 0});
  BOOST_TEST_REQUIRE(data.ok());
  TempDir dir;
  TrainConfig c;
  c.spec = Spec("dcgan", 32, 1, 10, 16);
  c.spec.class_names = data->train.class_names;
  c.steps = 20;
  c.batch = 32;
  c.device = "cpu";
  c.sample_every = 10;
  c.model_path = dir.File("model.hmk");
  c.data_info = {{"digest", data->digest}};
  Recorder rec;
  auto result = TheBackend().Train(c, data->train, rec);
  BOOST_TEST_REQUIRE(result.ok(), result.status().ToString());
  BOOST_TEST(rec.grids == 2);
  for (const auto& step : rec.losses) {
    BOOST_TEST(std::isfinite(step[0].second));
    BOOST_TEST(std::isfinite(step[1].second));
  }
  auto header = ReadCheckpointHeader(c.model_path);
  BOOST_TEST_REQUIRE(header.ok());
  BOOST_TEST((*header)["data"]["digest"] == data->digest);
  BOOST_TEST((*header)["training"]["steps"] == 20);
  BOOST_TEST((*header)["model"]["classes"][7] == "Sneaker");
  BOOST_TEST((*header)["library"]["libtorch"].get<std::string>().size() >= 4u);
  BOOST_TEST(result->model_id == Sha256Hex(*ReadFile(c.model_path)));
}

BOOST_AUTO_TEST_CASE(interrupted_and_resumed_run_equals_an_uninterrupted_one) {
  LabeledImages data = Noise(32, 1, 4, 64);
  TempDir a, b;
  auto config = [&](const TempDir& dir, int64_t steps) {
    TrainConfig c;
    c.spec = Spec("vae", 32, 1, 4, 8);
    c.steps = steps;
    c.batch = 16;
    c.device = "cpu";
    c.sample_every = 0;
    c.checkpoint_every = 0;
    c.model_path = dir.File("model.hmk");
    c.optimizer_path = dir.File("optimizer.state");
    return c;
  };
  Recorder straight;
  BOOST_TEST_REQUIRE(TheBackend().Train(config(a, 12), data, straight).ok());
  Recorder first, second;
  first.stop_after = 5;  // as if Ctrl-C came during step 5
  auto r1 = TheBackend().Train(config(b, 12), data, first);
  BOOST_TEST_REQUIRE(r1.ok());
  BOOST_TEST(r1->interrupted);
  BOOST_TEST(r1->steps == 5);
  auto r2 = TheBackend().Train(config(b, 12), data, second);
  BOOST_TEST_REQUIRE(r2.ok(), r2.status().ToString());
  BOOST_TEST(second.first_step == 5);
  BOOST_TEST(r2->steps == 12);
  auto ca = ReadCheckpoint(a.File("model.hmk"));
  auto cb = ReadCheckpoint(b.File("model.hmk"));
  BOOST_TEST_REQUIRE(ca.ok());
  BOOST_TEST_REQUIRE(cb.ok());
  BOOST_TEST_REQUIRE(ca->tensors.size() == cb->tensors.size());
  for (size_t i = 0; i < ca->tensors.size(); ++i) {
    BOOST_TEST(ca->tensors[i].values == cb->tensors[i].values, ca->tensors[i].name);
  }
}

BOOST_AUTO_TEST_CASE(bad_checkpoints_are_clear_errors) {
  Backend& backend = TheBackend();
  TempDir dir;
  auto model = backend.Create(Spec("dcgan", 32, 1, 10, 8), 1, "cpu");
  BOOST_TEST_REQUIRE((*model)->Save(dir.File("good.hmk")).ok());
  Bytes good = *ReadFile(dir.File("good.hmk"));

  Bytes truncated(good.begin(), good.begin() + long(good.size() / 2));
  BOOST_TEST(WriteFileAtomic(dir.File("truncated.hmk"), truncated).ok());
  Bytes flipped = good;
  flipped[good.size() - 100] ^= 1;
  BOOST_TEST(WriteFileAtomic(dir.File("flipped.hmk"), flipped).ok());
  BOOST_TEST(
      fs::copy_file(std::string(HALLMARK_FASHION_1K) + "/Bag/00035.png", dir.File("foreign.hmk")));
  // A well-formed file of another kind: the container is fine, the content is not a generator.
  Checkpoint other;
  other.header = {{"format", "hallmark-lenet"}};
  BOOST_TEST(WriteCheckpoint(dir.File("lenet.hmk"), other).ok());
  // A generator header whose tensors do not fit the architecture.
  auto ckpt = *ReadCheckpoint(dir.File("good.hmk"));
  ckpt.header["model"]["width"] = 16;
  BOOST_TEST(WriteCheckpoint(dir.File("mismatch.hmk"), ckpt).ok());

  for (const char* name :
       {"truncated.hmk", "flipped.hmk", "foreign.hmk", "lenet.hmk", "mismatch.hmk"}) {
    BOOST_TEST_CONTEXT(name) {
      auto r = backend.Load(dir.File(name), "cpu");
      BOOST_TEST_REQUIRE(!r.ok());
      BOOST_TEST(r.status().code() == StatusCode::kBadInput, r.status().ToString());
      BOOST_TEST(r.status().message().find(name) != std::string::npos, r.status().message());
    }
  }
  auto missing = backend.Load(dir.File("missing.hmk"), "cpu");
  BOOST_TEST(missing.status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_clear_errors) {
  Backend& backend = TheBackend();
  auto model = backend.Create(Spec("dcgan", 32, 1, 10, 8), 1, "cpu");
  SampleRequest r;
  r.class_index = 12;
  auto twelve = (*model)->Sample(r);
  BOOST_TEST_REQUIRE(!twelve.ok());
  BOOST_TEST(twelve.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(twelve.status().message().find("--class 12") != std::string::npos);
  BOOST_TEST(twelve.status().message().find("10 classes") != std::string::npos);
  r.class_index = -1;
  r.count = 0;
  BOOST_TEST(!(*model)->Sample(r).ok());

  auto tpu = backend.Create(Spec("dcgan", 32, 1, 10, 8), 1, "tpu");
  BOOST_TEST(tpu.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(tpu.status().message().find("tpu") != std::string::npos);
  if (backend.Describe().find("CUDA absent") != std::string::npos) {
    auto cuda = backend.Create(Spec("dcgan", 32, 1, 10, 8), 1, "cuda");
    BOOST_TEST(cuda.status().code() == StatusCode::kUnsupported);
    BOOST_TEST(cuda.status().message().find("CUDA") != std::string::npos);
  }
  auto size = backend.Create(Spec("dcgan", 48, 1, 10, 8), 1, "cpu");
  BOOST_TEST(size.status().code() == StatusCode::kInvalidArgument);
}
