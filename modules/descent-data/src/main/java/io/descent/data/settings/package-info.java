/**
 * The validated data section of a job's HOCON configuration.
 */
package io.descent.data.settings;
