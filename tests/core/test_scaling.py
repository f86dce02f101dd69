"""standardize=True: K-means on z-scores, as scikit-learn's StandardScaler then KMeans,
the centroids back in the data's units; and the warning when scales differ tenfold."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.preprocessing import StandardScaler

from kmeans_anim import KMeansWarning, animate, lloyd, make_blobs

DATA = {"wine": load_wine().data, "breast_cancer": load_breast_cancer().data}


def sklearn_standardised(x: np.ndarray, c0: np.ndarray) -> tuple[KMeans, StandardScaler]:
    scaler = StandardScaler().fit(x)
    km = KMeans(len(c0), init=scaler.transform(c0), n_init=1, algorithm="lloyd", tol=0.0)
    return km.fit(scaler.transform(x)), scaler


@pytest.mark.parametrize("name", sorted(DATA))
@pytest.mark.parametrize("k", [2, 3, 5])
def test_standardised_run_is_sklearns_from_the_same_start(name: str, k: int) -> None:
    x = DATA[name]
    c0 = x[np.random.default_rng(k).choice(len(x), k, replace=False)]
    last = list(lloyd(x, k, init=c0, standardize=True))[-1]
    km, scaler = sklearn_standardised(x, c0)
    np.testing.assert_array_equal(last.labels, km.labels_)
    np.testing.assert_allclose(
        last.centroids, scaler.inverse_transform(km.cluster_centers_), rtol=1e-9, atol=1e-9
    )
    assert last.inertia == pytest.approx(km.inertia_, rel=1e-9)


def test_standardising_changes_the_answer_on_wine() -> None:
    """Raw wine clusters by proline alone; its z-scores by every column."""
    x = DATA["wine"]
    raw = list(lloyd(x, 3, seed=0))[-1]
    std = list(lloyd(x, 3, seed=0, standardize=True))[-1]
    assert not np.array_equal(raw.labels, std.labels)


def test_a_constant_column_stays_zero_and_changes_nothing() -> None:
    x, _ = make_blobs(3, 20, dim=2, seed=3)
    with_constant = np.column_stack([x, np.full(len(x), 7.0)])
    c0 = with_constant[:3]
    a = list(lloyd(with_constant, 3, init=c0, standardize=True))[-1]
    b = list(lloyd(x, 3, init=c0[:, :2], standardize=True))[-1]
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centroids[:, 2], 7.0)
    assert a.inertia == pytest.approx(b.inertia, rel=1e-12)


def test_one_column_keeps_the_labels_and_rescales_the_inertia() -> None:
    """1-D K-means does not change under an affine map: the same labels and centroids
    as the raw run, the inertia of the z-scores (scikit-learn's)."""
    x, _ = make_blobs(4, 30, seed=5)
    x = 1000.0 * x + 50.0
    c0 = x[:4]
    raw = list(lloyd(x, 4, init=c0))
    std = list(lloyd(x, 4, init=c0, standardize=True))
    assert len(raw) == len(std)
    for a, b in zip(raw, std, strict=True):
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_array_equal(a.centroids, b.centroids)
        assert b.inertia == pytest.approx(a.inertia / x.var(), rel=1e-12)
    km, _ = sklearn_standardised(x[:, None], c0[:, None])
    np.testing.assert_array_equal(std[-1].labels, km.labels_)
    assert std[-1].inertia == pytest.approx(km.inertia_, rel=1e-9)


def test_shift_is_measured_in_the_data_units() -> None:
    x = DATA["wine"]
    states = list(lloyd(x, 3, seed=1, standardize=True))
    for a, b in itertools.pairwise(states):
        want = np.sqrt(((b.centroids - a.centroids) ** 2).sum(axis=1)).max()
        assert b.shift == pytest.approx(want, rel=1e-12)


def test_the_scale_warning_names_the_columns_and_points_at_the_caller() -> None:
    x = DATA["wine"]
    with pytest.warns(KMeansWarning, match=r"scales differ \d+-fold") as caught:
        lloyd(x, 3, seed=0)
    (w,) = caught
    assert w.filename == __file__
    assert "column 12" in str(w.message) and "column 7" in str(w.message)
    assert "standardize=True" in str(w.message)
    names = [f"c{i}" for i in range(13)]
    names[12], names[7] = "proline", "nonflavanoid_phenols"
    with pytest.warns(KMeansWarning, match="'proline'.*'nonflavanoid_phenols'") as caught:
        animate(x, 3, seed=0, labels=names, hold=0)
    assert [w.filename for w in caught] == [__file__]


def test_no_scale_warning_when_standardised_or_alike() -> None:
    x = DATA["wine"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lloyd(x, 3, seed=0, standardize=True)
        lloyd(StandardScaler().fit_transform(x), 3, seed=0)
        blobs, _ = make_blobs(3, 20, dim=2, seed=0)
        lloyd(blobs, 3, seed=0)
