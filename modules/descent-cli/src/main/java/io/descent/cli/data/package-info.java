/**
 * The {@code descent data} command: {@code shard} (write a loadable source as a shard set), {@code generate}
 * (stream a synthetic shard set of any size to disk) and {@code inspect} (check and describe a shard set).
 */
package io.descent.cli.data;
