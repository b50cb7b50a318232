/** Export of a saved model as an ONNX graph (classes generated from the official onnx.proto). */
package io.descent.model.onnx;
