output "public_ip" {
  description = "The client's public IP: its page at http://PUBLIC_IP/ is the overlay IP's page (the node that is Master), fetched from inside the VPC."
  value       = aws_instance.client.public_ip
}

output "public_url" {
  description = "What drill.sh polls (the client proxies each request to the overlay IP)."
  value       = "http://${aws_instance.client.public_ip}/"
}

output "overlay_ip" {
  description = "The overlay IP that floatd routes to the Master (reachable from inside the VPC only)."
  value       = var.overlay_ip
}

output "route_table_ids" {
  description = "The two route tables that carry the overlay IP's /32 route, one per subnet (and availability zone)."
  value       = aws_route_table.node[*].id
}

output "node_enis" {
  description = "Each node's primary network interface, by name: the target of the overlay route while that node is Master."
  value       = zipmap(local.node_names, aws_instance.node[*].primary_network_interface_id)
}

output "drill_route_args" {
  description = "drill.sh's arguments that make it check both route tables before and after each break: -R DEST -T TABLES -E NODE=ENI,..."
  value = join(" ", [
    "-R", local.overlay_cidr,
    "-T", join(",", aws_route_table.node[*].id),
    "-E", join(",", formatlist("%s=%s", local.node_names, aws_instance.node[*].primary_network_interface_id)),
  ])
}

output "node_public_ips" {
  description = "Each node's own public IP, by name (SSH to break the Master during the drill)."
  value       = zipmap(local.node_names, aws_instance.node[*].public_ip)
}

output "node_private_ips" {
  description = "Each node's VPC private IP, by name (its unicast_src_ip; the other node's unicast_peer)."
  value       = zipmap(local.node_names, aws_instance.node[*].private_ip)
}

output "region" {
  description = "The stack's region (for the AWS CLI that drill.sh runs to read the route tables)."
  value       = var.region
}
