"""The plain-Python scoring and assignment proposal (no database)."""

from hypothesis import given
from hypothesis import strategies as st

from tierslieux.calls.review import scoring


def test_weighted_score_weighs_criteria():
    assert scoring.weighted_score({1: 5, 2: 2}, {1: 2, 2: 1}) == 4.0
    assert scoring.weighted_score({}, {1: 2}) is None
    assert scoring.weighted_score({1: 3}, {1: 2, 2: 1}) == 3.0  # only the scored criteria count


def test_file_score_is_the_mean_of_reviews_and_flags_disagreement():
    weights = {1: 2, 2: 1}
    result = scoring.file_score([{1: 5, 2: 2}, {1: 2, 2: 2}], weights)
    assert result.score == (4.0 + 2.0) / 2
    assert result.reviews == 2
    spreads = {c.criterion: c for c in result.criteria}
    assert spreads[1].spread == 3 and spreads[1].disagreement
    assert spreads[2].spread == 0 and not spreads[2].disagreement
    assert result.disagreement


def test_a_spread_of_exactly_two_is_not_a_disagreement():
    result = scoring.file_score([{1: 1}, {1: 3}], {1: 1})
    assert not result.disagreement


def test_no_review_no_score():
    result = scoring.file_score([], {1: 1})
    assert result.score is None and result.reviews == 0 and not result.disagreement


def test_proposal_balances_load_and_completes_to_two():
    reviewers = [scoring.Candidate(1, "29", 0), scoring.Candidate(2, "56", 0), scoring.Candidate(3, "35", 5)]
    files = [(10, "29", []), (11, "29", []), (12, "56", [2])]
    proposal = scoring.propose(files, reviewers)
    assert proposal[10] == [1, 2]
    assert sorted(proposal[11]) == [1, 2]
    assert len(proposal[12]) == 1 and proposal[12][0] != 2


def test_proposal_avoids_the_department_when_asked_and_excluded_people():
    reviewers = [scoring.Candidate(1, "29", 0), scoring.Candidate(2, "56", 0), scoring.Candidate(3, "35", 3)]
    proposal = scoring.propose([(10, "29", [])], reviewers, avoid_same_department=True)
    assert 1 not in proposal[10] and sorted(proposal[10]) == [2, 3]
    proposal = scoring.propose([(10, "29", [])], reviewers, excluded={10: [2]})
    assert proposal[10] == [1, 3]


def test_proposal_gives_fewer_when_too_few_eligible():
    proposal = scoring.propose([(10, None, [])], [scoring.Candidate(1, None, 0)])
    assert proposal[10] == [1]


@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=6), st.lists(st.integers(1, 5), min_size=6, max_size=6)
)
def test_weighted_score_stays_on_the_scale(values, weights):
    criteria = dict(enumerate(weights))
    score = scoring.weighted_score(dict(enumerate(values)), criteria)
    assert min(values) <= score <= max(values)


@given(st.integers(1, 12), st.integers(2, 6))
def test_proposal_load_differs_by_at_most_one(files, people):
    reviewers = [scoring.Candidate(i, None, 0) for i in range(people)]
    proposal = scoring.propose([(f, None, []) for f in range(files)], reviewers)
    loads = [sum(r in chosen for chosen in proposal.values()) for r in range(people)]
    assert max(loads) - min(loads) <= 1
    assert all(len(set(chosen)) == 2 for chosen in proposal.values())
