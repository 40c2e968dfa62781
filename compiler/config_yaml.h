#pragma once
// `stackc config`: the merged, interpolated, normalized stack printed as YAML with the same
// content, key order and quoting as `docker stack config` (which marshals the reference's
// typed config with go-yaml v3: struct fields in declaration order, maps sorted, zero values
// left out unless the reference keeps them).

#include <string>

#include "compiler/ir.h"

namespace stackc {

std::string format_config_yaml(const ir::Stack& stack);

}  // namespace stackc
