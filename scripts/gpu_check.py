"""GPU check of the embedder seam: `--device cuda`/`auto` and sentence-transformers' multi-process pool.

    python3 -m scripts.gpu_check

For a machine with a CUDA GPU and no model hub: it builds a tiny random-weight BERT
sentence-transformers model in a temporary folder (the packaged models are CPU-sized or numpy-only),
then loads it through `index.embed.embedder.load_embedder` exactly as `qa-index rebuild --device ...`
does, and compares GPU against CPU vectors. Needs only torch, transformers, sentence-transformers
and numpy (not faiss or the rest of the project).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from index.embed.embedder import EmbedderOptions, load_embedder, pick_device

WORDS = "la russie a demandé à chine des équipements militaires pour son invasion de ukraine rome".split()


def tiny_model(folder: Path) -> Path:
    """A 2-layer random BERT with mean pooling, saved as a sentence-transformers folder."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizer

    vocab = folder / "vocab.txt"
    vocab.write_text(
        "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n", encoding="utf-8"
    )
    config = BertConfig(vocab_size=5 + len(WORDS), hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=128, max_position_embeddings=256)  # fmt: skip
    transformer_dir = folder / "bert"
    BertModel(config).save_pretrained(transformer_dir)
    BertTokenizer(str(vocab), do_lower_case=True).save_pretrained(transformer_dir)
    word = Transformer(str(transformer_dir), max_seq_length=128)
    model = SentenceTransformer(modules=[word, Pooling(word.get_word_embedding_dimension())])
    model.save(str(folder / "st"))
    return folder / "st"


def main() -> int:
    import torch

    print(f"torch {torch.__version__}, cuda available: {torch.cuda.is_available()}")
    print(f"pick_device('auto') -> {pick_device('auto')}")
    texts = [" ".join(WORDS[i % len(WORDS) :] + WORDS[: i % len(WORDS)]) for i in range(2000)]
    with tempfile.TemporaryDirectory() as scratch:
        path = str(tiny_model(Path(scratch)))
        cpu = load_embedder(path, EmbedderOptions(device="cpu"))
        gpu = load_embedder(path, EmbedderOptions(device="auto", batch_size=256))
        print(f"model on: {gpu._model.device}")
        reference = cpu.embed_passages(texts)
        started = time.perf_counter()
        on_gpu = gpu.embed_passages(texts)
        print(f"gpu encode: {len(texts) / (time.perf_counter() - started):.0f} texts/s")
        devices = ["cuda:0", "cuda:0"] if torch.cuda.is_available() else ["cpu", "cpu"]
        pooled = gpu.encode_multi_process(texts, devices)
        agreement = float(np.min(np.sum(reference * on_gpu, axis=1)))
        pool_agreement = float(np.min(np.sum(reference * pooled, axis=1)))
        print(f"min cosine CPU vs GPU: {agreement:.5f}; CPU vs 2-process GPU pool: {pool_agreement:.5f}")
        unit = np.allclose(np.linalg.norm(on_gpu, axis=1), 1, atol=1e-3)
        print(f"shapes {on_gpu.shape} {pooled.shape}, dtype {on_gpu.dtype}, unit norms: {unit}")
    ok = torch.cuda.is_available() and agreement > 0.999 and pool_agreement > 0.999
    print("GPU CHECK", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
