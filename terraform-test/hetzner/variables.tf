variable "hcloud_token" {
  description = "Hetzner Cloud API token (Read & Write) of the project: Terraform uses it, and cloud-init writes it to /etc/floatd/hcloud-token (root, mode token_file_mode) for floatd. It ends up in the servers' user data and in the Terraform state: use a project made for the test, and revoke the token after it."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("\\S", var.hcloud_token))
    error_message = "hcloud_token must not be empty: floatd needs a Hetzner Cloud API token to move the floating IP (set TF_VAR_hcloud_token)."
  }
}

variable "token_file_mode" {
  description = "Mode of /etc/floatd/hcloud-token on the servers. floatd refuses a token file that group or others can read or write."
  type        = string
  default     = "0600"

  validation {
    condition     = can(regex("^0?[0-7]00$", var.token_file_mode))
    error_message = "token_file_mode must give group and others no access (e.g. 0600): floatd refuses a group- or world-readable token file, and any local user could read the API token."
  }
}

variable "location" {
  description = "Hetzner location of both servers and the floating IP's home (fsn1, nbg1, hel1, ...)."
  type        = string
  default     = "fsn1"
}

variable "network_zone" {
  description = "Network zone of the private subnet: the location's (eu-central for fsn1, nbg1 and hel1)."
  type        = string
  default     = "eu-central"
}

variable "server_type" {
  description = "Server type of both nodes."
  type        = string
  default     = "cx22"
}

variable "ssh_key_names" {
  description = "Names (or ids) of SSH keys already in the Hetzner Cloud project, for root SSH to the servers (the drill breaks the Master over SSH)."
  type        = list(string)
}

variable "operator_cidr" {
  description = "The operator's address range (e.g. 203.0.113.7/32): the only source allowed to SSH to the servers and to reach the page over HTTP."
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

variable "network_ip_range" {
  description = "Address range of the test network; the servers get .10 and .11 of its first /24."
  type        = string
  default     = "10.143.0.0/16"
}

variable "advert_int" {
  description = "VRRP advertisement interval in seconds (VRRPv3: 0.01-40.95). Master_Down_Interval is 3 x advert_int + skew."
  type        = number
  default     = 1
}
