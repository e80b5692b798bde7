"""ORG-3, ORG-4: AB assignments and the daily AB check, as pure rules."""

from servicehall.rules.abposts import PostAB, ab_findings, assignment_problems


def test_org3_a_and_b_must_differ():
    assert ("b", "A and B must be two different people, both are S1 (ORG-3)") in assignment_problems(
        "S1", "S1", [], [])


def test_org4_unqualified_b_names_the_missing_items():
    problems = assignment_problems("S1", "S2", ["I1", "I2", "I3"], ["I2"])
    assert problems == [("b", "B S2 is not qualified for items I1, I3 (ORG-4)")]


def test_org3_valid_assignment_has_no_problems():
    assert assignment_problems("S1", "S2", ["I1"], ["I1", "I9"]) == []


def test_ab_check_finds_each_kind():
    posts = [
        PostAB("P1", "S1", "S2", frozenset({"I1"})),
        PostAB("P2", "S2", "S1", frozenset({"I1"})),      # S1/S2: a mutual pair
        PostAB("P3", "S3", "S9", frozenset({"I2"})),
        PostAB("P4", "S4", "S9", frozenset({"I2"})),
        PostAB("P5", "S5", "S9", frozenset({"I2", "I3"})),  # S9 backs three posts, lacks I3
        PostAB("P6", "S6", "S7", frozenset()),              # S7 inactive
    ]
    quals = {"S1": ["I1"], "S2": ["I1"], "S9": ["I2"]}
    f = ab_findings(posts, quals, ["S1", "S2", "S3", "S4", "S5", "S6", "S9"])
    assert set(f.posts_without_valid_b) == {"P5", "P6"}
    assert f.posts_without_valid_b["P5"][0].items == ("I3",)
    assert str(f.posts_without_valid_b["P6"][0]) == "B S7 is no longer active staff (ORG-3)"
    assert f.overloaded_b == {"S9": ["P3", "P4", "P5"]}
    assert f.small_pools == [(["S1", "S2"], ["P1", "P2"])]


def test_ab_check_chain_of_three_is_not_a_small_pool():
    posts = [PostAB("P1", "S1", "S2"), PostAB("P2", "S2", "S3")]
    f = ab_findings(posts, {}, ["S1", "S2", "S3"])
    assert f.small_pools == [] and f.count == 0
