#include <boost/test/unit_test.hpp>

#include "base/json_fields.h"

using namespace hallmark;

namespace {

const nlohmann::json kDoc = nlohmann::json::parse(R"({
  "model": {"arch": "dcgan", "image_size": 32, "classes": ["a", "b"], "big": 4294967296},
  "tensors": [{"name": "w", "shape": [2, 3]}],
  "flag": true,
  "ratio": 0.5,
  "count": 7,
  "negative": -1,
  "nothing": null,
  "a/b": "slash"
})");

void ExpectBadInput(const Status& s, const std::string& message) {
  BOOST_TEST(s.code() == StatusCode::kBadInput);
  BOOST_TEST(s.message() == message);
}

}  // namespace

BOOST_AUTO_TEST_CASE(json_fields_read_present_fields) {
  JsonFields f(kDoc, "m.hmm");
  BOOST_TEST(*f.String("/model/arch") == "dcgan");
  BOOST_TEST(*f.Int("/model/image_size") == 32);
  BOOST_TEST(*f.Integer("/model/big") == int64_t{4294967296});
  BOOST_TEST((*f.Strings("/model/classes") == std::vector<std::string>{"a", "b"}));
  BOOST_TEST((*f.Integers("/tensors/0/shape") == std::vector<int64_t>{2, 3}));
  BOOST_TEST(*f.String("/tensors/0/name") == "w");
  BOOST_TEST(*f.Bool("/flag"));
  BOOST_TEST(*f.Number("/ratio", 0) == 0.5);
  BOOST_TEST(*f.Number("/count", 0) == 7.0);
  BOOST_TEST(*f.Unsigned("/count", 0) == 7u);
  BOOST_TEST(*f.String("/a~1b") == "slash");
  BOOST_TEST((*f.Object("/model"))->size() == 4u);
  BOOST_TEST((*f.Array("/tensors"))->size() == 1u);
}

BOOST_AUTO_TEST_CASE(json_fields_fall_back_only_when_missing) {
  JsonFields f(kDoc, "m.hmm");
  BOOST_TEST(*f.String("/model/nope", "x") == "x");
  BOOST_TEST(*f.Integer("/training/steps", 5) == 5);
  BOOST_TEST(*f.Bool("/missing", true));
  BOOST_TEST(*f.Unsigned("/missing", 9) == 9u);
  BOOST_TEST((*f.ObjectOrEmpty("/missing"))->is_object());
  BOOST_TEST((*f.ArrayOrEmpty("/missing"))->empty());
  BOOST_TEST(*f.String("/tensors/3/name", "none") == "none");
  BOOST_TEST(!f.Has("/tensors/01"));
  BOOST_TEST(f.Has("/nothing"));
  // Present with the wrong type: the fallback does not hide it.
  ExpectBadInput(f.String("/model/image_size", "x").status(),
                 "m.hmm: field 'model/image_size' must be a string");
  ExpectBadInput(f.Integer("/nothing", 0).status(), "m.hmm: field 'nothing' must be an integer");
}

BOOST_AUTO_TEST_CASE(json_fields_name_the_file_and_the_field) {
  JsonFields f(kDoc, "m.hmm");
  ExpectBadInput(f.String("/model/missing").status(), "m.hmm: field 'model/missing' is missing");
  ExpectBadInput(f.Integer("/model/arch").status(), "m.hmm: field 'model/arch' must be an integer");
  ExpectBadInput(f.Integer("/ratio").status(), "m.hmm: field 'ratio' must be an integer");
  ExpectBadInput(f.Bool("/count").status(), "m.hmm: field 'count' must be a boolean");
  ExpectBadInput(f.Object("/tensors").status(), "m.hmm: field 'tensors' must be an object");
  ExpectBadInput(f.Array("/model").status(), "m.hmm: field 'model' must be an array");
  ExpectBadInput(f.Number("/model/arch", 0).status(), "m.hmm: field 'model/arch' must be a number");
  ExpectBadInput(f.Unsigned("/negative", 0).status(),
                 "m.hmm: field 'negative' must be a non-negative integer");
  ExpectBadInput(f.Int("/model/big").status(), "m.hmm: field 'model/big' is out of range");
  ExpectBadInput(f.Strings("/tensors/0/shape").status(),
                 "m.hmm: field 'tensors/0/shape/0' must be a string");
  // A path through a scalar names the scalar.
  ExpectBadInput(f.String("/flag/x", "").status(), "m.hmm: field 'flag' must be an object");
  BOOST_TEST(!f.Has("/flag/x"));
}

BOOST_AUTO_TEST_CASE(json_fields_name_fields_as_the_file_spells_them) {
  // A sub-document read on its own, and a caller that adds the file name itself.
  JsonFields model(kDoc["model"], "m.hmm", "/model");
  ExpectBadInput(model.Int("/arch").status(), "m.hmm: field 'model/arch' must be an integer");
  JsonFields anonymous(kDoc, "");
  ExpectBadInput(anonymous.Bool("/count").status(), "field 'count' must be a boolean");
}
