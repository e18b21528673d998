output "public_ip" {
  description = "The floating IP: the page at http://PUBLIC_IP/ names the server that is Master."
  value       = hcloud_floating_ip.vip.ip_address
}

output "public_url" {
  description = "What drill.sh polls."
  value       = "http://${hcloud_floating_ip.vip.ip_address}/"
}

output "node_public_ips" {
  description = "Each server's own public IPv4, by name (SSH to break the Master during the drill)."
  value       = zipmap(local.node_names, hcloud_server.node[*].ipv4_address)
}

output "node_private_ips" {
  description = "Each server's private network address, by name (its unicast_src_ip; the other server's unicast_peer)."
  value       = zipmap(local.node_names, [for n in hcloud_server.node : one(n.network[*].ip)])
}
