/** A cloud's JSON REST API over one pooled HTTP connection: requests, answers, error bodies, rate-limit headers. */
package io.floatd.provider.cloudhttp;
