/** The contract between the VRRP engine and whatever moves the IP: a Linux VIP, an AWS Elastic IP, a DigitalOcean reserved IP. */
package io.floatd.vrrp.provider;
