/** The model artifact: a directory with model.json, weights.f32 and job.conf, written atomically, read checked. */
package io.descent.model.artifact;
