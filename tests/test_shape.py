"""A query's shape, the pool's key for what it learnt (quick or heavy): the same for the same work written another
way, different for other work, and as small for a long text as for a short one."""

from __future__ import annotations

import pytest

from qhfin.engine import LEX_HERE, shape_key
from qhfin.guard import guard
from qhfin.shape import shaped

BASE = 'SELECT ?t ?l WHERE { ?t a <https://w3id.org/qhfin/ontology#Task> ; rdfs:label ?l FILTER(CONTAINS(?l, "担保")) } LIMIT 10'


@pytest.mark.parametrize("other", [
    BASE + "  # n=1",  # a unique comment: how clients (and make bench) make every text new
    BASE.replace("担保", "普惠"),  # another literal
    BASE.replace("LIMIT 10", "LIMIT 20"),  # another number
    BASE.replace("?t", "?task").replace("?l", "?label"),  # other variable names
    BASE.replace("<https://w3id.org/qhfin/ontology#Task>", "qhfin:Task"),  # a constant written another way
    BASE.replace(" ; ", " ;\n    ").lower().replace("select", "SELECT"),  # layout and keyword case
])
def test_the_same_work_written_another_way_has_one_shape(other):
    assert str(shaped(other)) == str(shaped(BASE)) and shaped(other).digest() == shaped(BASE).digest()


@pytest.mark.parametrize("other", [
    BASE.replace("?t a", "?t ?p"),  # a variable where a constant was: another access path
    BASE.replace("} LIMIT", "} ORDER BY ?l LIMIT"),
    BASE.replace("rdfs:label ?l", "rdfs:label ?l ; ?q ?r"),
])
def test_other_work_has_another_shape(other):
    assert shaped(other).digest() != shaped(BASE).digest()


def test_the_guard_gives_the_shape_it_read_and_a_long_text_gets_no_key():
    assert guard("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + BASE, ()).shape == \
        shaped("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + BASE).digest()
    assert len(shape_key(BASE)) == 16
    assert shape_key(BASE + " #" + "x" * LEX_HERE) is None  # lexed only in a worker: the pool gets no key
