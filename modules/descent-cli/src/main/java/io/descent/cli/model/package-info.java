/** The commands that use a trained model: evaluate, predict, export, model from-checkpoint. */
package io.descent.cli.model;
