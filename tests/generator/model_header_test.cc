// A model file whose header has a field of the wrong type is bad input naming the file and the
// field, whichever reader meets it first. No LibTorch is linked into this test.
#define BOOST_TEST_MODULE generator_model_header
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/sha256.h"
#include "generator/checkpoint_file.h"
#include "generator/model_spec.h"
#include "tests/support/subprocess.h"

using namespace hallmark;
using namespace hallmark::generator;
using nlohmann::json;

namespace {

// The "model" object of a real model file's header.
json GoodSpec() {
  ModelSpec spec;
  spec.class_names = {"shirt", "shoe"};
  return spec.ToJson();
}

// A model file as WriteCheckpoint writes it, whose header is `header` plus the tensor table.
std::string WriteModel(const testing::TempDir& dir, const json& header) {
  Checkpoint c;
  c.header = header;
  c.tensors.push_back({"G.w", {2}, {1.0f, 2.0f}});
  const std::string path = dir.File("model.hmm");
  Result<std::string> id = WriteCheckpoint(path, c);
  BOOST_REQUIRE_MESSAGE(id.ok(), id.status().ToString());
  return path;
}

// A model file with this exact header text (no tensor table added), checksum and all, for
// headers EncodeCheckpoint would never write.
std::string WriteRawModel(const testing::TempDir& dir, const json& header, const Bytes& payload) {
  const std::string text = header.dump();
  Bytes out{'H', 'M', 'M', 'O', 'D', 'E', 'L', '1'};
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(uint64_t(text.size()) >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  out.insert(out.end(), payload.begin(), payload.end());
  Sha256Digest check = Sha256(out);
  out.insert(out.end(), check.begin(), check.end());
  const std::string path = dir.File("raw.hmm");
  BOOST_REQUIRE(WriteFileAtomic(path, out).ok());
  return path;
}

void ExpectFieldError(const Status& s, const std::string& message) {
  BOOST_TEST(s.code() == StatusCode::kBadInput);
  BOOST_TEST(s.message() == message);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_good_header_reads_back) {
  testing::TempDir dir;
  json header = {{"format", "hallmark-model"}, {"format_version", 1}, {"model", GoodSpec()}};
  header["training"] = {{"steps", 10}, {"seconds", 1.5}};
  const std::string path = WriteModel(dir, header);
  Result<json> back = ReadCheckpointHeader(path);
  BOOST_REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  Result<ModelSpec> spec = ModelSpec::FromJson((*back)["model"]);
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  BOOST_TEST(spec->class_names.size() == 2u);
  BOOST_TEST(ReadCheckpoint(path).ok());
}

BOOST_AUTO_TEST_CASE(a_wrong_typed_header_field_names_the_file_and_the_field) {
  testing::TempDir dir;
  json spec = GoodSpec();
  spec["arch"] = 7;
  const std::string path = WriteModel(dir, {{"format", "hallmark-model"}, {"model", spec}});
  const std::string expected = path + ": field 'model/arch' must be a string";
  ExpectFieldError(ReadCheckpointHeader(path).status(), expected);
  ExpectFieldError(ReadCheckpoint(path).status(), expected);
  // The spec reader names the field; its caller adds the file.
  ExpectFieldError(ModelSpec::FromJson(spec).status(), "field 'model/arch' must be a string");

  for (const auto& [header, message] : std::vector<std::pair<std::string, std::string>>{
           {R"({"training": {"steps": "ten"}})", "field 'training/steps' must be an integer"},
           {R"({"training": 3})", "field 'training' must be an object"},
           {R"({"data": {"source": [1, 2]}})", "field 'data/source' must be a string"},
           {R"({"format_version": "1"})", "field 'format_version' must be an integer"},
           {R"({"seed": -4})", "field 'seed' must be a non-negative integer"}}) {
    const std::string p = WriteModel(dir, json::parse(header));
    ExpectFieldError(ReadCheckpointHeader(p).status(), p + ": " + message);
  }
}

BOOST_AUTO_TEST_CASE(model_spec_fields_are_checked_one_by_one) {
  json spec = GoodSpec();
  spec["image_size"] = 32.5;
  ExpectFieldError(ModelSpec::FromJson(spec).status(),
                   "field 'model/image_size' must be an integer");
  spec = GoodSpec();
  spec["classes"] = {"shirt", 2};
  ExpectFieldError(ModelSpec::FromJson(spec).status(), "field 'model/classes/1' must be a string");
  spec = GoodSpec();
  spec.erase("width");
  ExpectFieldError(ModelSpec::FromJson(spec).status(), "field 'model/width' is missing");
  ExpectFieldError(ModelSpec::FromJson(json("dcgan")).status(), "field 'model' must be an object");
}

BOOST_AUTO_TEST_CASE(a_wrong_typed_tensor_table_names_the_entry) {
  testing::TempDir dir;
  const Bytes payload{0, 0, 128, 63};  // 1.0f
  const std::string digest = "\"" + Sha256Hex(payload) + "\"";
  for (const auto& [fields, message] : std::vector<std::pair<std::string, std::string>>{
           {R"("tensors": [{"name": "w", "shape": ["1"]}], "payload_sha256": )" + digest,
            "field 'tensors/0/shape/0' must be an integer"},
           {R"("tensors": [{"name": 5, "shape": [1]}], "payload_sha256": )" + digest,
            "field 'tensors/0/name' must be a string"},
           {R"("tensors": [{"shape": [1]}], "payload_sha256": )" + digest,
            "field 'tensors/0/name' is missing"},
           {R"("tensors": {"name": "w"}, "payload_sha256": )" + digest,
            "field 'tensors' must be an array"},
           {R"("tensors": [{"name": "w", "shape": [1]}], "payload_sha256": 12)",
            "field 'payload_sha256' must be a string"}}) {
    const std::string path = WriteRawModel(dir, json::parse("{" + fields + "}"), payload);
    ExpectFieldError(ReadCheckpoint(path).status(), path + ": " + message);
  }
  // The same file with the right types reads.
  const std::string path =
      WriteRawModel(dir,
                    json::parse(R"({"tensors": [{"name": "w", "shape": [1]}], "payload_sha256": )" +
                                digest + "}"),
                    payload);
  Result<Checkpoint> good = ReadCheckpoint(path);
  BOOST_REQUIRE_MESSAGE(good.ok(), good.status().ToString());
  BOOST_TEST(good->Find("w")->values[0] == 1.0f);
}
