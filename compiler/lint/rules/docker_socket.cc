// STK166 docker-socket: The Docker socket is mounted into a service. See
// docs/rules/STK166-docker-socket.md.

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "compiler/lint/helpers.h"
#include "compiler/lint/rule.h"

namespace stackc::lint {
namespace {

class DockerSocket final : public BasicRule {
 public:
  DockerSocket()
      : BasicRule("STK166", "docker-socket", Severity::warning,
                  "The Docker socket is mounted into a service") {}

  void check(const LintContext& context, Diagnostics& diags) const override {
    const ir::Stack& stack = context.stack;
    for (const ir::Service& service : stack.services) {
      for (const ir::Mount& mount : service.volumes) {
        if (mount.type && *mount.type == "bind" && mount.source &&
            (*mount.source == "/var/run/docker.sock" || *mount.source == "/run/docker.sock")) {
          report(diags, first_located({mount.source.loc, mount.loc}),
                 fmt::format("service '{}' mounts the Docker socket: it controls the whole node "
                             "(root on the host)",
                             service.name));
        }
      }
    }
  }
};

}  // namespace

const Rule& docker_socket_rule() {
  static const DockerSocket rule;
  return rule;
}

}  // namespace stackc::lint
