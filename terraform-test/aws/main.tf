# Two EC2 nodes running nginx behind one Elastic IP that floatd moves to the VRRP Master.
# Validated offline only (see ../README.md): never applied in CI.

locals {
  name        = "floatd-test"
  subnet_cidr = cidrsubnet(var.vpc_cidr, 8, 0)
  # Fixed private IPs: each node's floatd.conf names the other as its unicast peer, so both must be known before
  # either instance exists (an instance's user data cannot refer to the other instance).
  node_names = ["lb-a", "lb-b"]
  node_ips   = [cidrhost(local.subnet_cidr, 10), cidrhost(local.subnet_cidr, 11)]
  priorities = [150, 100]
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

resource "aws_subnet" "test" {
  vpc_id                  = aws_vpc.test.id
  cidr_block              = local.subnet_cidr
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = true # the nodes fetch packages and call the EC2 API without a NAT gateway
  tags                    = { Name = local.name }
}

resource "aws_route_table" "test" {
  vpc_id = aws_vpc.test.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.test.id
  }

  tags = { Name = local.name }
}

resource "aws_route_table_association" "test" {
  subnet_id      = aws_subnet.test.id
  route_table_id = aws_route_table.test.id
}

resource "aws_security_group" "nodes" {
  name        = "${local.name}-nodes"
  description = "floatd test nodes: VRRP between the two nodes, SSH and HTTP from the operator"
  vpc_id      = aws_vpc.test.id
  tags        = { Name = local.name }
}

# VRRP is IP protocol 112 (neither TCP nor UDP). Only members of this group (the two nodes) may send it.
resource "aws_vpc_security_group_ingress_rule" "vrrp" {
  security_group_id            = aws_security_group.nodes.id
  description                  = "VRRP adverts between the two nodes"
  ip_protocol                  = "112"
  referenced_security_group_id = aws_security_group.nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.nodes.id
  description       = "HTTP from the operator (the drill polls the Elastic IP)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = var.operator_cidr
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

# The instance role: exactly the minimal policy of providers/aws/README.md (mode eip).
data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "floatd_eip" {
  statement {
    effect = "Allow"
    actions = [
      "ec2:DescribeAddresses",
      "ec2:AssociateAddress",
      "ec2:DisassociateAddress",
      "ec2:DescribeNetworkInterfaces",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role" "floatd" {
  name               = "${local.name}-node"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
}

resource "aws_iam_role_policy" "floatd_eip" {
  name   = "floatd-eip"
  role   = aws_iam_role.floatd.id
  policy = data.aws_iam_policy_document.floatd_eip.json
}

resource "aws_iam_instance_profile" "floatd" {
  name = "${local.name}-node"
  role = aws_iam_role.floatd.name
}

# Not associated by Terraform: floatd associates it with whichever node is Master.
resource "aws_eip" "vip" {
  domain = "vpc"
  tags   = { Name = "${local.name}-vip" }
}

resource "aws_instance" "node" {
  count                  = 2
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = var.instance_type
  key_name               = var.key_name
  subnet_id              = aws_subnet.test.id
  private_ip             = local.node_ips[count.index]
  vpc_security_group_ids = [aws_security_group.nodes.id]
  iam_instance_profile   = aws_iam_instance_profile.floatd.name

  metadata_options {
    http_tokens                 = "required" # IMDSv2, which floatd's aws provider uses
    http_put_response_hop_limit = 1
  }

  user_data_replace_on_change = true
  user_data = templatefile("${path.module}/templates/user-data.sh.tftpl", {
    node_name          = local.node_names[count.index]
    floatd_package_url = var.floatd_package_url
    floatd_conf_b64 = base64encode(templatefile("${path.module}/templates/floatd.conf.tftpl", {
      router_id      = local.node_names[count.index]
      interface      = "ens5"
      priority       = local.priorities[count.index]
      advert_int     = var.advert_int
      self_ip        = local.node_ips[count.index]
      peer_ip        = local.node_ips[1 - count.index]
      eip_allocation = aws_eip.vip.id
      region         = var.region
    }))
  })

  tags       = { Name = "${local.name}-${local.node_names[count.index]}" }
  depends_on = [aws_route_table_association.test, aws_iam_role_policy.floatd_eip]
}
