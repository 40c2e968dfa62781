#include "compiler/snode.h"

namespace stackc {

const SEntry* SNode::find_entry(std::string_view key) const {
  for (const SEntry& entry : entries) {
    if (entry.key == key) {
      return &entry;
    }
  }
  return nullptr;
}

const SNode* SNode::find(std::string_view key) const {
  const SEntry* entry = find_entry(key);
  return entry == nullptr ? nullptr : &entry->value;
}

SNode* SNode::find(std::string_view key) {
  return const_cast<SNode*>(static_cast<const SNode*>(this)->find(key));
}

}  // namespace stackc
