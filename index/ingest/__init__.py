"""A folder of articles → `Article` records (one reader per format) → passages with exact offsets."""
