"""The spec: YAML loaded with positions, validated into Pydantic models."""
