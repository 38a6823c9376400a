#include "provenance/xmp/xmp_metadata.h"

#include <exiv2/exiv2.hpp>

#include <zlib.h>

#include <cstring>
#include <mutex>

#include "base/utf8.h"
#include "image/codec.h"
#include "provenance/c2pa/manifest_container.h"

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

void SetFields(Exiv2::XmpData& xmp, const XmpFields& fields) {
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
}

uint32_t U32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void PutU32(Bytes& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}

constexpr char kPngXmpKeyword[] = "XML:com.adobe.xmp";
constexpr char kJpegXmpSignature[] = "http://ns.adobe.com/xap/1.0/";  // + NUL
constexpr size_t kJpegXmpMax = 65533 - sizeof(kJpegXmpSignature);

// Where the XMP packet is: the whole chunk/segment to replace, and the packet text. `simple` is
// false when the packet is stored in a way this fast path does not rewrite (compressed iTXt).
struct XmpPlace {
  size_t offset = 0;
  size_t length = 0;  // 0: no packet; insert at `offset`
  std::string packet;
  bool simple = true;
};

Result<XmpPlace> LocateXmp(ByteView file, image::Format format) {
  XmpPlace place;
  HM_ASSIGN_OR_RETURN(place.offset, ManifestInsertionOffset(file, format));
  if (format == image::Format::kPng) {
    size_t pos = 8;
    while (pos + 12 <= file.size()) {
      const uint32_t len = U32(file.data() + pos);
      if (len > file.size() - pos - 12) break;
      ByteView data = file.Slice(pos + 8, len);
      const std::string_view kw(kPngXmpKeyword, sizeof(kPngXmpKeyword));  // with the NUL
      if (std::memcmp(file.data() + pos + 4, "iTXt", 4) == 0 && data.size() > kw.size() + 2 &&
          data.AsStringView().substr(0, kw.size()) == kw) {
        place.offset = pos;
        place.length = 12 + len;
        if (data[kw.size()] != 0) {  // compressed
          place.simple = false;
          return place;
        }
        // keyword NUL, flag, method, language NUL, translated keyword NUL, text
        size_t p = kw.size() + 2;
        for (int field = 0; field < 2; ++field) {
          while (p < data.size() && data[p] != 0) ++p;
          ++p;
        }
        if (p > data.size()) return Status::BadInput("PNG: malformed XMP iTXt chunk");
        place.packet = std::string(data.Slice(p).AsStringView());
        return place;
      }
      pos += 12 + len;
    }
    return place;
  }
  // JPEG: an APP1 segment that starts with the XMP signature, before the image data.
  size_t pos = 2;
  while (pos + 4 <= file.size() && file[pos] == 0xff) {
    const uint8_t marker = file[pos + 1];
    if (marker == 0xda || marker == 0xd9) break;
    const size_t len = (size_t{file[pos + 2]} << 8) | file[pos + 3];
    if (len < 2 || pos + 2 + len > file.size()) break;
    ByteView data = file.Slice(pos + 4, len - 2);
    if (marker == 0xe1 && data.size() >= sizeof(kJpegXmpSignature) &&
        std::memcmp(data.data(), kJpegXmpSignature, sizeof(kJpegXmpSignature)) == 0) {
      place.offset = pos;
      place.length = 2 + len;
      place.packet = std::string(data.Slice(sizeof(kJpegXmpSignature)).AsStringView());
      return place;
    }
    pos += 2 + len;
  }
  return place;
}

Bytes XmpContainer(const std::string& packet, image::Format format) {
  Bytes out;
  if (format == image::Format::kPng) {
    Bytes data(kPngXmpKeyword, kPngXmpKeyword + sizeof(kPngXmpKeyword));
    for (int i = 0; i < 4; ++i) data.push_back(0);  // flag, method, language, translated
    data.insert(data.end(), packet.begin(), packet.end());
    PutU32(out, static_cast<uint32_t>(data.size()));
    out.insert(out.end(), {'i', 'T', 'X', 't'});
    out.insert(out.end(), data.begin(), data.end());
    const uLong crc = crc32(0, out.data() + 4, static_cast<uInt>(out.size() - 4));
    PutU32(out, static_cast<uint32_t>(crc));
    return out;
  }
  const size_t len = 2 + sizeof(kJpegXmpSignature) + packet.size();
  out = {0xff, 0xe1, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  out.insert(out.end(), kJpegXmpSignature, kJpegXmpSignature + sizeof(kJpegXmpSignature));
  out.insert(out.end(), packet.begin(), packet.end());
  return out;
}

// The whole-image exiv2 path: slower (exiv2 copies the file through MemIo several times), used
// when the packet is stored in a form the fast path leaves alone.
Result<Bytes> WriteXmpWithExiv2Image(ByteView file, const XmpFields& fields) {
  Exiv2::Image::AutoPtr img =
      Exiv2::ImageFactory::open(file.data(), static_cast<long>(file.size()));
  if (!img.get()) return Status::BadInput("exiv2 cannot open the image");
  img->readMetadata();
  SetFields(img->xmpData(), fields);
  img->writeMetadata();
  Exiv2::BasicIo& io = img->io();
  io.seek(0, Exiv2::BasicIo::beg);
  Exiv2::DataBuf buf = io.read(static_cast<long>(io.size()));
  if (buf.size_ <= 0) return Status::Internal("exiv2 produced an empty file");
  return Bytes(buf.pData_, buf.pData_ + buf.size_);
}

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

std::string Tc260LabelFor(const std::string& digital_source_type) {
  return IsAiGeneratedSourceType(digital_source_type) ? "1" : "";
}

XmpFields XmpFieldsFor(const ManifestSpec& spec, const std::string& instance_id,
                       const std::string& signer_organization) {
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
  const std::string label = Tc260LabelFor(spec.digital_source_type);
  if (!label.empty()) {
    // ContentProducer is the provider that produced the content (GB 45438): whoever the spec
    // names, else the organisation whose certificate signs, else the creator.
    const std::string producer = !spec.content_producer.empty() ? spec.content_producer
                                 : !signer_organization.empty() ? signer_organization
                                                                : spec.creator;
    f.tc260_aigc =
        "{\"Label\":" + JsonEscape(label) + ",\"ContentProducer\":" + JsonEscape(producer) +
        ",\"ProduceID\":" + JsonEscape(spec.asset_id.empty() ? instance_id : spec.asset_id) +
        ",\"ReservedCode1\":\"\",\"ContentPropagator\":\"\",\"PropagateID\":\"\","
        "\"ReservedCode2\":\"\"}";
  }
  return f;
}

Result<Bytes> WriteXmp(ByteView file, const XmpFields& fields) {
  HM_ASSIGN_OR_RETURN(image::Format format, image::SniffFormat(file));
  HM_ASSIGN_OR_RETURN(bool signed_already, HasManifestStore(file, format));
  if (signed_already) {
    return Status::InvalidArgument(
        "refusing to rewrite metadata of a file that carries a C2PA manifest (it would break "
        "the signature); remove the manifest first");
  }
  InitExiv2();
  try {
    // Fast path: exiv2 only parses and serialises the XMP packet; the packet is spliced into
    // the PNG iTXt chunk / JPEG APP1 segment here, without copying the file through exiv2.
    HM_ASSIGN_OR_RETURN(XmpPlace place, LocateXmp(file, format));
    if (!place.simple) return WriteXmpWithExiv2Image(file, fields);
    // XMP in a PNG iTXt chunk or a JPEG APP1 segment is UTF-8 by definition; other bytes would
    // be passed through exiv2 into the packet written back.
    if (!IsValidUtf8(place.packet)) {
      return Status::BadInput("the image's XMP packet is not valid UTF-8 (at byte " +
                              std::to_string(FirstInvalidUtf8(place.packet)) + ")");
    }
    Exiv2::XmpData xmp;
    if (!place.packet.empty() && Exiv2::XmpParser::decode(xmp, place.packet) != 0) {
      return Status::BadInput("the image's XMP packet cannot be parsed");
    }
    SetFields(xmp, fields);
    std::string packet;
    if (Exiv2::XmpParser::encode(packet, xmp, Exiv2::XmpParser::useCompactFormat) != 0) {
      return Status::Internal("exiv2 cannot serialise the XMP packet");
    }
    if (format == image::Format::kJpeg && packet.size() > kJpegXmpMax) {
      return WriteXmpWithExiv2Image(file, fields);
    }
    const Bytes container = XmpContainer(packet, format);
    Bytes out;
    out.reserve(file.size() + container.size());
    out.insert(out.end(), file.begin(), file.begin() + place.offset);
    out.insert(out.end(), container.begin(), container.end());
    out.insert(out.end(), file.begin() + place.offset + place.length, file.end());
    return out;
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
    // The packet is raw file bytes and XMP is UTF-8; bad bytes are shown, not passed on.
    return ReplaceInvalidUtf8(text.substr(p, close - p));
  }
  return std::nullopt;
}

}  // namespace hallmark::provenance
