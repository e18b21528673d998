# Two servers in a private network running nginx behind one floating IP that floatd routes to the VRRP Master and
# puts on its eth0. Validated offline only (see ../README.md): never applied in CI.
#
# VRRP between the servers: the adverts go over the private network as UDP (floatd's transport { udp }, HMAC-signed
# with a key only the two servers hold): Hetzner's private networks are routed and carry no multicast, and a Cloud
# Firewall has no rule for IP protocol 112. The Cloud Firewall below admits SSH and HTTP from operator_cidr only, and
# the UDP transport's port from the network's range (Hetzner applies Cloud Firewalls to the public interfaces; the
# rule says what the pair needs wherever the rules apply).

locals {
  name        = "floatd-test"
  node_names  = ["lb-a", "lb-b"]
  priorities  = [150, 100]
  subnet      = cidrsubnet(var.network_ip_range, 8, 0)
  node_ips    = [cidrhost(local.subnet, 10), cidrhost(local.subnet, 11)]
  token_file  = "/etc/floatd/hcloud-token"
  key_file    = "/etc/floatd/vrrp.key"
  iface_file  = "/etc/floatd/interface.conf"
  vrrp_port   = 5112
}

resource "hcloud_network" "test" {
  name     = local.name
  ip_range = var.network_ip_range
}

resource "hcloud_network_subnet" "test" {
  network_id   = hcloud_network.test.id
  type         = "cloud"
  network_zone = var.network_zone
  ip_range     = local.subnet
}

# Not assigned by Terraform: floatd assigns it to whichever server is Master.
resource "hcloud_floating_ip" "vip" {
  name          = local.name
  type          = "ipv4"
  home_location = var.location
}

# The pair's HMAC key for the UDP transport (floatd refuses a key shorter than 32 bytes).
resource "random_password" "vrrp_key" {
  length  = 48
  special = false
}

resource "hcloud_firewall" "pair" {
  name = local.name

  rule {
    description = "SSH from the operator"
    direction   = "in"
    protocol    = "tcp"
    port        = "22"
    source_ips  = [var.operator_cidr]
  }

  rule {
    description = "HTTP from the operator (the page drill.sh polls, on the floating IP)"
    direction   = "in"
    protocol    = "tcp"
    port        = "80"
    source_ips  = [var.operator_cidr]
  }

  rule {
    description = "VRRP over floatd's UDP transport, between the two servers"
    direction   = "in"
    protocol    = "udp"
    port        = tostring(local.vrrp_port)
    source_ips  = [var.network_ip_range]
  }
}

resource "hcloud_server" "node" {
  count        = 2
  name         = "${local.name}-${local.node_names[count.index]}"
  image        = "ubuntu-24.04"
  server_type  = var.server_type
  location     = var.location
  ssh_keys     = var.ssh_key_names
  firewall_ids = [hcloud_firewall.pair.id]

  network {
    network_id = hcloud_network.test.id
    ip         = local.node_ips[count.index]
  }

  user_data = templatefile("${path.module}/templates/cloud-init.yaml.tftpl", {
    node_name          = local.node_names[count.index]
    floatd_package_url = var.floatd_package_url
    hcloud_token_b64   = base64encode(var.hcloud_token)
    token_file         = local.token_file
    token_file_mode    = var.token_file_mode
    vrrp_key_b64       = base64encode(random_password.vrrp_key.result)
    key_file           = local.key_file
    iface_file         = local.iface_file
    node_ip            = local.node_ips[count.index]
    floatd_conf_b64 = base64encode(templatefile("${path.module}/templates/floatd.conf.tftpl", {
      router_id   = local.node_names[count.index]
      iface_file  = local.iface_file
      priority    = local.priorities[count.index]
      advert_int  = var.advert_int
      self_ip     = local.node_ips[count.index]
      peer_ip     = local.node_ips[1 - count.index]
      vrrp_port   = local.vrrp_port
      key_file    = local.key_file
      floating_ip = hcloud_floating_ip.vip.ip_address
      token_file  = local.token_file
    }))
  })

  # the private address must exist before the server boots with it
  depends_on = [hcloud_network_subnet.test]
}
