# Two droplets in a VPC running nginx behind one reserved IP that floatd moves to the VRRP Master.
# Validated offline only (see ../README.md): never applied in CI.
#
# Firewall: a DigitalOcean Cloud Firewall only has TCP, UDP and ICMP rules and filters the VPC interface too, so
# one attached to these droplets would drop the VRRP adverts (IP protocol 112) and both nodes would become Master
# (providers/digitalocean/README.md). The droplets are filtered by nftables instead (templates/cloud-init.yaml.tftpl):
# SSH and HTTP only from operator_cidr, VRRP only from this VPC's range on the VPC interface.

locals {
  name       = "floatd-test"
  tag        = "floatd-test-pair"
  node_names = ["lb-a", "lb-b"]
  priorities = [150, 100]
  token_file = "/etc/floatd/do-token"
  peers_file = "/etc/floatd/peers.conf"
}

resource "digitalocean_vpc" "test" {
  name     = local.name
  region   = var.region
  ip_range = var.vpc_ip_range
}

resource "digitalocean_tag" "pair" {
  name = local.tag
}

# Not assigned by Terraform: floatd assigns it to whichever droplet is Master.
resource "digitalocean_reserved_ip" "vip" {
  region = var.region
}

resource "digitalocean_droplet" "node" {
  count    = 2
  name     = "${local.name}-${local.node_names[count.index]}"
  image    = "ubuntu-24-04-x64"
  region   = var.region
  size     = var.droplet_size
  vpc_uuid = digitalocean_vpc.test.id
  ssh_keys = var.ssh_key_fingerprints
  tags     = [digitalocean_tag.pair.id]

  # The droplets' VPC addresses are assigned by DigitalOcean and cannot be known before both exist, so
  # floatd.conf includes peers.conf, which cloud-init writes from the metadata service and the API (by tag).
  user_data = templatefile("${path.module}/templates/cloud-init.yaml.tftpl", {
    node_name          = local.node_names[count.index]
    floatd_package_url = var.floatd_package_url
    do_token_b64       = base64encode(var.do_token)
    token_file         = local.token_file
    token_file_mode    = var.token_file_mode
    peers_file         = local.peers_file
    pair_tag           = local.tag
    vpc_ip_range       = var.vpc_ip_range
    operator_cidr      = var.operator_cidr
    floatd_conf_b64 = base64encode(templatefile("${path.module}/templates/floatd.conf.tftpl", {
      router_id   = local.node_names[count.index]
      interface   = "eth1"
      priority    = local.priorities[count.index]
      advert_int  = var.advert_int
      peers_file  = local.peers_file
      reserved_ip = digitalocean_reserved_ip.vip.ip_address
      token_file  = local.token_file
    }))
  })
}
