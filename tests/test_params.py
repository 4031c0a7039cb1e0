import pytest
from hypothesis import given
from hypothesis import strategies as st

from dramagen.core.errors import InputError
from dramagen.llm.base import GenerationParams, cut_at_stop, stop_prefix_len


@pytest.mark.parametrize(
    "field,value,accepted",
    [
        ("temperature", -0.1, "from 0 (greedy) to 5"),
        ("max_new_tokens", 0, "from 1 to 8192"),
        ("max_new_tokens", -5, "from 1 to 8192"),
        ("top_p", 0.0, "(0, 1]"),
        ("top_p", 1.5, "(0, 1]"),
        ("n", 0, "from 1 to 64"),
        ("seed", -1, "0 to 2**32-1"),
    ],
)
def test_out_of_range_params_name_field_and_range(field, value, accepted):
    with pytest.raises(InputError) as e:
        GenerationParams.make(**{field: value})
    assert e.value.field == field
    assert field in str(e.value) and accepted in str(e.value)


def test_stop_accepts_a_string_or_list():
    assert GenerationParams(stop="\n").stop == ("\n",)
    assert GenerationParams(stop=["a", "b"]).stop == ("a", "b")
    with pytest.raises(InputError):
        GenerationParams.make(stop=[""])


def test_cut_at_stop_takes_earliest():
    assert cut_at_stop("abc\ndef###", ["###", "\n"]) == ("abc", True)
    assert cut_at_stop("abc", ["x"]) == ("abc", False)


@given(st.text(max_size=30), st.lists(st.text(min_size=1, max_size=5), max_size=3))
def test_stop_prefix_len_is_a_prefix_of_some_stop(text, stops):
    k = stop_prefix_len(text, stops)
    assert 0 <= k <= len(text)
    if k:
        assert any(s.startswith(text[len(text) - k:]) and len(s) > k for s in stops)
