variable "region" {
  description = "AWS region for the VPC, the nodes and the client; it needs at least two availability zones."
  type        = string
  default     = "eu-west-1"
}

variable "instance_type" {
  description = "EC2 instance type of both nodes (floatd runs in a JVM capped at 256 MB of RAM)."
  type        = string
  default     = "t3.small"
}

variable "client_instance_type" {
  description = "EC2 instance type of the client, which only proxies the operator's HTTP requests to the overlay IP."
  type        = string
  default     = "t3.micro"
}

variable "key_name" {
  description = "Name of an existing EC2 key pair for SSH to the nodes (needed to break the Master during the drill)."
  type        = string
}

variable "operator_cidr" {
  description = "The operator's address range (e.g. 203.0.113.7/32): the only source allowed to SSH to the nodes and to reach the client's page over HTTP."
  type        = string

  validation {
    condition     = can(cidrhost(var.operator_cidr, 0))
    error_message = "operator_cidr must be a CIDR block such as 203.0.113.7/32."
  }

  validation {
    condition     = !can(regex("/0+$", var.operator_cidr))
    error_message = "operator_cidr must not be 0.0.0.0/0 (or ::/0): that opens SSH to the whole internet; use your own address, e.g. 203.0.113.7/32."
  }
}

variable "floatd_package_url" {
  description = "URL of the floatd release tarball (floatd-cli.jar and lib/, as built by bin/build in cli/target)."
  type        = string

  validation {
    condition     = can(regex("^https?://", var.floatd_package_url))
    error_message = "floatd_package_url must be an http:// or https:// URL of the floatd release tarball."
  }
}

variable "vpc_cidr" {
  description = "Address range of the test VPC; the two subnets are its first two /24s, each node gets .10 of its own, the client .20 of the first."
  type        = string
  default     = "10.43.0.0/16"
}

variable "overlay_ip" {
  description = "The overlay IP: an IPv4 address outside vpc_cidr that both route tables send to the Master's network interface (a /32 route)."
  type        = string
  default     = "192.168.100.10"

  validation {
    condition     = can(regex("^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$", var.overlay_ip))
    error_message = "overlay_ip must be one IPv4 address such as 192.168.100.10 (no prefix length: the route is its /32)."
  }
}

variable "advert_int" {
  description = "VRRP advertisement interval in seconds (VRRPv3: 0.01-40.95). Master_Down_Interval is 3 x advert_int + skew."
  type        = number
  default     = 1
}
