# Two EC2 nodes in two availability zones running nginx behind an overlay IP: an address outside the VPC's CIDR that
# two route tables (one per subnet) send to the VRRP Master's network interface; floatd rewrites both routes when
# the Master changes (floating_ip { provider aws; mode route_table }) and puts the address on the Master itself
# (a second floating_ip { provider linux-l2 } block). A small client in the first subnet proxies the operator's HTTP
# requests to the overlay IP, which is reachable from inside the VPC only.
# Validated offline only (see ../README.md): never applied in CI.

locals {
  name = "floatd-xaz"
  # one subnet per availability zone: each node gets .10 of its own subnet, the client .20 of the first
  subnet_cidrs = [cidrsubnet(var.vpc_cidr, 8, 0), cidrsubnet(var.vpc_cidr, 8, 1)]
  # Fixed private IPs: each node's floatd.conf names the other as its unicast peer, so both must be known before
  # either instance exists (an instance's user data cannot refer to the other instance).
  node_names   = ["lb-a", "lb-b"]
  node_ips     = [cidrhost(local.subnet_cidrs[0], 10), cidrhost(local.subnet_cidrs[1], 10)]
  priorities   = [150, 100]
  client_ip    = cidrhost(local.subnet_cidrs[0], 20)
  overlay_cidr = "${var.overlay_ip}/32"
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"] # Canonical

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"]
  }
}

resource "aws_vpc" "test" {
  cidr_block           = var.vpc_cidr
  enable_dns_hostnames = true
  tags                 = { Name = local.name }
}

resource "aws_internet_gateway" "test" {
  vpc_id = aws_vpc.test.id
  tags   = { Name = local.name }
}

# Two subnets in two availability zones: a secondary private IP could not follow a Master into the other one.
resource "aws_subnet" "node" {
  count                   = 2
  vpc_id                  = aws_vpc.test.id
  cidr_block              = local.subnet_cidrs[count.index]
  availability_zone       = data.aws_availability_zones.available.names[count.index]
  map_public_ip_on_launch = true # the nodes fetch packages and call the EC2 API without a NAT gateway
  tags                    = { Name = "${local.name}-${local.node_names[count.index]}" }
}

# One route table per subnet: both carry the overlay IP's route, and floatd moves it in both.
resource "aws_route_table" "node" {
  count  = 2
  vpc_id = aws_vpc.test.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.test.id
  }

  tags = { Name = "${local.name}-${local.node_names[count.index]}" }
}

resource "aws_route_table_association" "node" {
  count          = 2
  subnet_id      = aws_subnet.node[count.index].id
  route_table_id = aws_route_table.node[count.index].id
}

# The overlay IP's /32 route, created pointing at node lb-a's network interface. From then on floatd owns the
# target (ReplaceRoute on each change of Master): Terraform must not put it back on the next apply.
resource "aws_route" "overlay" {
  count                  = 2
  route_table_id         = aws_route_table.node[count.index].id
  destination_cidr_block = local.overlay_cidr
  network_interface_id   = aws_instance.node[0].primary_network_interface_id

  lifecycle {
    ignore_changes = [network_interface_id]

    # a VPC's own range is delivered by each table's local route, never by this one
    precondition {
      condition     = cidrhost(var.vpc_cidr, 0) != cidrhost("${var.overlay_ip}/${split("/", var.vpc_cidr)[1]}", 0)
      error_message = "overlay_ip must lie outside vpc_cidr: EC2 delivers the VPC's own addresses by the local route, not by the overlay route."
    }
  }
}

resource "aws_security_group" "nodes" {
  name        = "${local.name}-nodes"
  description = "floatd test nodes: VRRP between the two nodes, HTTP from the client, SSH from the operator"
  vpc_id      = aws_vpc.test.id
  tags        = { Name = local.name }
}

# VRRP is IP protocol 112 (neither TCP nor UDP). Only members of this group (the two nodes) may send it; the rule
# holds across subnets and availability zones of the VPC.
resource "aws_vpc_security_group_ingress_rule" "vrrp" {
  security_group_id            = aws_security_group.nodes.id
  description                  = "VRRP adverts between the two nodes"
  ip_protocol                  = "112"
  referenced_security_group_id = aws_security_group.nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "http_from_client" {
  security_group_id            = aws_security_group.nodes.id
  description                  = "HTTP to the overlay IP from the client (the drill's probes, proxied)"
  ip_protocol                  = "tcp"
  from_port                    = 80
  to_port                      = 80
  referenced_security_group_id = aws_security_group.client.id
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.nodes.id
  description       = "SSH from the operator (the drill breaks the Master over SSH)"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.operator_cidr
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.nodes.id
  description       = "packages, the floatd release and the EC2 API"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "client" {
  name        = "${local.name}-client"
  description = "floatd test client: HTTP from the operator, proxied to the overlay IP"
  vpc_id      = aws_vpc.test.id
  tags        = { Name = "${local.name}-client" }
}

resource "aws_vpc_security_group_ingress_rule" "client_http" {
  security_group_id = aws_security_group.client.id
  description       = "HTTP from the operator (the drill polls the client, which asks the overlay IP)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = var.operator_cidr
}

resource "aws_vpc_security_group_egress_rule" "client_all" {
  security_group_id = aws_security_group.client.id
  description       = "packages, and the overlay IP through the VPC's route table"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# The instance role: exactly the minimal policy of providers/aws/README.md for mode route_table, the route writes
# narrowed to the two route tables.
data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "floatd_route_table" {
  # reads: the routes' targets, the source/destination check of our interface, the peers' interfaces (by their
  # unicast_peer address). No ec2:DescribeInstances: IMDS names each node's primary interface. EC2's Describe
  # actions take no resource-level permissions: "*".
  statement {
    sid    = "Read"
    effect = "Allow"
    actions = [
      "ec2:DescribeRouteTables",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeNetworkInterfaceAttribute",
    ]
    resources = ["*"]
  }

  # writes: the overlay route in the two tables and nowhere else (floatd also sends CreateRoute and ReplaceRoute
  # with DryRun at start; DeleteRoute only with release yes)
  statement {
    sid    = "MoveTheOverlayRoute"
    effect = "Allow"
    actions = [
      "ec2:CreateRoute",
      "ec2:ReplaceRoute",
      "ec2:DeleteRoute",
    ]
    resources = aws_route_table.node[*].arn
  }
}

resource "aws_iam_role" "floatd" {
  name               = "${local.name}-node"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
}

resource "aws_iam_role_policy" "floatd_route_table" {
  name   = "floatd-route-table"
  role   = aws_iam_role.floatd.id
  policy = data.aws_iam_policy_document.floatd_route_table.json
}

resource "aws_iam_instance_profile" "floatd" {
  name = "${local.name}-node"
  role = aws_iam_role.floatd.name
}

resource "aws_instance" "node" {
  count                  = 2
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = var.instance_type
  key_name               = var.key_name
  subnet_id              = aws_subnet.node[count.index].id
  private_ip             = local.node_ips[count.index]
  vpc_security_group_ids = [aws_security_group.nodes.id]
  iam_instance_profile   = aws_iam_instance_profile.floatd.name
  # the overlay IP is neither node's own address: with the check on, EC2 drops the packets routed to it (and the
  # Master's answers, whose source it is)
  source_dest_check = false

  metadata_options {
    http_tokens                 = "required" # IMDSv2, which floatd's aws provider uses
    http_put_response_hop_limit = 1
  }

  user_data_replace_on_change = true
  user_data = templatefile("${path.module}/templates/user-data.sh.tftpl", {
    node_name          = local.node_names[count.index]
    floatd_package_url = var.floatd_package_url
    floatd_conf_b64 = base64encode(templatefile("${path.module}/templates/floatd.conf.tftpl", {
      router_id    = local.node_names[count.index]
      interface    = "ens5"
      priority     = local.priorities[count.index]
      advert_int   = var.advert_int
      self_ip      = local.node_ips[count.index]
      peer_ip      = local.node_ips[1 - count.index]
      overlay_ip   = var.overlay_ip
      route_tables = join(" ", aws_route_table.node[*].id)
      region       = var.region
    }))
  })

  tags       = { Name = "${local.name}-${local.node_names[count.index]}" }
  depends_on = [aws_route_table_association.node, aws_iam_role_policy.floatd_route_table]
}

# The overlay IP is for clients inside the VPC: this one (no floatd) answers the operator with the overlay IP's page.
resource "aws_instance" "client" {
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = var.client_instance_type
  key_name               = var.key_name
  subnet_id              = aws_subnet.node[0].id
  private_ip             = local.client_ip
  vpc_security_group_ids = [aws_security_group.client.id]

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  user_data_replace_on_change = true
  user_data = templatefile("${path.module}/templates/client-user-data.sh.tftpl", {
    overlay_ip = var.overlay_ip
  })

  tags       = { Name = "${local.name}-client" }
  depends_on = [aws_route_table_association.node]
}
