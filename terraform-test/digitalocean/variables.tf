variable "do_token" {
  description = "DigitalOcean API token: Terraform uses it, and cloud-init writes it to /etc/floatd/do-token (root, mode token_file_mode) for floatd. It ends up in the droplets' user data and in the Terraform state: use a token scoped to droplets (read) and reserved IPs (read, update), and revoke it after the test."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("\\S", var.do_token))
    error_message = "do_token must not be empty: floatd needs a DigitalOcean API token to move the reserved IP (set TF_VAR_do_token)."
  }
}

variable "token_file_mode" {
  description = "Mode of /etc/floatd/do-token on the droplets. floatd refuses a token file that group or others can read or write."
  type        = string
  default     = "0600"

  validation {
    condition     = can(regex("^0?[0-7]00$", var.token_file_mode))
    error_message = "token_file_mode must give group and others no access (e.g. 0600): floatd refuses a group- or world-readable token file, and any local user could read the API token."
  }
}

variable "region" {
  description = "DigitalOcean region of the VPC, both droplets and the reserved IP."
  type        = string
  default     = "fra1"
}

variable "droplet_size" {
  description = "Droplet size slug of both nodes."
  type        = string
  default     = "s-1vcpu-1gb"
}

variable "ssh_key_fingerprints" {
  description = "Fingerprints (or ids) of SSH keys already in the DigitalOcean account, for root SSH to the droplets (the drill breaks the Master over SSH)."
  type        = list(string)
}

variable "operator_cidr" {
  description = "The operator's address range (e.g. 203.0.113.7/32): the only source allowed to SSH to the droplets and to reach the page over HTTP."
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

variable "vpc_ip_range" {
  description = "Address range of the test VPC (must not overlap another VPC of the account in the region)."
  type        = string
  default     = "10.142.0.0/24"
}

variable "advert_int" {
  description = "VRRP advertisement interval in seconds (VRRPv3: 0.01-40.95). Master_Down_Interval is 3 x advert_int + skew."
  type        = number
  default     = 1
}
