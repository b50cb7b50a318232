/**
 * Per-epoch visiting order and the sharding of an epoch over data-parallel workers, identical on every JVM.
 */
package io.descent.data.order;
