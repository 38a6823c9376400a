// Imported TorchScript generators: probing at import, loading and sampling afterwards. LibTorch
// throws c10::Error (a std::exception) from load and forward; every call is caught here and turned
// into a Status, so no exception leaves the library.
#include "generator/torch_script_model.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "base/file.h"
#include "base/sha256.h"

namespace hallmark::generator {
namespace {

constexpr double kRangeTolerance = 1e-3;
constexpr int kProbeBatch = 2;
constexpr uint64_t kProbeSeed = 20261206;

// LibTorch messages run over many lines (a TorchScript traceback, a C++ backtrace); one line of
// it is what a user needs: the interpreter's own error is its last line, anything else its first.
std::string OneLine(const std::string& what) {
  std::vector<std::string> lines;
  std::istringstream in(what);
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
  }
  if (lines.empty()) return "unknown error";
  std::string line = lines.front();
  if (line.rfind("The following operation failed", 0) == 0) line = lines.back();
  size_t start = line.find_first_not_of(" \t");
  line = line.substr(start == std::string::npos ? 0 : start);
  if (line.size() > 300) line = line.substr(0, 300) + "...";
  return line;
}

std::string ShapeText(const torch::Tensor& x) {
  std::string s = "[";
  for (int64_t d = 0; d < x.dim(); ++d) s += (d ? ", " : "") + std::to_string(x.size(d));
  return s + "]";
}

std::string DtypeName(const torch::Tensor& x) {
  return std::string(c10::toString(x.scalar_type()));
}

// Why `out` breaks the contract for a batch of n, or "" when it keeps it. `channels` and `size`
// are the probed shape (0: not known yet).
std::string Violation(const torch::jit::IValue& out, int64_t n, int channels, int size) {
  if (!out.isTensor()) return "forward returned a " + out.tagKind() + ", not a tensor";
  const torch::Tensor& x = out.toTensor();
  if (!x.is_floating_point()) {
    return "output dtype is " + DtypeName(x) + ": expected a floating tensor (float32)";
  }
  if (x.dim() != 4) return "output shape is " + ShapeText(x) + ": expected 4-D [N, C, H, W]";
  if (x.size(0) != n) {
    return "output shape is " + ShapeText(x) + ": expected N = " + std::to_string(n) +
           " images for N = " + std::to_string(n) + " latents";
  }
  if (x.size(1) != 1 && x.size(1) != 3) {
    return "output shape is " + ShapeText(x) + ": expected C = 1 (grey) or 3 (RGB)";
  }
  if (x.size(2) != x.size(3)) {
    return "output shape is " + ShapeText(x) + ": expected square images (H = W)";
  }
  if (x.size(2) < kMinImportedSize || x.size(2) > kMaxImportedSize) {
    return "output shape is " + ShapeText(x) + ": images must be " +
           std::to_string(kMinImportedSize) + " to " + std::to_string(kMaxImportedSize) +
           " pixels square";
  }
  if (channels > 0 && (x.size(1) != channels || x.size(2) != size)) {
    return "output shape is " + ShapeText(x) + ": differs from the [N, " +
           std::to_string(channels) + ", " + std::to_string(size) + ", " + std::to_string(size) +
           "] probed at import";
  }
  if (!torch::isfinite(x).all().item<bool>()) return "output holds NaN or infinite values";
  const double lo = x.min().item<double>(), hi = x.max().item<double>();
  if (lo < -1 - kRangeTolerance || hi > 1 + kRangeTolerance) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "output values range from %.4g to %.4g: expected [-1, 1]", lo,
                  hi);
    return buf;
  }
  return "";
}

torch::jit::IValue Forward(torch::jit::Module& module, const torch::Tensor& z,
                           const torch::Tensor& y, bool conditional) {
  std::vector<torch::jit::IValue> inputs{z};
  if (conditional) inputs.emplace_back(y);
  return module.forward(inputs);
}

struct LoadedFile {
  torch::jit::Module module;
  std::string sha256;
};

Result<LoadedFile> LoadScript(const std::string& path, torch::Device device) {
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path));
  if (!HasZipMagic(bytes)) {
    return Status::BadInput(path + ": not a TorchScript file (not a zip archive)");
  }
  LoadedFile loaded;
  loaded.sha256 = Sha256Hex(bytes);
  try {
    // From the bytes just hashed, not from the path again: the hash covers what runs.
    std::istringstream in(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    loaded.module = torch::jit::load(in, device);
    loaded.module.eval();
  } catch (const std::exception& e) {
    return Status::BadInput(path + ": not a loadable TorchScript file: " + OneLine(e.what()));
  } catch (...) {
    return Status::BadInput(path + ": not a loadable TorchScript file");
  }
  return loaded;
}

}  // namespace

TorchScriptModel::TorchScriptModel(ModelSpec spec, torch::Device device, torch::jit::Module module,
                                   bool conditional)
    : LatentModel(std::move(spec), device), module_(std::move(module)), conditional_(conditional) {}

Result<std::unique_ptr<TorchScriptModel>> TorchScriptModel::Load(const std::string& path,
                                                                 const std::string& device) {
  HM_ASSIGN_OR_RETURN(ImportedModel imported, ReadImportedSidecar(path));
  HM_ASSIGN_OR_RETURN(torch::Device dev, ResolveDevice(device));
  HM_ASSIGN_OR_RETURN(LoadedFile loaded, LoadScript(path, dev));
  if (loaded.sha256 != imported.model_id) {
    return Status::BadInput(path + ": the file was changed or replaced after import: recorded " +
                            "SHA-256 " + imported.model_id + ", actual " + loaded.sha256);
  }
  std::unique_ptr<TorchScriptModel> model(
      new TorchScriptModel(imported.spec, dev, std::move(loaded.module), imported.conditional));
  model->info_.header = imported.sidecar;
  model->info_.path = path;
  model->info_.model_id = imported.model_id;
  return model;
}

Result<std::string> TorchScriptModel::Save(const std::string& path) {
  return Status::Unsupported(path +
                             ": an imported model stays the TorchScript file it was "
                             "imported from; copy that file instead");
}

torch::Tensor TorchScriptModel::DecodeBatch(const torch::Tensor& z, const torch::Tensor& y) {
  torch::jit::IValue out;
  try {
    out = Forward(module_, z.to(torch::kFloat), y, conditional_);
  } catch (const std::exception& e) {
    throw ContractError("forward failed: " + OneLine(e.what()));
  }
  std::string why = Violation(out, z.size(0), info_.spec.channels, info_.spec.image_size);
  if (!why.empty()) throw ContractError(why);
  return ToUint8(out.toTensor().to(torch::kFloat).clamp(-1, 1), true);
}

Result<ScriptProbe> ProbeTorchScript(const std::string& path, const ScriptContract& contract) {
  if (contract.latent_dim < 1 || contract.classes < 1) {
    return Status::InvalidArgument("probe: latent_dim and classes must be positive");
  }
  HM_ASSIGN_OR_RETURN(LoadedFile loaded, LoadScript(path, torch::Device(torch::kCPU)));
  ScriptProbe probe;
  probe.sha256 = loaded.sha256;
  probe.batch = kProbeBatch;
  probe.seed = kProbeSeed;
  try {
    torch::NoGradGuard no_grad;
    torch::Generator gen = MakeCpuGenerator(kProbeSeed);
    torch::Tensor z = torch::randn({kProbeBatch, contract.latent_dim}, gen);
    torch::Tensor y = torch::arange(kProbeBatch, torch::kLong).remainder(contract.classes);
    torch::jit::IValue out;
    try {
      out = Forward(loaded.module, z, y, contract.conditional);
    } catch (const std::exception& e) {
      const std::string call =
          contract.conditional
              ? "forward(z[2, " + std::to_string(contract.latent_dim) + "], labels[2])"
              : "forward(z[2, " + std::to_string(contract.latent_dim) + "])";
      return Status::BadInput(path + ": " + call + " failed: " + OneLine(e.what()));
    }
    std::string why = Violation(out, kProbeBatch, 0, 0);
    if (!why.empty()) return Status::BadInput(path + ": " + why);
    const torch::Tensor& x = out.toTensor();
    probe.dtype = DtypeName(x);
    probe.shape = x.sizes().vec();
    probe.channels = int(x.size(1));
    probe.image_size = int(x.size(2));
    probe.min = x.min().item<double>();
    probe.max = x.max().item<double>();
  } catch (const std::exception& e) {
    return Status::BadInput(path + ": probing the model failed: " + OneLine(e.what()));
  } catch (...) {
    return Status::BadInput(path + ": probing the model failed");
  }
  return probe;
}

}  // namespace hallmark::generator
