// The list of every lint rule, sorted by id. A new rule is a new file in rules/ plus one
// line in each list below (no static self-registration: the order and the set are explicit).

#include "compiler/lint/registry.h"

#include <cctype>
#include <string>

namespace stackc::lint {

const Rule& undefined_network_rule();
const Rule& undefined_volume_rule();
const Rule& undefined_secret_rule();
const Rule& undefined_config_rule();
const Rule& invalid_restart_condition_rule();
const Rule& invalid_deploy_mode_rule();
const Rule& invalid_endpoint_mode_rule();
const Rule& invalid_failure_action_rule();
const Rule& invalid_update_order_rule();
const Rule& replicas_with_global_rule();
const Rule& external_network_options_rule();
const Rule& file_and_external_rule();
const Rule& missing_file_rule();
const Rule& ulimit_soft_above_hard_rule();
const Rule& dnsrr_ingress_ports_rule();
const Rule& duplicate_published_port_rule();
const Rule& duplicate_mount_target_rule();
const Rule& duplicate_file_target_rule();
const Rule& memory_below_minimum_rule();
const Rule& cpus_out_of_range_rule();
const Rule& healthcheck_too_short_rule();
const Rule& healthcheck_test_and_disable_rule();
const Rule& invalid_placement_constraint_rule();
const Rule& invalid_image_reference_rule();
const Rule& unknown_dependency_rule();
const Rule& dependency_cycle_rule();
const Rule& invalid_restart_rule();
const Rule& invalid_service_name_rule();
const Rule& invalid_object_name_rule();
const Rule& file_too_large_rule();
const Rule& policy_out_of_range_rule();
const Rule& ingress_network_rule();
const Rule& credential_spec_conflict_rule();
const Rule& invalid_stop_signal_rule();
const Rule& mount_options_conflict_rule();
const Rule& invalid_ipam_subnet_rule();
const Rule& build_ignored_rule();
const Rule& container_name_ignored_rule();
const Rule& links_ignored_rule();
const Rule& restart_ignored_rule();
const Rule& network_mode_ignored_rule();
const Rule& privileged_ignored_rule();
const Rule& devices_ignored_rule();
const Rule& security_opt_ignored_rule();
const Rule& static_ip_ignored_rule();
const Rule& service_tmpfs_ignored_rule();
const Rule& expose_ignored_rule();
const Rule& cgroup_options_ignored_rule();
const Rule& unsupported_option_rule();
const Rule& external_object_labels_rule();
const Rule& oom_score_adj_ignored_rule();
const Rule& start_interval_unused_rule();
const Rule& unused_resource_rule();
const Rule& reservation_above_limit_rule();
const Rule& image_tag_rule();
const Rule& healthcheck_missing_rule();
const Rule& memory_limit_missing_rule();
const Rule& secret_in_environment_rule();
const Rule& privileged_port_rule();
const Rule& rollback_without_monitor_rule();
const Rule& docker_socket_rule();
const Rule& sensitive_host_mount_rule();
const Rule& dangerous_capability_rule();
const Rule& host_port_replicas_rule();
const Rule& ssh_port_rule();
const Rule& cpu_limit_missing_rule();
const Rule& labels_placement_rule();
const Rule& host_network_rule();
const Rule& unused_suppression_rule();

const std::vector<const Rule*>& all_rules() {
  static const std::vector<const Rule*> rules = {
      &undefined_network_rule(),
      &undefined_volume_rule(),
      &undefined_secret_rule(),
      &undefined_config_rule(),
      &invalid_restart_condition_rule(),
      &invalid_deploy_mode_rule(),
      &invalid_endpoint_mode_rule(),
      &invalid_failure_action_rule(),
      &invalid_update_order_rule(),
      &replicas_with_global_rule(),
      &external_network_options_rule(),
      &file_and_external_rule(),
      &missing_file_rule(),
      &ulimit_soft_above_hard_rule(),
      &dnsrr_ingress_ports_rule(),
      &duplicate_published_port_rule(),
      &duplicate_mount_target_rule(),
      &duplicate_file_target_rule(),
      &memory_below_minimum_rule(),
      &cpus_out_of_range_rule(),
      &healthcheck_too_short_rule(),
      &healthcheck_test_and_disable_rule(),
      &invalid_placement_constraint_rule(),
      &invalid_image_reference_rule(),
      &unknown_dependency_rule(),
      &dependency_cycle_rule(),
      &invalid_restart_rule(),
      &invalid_service_name_rule(),
      &invalid_object_name_rule(),
      &file_too_large_rule(),
      &policy_out_of_range_rule(),
      &ingress_network_rule(),
      &credential_spec_conflict_rule(),
      &invalid_stop_signal_rule(),
      &mount_options_conflict_rule(),
      &invalid_ipam_subnet_rule(),
      &build_ignored_rule(),
      &container_name_ignored_rule(),
      &links_ignored_rule(),
      &restart_ignored_rule(),
      &network_mode_ignored_rule(),
      &privileged_ignored_rule(),
      &devices_ignored_rule(),
      &security_opt_ignored_rule(),
      &static_ip_ignored_rule(),
      &service_tmpfs_ignored_rule(),
      &expose_ignored_rule(),
      &cgroup_options_ignored_rule(),
      &unsupported_option_rule(),
      &external_object_labels_rule(),
      &unused_resource_rule(),
      &reservation_above_limit_rule(),
      &image_tag_rule(),
      &healthcheck_missing_rule(),
      &memory_limit_missing_rule(),
      &secret_in_environment_rule(),
      &privileged_port_rule(),
      &rollback_without_monitor_rule(),
      &docker_socket_rule(),
      &sensitive_host_mount_rule(),
      &dangerous_capability_rule(),
      &host_port_replicas_rule(),
      &ssh_port_rule(),
      &cpu_limit_missing_rule(),
      &labels_placement_rule(),
      &host_network_rule(),
      &oom_score_adj_ignored_rule(),
      &start_interval_unused_rule(),
      &unused_suppression_rule(),
  };
  return rules;
}

const Rule* find_rule(std::string_view key) {
  std::string upper(key);
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  for (const Rule* rule : all_rules()) {
    if (rule->id() == upper || rule->name() == key) {
      return rule;
    }
  }
  return nullptr;
}

}  // namespace stackc::lint
