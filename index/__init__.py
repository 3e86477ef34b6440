"""Articles to a searchable passage index: ingestion, splitting, embedding, storage, retrieval."""
