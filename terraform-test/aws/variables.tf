variable "region" {
  description = "AWS region for the VPC, both nodes and the Elastic IP."
  type        = string
  default     = "eu-west-1"
}

variable "instance_type" {
  description = "EC2 instance type of both nodes (floatd runs in a JVM capped at 256 MB of RAM)."
  type        = string
  default     = "t3.small"
}

variable "key_name" {
  description = "Name of an existing EC2 key pair for SSH to the nodes (needed to break the Master during the drill)."
  type        = string
}

variable "operator_cidr" {
  description = "The operator's address range (e.g. 203.0.113.7/32): the only source allowed to SSH to the nodes and to reach the page over HTTP."
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
  description = "Address range of the test VPC; the subnet is its first /24 and the nodes get its .10 and .11."
  type        = string
  default     = "10.42.0.0/16"
}

variable "advert_int" {
  description = "VRRP advertisement interval in seconds (VRRPv3: 0.01-40.95). Master_Down_Interval is 3 x advert_int + skew."
  type        = number
  default     = 1
}
