// STK133 invalid-stop-signal: stop_signal is not a signal the engine knows. See
// docs/rules/STK133-invalid-stop-signal.md.

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

// The engine's Linux signal table (moby pkg/signal): names without the SIG prefix.
constexpr std::array<std::string_view, 34> k_signals = {
    "ABRT", "ALRM",   "BUS",  "CHLD",   "CLD",   "CONT", "FPE",  "HUP",  "ILL",
    "INT",  "IO",     "IOT",  "KILL",   "PIPE",  "POLL", "PROF", "PWR",  "QUIT",
    "SEGV", "STKFLT", "STOP", "SYS",    "TERM",  "TRAP", "TSTP", "TTIN", "TTOU",
    "URG",  "USR1",   "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ"};

// The engine upper-cases the name, drops a SIG prefix, and also takes a number or a
// real-time signal (RTMIN, RTMIN+n, RTMAX-n).
bool known_signal(std::string_view raw) {
  std::string name;
  for (char c : raw) {
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (name.rfind("SIG", 0) == 0) {
    name.erase(0, 3);
  }
  if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    unsigned number = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
    return ec == std::errc() && end == name.data() + name.size() && number >= 1 && number <= 64;
  }
  if (std::find(k_signals.begin(), k_signals.end(), name) != k_signals.end()) {
    return true;
  }
  auto offset_ok = [&](std::string_view prefix) {
    if (name.rfind(prefix, 0) != 0) {
      return false;
    }
    std::string_view rest = std::string_view(name).substr(prefix.size());
    if (rest.empty()) {
      return true;
    }
    unsigned offset = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), offset);
    return ec == std::errc() && end == rest.data() + rest.size() && offset >= 1 && offset <= 15;
  };
  return name == "RTMIN" || name == "RTMAX" || offset_ok("RTMIN+") || offset_ok("RTMAX-");
}

class InvalidStopSignal final : public BasicRule {
 public:
  InvalidStopSignal()
      : BasicRule("STK133", "invalid-stop-signal", Severity::error,
                  "stop_signal is not a signal the engine knows") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    for (const ir::Service& service : context.stack.services) {
      if (service.stop_signal && !service.stop_signal->empty() &&
          !known_signal(*service.stop_signal)) {
        report(diags, service.stop_signal.loc,
               fmt::format("stop_signal '{}' of service '{}' is not a signal the engine knows: "
                           "every task is rejected (\"Invalid signal\")",
                           *service.stop_signal, service.name));
      }
    }
  }
};

}  // namespace

const Rule& invalid_stop_signal_rule() {
  static const InvalidStopSignal rule;
  return rule;
}

}  // namespace stackc::lint
