/**
 * Per-step phase timestamps for latency analysis (a debug-level log), off by default.
 */
package io.descent.cluster.trace;
