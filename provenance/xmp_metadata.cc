#include "provenance/xmp_metadata.h"

#include <exiv2/exiv2.hpp>

#include <mutex>

#include "image/codec.h"
#include "provenance/manifest_container.h"

namespace hallmark::provenance {
namespace {

std::mutex g_xmp_mutex;

void LockXmp(void* /*data*/, bool lock) {
  if (lock) {
    g_xmp_mutex.lock();
  } else {
    g_xmp_mutex.unlock();
  }
}

void InitExiv2() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::XmpParser::initialize(LockXmp, nullptr);
    Exiv2::XmpProperties::registerNs(kTc260Namespace, "TC260");
    Exiv2::XmpProperties::registerNs(kHallmarkXmpNamespace, "hallmark");
  });
}

void SetText(Exiv2::XmpData& xmp, const char* key, const std::string& value) {
  if (value.empty()) return;
  xmp[key] = value;
}

void SetLangAlt(Exiv2::XmpData& xmp, const char* key, const std::string& value) {
  if (value.empty()) return;
  Exiv2::XmpKey k(key);
  auto it = xmp.findKey(k);
  if (it != xmp.end()) xmp.erase(it);
  Exiv2::Value::AutoPtr v = Exiv2::Value::create(Exiv2::langAlt);
  v->read("lang=x-default " + value);
  xmp.add(k, v.get());
}

void SetSeq(Exiv2::XmpData& xmp, const char* key, const std::string& value) {
  if (value.empty()) return;
  Exiv2::XmpKey k(key);
  auto it = xmp.findKey(k);
  if (it != xmp.end()) xmp.erase(it);
  Exiv2::Value::AutoPtr v = Exiv2::Value::create(Exiv2::xmpSeq);
  v->read(value);
  xmp.add(k, v.get());
}

std::string JsonEscape(const std::string& s) { return nlohmann::json(s).dump(); }

}  // namespace

std::string PlusDataMiningFor(const TrainingMining& tm) {
  const std::string base = "http://ns.useplus.org/ldf/vocab/DMI-";
  if (tm.empty()) return base + "UNSPECIFIED";
  auto no = [](const std::string& u) { return u == "notAllowed"; };
  const bool all_no = no(tm.data_mining) && no(tm.ai_inference) && no(tm.ai_training) &&
                      no(tm.ai_generative_training);
  if (all_no) return base + "PROHIBITED";
  if (no(tm.ai_training)) return base + "PROHIBITED-AIMLTRAINING";
  if (no(tm.ai_generative_training)) return base + "PROHIBITED-GENAIMLTRAINING";
  if (tm.ai_training == "constrained" || tm.ai_generative_training == "constrained" ||
      tm.data_mining == "constrained") {
    return base + "PROHIBITED-SEECONSTRAINT";
  }
  return base + "ALLOWED";
}

XmpFields XmpFieldsFor(const ManifestSpec& spec, const std::string& instance_id) {
  XmpFields f;
  f.instance_id = instance_id;
  f.digital_source_type = spec.digital_source_type;
  f.ai_system = spec.model.name.empty() ? spec.model.id : spec.model.name;
  f.ai_system_version = spec.model.version;
  f.prompt = spec.prompt;
  f.creator = spec.creator;
  f.rights = spec.rights;
  f.usage_terms = spec.usage_terms;
  f.title = spec.title;
  f.data_mining = PlusDataMiningFor(spec.training_mining);
  f.creator_tool =
      spec.software_name + (spec.software_version.empty() ? "" : " " + spec.software_version);
  f.asset_id = spec.asset_id;
  const std::string producer =
      !spec.content_producer.empty() ? spec.content_producer : spec.creator;
  f.tc260_aigc =
      "{\"Label\":\"1\",\"ContentProducer\":" + JsonEscape(producer) +
      ",\"ProduceID\":" + JsonEscape(spec.asset_id.empty() ? instance_id : spec.asset_id) +
      ",\"ReservedCode1\":\"\",\"ContentPropagator\":\"\",\"PropagateID\":\"\","
      "\"ReservedCode2\":\"\"}";
  return f;
}

Result<Bytes> WriteXmp(ByteView file, const XmpFields& fields) {
  HM_ASSIGN_OR_RETURN(image::Format format, image::SniffFormat(file));
  HM_ASSIGN_OR_RETURN(auto existing, FindManifestStore(file, format));
  if (existing) {
    return Status::InvalidArgument(
        "refusing to rewrite metadata of a file that carries a C2PA manifest (it would break "
        "the signature); remove the manifest first");
  }
  InitExiv2();
  try {
    Exiv2::Image::AutoPtr img =
        Exiv2::ImageFactory::open(file.data(), static_cast<long>(file.size()));
    if (!img.get()) return Status::BadInput("exiv2 cannot open the image");
    img->readMetadata();
    Exiv2::XmpData& xmp = img->xmpData();
    SetText(xmp, "Xmp.xmpMM.InstanceID", fields.instance_id);
    SetText(xmp, "Xmp.iptcExt.DigitalSourceType", fields.digital_source_type);
    SetText(xmp, "Xmp.iptcExt.AISystemUsed", fields.ai_system);
    SetText(xmp, "Xmp.iptcExt.AISystemVersionUsed", fields.ai_system_version);
    SetText(xmp, "Xmp.iptcExt.AIPromptInformation", fields.prompt);
    SetSeq(xmp, "Xmp.dc.creator", fields.creator);
    SetLangAlt(xmp, "Xmp.dc.rights", fields.rights);
    SetLangAlt(xmp, "Xmp.dc.title", fields.title);
    SetLangAlt(xmp, "Xmp.xmpRights.UsageTerms", fields.usage_terms);
    SetText(xmp, "Xmp.plus.DataMining", fields.data_mining);
    SetText(xmp, "Xmp.xmp.CreatorTool", fields.creator_tool);
    SetText(xmp, "Xmp.TC260.AIGC", fields.tc260_aigc);
    SetText(xmp, "Xmp.hallmark.AssetID", fields.asset_id);
    img->writeMetadata();
    Exiv2::BasicIo& io = img->io();
    io.seek(0, Exiv2::BasicIo::beg);
    Exiv2::DataBuf buf = io.read(static_cast<long>(io.size()));
    if (buf.size_ <= 0) return Status::Internal("exiv2 produced an empty file");
    return Bytes(buf.pData_, buf.pData_ + buf.size_);
  } catch (const Exiv2::AnyError& e) {
    return Status::BadInput(std::string("exiv2: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("exiv2: ") + e.what());
  }
}

std::optional<std::string> FindXmpInstanceId(ByteView file) {
  const std::string_view text = file.AsStringView();
  const std::string_view key = "xmpMM:InstanceID";
  size_t pos = 0;
  while ((pos = text.find(key, pos)) != std::string_view::npos) {
    size_t p = pos + key.size();
    pos = p;
    while (p < text.size() && (text[p] == ' ' || text[p] == '\n' || text[p] == '\t')) ++p;
    if (p >= text.size()) break;
    char end;
    if (text[p] == '=') {  // attribute form: xmpMM:InstanceID="..."
      ++p;
      if (p >= text.size() || (text[p] != '"' && text[p] != '\'')) continue;
      end = text[p++];
    } else if (text[p] == '>') {  // element form: <xmpMM:InstanceID>...</...>
      ++p;
      end = '<';
    } else {
      continue;
    }
    const size_t close = text.find(end, p);
    if (close == std::string_view::npos || close - p > 256) continue;
    return std::string(text.substr(p, close - p));
  }
  return std::nullopt;
}

}  // namespace hallmark::provenance
