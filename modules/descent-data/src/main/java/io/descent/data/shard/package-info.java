/**
 * The binary shard format: a directory holding {@code manifest.json} and K files {@code shard-NNNNN.bin} of raw
 * little-endian float32 rows, written atomically and read by memory-mapping so that a dataset larger than the Java
 * heap (or than RAM) trains. See {@link io.descent.data.shard.ShardFormat} for the exact layout.
 */
package io.descent.data.shard;
