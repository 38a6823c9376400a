// The generator's torch-free parts: model file format, IDX and image-folder datasets, palette
// mapping, grids and delivery edits. No LibTorch is linked into this test.
#define BOOST_TEST_MODULE generator_core
#include <zlib.h>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "base/file.h"
#include "base/sha256.h"
#include "generator/checkpoint_file.h"
#include "generator/dataset_loader.h"
#include "generator/idx_reader.h"
#include "generator/imported_model.h"
#include "generator/loss_plot.h"
#include "generator/palette.h"
#include "generator/sample_delivery.h"
#include "generator/sample_grid.h"

namespace fs = std::filesystem;
using namespace hallmark;
using namespace hallmark::generator;

namespace {

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "hallmark-gen-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

Checkpoint SmallCheckpoint() {
  Checkpoint c;
  c.header = {{"format", "test"}, {"steps", 3}};
  c.tensors.push_back({"a.weight", {2, 3}, {1, 2, 3, 4, 5, 6.5f}});
  c.tensors.push_back({"b", {}, {-0.25f}});
  return c;
}

Bytes Idx(uint32_t magic, std::vector<uint32_t> dims, const Bytes& body) {
  Bytes out;
  auto be = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
  };
  be(magic);
  for (uint32_t d : dims) be(d);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes Gzip(const Bytes& in) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  Bytes out(in.size() + 1024);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size());
  zs.next_out = out.data();
  zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(checkpoint_round_trip_is_byte_exact) {
  Bytes a = EncodeCheckpoint(SmallCheckpoint());
  Bytes b = EncodeCheckpoint(SmallCheckpoint());
  BOOST_TEST(a == b);  // no time, name or host in the bytes
  auto back = DecodeCheckpoint(a, "m.hmk");
  BOOST_TEST_REQUIRE(back.ok());
  BOOST_TEST(back->header["steps"] == 3);
  BOOST_TEST(back->tensors.size() == 2u);
  BOOST_TEST(back->Find("a.weight")->values[5] == 6.5f);
  BOOST_TEST(back->Find("b")->shape.empty());
  BOOST_TEST(EncodeCheckpoint(*back) == a);
}

BOOST_AUTO_TEST_CASE(corrupt_checkpoints_are_bad_input_naming_the_file) {
  Bytes good = EncodeCheckpoint(SmallCheckpoint());
  std::vector<Bytes> bad;
  bad.push_back(Bytes(good.begin(), good.end() - 5));     // truncated weights
  bad.push_back(Bytes(good.begin(), good.begin() + 20));  // truncated header
  Bytes flipped = good;
  flipped[flipped.size() - 2] ^= 0x40;  // one bit in the weights
  bad.push_back(flipped);
  Bytes header_flip = good;
  header_flip[20] = '!';
  bad.push_back(header_flip);
  bad.push_back(Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0, 0, 0, 0, 0});
  bad.push_back(Bytes());
  for (const Bytes& b : bad) {
    auto r = DecodeCheckpoint(b, "broken.hmk");
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.status().code() == StatusCode::kBadInput);
    BOOST_TEST(r.status().message().find("broken.hmk") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(idx_reader_plain_and_gzip) {
  TempDir dir;
  Bytes pixels(3 * 4 * 4);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i * 5);
  Bytes images = Idx(0x803, {3, 4, 4}, pixels);
  Bytes labels = Idx(0x801, {3}, Bytes{2, 0, 1});
  BOOST_TEST(WriteFileAtomic(dir.path + "/x-images-idx3-ubyte", images).ok());
  BOOST_TEST(WriteFileAtomic(dir.path + "/x-labels-idx1-ubyte.gz", Gzip(labels)).ok());
  auto set = ReadIdxPair(dir.path + "/x-images-idx3-ubyte", dir.path + "/x-labels-idx1-ubyte.gz",
                         {"a", "b", "c"});
  BOOST_TEST_REQUIRE(set.ok());
  BOOST_TEST(set->count() == 3u);
  BOOST_TEST(set->size == 4);
  BOOST_TEST(set->labels[0] == 2);
  BOOST_TEST(set->image_data(2)[15] == uint8_t((32 + 15) * 5));

  // A label beyond the classes, a count mismatch and a wrong magic are all named errors.
  auto few = ReadIdxPair(dir.path + "/x-images-idx3-ubyte", dir.path + "/x-labels-idx1-ubyte.gz",
                         {"a", "b"});
  BOOST_TEST(!few.ok());
  BOOST_TEST(few.status().message().find("out of range") != std::string::npos);
  BOOST_TEST(WriteFileAtomic(dir.path + "/short", Bytes(images.begin(), images.end() - 1)).ok());
  auto trunc =
      ReadIdxPair(dir.path + "/short", dir.path + "/x-labels-idx1-ubyte.gz", {"a", "b", "c"});
  BOOST_TEST(!trunc.ok());
  BOOST_TEST(trunc.status().message().find("short") != std::string::npos);
  BOOST_TEST(WriteFileAtomic(dir.path + "/bad.gz", Bytes{0x1f, 0x8b, 8, 0, 1, 2}).ok());
  auto gz = ReadMaybeGzip(dir.path + "/bad.gz");
  BOOST_TEST(!gz.ok());
  BOOST_TEST(gz.status().code() == StatusCode::kBadInput);
}

BOOST_AUTO_TEST_CASE(bundled_subset_loads_pads_and_splits) {
  auto data = LoadTrainingData({HALLMARK_FASHION_1K, 32, 0});
  BOOST_TEST_REQUIRE(data.ok(), data.status().ToString());
  BOOST_TEST(data->train.count() == 900u);
  BOOST_TEST(data->test.count() == 100u);
  BOOST_TEST(data->train.class_names == FashionMnistClassNames());
  BOOST_TEST(data->train.size == 32);
  BOOST_TEST(data->train.channels == 1);
  BOOST_TEST(data->source_size == 28);
  // 28 -> 32 is padding: a two-pixel black frame, the original pixels inside.
  const uint8_t* img = data->train.image_data(0);
  int frame = 0, inside = 0;
  for (int y = 0; y < 32; ++y) {
    for (int x = 0; x < 32; ++x) {
      bool border = x < 2 || y < 2 || x >= 30 || y >= 30;
      (border ? frame : inside) += img[y * 32 + x];
    }
  }
  BOOST_TEST(frame == 0);
  BOOST_TEST(inside > 0);
  // The digest is a stable function of the content.
  auto again = LoadTrainingData({HALLMARK_FASHION_1K, 32, 0});
  BOOST_TEST(again->digest == data->digest);
  BOOST_TEST(data->digest.size() == 64u);
  auto rgb64 = LoadTrainingData({HALLMARK_FASHION_1K, 64, 3});
  BOOST_TEST_REQUIRE(rgb64.ok());
  BOOST_TEST(rgb64->train.channels == 3);
  BOOST_TEST(rgb64->train.image_bytes() == size_t(3 * 64 * 64));
  BOOST_TEST(rgb64->digest != data->digest);
}

BOOST_AUTO_TEST_CASE(bad_dataset_paths_are_named) {
  auto missing = LoadTrainingData({"/nonexistent/data", 32, 0});
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.status().code() == StatusCode::kNotFound);
  BOOST_TEST(missing.status().message().find("/nonexistent/data") != std::string::npos);
  TempDir empty;
  auto none = LoadTrainingData({empty.path, 32, 0});
  BOOST_TEST(!none.ok());
  BOOST_TEST(none.status().message().find(empty.path) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(palette_parsing_and_gradient_map) {
  auto p = ParsePalette("#000000, #f00,ffffff");
  BOOST_TEST_REQUIRE(p.ok());
  BOOST_TEST(p->size() == 3u);
  BOOST_TEST((p->at(1) == Rgb{255, 0, 0}));
  BOOST_TEST(!ParsePalette("#000000").ok());       // one colour
  BOOST_TEST(!ParsePalette("#00000g,#fff").ok());  // not hex
  BOOST_TEST(!ParsePalette("").ok());

  auto grey = *image::Image::Create(3, 1, 1);
  grey.set_sample(0, 0, 0, 0);
  grey.set_sample(1, 0, 0, 128);
  grey.set_sample(2, 0, 0, 255);
  image::Image out = ApplyPalette(grey, *p);
  BOOST_TEST(out.channels() == 3);
  BOOST_TEST(out.sample(0, 0, 0) == 0);    // black stays the first colour
  BOOST_TEST(out.sample(1, 0, 0) == 255);  // mid-grey lands on the middle stop (red)
  BOOST_TEST(out.sample(1, 0, 1) <= 2);
  BOOST_TEST(out.sample(2, 0, 1) == 255);  // white is the last colour
}

BOOST_AUTO_TEST_CASE(palette_strength_mixes_the_map_over_the_model_colours) {
  auto two = *ParsePalette("#000000,#0000ff");
  auto red = *image::Image::Create(1, 1, 3);
  red.set_sample(0, 0, 0, 200);  // luma 60: the map gives (0, 0, 60)
  BOOST_TEST((ApplyPalette(red, two, 0.0) == red));
  image::Image full = ApplyPalette(red, two, 1.0);
  BOOST_TEST(full.sample(0, 0, 0) == 0);
  BOOST_TEST(full.sample(0, 0, 2) == 60);
  image::Image half = ApplyPalette(red, two, 0.5);
  BOOST_TEST(half.sample(0, 0, 0) == 100);  // the model's red is half kept
  BOOST_TEST(half.sample(0, 0, 2) == 30);
  BOOST_TEST(CheckPaletteStrength(0.25).ok());
  BOOST_TEST(!CheckPaletteStrength(1.5).ok());
  BOOST_TEST(!CheckPaletteStrength(std::nan("")).ok());

  DeliveryOptions options;
  options.palette = two;
  std::vector<EditStep> edits;
  BOOST_TEST_REQUIRE(Deliver(red, options, &edits).ok());
  BOOST_TEST(!edits[0].parameters.contains("strength"));  // records made before it read the same
  options.palette_strength = 0.5;
  edits.clear();
  BOOST_TEST_REQUIRE(Deliver(red, options, &edits).ok());
  BOOST_TEST(edits[0].parameters["strength"] == 0.5);
  options.palette_strength = -1;
  BOOST_TEST(!Deliver(red, options, &edits).ok());

  // As sample and generate take the flags.
  DeliveryOptions set;
  BOOST_TEST(SetPalette("#000000,#0000ff", 0.25, &set).ok());
  BOOST_TEST(set.palette.size() == 2u);
  BOOST_TEST(set.palette_strength == 0.25);
  BOOST_TEST(SetPalette("", 1.0, &set).ok());
  auto alone = SetPalette("", 0.5, &set);
  BOOST_TEST(!alone.ok());
  BOOST_TEST(alone.message().find("needs --palette") != std::string::npos);
  BOOST_TEST(!SetPalette("#000000,#0000ff", 1.5, &set).ok());
}

BOOST_AUTO_TEST_CASE(delivery_records_its_edits) {
  auto img = *image::Image::Create(32, 32, 1);
  DeliveryOptions options;
  options.palette = *ParsePalette("#102030,#f0e0d0");
  options.out_size = 128;
  std::vector<EditStep> edits;
  auto out = Deliver(img, options, &edits);
  BOOST_TEST_REQUIRE(out.ok());
  BOOST_TEST(out->width() == 128);
  BOOST_TEST(out->channels() == 3);
  BOOST_TEST_REQUIRE(edits.size() == 2u);
  BOOST_TEST(edits[0].action == "palette");
  BOOST_TEST(edits[0].parameters["colors"][0] == "#102030");
  BOOST_TEST(edits[1].action == "resize");
  BOOST_TEST(edits[1].parameters["filter"] == "lanczos3");
  BOOST_TEST(edits[1].parameters["to"][0] == 128);
  std::vector<EditStep> none;
  BOOST_TEST(Deliver(img, DeliveryOptions{}, &none)->width() == 32);
  BOOST_TEST(none.empty());
}

BOOST_AUTO_TEST_CASE(class_resolution) {
  ModelSpec spec;
  spec.class_names = FashionMnistClassNames();
  BOOST_TEST(*ResolveClass(spec, "") == -1);
  BOOST_TEST(*ResolveClass(spec, "7") == 7);
  BOOST_TEST(*ResolveClass(spec, "sneaker") == 7);
  auto twelve = ResolveClass(spec, "12");
  BOOST_TEST_REQUIRE(!twelve.ok());
  BOOST_TEST(twelve.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(twelve.status().message().find("10 classes") != std::string::npos);
  BOOST_TEST(!ResolveClass(spec, "-1").ok());
  BOOST_TEST(!ResolveClass(spec, "Hat").ok());
}

BOOST_AUTO_TEST_CASE(grid_and_loss_plot) {
  std::vector<image::Image> tiles;
  for (int i = 0; i < 5; ++i) {
    auto t = *image::Image::Create(4, 4, 1);
    std::fill(t.data(), t.data() + t.size_bytes(), uint8_t(i * 50));
    tiles.push_back(t);
  }
  auto grid = MakeGrid(tiles, 3, 1, 2);
  BOOST_TEST_REQUIRE(grid.ok());
  BOOST_TEST(grid->width() == 3 * (8 + 1) + 1);
  BOOST_TEST(grid->height() == 2 * (8 + 1) + 1);
  BOOST_TEST(grid->sample(1 + 9 + 3, 1 + 9 + 3, 0) == 200);  // tile 4: row 1, column 1
  tiles.push_back(*image::Image::Create(5, 4, 1));
  BOOST_TEST(!MakeGrid(tiles, 3).ok());

  std::string svg =
      LossCurveSvg({{"G", {{1, 2.0}, {2, 1.0}}}, {"D<", {{1, 0.5}, {2, 0.7}}}}, "loss");
  BOOST_TEST(svg.rfind("<svg", 0) == 0);
  BOOST_TEST(svg.find("D&lt;") != std::string::npos);
  BOOST_TEST(svg.find("</svg>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(model_spec_validation) {
  ModelSpec spec;
  spec.class_names = {"a", "b"};
  BOOST_TEST(spec.Validate().ok());
  spec.image_size = 48;
  BOOST_TEST(spec.Validate().code() == StatusCode::kInvalidArgument);
  spec.image_size = 64;
  spec.arch = "gan";
  BOOST_TEST(!spec.Validate().ok());
  spec.arch = "vae";
  auto back = ModelSpec::FromJson(spec.ToJson());
  BOOST_TEST_REQUIRE(back.ok());
  BOOST_TEST(back->ToJson() == spec.ToJson());
  BOOST_TEST(ValidateDevice("cuda").ok());
  BOOST_TEST(ValidateDevice("tpu").code() == StatusCode::kInvalidArgument);
}

// Imported TorchScript models: the torch-free half (manifest, sidecar, --model resolution).
BOOST_AUTO_TEST_CASE(import_manifest_keys_and_values) {
  auto ok = ParseImportManifest(
      R"({"classes":["a","b"],"latent_dim":8,"weights_licence":"MIT","datasets":["d"]})", "m.json");
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->conditional);
  BOOST_TEST(ok->classes.size() == 2u);
  auto uncond = ParseImportManifest(
      R"({"latent_dim":8,"weights_licence":"MIT","datasets":["d"],"conditional":false})", "m.json");
  BOOST_REQUIRE(uncond.ok());
  BOOST_TEST(uncond->classes == std::vector<std::string>{kUnconditionalClass});
  struct Case {
    const char* json;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"classes":["a"],"latent_dim":8,"weights_licence":"MIT","datasets":["d"],"x":1})",
            "m.json: key 'x': unknown key"},
           {R"({"latent_dim":8,"weights_licence":"MIT","datasets":["d"]})",
            "m.json: key 'classes': missing"},
           {R"({"classes":["a"],"latent_dim":-1,"weights_licence":"MIT","datasets":["d"]})",
            "m.json: key 'latent_dim': must be an integer"},
           {R"({"classes":["a"],"latent_dim":8,"weights_licence":"","datasets":["d"]})",
            "m.json: key 'weights_licence'"},
           {R"({"classes":["a"],"latent_dim":8,"weights_licence":"MIT","datasets":[]})",
            "m.json: key 'datasets'"},
           {R"({"classes":["a","b"],"latent_dim":8,"weights_licence":"MIT","datasets":["d"],)"
            R"("conditional":false})",
            "m.json: key 'classes': an unconditional model"},
           {R"([1,2])", "m.json: the manifest must be a JSON object"},
           {R"({)", "m.json: not valid JSON"},
       }) {
    auto r = ParseImportManifest(c.json, "m.json");
    BOOST_TEST_REQUIRE(!r.ok(), c.json);
    BOOST_TEST(r.status().code() == StatusCode::kBadInput);
    BOOST_TEST(r.status().message().rfind(c.message, 0) == 0, r.status().message());
  }
}

BOOST_AUTO_TEST_CASE(imported_sidecar_round_trip_and_model_resolution) {
  TempDir dir;
  const std::string home = dir.path + "/home";
  fs::create_directories(ImportedModelDir(home));
  // A "TorchScript" file as far as the torch-free half can tell: a zip magic.
  const std::string original = dir.path + "/gen.pt";
  BOOST_REQUIRE(WriteFileAtomic(original, ByteView("PK\x03\x04 not really a model")).ok());
  BOOST_TEST(IsTorchScriptFile(original));
  const std::string id = Sha256Hex(ByteView("PK\x03\x04 not really a model"));
  // Not imported yet: the original and the id both fail, naming what to do.
  auto missing = ResolveModelArgument(home, original);
  BOOST_TEST(missing.status().code() == StatusCode::kNotFound);
  BOOST_TEST(missing.status().message().find("model import") != std::string::npos);
  BOOST_TEST(ResolveModelArgument(home, id).status().code() == StatusCode::kNotFound);
  // A user's manifest beside the original is not a sidecar.
  BOOST_REQUIRE(WriteFileAtomic(dir.path + "/gen.json", ByteView("{}")).ok());
  BOOST_TEST(ResolveModelArgument(home, original).status().code() == StatusCode::kNotFound);

  ModelSpec spec;
  spec.arch = kImportedArch;
  spec.image_size = 32;
  spec.channels = 3;
  spec.class_names = {"a", "b"};
  spec.latent_dim = 8;
  spec.width = 0;
  ImportManifest manifest;
  manifest.classes = spec.class_names;
  manifest.latent_dim = 8;
  manifest.weights_licence = "MIT";
  manifest.datasets = {"d"};
  const std::string copy = ImportedModelPath(home, id);
  BOOST_TEST(copy == home + "/models/" + id + ".pt");
  BOOST_TEST(ImportedSidecarPath(copy) == home + "/models/" + id + ".json");
  fs::copy_file(original, copy);
  std::string text = MakeImportedSidecar(id, spec, manifest, {}, "gen.pt").dump();
  BOOST_REQUIRE(WriteFileAtomic(ImportedSidecarPath(copy), ByteView(text)).ok());
  auto read = ReadImportedSidecar(copy);
  BOOST_REQUIRE(read.ok());
  BOOST_TEST(read->model_id == id);
  BOOST_TEST(read->spec.channels == 3);
  BOOST_TEST(read->spec.class_names == spec.class_names);
  BOOST_TEST(read->weights_licence == "MIT");
  BOOST_TEST(read->conditional);
  // Now the original, the id and the copy all name the copy; other paths pass through.
  BOOST_TEST(*ResolveModelArgument(home, original) == copy);
  BOOST_TEST(*ResolveModelArgument(home, id) == copy);
  BOOST_TEST(*ResolveModelArgument(home, copy) == copy);
  BOOST_TEST(*ResolveModelArgument(home, dir.path + "/model.hmk") == dir.path + "/model.hmk");
  // A sidecar with a bad spec is refused naming the file.
  text = MakeImportedSidecar(id, spec, manifest, {}, "gen.pt").dump();
  auto doc = nlohmann::json::parse(text);
  doc["model"]["image_size"] = 4;
  BOOST_REQUIRE(WriteFileAtomic(ImportedSidecarPath(copy), ByteView(doc.dump())).ok());
  auto bad = ReadImportedSidecar(copy);
  BOOST_TEST(bad.status().code() == StatusCode::kBadInput);
  BOOST_TEST(bad.status().message().find("image size 4") != std::string::npos,
             bad.status().message());
}
