output "public_ip" {
  description = "The Elastic IP: the page at http://PUBLIC_IP/ names the node that is Master."
  value       = aws_eip.vip.public_ip
}

output "public_url" {
  description = "What drill.sh polls."
  value       = "http://${aws_eip.vip.public_ip}/"
}

output "node_public_ips" {
  description = "Each node's own public IP, by name (SSH to break the Master during the drill)."
  value       = zipmap(local.node_names, aws_instance.node[*].public_ip)
}

output "node_private_ips" {
  description = "Each node's VPC private IP, by name (its unicast_src_ip; the other node's unicast_peer)."
  value       = zipmap(local.node_names, aws_instance.node[*].private_ip)
}
