"""The clustering steps of the theme model, as plain functions on arrays.

Short answers share few words, so raw TF-IDF vectors are nearly orthogonal and
k-means on them (the textbook method) splits by incidental wording. The steps
here each fix one part of that:

1. :func:`lsa` — truncated SVD of the TF-IDF matrix: words that occur in the
   same contexts (*card*/*arrive*/*deliver*) end up close together;
2. :func:`center_languages` — subtract each language's mean vector, removing
   the direction that only says "this answer is in Spanish";
3. :func:`knn_graph` + :func:`spectral_embedding_of` — a mutual-ish k-nearest
   neighbour graph and its spectral embedding: clusters of any shape that are
   well connected, instead of k-means' equal-sized spheres;
4. :func:`refine_out_of_fold` — self-training: a linear classifier trained on
   the current themes in the full sparse feature space, predicting each fold
   from the others (never its own rows), corrects answers that the
   low-dimensional views placed badly.

Everything is sparse or sized by the fitted sample, never n × n dense.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.manifold import spectral_embedding
from sklearn.metrics import silhouette_score
from sklearn.model_selection import KFold
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize


def lsa(X, n_components: int, random_state: int):
    """Fit a truncated SVD on ``X``; return ``(svd, unit-length reduced rows)``."""
    n_components = max(1, min(n_components, X.shape[0] - 1, X.shape[1] - 1))
    svd = TruncatedSVD(n_components=n_components, random_state=random_state)
    return svd, normalize(svd.fit_transform(X))


def center_languages(Z: np.ndarray, languages, min_share: float = 0.02) -> np.ndarray:
    """Move each language's mean to the overall mean, then re-normalise rows.

    Only languages holding at least ``min_share`` of the rows (and five rows)
    are moved: a handful of answers says too little about its language's mean.
    """
    languages = np.asarray(languages, dtype=object)
    values, counts = np.unique(languages, return_counts=True)
    big = [v for v, c in zip(values, counts) if c >= max(5, min_share * len(languages))]
    if len(big) < 2:
        return Z
    overall = Z.mean(axis=0)
    Z = Z.copy()
    for value in big:
        rows = languages == value
        Z[rows] += overall - Z[rows].mean(axis=0)
    return normalize(Z)


def knn_graph(Z: np.ndarray, n_neighbors: int) -> sp.csr_matrix:
    """Symmetrised k-nearest-neighbour connectivity graph (cosine)."""
    n = Z.shape[0]
    n_neighbors = max(1, min(n_neighbors, n - 1))
    _, idx = NearestNeighbors(n_neighbors=n_neighbors + 1, metric="cosine", algorithm="brute").fit(Z).kneighbors(Z)
    rows = np.repeat(np.arange(n), n_neighbors)
    graph = sp.csr_matrix((np.ones(n * n_neighbors), (rows, idx[:, 1:].ravel())), shape=(n, n))
    graph.setdiag(0)
    graph.eliminate_zeros()
    return (graph + graph.T).tocsr() * 0.5


def spectral_embedding_of(graph: sp.csr_matrix, n_components: int, random_state: int) -> np.ndarray:
    """Spectral embedding of a graph (rows of the first Laplacian eigenvectors)."""
    n_components = max(2, min(n_components, graph.shape[0] - 2))
    return spectral_embedding(graph, n_components=n_components, random_state=random_state,
                              drop_first=False, norm_laplacian=True)


def partition(embedding: np.ndarray, k: int, random_state: int, n_init: int = 10) -> np.ndarray:
    """k-means on the first ``ceil(k / 2) + 1`` spectral coordinates, rows normalised.

    Fewer coordinates than clusters worked better on short answers: the
    trailing eigenvectors of a sparse k-NN graph mostly carry noise.
    """
    columns = max(2, min(embedding.shape[1], -(-k // 2) + 1))
    coords = normalize(embedding[:, :columns])
    return KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit_predict(coords)


class RidgeLabeler:
    """One-vs-rest ridge classifier (±1 targets, no intercept) fitted in kernel form.

    With many more features than rows, the dual is cheaper: ``G = (X Xᵀ + αI)⁻¹``
    is computed once, after which fitting any labelling costs one product
    ``G Y``, and held-out-fold predictions follow from the block deletion
    formula ``ŷ_T = Y_T − G_TT⁻¹ (G Y)_T`` without refitting. The primal weights
    ``coef_ = Xᵀ G Y`` (features × classes) assign new rows with one sparse
    product.
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def prepare(self, X) -> "RidgeLabeler":
        """Factor the regularised Gram matrix of ``X`` (single precision is ample: α ≥ 1 keeps it well conditioned)."""
        gram = (X @ X.T).toarray() if sp.issparse(X) else X @ X.T
        system = np.asarray(gram, dtype=np.float32)
        system[np.diag_indices_from(system)] += self.alpha
        factor, info = lapack.spotrf(system, lower=1, overwrite_a=1)
        if info == 0:
            inverse, info = lapack.spotri(factor, lower=1, overwrite_c=1)
        if info != 0:  # numerically singular: fall back to a general inverse
            inverse = np.linalg.pinv(np.asarray(gram, dtype=np.float64) + self.alpha * np.eye(len(gram)))
        else:
            inverse = np.tril(inverse) + np.tril(inverse, -1).T
        self.inverse_ = np.asarray(inverse, dtype=np.float64)
        return self

    def _targets(self, labels: np.ndarray, classes: np.ndarray) -> np.ndarray:
        return np.where(labels[:, None] == classes[None, :], 1.0, -1.0)

    def out_of_fold(self, labels: np.ndarray, folds) -> np.ndarray:
        """Labels predicted for each fold by the classifier fitted on the other folds."""
        classes = np.unique(labels)
        targets = self._targets(labels, classes)
        projected = self.inverse_ @ targets
        new = labels.copy()
        for test in folds:
            block = self.inverse_[np.ix_(test, test)]
            held_out = targets[test] - np.linalg.solve(block, projected[test])
            new[test] = classes[np.argmax(held_out, axis=1)]
        return new

    def fit(self, X, labels):
        """Fit on ``X`` and ``labels`` (reusing :meth:`prepare`'s factorisation if done on the same ``X``)."""
        labels = np.asarray(labels)
        if not hasattr(self, "inverse_"):
            self.prepare(X)
        self.classes_ = np.unique(labels)
        dual = self.inverse_ @ self._targets(labels, self.classes_)
        self.coef_ = np.asarray(X.T @ dual, dtype=np.float32)
        del self.inverse_  # n × n: not kept once the weights are known
        return self

    def decision_function(self, X) -> np.ndarray:
        return np.asarray(X @ self.coef_)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


def refine_out_of_fold(X, labels: np.ndarray, random_state: int, rounds: int = 2, folds: int = 5,
                       alpha: float = 1.0):
    """Self-training: relabel each fold with a ridge classifier fitted on the other folds.

    Returns ``(labels, labeler)``: the refined labels and a :class:`RidgeLabeler`
    fitted on them, ready to assign the rows outside the sample.
    """
    labels = np.asarray(labels)
    labeler = RidgeLabeler(alpha).prepare(X)
    if rounds >= 1 and X.shape[0] >= 5 * folds and len(np.unique(labels)) > 1:
        for round_ in range(rounds):
            splits = KFold(folds, shuffle=True, random_state=random_state + round_).split(labels)
            new = labeler.out_of_fold(labels, [test for _, test in splits])
            changed = np.mean(new != labels)
            labels = new
            if changed < 0.005:
                break
    return labels, labeler.fit(X, labels)


def choose_k(Z: np.ndarray, embedding: np.ndarray, candidates, random_state: int,
             sample: int = 1000, tolerance: float = 0.9) -> int:
    """Pick a number of themes by the cosine silhouette on ``Z``, preferring fewer.

    On short answers the silhouette tends to creep up with every extra theme,
    so the smallest candidate scoring at least ``tolerance`` × the best score
    is taken: a lead reads a handful of clear themes more easily than twenty.
    """
    rng = np.random.RandomState(random_state)
    rows = np.sort(rng.choice(Z.shape[0], size=min(sample, Z.shape[0]), replace=False))
    distances = np.clip(1.0 - Z[rows] @ Z[rows].T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    scores = {}
    for k in candidates:
        labels = partition(embedding, k, random_state, n_init=1)[rows]
        if 2 <= len(np.unique(labels)) < len(rows):
            scores[k] = silhouette_score(distances, labels, metric="precomputed")
    if not scores:
        return candidates[0]
    best = max(scores.values())
    # measured down from |best|: a plain ``tolerance * best`` lies above a
    # negative best (answers with nothing in common) and would exclude every k
    return min(k for k, score in scores.items() if score >= best - (1 - tolerance) * abs(best))
