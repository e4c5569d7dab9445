"""Label selectors as the API server evaluates them, and the error for one it would reject."""

from __future__ import annotations

import pytest

from manifests import SelectorError, matches, matches_map, namespace_labels

LABELS = {"app": "web", "tier": "front"}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (None, True),
        ({}, True),
        ({"matchLabels": {"app": "web"}}, True),
        ({"matchLabels": {"app": "db"}}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["back"]}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}, False),
        ({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, True),
        ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "zone", "operator": "Exists"}]}, False),
        ({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, True),
        ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, False),
        ({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["back"]}]}, False),
    ],
)
def test_label_selector(selector: dict | None, expected: bool) -> None:
    assert matches(selector, LABELS) is expected


def test_an_unknown_operator_is_an_error_not_a_match() -> None:
    selector = {"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]}
    with pytest.raises(
        SelectorError, match=r"key app: unknown operator 'Equals' \(expected one of In, NotIn, Exists, DoesNotExist\)"
    ):
        matches(selector, LABELS)
    with pytest.raises(SelectorError, match="no key"):
        matches({"matchExpressions": [{"operator": "Exists"}]}, LABELS)


def test_service_selector_is_a_subset_map() -> None:
    assert matches_map({"app": "web"}, LABELS)
    assert not matches_map({"app": "web", "zone": "a"}, LABELS)
    assert matches_map(None, LABELS)


def test_namespaces_carry_their_name_label() -> None:
    assert namespace_labels("web", {"team": "a"}) == {"team": "a", "kubernetes.io/metadata.name": "web"}
