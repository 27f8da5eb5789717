// Binary XML ([MS-EVEN6] BinXml as stored in EVTX chunks) decoded into a
// small element tree per record (Document).
//
// Contract:
// - A BinXmlDecoder works on one chunk at a time (reset()), because names and
//   template definitions are stored once per chunk and referenced by their
//   chunk offset. Names are decoded to UTF-8 once per chunk; a template
//   definition is compiled once per chunk (to a list of operations) and then
//   expanded for every record that instantiates it.
// - Every token is handled: fragment header, open/close start element (with
//   and without attribute list), close empty, end element, value, attribute,
//   CDATA, character and entity references, PI target/data, template
//   instance (definition inline or a back-reference by offset), normal and
//   optional substitution, end of stream.
// - Substitution rules: an optional substitution of a null value removes the
//   element (or attribute) whose only content it is; an array value that is
//   the only content of an element repeats the element once per item (no
//   item: no element); a nested BinXml value (0x21, and EvtXml 0x23 when it
//   holds BinXml) is expanded in place. The instance's value types are
//   authoritative over the template's.
// - Damage is data: out-of-range offsets, unknown tokens, unbalanced
//   elements, template/nesting depth over kMaxDepth or more than kMaxNodes
//   nodes make decode() return false with a reason; it never reads outside
//   the chunk and never loops (every step advances or recursion is bounded).
//   Exception: a template or fragment that is damaged after at least one
//   element (typical of old records in slack space whose template was partly
//   overwritten) is decoded up to the damage; decode() then succeeds and
//   Document::damage() says what was cut.
// - A Document points into the chunk buffer and the decoder's name table:
//   it is valid until the next reset() or decode() with that decoder.
// - Not thread-safe; use one decoder per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pm::evtx {

inline constexpr int kMaxDepth = 16;           // nested templates / BinXml values
inline constexpr size_t kMaxNodes = 1u << 18;  // per record

enum class NodeKind : uint8_t { element, attribute, value, cdata, char_ref, entity_ref, pi };

struct Node {
  NodeKind kind = NodeKind::element;
  uint8_t type = 0;               // value: ValueType (values.h)
  uint32_t name = 0;              // element, attribute, entity_ref, pi: name id
  uint32_t size = 0;              // value, cdata, pi: bytes at data; char_ref: the code point
  const uint8_t* data = nullptr;  // value, cdata (UTF-16), pi data (UTF-16)
  int32_t first_child = -1, last_child = -1;  // element/attribute content, in order
  int32_t first_attr = -1, last_attr = -1;    // element: attributes (chained by next)
  int32_t next = -1;                          // next sibling / next attribute
};

// UTF-8 names of one chunk, by id.
class NameTable {
 public:
  std::string_view get(uint32_t id) const {
    const auto& e = entries_[id];
    return std::string_view(arena_.data() + e.first, e.second);
  }
  void clear() {
    arena_.clear();
    entries_.clear();
  }

 private:
  friend class BinXmlDecoder;
  std::string arena_;
  std::vector<std::pair<uint32_t, uint32_t>> entries_;  // offset in arena, length
};

class Document {
 public:
  int32_t root() const { return root_; }  // the first top-level element; -1 when none
  const Node& node(int32_t i) const { return nodes_[static_cast<size_t>(i)]; }
  std::string_view name(uint32_t id) const { return names_->get(id); }
  size_t node_count() const { return nodes_.size(); }
  // Empty for a complete record; else why the tree stops early (a damaged
  // template or fragment was decoded up to the damage).
  const std::string& damage() const { return damage_; }

 private:
  friend class BinXmlDecoder;
  std::vector<Node> nodes_;
  std::string damage_;
  int32_t root_ = -1;
  const NameTable* names_ = nullptr;
};

class BinXmlDecoder {
 public:
  BinXmlDecoder();
  ~BinXmlDecoder();
  BinXmlDecoder(const BinXmlDecoder&) = delete;
  BinXmlDecoder& operator=(const BinXmlDecoder&) = delete;

  // Starts a new chunk (`size` bytes at `chunk`, offsets are relative to it).
  void reset(const uint8_t* chunk, size_t size);
  // Decodes the BinXml at chunk offsets [begin, end) into doc; false with a
  // reason on damage.
  bool decode(uint32_t begin, uint32_t end, Document& doc, std::string& error);

 private:
  struct OpRec;
  struct Template;
  struct Sub {
    uint8_t type;
    uint32_t pos, size;
  };

  bool decode_fragment(uint32_t pos, uint32_t end, int depth, bool nested);
  bool read_instance(uint32_t pos, uint32_t limit, uint32_t& def_off, std::vector<Sub>* subs, uint32_t& after);
  bool expand_instance(uint32_t pos, uint32_t limit, int depth, uint32_t& after);
  const Template* get_template(uint32_t def_off);
  static bool usable_prefix(const std::vector<OpRec>& ops);
  void note_damage(const std::string& what);
  bool compile(uint32_t pos, uint32_t end, bool nested, std::vector<OpRec>& ops, std::string& error);
  bool expand(const std::vector<OpRec>& ops, size_t i, size_t end, const Sub* subs, size_t nsubs, int ov_index,
              const Sub* ov, int depth);
  uint32_t read_name(uint32_t name_off, uint32_t here, uint32_t end, uint32_t& after, std::string& error);
  bool name_ok(uint32_t off, uint32_t limit) const;
  bool element_layout_ok(uint32_t q, uint32_t end) const;
  bool fail(std::string message);

  // Tree building.
  int32_t add_node(NodeKind kind);
  void attach(int32_t child);
  bool open_element(uint32_t name);
  bool close_element();
  bool add_attribute(uint32_t name);
  bool add_piece(NodeKind kind, uint8_t type, const uint8_t* data, uint32_t size);

  const uint8_t* chunk_ = nullptr;
  uint32_t size_ = 0;
  NameTable names_;
  std::unordered_map<uint32_t, uint32_t> name_ids_;   // chunk offset -> name id
  std::unordered_map<uint32_t, uint32_t> tmpl_ids_;   // definition offset -> index in templates_
  std::vector<std::unique_ptr<Template>> templates_;  // pooled across chunks
  size_t templates_used_ = 0;
  std::vector<std::vector<OpRec>> scratch_;  // per depth: ops of non-template fragments
  std::vector<std::vector<Sub>> subs_;       // per depth: instance values

  Document* doc_ = nullptr;
  std::vector<int32_t> stack_;  // open elements
  size_t stack_floor_ = 0;      // elements below this depth belong to an enclosing fragment
  int32_t cur_attr_ = -1, last_pi_ = -1, last_top_ = -1;
  std::string* error_ = nullptr;
};

}  // namespace pm::evtx
