// Expansion of compiled BinXml (binxml_compile.cpp) into a Document.
#include <cstdio>

#include "parsers/evtx/binxml_internal.h"
#include "parsers/evtx/evtx_file.h"
#include "parsers/evtx/values.h"

namespace pm::evtx {

bool BinXmlDecoder::decode(uint32_t begin, uint32_t end, Document& doc, std::string& error) {
  error.clear();
  doc.nodes_.clear();
  doc.damage_.clear();
  doc.root_ = -1;
  doc.names_ = &names_;
  doc_ = &doc;
  error_ = &error;
  stack_.clear();
  stack_floor_ = 0;
  cur_attr_ = last_pi_ = last_top_ = -1;
  bool ok = end <= size_ && begin < end && decode_fragment(begin, end, 0, false);
  if (ok && doc.root_ < 0) ok = fail("no element in the record");
  if (!ok && error.empty()) error = "record data out of range";
  doc_ = nullptr;
  error_ = nullptr;
  return ok;
}

bool BinXmlDecoder::decode_fragment(uint32_t pos, uint32_t end, int depth, bool nested) {
  if (depth > kMaxDepth) return fail("templates or BinXml values nested too deep");
  if (pos + 4 <= end && chunk_[pos] == 0x0F) pos += 4;
  if (pos < end && chunk_[pos] == 0x0C) {  // the usual record: one template instance
    uint32_t after;
    return expand_instance(pos, end, depth, after);
  }
  std::vector<OpRec>& ops = scratch_[static_cast<size_t>(depth)];
  std::string err;
  if (!compile(pos, end, nested, ops, err)) {
    if (!usable_prefix(ops)) return fail(err);
    note_damage(err);
  }
  return expand(ops, 0, ops.size(), nullptr, 0, -1, nullptr, depth);
}

bool BinXmlDecoder::expand_instance(uint32_t pos, uint32_t limit, int depth, uint32_t& after) {
  if (depth > kMaxDepth) return fail("templates nested too deep");
  uint32_t def_off;
  std::vector<Sub>& subs = subs_[static_cast<size_t>(depth)];
  if (!read_instance(pos, limit, def_off, &subs, after)) return false;
  const Template* t = get_template(def_off);
  if (!t->ok) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "template at 0x%x: ", def_off);
    return fail(buf + t->error);
  }
  if (t->partial) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "template at 0x%x: ", def_off);
    note_damage(buf + t->error);
  }
  return expand(t->ops, 0, t->ops.size(), subs.data(), subs.size(), -1, nullptr, depth);
}

bool BinXmlDecoder::expand(const std::vector<OpRec>& ops, size_t i, size_t end, const Sub* subs, size_t nsubs,
                           int ov_index, const Sub* ov, int depth) {
  auto lookup = [&](uint16_t index) -> const Sub* {
    if (ov && index == ov_index) return ov;
    return index < nsubs ? &subs[index] : nullptr;
  };
  while (i < end) {
    const OpRec& o = ops[i];
    switch (o.op) {
      case Op::open: {
        if (o.sole >= 0) {
          const OpRec& s = ops[static_cast<size_t>(o.sole)];
          const Sub* v = lookup(s.index);
          if ((!v || v->type == kNull) && s.optional) {
            i = static_cast<size_t>(o.match);
            continue;
          }
          if (v && (v->type & kArray) && !(ov && s.index == ov_index)) {
            uint8_t item_type = v->type & 0x7F;
            bool ok = true;
            bool split = for_each_item(item_type, chunk_ + v->pos, v->size, [&](const uint8_t* p, size_t n) {
              Sub item{item_type, static_cast<uint32_t>(p - chunk_), static_cast<uint32_t>(n)};
              ok = ok && expand(ops, i, static_cast<size_t>(o.match), subs, nsubs, s.index, &item, depth);
            });
            if (split) {
              if (!ok) return false;
              i = static_cast<size_t>(o.match);
              continue;
            }
          }
        }
        if (!open_element(o.name)) return false;
        break;
      }
      case Op::attr: {
        if (o.sole >= 0) {
          const OpRec& s = ops[static_cast<size_t>(o.sole)];
          const Sub* v = lookup(s.index);
          if ((!v || v->type == kNull) && s.optional) {
            i = static_cast<size_t>(o.match);
            continue;
          }
        }
        if (!add_attribute(o.name)) return false;
        break;
      }
      case Op::close_start: cur_attr_ = -1; break;
      case Op::close_empty:
        cur_attr_ = -1;
        if (!close_element()) return false;
        break;
      case Op::end:
        cur_attr_ = -1;
        if (!close_element()) return false;
        break;
      case Op::value:
        if (!add_piece(NodeKind::value, o.vtype, chunk_ + o.pos, o.size)) return false;
        break;
      case Op::subst: {
        const Sub* v = lookup(o.index);
        if (!v || v->type == kNull) break;
        bool binxml = v->type == kBinXml ||
                      (v->type == kEvtXml && v->size >= 4 && chunk_[v->pos] == 0x0F);
        if (binxml) {
          if (v->size == 0) break;
          int32_t saved_attr = cur_attr_;
          size_t saved_depth = stack_.size(), saved_floor = stack_floor_;
          cur_attr_ = -1;
          stack_floor_ = saved_depth;  // a fragment never closes or leaves open outer elements
          if (!decode_fragment(v->pos, v->pos + v->size, depth + 1, true)) {
            // A damaged embedded fragment (e.g. EventData whose template was
            // overwritten) cuts that part only: the rest of the record stands.
            note_damage(*error_);
            error_->clear();
          }
          stack_.resize(saved_depth);
          stack_floor_ = saved_floor;
          cur_attr_ = saved_attr;
        } else if (!add_piece(NodeKind::value, v->type, chunk_ + v->pos, v->size)) {
          return false;
        }
        break;
      }
      case Op::char_ref:
        if (!add_piece(NodeKind::char_ref, 0, nullptr, o.size)) return false;
        break;
      case Op::entity_ref: {
        if (!add_piece(NodeKind::entity_ref, 0, nullptr, 0)) return false;
        doc_->nodes_.back().name = o.name;
        break;
      }
      case Op::cdata:
        if (!add_piece(NodeKind::cdata, kString, chunk_ + o.pos, o.size)) return false;
        break;
      case Op::pi_target: {
        if (!add_piece(NodeKind::pi, 0, nullptr, 0)) return false;
        doc_->nodes_.back().name = o.name;
        last_pi_ = static_cast<int32_t>(doc_->nodes_.size() - 1);
        break;
      }
      case Op::pi_data:
        if (last_pi_ >= 0) {
          Node& pi = doc_->nodes_[static_cast<size_t>(last_pi_)];
          pi.data = chunk_ + o.pos;
          pi.size = o.size;
        }
        break;
      case Op::instance: {
        uint32_t after;
        if (!expand_instance(o.pos, o.size, depth + 1, after)) return false;
        break;
      }
      case Op::eof: return true;
    }
    ++i;
  }
  return true;
}

void BinXmlDecoder::note_damage(const std::string& what) {
  if (doc_->damage_.empty()) doc_->damage_ = what;
}

int32_t BinXmlDecoder::add_node(NodeKind kind) {
  if (doc_->nodes_.size() >= kMaxNodes) {
    fail("record expands to too many nodes");
    return -1;
  }
  doc_->nodes_.emplace_back();
  doc_->nodes_.back().kind = kind;
  return static_cast<int32_t>(doc_->nodes_.size() - 1);
}

// Appends a new node as the last child of the open attribute or element.
void BinXmlDecoder::attach(int32_t child) {
  auto& nodes = doc_->nodes_;
  int32_t parent = cur_attr_ >= 0 ? cur_attr_ : (stack_.empty() ? -1 : stack_.back());
  if (parent < 0) {
    if (last_top_ >= 0) nodes[static_cast<size_t>(last_top_)].next = child;
    last_top_ = child;
    if (doc_->root_ < 0 && nodes[static_cast<size_t>(child)].kind == NodeKind::element) doc_->root_ = child;
    return;
  }
  Node& p = nodes[static_cast<size_t>(parent)];
  if (p.first_child < 0) p.first_child = child;
  else nodes[static_cast<size_t>(p.last_child)].next = child;
  p.last_child = child;
}

bool BinXmlDecoder::open_element(uint32_t name) {
  cur_attr_ = -1;
  int32_t n = add_node(NodeKind::element);
  if (n < 0) return false;
  doc_->nodes_[static_cast<size_t>(n)].name = name;
  attach(n);
  stack_.push_back(n);
  return true;
}

bool BinXmlDecoder::close_element() {
  if (stack_.size() <= stack_floor_) return fail("end of an element that was not opened");
  stack_.pop_back();
  return true;
}

bool BinXmlDecoder::add_attribute(uint32_t name) {
  if (stack_.empty()) return fail("attribute outside an element");
  int32_t n = add_node(NodeKind::attribute);
  if (n < 0) return false;
  auto& nodes = doc_->nodes_;
  nodes[static_cast<size_t>(n)].name = name;
  Node& e = nodes[static_cast<size_t>(stack_.back())];
  if (e.first_attr < 0) e.first_attr = n;
  else nodes[static_cast<size_t>(e.last_attr)].next = n;
  e.last_attr = n;
  cur_attr_ = n;
  return true;
}

bool BinXmlDecoder::add_piece(NodeKind kind, uint8_t type, const uint8_t* data, uint32_t size) {
  if (size == 0 && (kind == NodeKind::value || kind == NodeKind::cdata)) return true;  // no text
  int32_t n = add_node(kind);
  if (n < 0) return false;
  Node& node = doc_->nodes_[static_cast<size_t>(n)];
  node.type = type;
  node.data = data;
  node.size = size;
  attach(n);
  return true;
}

}  // namespace pm::evtx
