output "public_ip" {
  description = "The reserved IP: the page at http://PUBLIC_IP/ names the droplet that is Master."
  value       = digitalocean_reserved_ip.vip.ip_address
}

output "public_url" {
  description = "What drill.sh polls."
  value       = "http://${digitalocean_reserved_ip.vip.ip_address}/"
}

output "node_public_ips" {
  description = "Each droplet's own public IP, by name (SSH to break the Master during the drill)."
  value       = zipmap(local.node_names, digitalocean_droplet.node[*].ipv4_address)
}

output "node_private_ips" {
  description = "Each droplet's VPC address, by name (its unicast_src_ip; the other droplet's unicast_peer)."
  value       = zipmap(local.node_names, digitalocean_droplet.node[*].ipv4_address_private)
}
