"""Question → ranked passages: dense and keyword search fused, abstention, highlights."""
