"""Every name the index uses on disk, in one place.

INDEX_DIR/
  CURRENT                       name of the published version (replaced atomically)
  versions/NAME/                one self-describing index version:
    manifest.json               model, settings, counts, library versions, file checksums
    vectors.faiss               passage vectors (FAISS), row i = passage row i
    sentences.npy               float16 sentence vectors, in passage order
    sentence_starts.npy         passage row r owns sentence vectors starts[r]:starts[r + 1]
    passages.sqlite             articles and passages (text, offsets, metadata)
    lexical/lexical.npz         BM25 scores (CSC arrays)
    lexical/lexical.json        BM25 vocabulary and settings
  versions/.building-NAME/      a version being built (never served)
  cache/embeddings.sqlite       vectors reused across rebuilds, keyed by (model, text)
  rebuild.lock                  held by the running rebuild (released by the OS if it dies)
  feedback.sqlite               the bot's answers and users' votes (survives rebuilds)
"""

from __future__ import annotations

CURRENT = "CURRENT"
CURRENT_PARTIAL = ".CURRENT.tmp"
VERSIONS_DIR = "versions"
BUILDING_PREFIX = ".building-"
CACHE_DIR = "cache"
EMBEDDING_CACHE = "embeddings.sqlite"
PENDING_PREFIX = ".pending-"  # cache/.pending-NAME.sqlite: vectors a build computed, merged once it publishes
REBUILD_LOCK = "rebuild.lock"
FEEDBACK_DB = "feedback.sqlite"
SERVING_STATUS = "serving.json"  # written by the running bot: version served, since when, last error
COMMAND_SYNC = "command-sync.txt"  # fingerprint of the slash commands last sent to Discord

# Inside a version folder.
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
SENTENCE_VECTORS = "sentences.npy"
SENTENCE_STARTS = "sentence_starts.npy"
PASSAGES_DB = "passages.sqlite"
LEXICAL_DIR = "lexical"
LEXICAL_ARRAYS = "lexical.npz"
LEXICAL_META = "lexical.json"
# Raw vectors appended while a build embeds; memory-mapped to build the index, then deleted.
VECTOR_SPOOL = "vectors.f32.tmp"
SENTENCE_SPOOL = "sentences.f16.tmp"
