"""The sentence encoder shared by every stage: all-MiniLM-L6-v2 as int8 ONNX graphs (see docs/encoder.md)."""
