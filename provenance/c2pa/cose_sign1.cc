#include "provenance/c2pa/cose_sign1.h"

namespace hallmark::provenance {
namespace {

constexpr uint64_t kCoseSign1Tag = 18;
constexpr int64_t kHeaderAlg = 1;
constexpr int64_t kHeaderX5Chain = 33;

Bytes ProtectedBytes(const Signer& signer) {
  Cbor header = Cbor::Map();
  header.SetInt(kHeaderAlg, Cbor::Int(static_cast<int64_t>(signer.algorithm())));
  const auto& chain = signer.chain_der();
  if (chain.size() == 1) {
    header.SetInt(kHeaderX5Chain, Cbor::ByteString(chain[0]));
  } else {
    std::vector<Cbor> certs;
    for (const Bytes& der : chain) certs.push_back(Cbor::ByteString(der));
    header.SetInt(kHeaderX5Chain, Cbor::Array(std::move(certs)));
  }
  return header.Encode();
}

Bytes Assemble(ByteView protected_bytes, const Cbor& unprotected, ByteView signature) {
  Cbor cose = Cbor::Tag(kCoseSign1Tag, Cbor::Array({Cbor::ByteString(protected_bytes), unprotected,
                                                    Cbor::Null(), Cbor::ByteString(signature)}));
  return cose.Encode();
}

size_t HeadSize(size_t n) { return n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5; }

// {"sigTst2": {"tstTokens": [{"val": response}]}} costs this much beyond the response itself.
constexpr size_t kTimeStampEntryOverhead = 32;

// {"rVals": {"ocspVals": [response]}} costs this much beyond the response itself.
constexpr size_t kStapleEntryOverhead = 32;

Cbor RevocationValuesHeader(ByteView ocsp_response) {
  Cbor values = Cbor::Map();
  values.Set("ocspVals",
             Cbor::Array({Cbor::ByteString(Bytes(ocsp_response.begin(), ocsp_response.end()))}));
  return values;
}

Cbor TimeStampHeader(ByteView response) {
  Cbor val = Cbor::Map();
  val.Set("val", Cbor::ByteString(Bytes(response.begin(), response.end())));
  Cbor container = Cbor::Map();
  container.Set("tstTokens", Cbor::Array({std::move(val)}));
  return container;
}

// [context, protected, h'', payload]: RFC 9052 §4.4's structure with no external data and no
// countersigner header, encoded without copying the payload twice.
Bytes SigStructure(const char* context, ByteView protected_bytes, ByteView payload) {
  Bytes out;
  out.reserve(payload.size() + protected_bytes.size() + 32);
  CborWriteHead(out, 4, 4);
  Cbor::Text(context).EncodeTo(out);
  CborWriteHead(out, 2, protected_bytes.size());
  out.insert(out.end(), protected_bytes.begin(), protected_bytes.end());
  CborWriteHead(out, 2, 0);
  CborWriteHead(out, 2, payload.size());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace

Bytes CoseSigStructure(ByteView protected_bytes, ByteView payload) {
  return SigStructure("Signature1", protected_bytes, payload);
}

Bytes CoseCountersignStructure(ByteView protected_bytes, ByteView payload) {
  return SigStructure("CounterSignature", protected_bytes, payload);
}

Bytes CoseTimeStampedData(ByteView protected_bytes, ByteView signature) {
  Bytes signature_cbor;
  CborWriteHead(signature_cbor, 2, signature.size());
  signature_cbor.insert(signature_cbor.end(), signature.begin(), signature.end());
  return CoseCountersignStructure(protected_bytes, signature_cbor);
}

size_t CoseSign1UnpaddedSize(const Signer& signer, const TimeStamper* stamper, size_t staple_size) {
  const Bytes dummy(signer.signature_size(), 0);
  const size_t stamp = stamper ? stamper->MaxResponseSize() + kTimeStampEntryOverhead : 0;
  const size_t staple = staple_size ? staple_size + kStapleEntryOverhead : 0;
  return Assemble(ProtectedBytes(signer), Cbor::Map(), dummy).size() + stamp + staple;
}

Status PadUnprotected(Cbor& unprotected, size_t extra) {
  if (extra == 0) return Status::Ok();
  // Entry "pad": h'00..' costs 4 (key) + head(n) + n bytes; the map head grows by one byte only
  // when crossing 23 entries, which padding never does here.
  auto pad_cost = [](size_t n) { return 4 + HeadSize(n) + n; };
  for (size_t n = extra >= 9 ? extra - 9 : 0; n <= extra; ++n) {
    if (pad_cost(n) == extra) {
      unprotected.Set("pad", Cbor::ByteString(Bytes(n, 0)));
      return Status::Ok();
    }
  }
  // Some sizes fall between head widths; a second field "pad2" (5 + head + n) fills the gap.
  for (size_t m = 0; m < 32; ++m) {
    const size_t pad2 = 5 + HeadSize(m) + m;
    if (pad2 > extra) break;
    const size_t rest = extra - pad2;
    for (size_t n = rest >= 9 ? rest - 9 : 0; n <= rest; ++n) {
      if (pad_cost(n) == rest) {
        unprotected.Set("pad", Cbor::ByteString(Bytes(n, 0)));
        unprotected.Set("pad2", Cbor::ByteString(Bytes(m, 0)));
        return Status::Ok();
      }
    }
  }
  return Status::Internal("cannot pad COSE header by " + std::to_string(extra) + " bytes");
}

Result<Bytes> CoseSign1Sign(const Signer& signer, ByteView payload, size_t reserved_size,
                            const TimeStamper* stamper, ByteView ocsp_staple) {
  const Bytes protected_bytes = ProtectedBytes(signer);
  HM_ASSIGN_OR_RETURN(Bytes signature, signer.Sign(CoseSigStructure(protected_bytes, payload)));
  Cbor unprotected = Cbor::Map();
  if (stamper) {
    HM_ASSIGN_OR_RETURN(Bytes response,
                        stamper->Stamp(CoseTimeStampedData(protected_bytes, signature)));
    if (response.size() > stamper->MaxResponseSize()) {
      return Status::Internal("the time-stamp (" + std::to_string(response.size()) +
                              " bytes) is larger than its TSA promised");
    }
    // sigTst2 with the whole TimeStampResp, not the bare token that C2PA 2.2 §10.3.2.5 names:
    // c2pa-ts 0.9.4 reads (and writes) only that form and fails the whole signature on a bare
    // token, while c2pa-rs validates either. Hallmark's validator reads both.
    unprotected.Set("sigTst2", TimeStampHeader(response));
  }
  if (!ocsp_staple.empty()) unprotected.Set("rVals", RevocationValuesHeader(ocsp_staple));
  Bytes out = Assemble(protected_bytes, unprotected, signature);
  if (reserved_size == 0) return out;
  if (out.size() > reserved_size) {
    return Status::Internal("COSE signature (" + std::to_string(out.size()) +
                            " bytes) does not fit the reserved " + std::to_string(reserved_size));
  }
  HM_RETURN_IF_ERROR(PadUnprotected(unprotected, reserved_size - out.size()));
  out = Assemble(protected_bytes, unprotected, signature);
  if (out.size() != reserved_size) return Status::Internal("COSE padding missed its size");
  return out;
}

Result<CoseSign1> ParseCoseSign1(ByteView data) {
  HM_ASSIGN_OR_RETURN(Cbor item, CborDecode(data, "COSE_Sign1"));
  const Cbor* body = &item;
  if (item.is_tag()) {
    if (item.tag() != kCoseSign1Tag) return Status::BadInput("COSE: not a COSE_Sign1 tag");
    body = &item.tagged();
  }
  if (!body->is_array() || body->items().size() != 4) {
    return Status::BadInput("COSE_Sign1: expected an array of four items");
  }
  const auto& parts = body->items();
  if (!parts[0].is_bytes() || !parts[1].is_map() || !parts[3].is_bytes()) {
    return Status::BadInput("COSE_Sign1: wrong item types");
  }
  CoseSign1 cose;
  cose.protected_bytes = parts[0].bytes();
  if (!cose.protected_bytes.empty()) {
    HM_ASSIGN_OR_RETURN(cose.protected_header,
                        CborDecode(cose.protected_bytes, "COSE protected header"));
  } else {
    cose.protected_header = Cbor::Map();
  }
  if (!cose.protected_header.is_map()) return Status::BadInput("COSE: protected header not a map");
  cose.unprotected_header = parts[1];
  cose.signature = parts[3].bytes();
  if (const Cbor* alg = cose.protected_header.FindInt(kHeaderAlg); alg && alg->is_int()) {
    cose.alg = alg->int_value();
  }
  const Cbor* x5 = cose.protected_header.FindInt(kHeaderX5Chain);
  if (!x5) {
    x5 = cose.unprotected_header.FindInt(kHeaderX5Chain);
    if (!x5) x5 = cose.unprotected_header.Find("x5chain");  // early claim v1 writers
    cose.x5chain_unprotected = x5 != nullptr;
  }
  if (x5) {
    if (x5->is_bytes()) {
      cose.x5chain.push_back(x5->bytes());
    } else if (x5->is_array()) {
      for (const Cbor& c : x5->items()) {
        if (!c.is_bytes()) return Status::BadInput("COSE: x5chain entry is not a byte string");
        cose.x5chain.push_back(c.bytes());
      }
    } else {
      return Status::BadInput("COSE: x5chain is neither bytes nor an array");
    }
  }
  return cose;
}

}  // namespace hallmark::provenance
