#include "generator/sampling_run.h"

#include <filesystem>

#include "base/file.h"
#include "base/sha256.h"
#include "generator/sample_delivery.h"
#include "generator/sample_grid.h"
#include "image/codec.h"

namespace hallmark::generator {
namespace {

Result<std::pair<uint64_t, uint64_t>> ParseWalk(const std::string& text) {
  size_t comma = text.find(',');
  try {
    if (comma != std::string::npos) {
      size_t a_used = 0, b_used = 0;
      std::string a = text.substr(0, comma), b = text.substr(comma + 1);
      uint64_t sa = std::stoull(a, &a_used), sb = std::stoull(b, &b_used);
      if (a_used == a.size() && b_used == b.size() && !a.empty() && a[0] != '-' && !b.empty() &&
          b[0] != '-') {
        return std::make_pair(sa, sb);
      }
    }
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument("--interpolate " + text + ": expected two seeds, A,B");
}

std::string SafeName(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  return s;
}

}  // namespace

Result<SampleSummary> RunSampling(const SampleCommand& cmd, Backend& backend) {
  HM_RETURN_IF_ERROR(ValidateDevice(cmd.device));
  HM_ASSIGN_OR_RETURN(image::Format format, image::ParseFormat(cmd.format));
  DeliveryOptions delivery;
  HM_RETURN_IF_ERROR(SetPalette(cmd.palette, cmd.palette_strength, &delivery));
  if (cmd.out_size < 0 || cmd.out_size > 8192) {
    return Status::InvalidArgument("--out-size must be between 1 and 8192");
  }
  delivery.out_size = cmd.out_size;
  HM_ASSIGN_OR_RETURN(delivery.filter, image::ParseFilter(cmd.filter));
  SampleRequest request;
  request.count = cmd.count;
  request.seed = cmd.seed;
  request.truncation = cmd.truncation;
  if (!cmd.interpolate.empty()) {
    HM_ASSIGN_OR_RETURN(auto walk, ParseWalk(cmd.interpolate));
    request.interpolate = true;
    request.seed = walk.first;
    request.seed_b = walk.second;
  }

  HM_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, backend.Load(cmd.model, cmd.device));
  const ModelInfo& info = model->info();
  HM_ASSIGN_OR_RETURN(request.class_index, ResolveClass(info.spec, cmd.class_name));
  HM_ASSIGN_OR_RETURN(std::vector<GeneratedImage> images,
                      GenerateImages(*model, request, delivery));

  std::error_code ec;
  std::filesystem::create_directories(cmd.out, ec);
  if (ec) return Status::IoError(cmd.out + ": cannot create the folder: " + ec.message());
  SampleSummary summary;
  summary.model_id = info.model_id;
  nlohmann::json records = nlohmann::json::array();
  const char* ext = format == image::Format::kJpeg ? "jpg" : image::FormatName(format);
  for (size_t i = 0; i < images.size(); ++i) {
    const GeneratedImage& g = images[i];
    char name[160];
    if (request.interpolate) {
      std::snprintf(name, sizeof name, "walk-%llu-%llu-%03zu-%s.%s",
                    static_cast<unsigned long long>(request.seed),
                    static_cast<unsigned long long>(request.seed_b), i,
                    SafeName(g.class_name).c_str(), ext);
    } else {
      std::snprintf(name, sizeof name, "sample-%llu-%s.%s", static_cast<unsigned long long>(g.seed),
                    SafeName(g.class_name).c_str(), ext);
    }
    HM_ASSIGN_OR_RETURN(Bytes bytes, image::Encode(g.image, format));
    std::string path = cmd.out + "/" + name;
    HM_RETURN_IF_ERROR(WriteFileAtomic(path, bytes));
    summary.files.push_back(path);
    nlohmann::json edits = nlohmann::json::array();
    for (const EditStep& e : g.edits) edits.push_back(e.ToJson());
    nlohmann::json record = {{"file", name},
                             {"sha256", Sha256Hex(bytes)},
                             {"class", g.class_index},
                             {"class_name", g.class_name},
                             {"seed", g.seed},
                             {"width", g.image.width()},
                             {"height", g.image.height()},
                             {"edits", edits}};
    if (g.walk_position >= 0) {
      record["walk"] = {
          {"from_seed", request.seed}, {"to_seed", request.seed_b}, {"position", g.walk_position}};
    }
    records.push_back(std::move(record));
  }
  summary.metadata = {{"model",
                       {{"id", info.model_id},
                        {"path", info.path},
                        {"arch", info.spec.arch},
                        {"image_size", info.spec.image_size}}},
                      {"request",
                       {{"count", request.count},
                        {"class", request.class_index},
                        {"seed", request.seed},
                        {"truncation", request.truncation},
                        {"device", info.device}}},
                      {"images", records}};
  std::string text = summary.metadata.dump(2) + "\n";
  HM_RETURN_IF_ERROR(WriteFileAtomic(cmd.out + "/samples.json", ByteView(std::string_view(text))));
  if (cmd.grid) {
    std::vector<image::Image> all;
    for (const auto& g : images) all.push_back(g.image);
    int columns = request.class_index < 0 && !request.interpolate
                      ? std::min<int>(info.spec.num_classes(), cmd.count)
                      : std::min(cmd.count, 10);
    HM_ASSIGN_OR_RETURN(image::Image sheet, MakeGrid(all, columns, 2, 1));
    HM_RETURN_IF_ERROR(image::WriteImageFile(cmd.out + "/grid.png", sheet));
    summary.files.push_back(cmd.out + "/grid.png");
  }
  return summary;
}

}  // namespace hallmark::generator
