// Private to binxml*.cpp: the compiled form of a BinXml fragment.
#pragma once

#include <string>
#include <vector>

#include "parsers/evtx/binxml.h"

namespace pm::evtx {

enum class Op : uint8_t {
  open, attr, close_start, close_empty, end, value, subst, char_ref, entity_ref, cdata, pi_target, pi_data,
  instance, eof
};

struct BinXmlDecoder::OpRec {
  Op op = Op::eof;
  uint8_t vtype = 0;      // value, subst: value type
  bool optional = false;  // subst: 0x0E
  uint16_t index = 0;     // subst: value index
  uint32_t name = 0;      // open, attr, entity_ref, pi_target: name id
  uint32_t pos = 0;       // value, cdata, pi_data: chunk offset of the bytes; instance: token offset
  uint32_t size = 0;      // value, cdata, pi_data: bytes; char_ref: code point; instance: limit
  int32_t match = -1;     // open: op index after the element; attr: op index after its value
  int32_t close = -1;     // open: op index of its close_start / close_empty
  int32_t sole = -1;      // open, attr: op index of the only content when it is a substitution
};

struct BinXmlDecoder::Template {
  std::vector<OpRec> ops;
  bool ok = false;       // usable (complete, or partial with at least one element)
  bool partial = false;  // damaged: ops stop where the damage starts (error says why)
  std::string error;
};

}  // namespace pm::evtx
