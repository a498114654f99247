import pytest

from dailybrief.process.evaluate import bcubed


def test_perfect_clustering():
    score = bcubed(["a", "a", "b"], ["x", "x", "y"])
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_everything_in_one_cluster():
    score = bcubed([1, 1, 1, 1], ["x", "x", "y", "y"])
    assert score.precision == 0.5 and score.recall == 1.0
    assert score.f1 == pytest.approx(2 / 3, abs=1e-4)


def test_all_singletons():
    score = bcubed([1, 2, 3, 4], ["x", "x", "y", "y"])
    assert score.precision == 1.0 and score.recall == 0.5


def test_lengths_must_match():
    with pytest.raises(ValueError):
        bcubed([1], [1, 2])
