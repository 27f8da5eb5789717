// BinXml tokens -> compiled operations (binxml_internal.h), names, and the
// per-chunk template cache.
#include <cstdio>

#include "parsers/evtx/binxml_internal.h"
#include "parsers/evtx/evtx_file.h"
#include "parsers/evtx/values.h"

namespace pm::evtx {
namespace {

std::string hex_offset(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

}  // namespace

BinXmlDecoder::BinXmlDecoder() : scratch_(kMaxDepth + 2), subs_(kMaxDepth + 2) {}
BinXmlDecoder::~BinXmlDecoder() = default;

void BinXmlDecoder::reset(const uint8_t* chunk, size_t size) {
  chunk_ = chunk;
  size_ = static_cast<uint32_t>(size);
  names_.clear();
  name_ids_.clear();
  tmpl_ids_.clear();
  templates_used_ = 0;
}

bool BinXmlDecoder::fail(std::string message) {
  if (error_ && error_->empty()) *error_ = std::move(message);
  return false;
}

// A name structure at off: u32 next, u16 hash, u16 characters, UTF-16, u16 NUL.
bool BinXmlDecoder::name_ok(uint32_t off, uint32_t limit) const {
  // Names live in record data, never in the chunk header.
  if (off < kChunkHeaderSize || uint64_t{off} + 8 > limit) return false;
  uint64_t n = rd16(chunk_ + off + 6);
  uint64_t end = uint64_t{off} + 8 + 2 * n + 2;
  return n > 0 && end <= limit && rd16(chunk_ + end - 2) == 0;
}

uint32_t BinXmlDecoder::read_name(uint32_t name_off, uint32_t here, uint32_t end, uint32_t& after,
                                  std::string& error) {
  after = here;
  bool inline_name = name_off == here;
  if (!name_ok(name_off, inline_name ? end : size_)) {
    error = "bad name offset " + hex_offset(name_off) + " at " + hex_offset(here);
    return UINT32_MAX;
  }
  uint32_t chars = rd16(chunk_ + name_off + 6);
  if (inline_name) after = here + 8 + 2 * chars + 2;
  auto it = name_ids_.find(name_off);
  if (it != name_ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(names_.entries_.size());
  size_t at = names_.arena_.size();
  append_utf16(names_.arena_, chunk_ + name_off + 8, 2 * size_t{chars}, Escape::none);
  names_.entries_.emplace_back(static_cast<uint32_t>(at), static_cast<uint32_t>(names_.arena_.size() - at));
  name_ids_.emplace(name_off, id);
  return id;
}

// q is where the element's data size would be: data size, name offset, name.
bool BinXmlDecoder::element_layout_ok(uint32_t q, uint32_t end) const {
  if (uint64_t{q} + 8 > end) return false;
  uint32_t name_off = rd32(chunk_ + q + 4);
  if (name_off == q + 8) return name_ok(name_off, end);
  return name_off < q && name_ok(name_off, size_);
}

bool BinXmlDecoder::usable_prefix(const std::vector<OpRec>& ops) {
  for (const OpRec& o : ops)
    if (o.op == Op::open) return true;
  return false;
}

bool BinXmlDecoder::read_instance(uint32_t pos, uint32_t limit, uint32_t& def_off, std::vector<Sub>* subs,
                                  uint32_t& after) {
  if (uint64_t{pos} + 10 > limit) return fail("template instance truncated at " + hex_offset(pos));
  def_off = rd32(chunk_ + pos + 6);
  uint64_t p = pos + 10;
  if (def_off == p) {  // the definition follows inline (its first use in the chunk)
    if (p + 24 > limit) return fail("inline template truncated at " + hex_offset(pos));
    p += 24 + uint64_t{rd32(chunk_ + p + 20)};
  }
  if (p + 4 > limit) return fail("template values truncated at " + hex_offset(pos));
  uint64_t count = rd32(chunk_ + p);
  p += 4;
  if (count > (limit - p) / 4) return fail("bad template value count at " + hex_offset(pos));
  uint64_t data = p + 4 * count;
  if (subs) subs->resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t sz = rd16(chunk_ + p + 4 * i);
    uint8_t type = chunk_[p + 4 * i + 2];
    if (subs) (*subs)[i] = Sub{type, static_cast<uint32_t>(data), sz};
    data += sz;
  }
  if (data > limit) return fail("template values overrun the record at " + hex_offset(pos));
  after = static_cast<uint32_t>(data);
  return true;
}

const BinXmlDecoder::Template* BinXmlDecoder::get_template(uint32_t def_off) {
  auto it = tmpl_ids_.find(def_off);
  if (it != tmpl_ids_.end()) return templates_[it->second].get();
  if (templates_used_ == templates_.size()) templates_.push_back(std::make_unique<Template>());
  uint32_t id = static_cast<uint32_t>(templates_used_++);
  Template& t = *templates_[id];
  tmpl_ids_.emplace(def_off, id);
  t.error.clear();
  t.ops.clear();
  t.ok = false;
  if (uint64_t{def_off} + 24 > size_ || def_off < kChunkHeaderSize) {
    t.error = "template definition offset " + hex_offset(def_off) + " out of range";
    return &t;
  }
  uint64_t body = def_off + 24, end = body + rd32(chunk_ + def_off + 20);
  if (end > size_) {
    t.error = "template definition at " + hex_offset(def_off) + " overruns the chunk";
    return &t;
  }
  if (end - body < 4 || chunk_[body] != 0x0F) {
    t.error = "no BinXml fragment at template definition " + hex_offset(def_off);
    return &t;
  }
  bool complete = compile(static_cast<uint32_t>(body), static_cast<uint32_t>(end), false, t.ops, t.error);
  // A damaged definition (typically old slack data partly overwritten) is
  // kept up to the damage when it got as far as an element: records using it
  // are decoded partially (Document::damage()).
  t.partial = !complete;
  t.ok = complete || usable_prefix(t.ops);
  return &t;
}

bool BinXmlDecoder::compile(uint32_t pos, uint32_t end, bool nested, std::vector<OpRec>& ops, std::string& error) {
  ops.clear();
  std::vector<int32_t> open;
  int32_t cur_attr = -1;
  auto bad = [&](const char* what) {
    error = std::string(what) + " at " + hex_offset(pos);
    return false;
  };
  auto need = [&](uint64_t n) { return uint64_t{pos} + n <= end; };
  auto push = [&](Op op) -> OpRec& {
    ops.emplace_back();
    ops.back().op = op;
    return ops.back();
  };
  auto idx = [&] { return static_cast<int32_t>(ops.size()); };
  auto finish_attr = [&] {
    if (cur_attr < 0) return;
    ops[cur_attr].match = idx();
    if (idx() - cur_attr == 2 && ops[cur_attr + 1].op == Op::subst) ops[cur_attr].sole = cur_attr + 1;
    cur_attr = -1;
  };
  auto utf16_run = [&](uint32_t count_at, Op op) {
    if (!need(count_at - pos + 2)) return bad("truncated text");
    uint32_t n = 2 * uint32_t{rd16(chunk_ + count_at)};
    pos = count_at + 2;
    if (!need(n)) return bad("truncated text");
    OpRec& o = push(op);
    o.vtype = kString;
    o.pos = pos;
    o.size = n;
    pos += n;
    return true;
  };
  auto walk = [&]() -> bool {
    while (pos < end) {
      uint8_t tok = chunk_[pos];
      switch (tok) {
        case 0x00:
          finish_attr();
          push(Op::eof);
          pos = end;
          break;
        case 0x01:
        case 0x41: {
          finish_attr();
          // Template definitions and records usually carry a u16 dependency
          // identifier before the data size; nested BinXml values and some
          // forwarded (WEC) records do not. The layout whose name checks out wins.
          uint32_t with = pos + 3, without = pos + 1, q;
          if (element_layout_ok(nested ? without : with, end)) q = nested ? without : with;
          else if (element_layout_ok(nested ? with : without, end)) q = nested ? with : without;
          else return bad("bad element header");
          uint32_t after;
          uint32_t name = read_name(rd32(chunk_ + q + 4), q + 8, end, after, error);
          if (name == UINT32_MAX) return false;
          pos = after;
          if (tok & 0x40) {
            if (!need(4)) return bad("truncated attribute list");
            pos += 4;
          }
          push(Op::open).name = name;
          open.push_back(idx() - 1);
          break;
        }
        case 0x02:
          finish_attr();
          if (open.empty()) return bad("close start without element");
          ops[open.back()].close = idx();
          push(Op::close_start);
          ++pos;
          break;
        case 0x03:
        case 0x04: {
          finish_attr();
          if (open.empty()) return bad("end element without start");
          int32_t o = open.back();
          open.pop_back();
          if (tok == 0x03) ops[o].close = idx();
          push(tok == 0x03 ? Op::close_empty : Op::end);
          ops[o].match = idx();
          int32_t cs = ops[o].close;
          if (tok == 0x04 && cs >= 0 && idx() - cs == 3 && ops[cs + 1].op == Op::subst) ops[o].sole = cs + 1;
          ++pos;
          break;
        }
        case 0x05:
        case 0x45: {
          if (!need(2)) return bad("truncated value");
          uint8_t vt = chunk_[pos + 1];
          if (vt == kString) {
            if (!utf16_run(pos + 2, Op::value)) return false;
          } else if (size_t fs = fixed_size(vt); fs && !(vt & kArray)) {
            if (!need(2 + fs)) return bad("truncated value");
            OpRec& o = push(Op::value);
            o.vtype = vt;
            o.pos = pos + 2;
            o.size = static_cast<uint32_t>(fs);
            pos += 2 + static_cast<uint32_t>(fs);
          } else {
            return bad("unsupported value type in value token");
          }
          break;
        }
        case 0x06:
        case 0x46: {
          finish_attr();
          if (!need(5)) return bad("truncated attribute");
          uint32_t after;
          uint32_t name = read_name(rd32(chunk_ + pos + 1), pos + 5, end, after, error);
          if (name == UINT32_MAX) return false;
          pos = after;
          push(Op::attr).name = name;
          cur_attr = idx() - 1;
          break;
        }
        case 0x07:
        case 0x47:
          if (!utf16_run(pos + 1, Op::cdata)) return false;
          break;
        case 0x0B:
          if (!utf16_run(pos + 1, Op::pi_data)) return false;
          break;
        case 0x08:
        case 0x48:
          if (!need(3)) return bad("truncated character reference");
          push(Op::char_ref).size = rd16(chunk_ + pos + 1);
          pos += 3;
          break;
        case 0x09:
        case 0x49:
        case 0x0A: {
          if (!need(5)) return bad("truncated reference");
          uint32_t after;
          uint32_t name = read_name(rd32(chunk_ + pos + 1), pos + 5, end, after, error);
          if (name == UINT32_MAX) return false;
          pos = after;
          push(tok == 0x0A ? Op::pi_target : Op::entity_ref).name = name;
          break;
        }
        case 0x0C: {
          uint32_t def_off, after;
          std::string* saved = error_;
          error_ = &error;
          bool ok = read_instance(pos, end, def_off, nullptr, after);
          error_ = saved;
          if (!ok) return false;
          OpRec& o = push(Op::instance);
          o.pos = pos;
          o.size = end;
          pos = after;
          break;
        }
        case 0x0D:
        case 0x0E: {
          if (!need(4)) return bad("truncated substitution");
          OpRec& o = push(Op::subst);
          o.optional = tok == 0x0E;
          o.index = rd16(chunk_ + pos + 1);
          o.vtype = chunk_[pos + 3];
          pos += 4;
          break;
        }
        case 0x0F:
          if (!need(4)) return bad("truncated fragment header");
          pos += 4;
          break;
        default: {
          char buf[48];
          std::snprintf(buf, sizeof buf, "unknown BinXml token 0x%02x", tok);
          return bad(buf);
        }
      }
    }
    return true;
  };
  bool complete = walk();
  finish_attr();
  while (!open.empty()) {  // unterminated elements end with the fragment
    ops[open.back()].match = idx();
    open.pop_back();
  }
  return complete;
}

}  // namespace pm::evtx
