#pragma once
// The two env-file dialects stackc reads. They differ on purpose, because they mirror two
// different readers:
//
// 1. `--env-file FILE` (parse_dotenv): our opt-in extension for interpolation values, in the
//    syntax of docker compose's `.env` files. The reference `docker stack deploy` has no such
//    flag; it interpolates from the process environment only.
//      KEY=VALUE           whitespace around KEY, '=' and an unquoted VALUE is trimmed
//      export KEY=VALUE    `export ` is ignored
//      # comment           full-line comments and blank lines are skipped
//      KEY=a b # note      an unquoted value ends before a '#' that follows whitespace
//      KEY='literal $x'    single quotes: verbatim, may span lines
//      KEY="a\n\"b\""      double quotes: \n \r \t \\ \" \$ are escapes (any other backslash is
//                          kept), may span lines; a '#' comment may follow the closing quote
//    Names are [A-Za-z_][A-Za-z0-9_]* (the names a template can refer to). Unlike compose,
//    values are not themselves interpolated (`${X}` in a value stays literal).
//    Errors (STK015) have file:line:col; the good lines are still returned.
//
// 2. A service's `env_file:` (read_kvfile), read exactly as docker CLI 28.2.2's pkg/kvfile
//    does: a leading UTF-8 BOM and each line's leading whitespace are dropped, `#` lines and
//    blank lines are skipped, and the rest of the line after the first '=' is the value
//    VERBATIM (quotes and trailing spaces kept, no escapes, no `${}`). A line `KEY` without '='
//    takes KEY's value from `lookup` (the process environment), and is left out if KEY is not
//    there. A key containing a space or tab, an empty key, invalid UTF-8 or a line of 64 KiB or
//    more is an error (STK016) — the reference rejects the whole file. A value wrapped in
//    matching quotes gets a warning (STK017): docker CLI 28 keeps the quotes, while docker
//    compose and later docker CLIs strip them.

#include <string>
#include <vector>

#include "compiler/diag.h"
#include "compiler/source.h"

namespace stackc {

class Env;
class MapEnv;

struct EnvVar {
  std::string name;
  std::string value;
  SourceLoc loc;  // of the name
};

// Parses an --env-file (compose `.env` syntax), in file order.
std::vector<EnvVar> parse_dotenv(const SourceFile& file, Diagnostics& diags);

// Sets `vars` in `env` in order, so a later entry (or a later file) overrides an earlier one.
void add_env_vars(MapEnv& env, const std::vector<EnvVar>& vars);

// Reads a service `env_file:` as the reference does, in file order (duplicates kept; the
// caller applies them in order).
std::vector<EnvVar> read_kvfile(const SourceFile& file, const Env& lookup, Diagnostics& diags);

}  // namespace stackc
