"""The authority file's Russian labels (@ru): every person, place and organisation has a Russian preferred
label in Cyrillic; the Russian labels of the development pages' names are there, in the nominative; and the
English lookups do not see them.

tests/data/ru-dev/ holds the Russian development pages of the edition and their answer keys (copied from
../shared/ru-dev/, whose README is copied beside them); they are test material, not seed pages."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import FOAF, RDF, SKOS

from kg.parse.authority import Authority

ROOT = Path(__file__).resolve().parent.parent
AUTHORITY = ROOT / "ontology" / "authority.ttl"
RU_DEV = Path(__file__).resolve().parent / "data" / "ru-dev"
KEYS = sorted(RU_DEV.glob("*.gold.json"))
PBO = Namespace("https://w3id.org/politburo-kg/ontology#")
SCHEMA = Namespace("https://schema.org/")
ID = "https://w3id.org/politburo-kg/id/"

# Cyrillic words, with the punctuation names and abbreviations use («ЦК ВКП(б)», «Каганович М.М.»,
# «Институт Маркса — Энгельса — Ленина», «Аретас Акерс-Дуглас, виконт Чилстон»); no Latin letter.
CYRILLIC = re.compile(r"(?=.*[А-Яа-яЁё])[А-Яа-яЁё0-9 .,()'«»\-–—]+")
# Surnames the pages name that the authority file lacks (../shared/ru-dev/README.md): they stay out.
NOT_IN_AUTHORITY = {"Kaysarov", "Kaisarov", "Levin", "Pshenitsyn", "Hayashi"}

# What the development pages name that the authority file has: (page, the form as printed, entry, the Russian
# label in the nominative that names it). The pages put names in any case; the label is the nominative.
NAMED = [
    ("geum-leaf-33", "Каганович", "person/kaganovich", "Каганович"),
    ("geum-leaf-33", "Сталину", "person/stalin", "Сталин"),
    ("geum-leaf-33", "Молотов", "person/molotov", "Молотов"),
    ("geum-leaf-33", "Орджоникидзе", "person/ordzhonikidze", "Орджоникидзе"),
    ("geum-leaf-33", "Ворошилову", "person/voroshilov", "Ворошилов"),
    ("geum-leaf-33", "о Горьком", "person/gorky", "Горький"),
    ("geum-leaf-33", "ПБ приняло", "org/politburo", "ПБ"),
    ("geum-leaf-33", "в ЦК", "org/central-committee", "ЦК"),
    ("geum-leaf-33", "на Северном Кавказе", "place/north-caucasus", "Северный Кавказ"),
    ("istmat-32537", "т. Каганович", "person/kaganovich", "Каганович"),
    ("istmat-32537", "с Китаем", "place/china", "Китай"),
    ("istmat-32537", "с Маньчжурией", "place/manchuria", "Маньчжурия"),
    ("istmat-32537", "Маньчжурское государство", "place/manchukuo", "Маньчжурское государство"),
    ("istmat-32537", "сессии ЦИК", "org/tsik", "ЦИК"),
    ("istmat-32537", "Сталин — Кагановичу", "person/stalin", "Сталин"),
    ("istmat-32663", "Сочи — Сталину", "place/sochi", "Сочи"),
    ("istmat-32663", "ПБ сегодня", "org/politburo", "ПБ"),
    ("istmat-32663", "«Правде»", "org/pravda", "Правда"),
    ("istmat-32663", "постановлением секретариата", "org/secretariat", "секретариат"),
    ("istmat-32663", "предложение Сталина", "person/stalin", "Сталин"),
    ("istmat-32663", "Каганович — Сталину", "person/kaganovich", "Каганович"),
    ("istmat-33684", "о Ланкастере", "person/lancaster", "Ланкастер"),
    ("istmat-33684", "Межлауку", "person/mezhlauk", "Межлаук"),
    ("istmat-33684", "т. Молотов", "person/molotov", "Молотов"),
    ("istmat-33684", "на Украину", "place/ukraine", "Украина"),
    ("istmat-33684", "членов ПБ", "org/politburo", "ПБ"),
    ("istmat-33684", "Каганович — Сталину", "person/kaganovich", "Каганович"),
    ("istmat-33684", "т. Сталин", "person/stalin", "Сталин"),
    ("istmat-34093", "Автограф С.Чечулина", "person/chechulin", "Чечулин"),
    ("istmat-34093", "Кагановичу", "person/kaganovich", "Каганович"),
    ("istmat-34093", "Сталина и Молотова", "person/molotov", "Молотов"),
    ("istmat-34093", "«Известиям»", "org/izvestia", "Известия"),
    ("istmat-34093", "из Сочи", "place/sochi", "Сочи"),
    ("istmat-34093", "ПБ было принято", "org/politburo", "ПБ"),
    ("istmat-34093", "Сталин — Кагановичу", "person/stalin", "Сталин"),
    ("istmat-35338", "Кагановичу, Молотову", "person/molotov", "Молотов"),
    ("istmat-35338", "постановлениях Политбюро", "org/politburo", "Политбюро"),
    ("istmat-35338", "из Гагры", "place/gagra", "Гагра"),
    ("istmat-35338", "Сталин — Кагановичу", "person/stalin", "Сталин"),
    ("istmat-35338", "Кагановичу, Молотову", "person/kaganovich", "Каганович"),
    ("istmat-36165", "Жданову", "person/zhdanov", "Жданов"),
    ("istmat-36165", "Москва. ЦК ВКП.", "place/moscow", "Москва"),
    ("istmat-36165", "ЦК ВКП.", "org/central-committee", "ЦК ВКП"),
    ("istmat-36165", "Украины", "place/ukraine", "Украина"),
    ("istmat-36165", "Белоруссии", "place/belorussia", "Белоруссия"),
    ("istmat-36165", "Татарии", "place/tataria", "Татария"),
    ("istmat-36165", "Грузии", "place/georgia", "Грузия"),
    ("istmat-36165", "в «Правде» или «Известиях»", "org/izvestia", "Известия"),
    ("istmat-36165", "ПБ обязало «Правду»", "org/pravda", "Правда"),
    ("istmat-36165", "Сталин — Кагановичу", "person/stalin", "Сталин"),
    ("istmat-36165", "Кагановичу, Жданову", "person/kaganovich", "Каганович"),
    ("istmat-36178", "на Урале", "place/urals", "Урал"),
    ("istmat-36178", "Башкирии", "place/bashkiria", "Башкирия"),
    ("istmat-36178", "Средней Волге", "place/middle-volga", "Средняя Волга"),
    ("istmat-36178", "в Сибири", "place/siberia", "Сибирь"),
    ("istmat-36178", "Политуправления НКЗема", "org/narkomzem", "НКЗем"),
    ("istmat-36178", "в Сталинградский край", "place/stalingrad-territory", "Сталинградский край"),
    ("istmat-36178", "т. Чубаря", "person/chubar", "Чубарь"),
    ("istmat-36178", "в Челябинск", "place/chelyabinsk", "Челябинск"),
    ("istmat-36178", "Чернов", "person/chernov", "Чернов"),
    ("istmat-36178", "Калманович", "person/kalmanovich", "Калманович"),
    ("istmat-36178", "созвали ПБ", "org/politburo", "ПБ"),
    ("istmat-36178", "Каганович — Сталину", "person/kaganovich", "Каганович"),
    ("istmat-36178", "Дорогой т. Сталин", "person/stalin", "Сталин"),
    ("istmat-36514", "Из Москвы", "place/moscow", "Москва"),
    ("istmat-36514", "Сочи. Тов. Сталину", "place/sochi", "Сочи"),
    ("istmat-36514", "канале Москва — Волга", "place/volga", "Волга"),
    ("istmat-36514", "Постановление СНК СССР", "org/sovnarkom", "СНК СССР"),
    ("istmat-36514", "ЦК ВКП(б)", "org/central-committee", "ЦК ВКП(б)"),
    ("istmat-36514", "утверждено ПБ", "org/politburo", "ПБ"),
    ("istmat-36514", "Каганович, Молотов — Сталину", "person/kaganovich", "Каганович"),
    ("istmat-36514", "Каганович. Молотов.", "person/molotov", "Молотов"),
    ("istmat-36514", "Тов. Сталину", "person/stalin", "Сталин"),
    ("stalinism-oct1934-17-19", "Из Челябинска", "place/chelyabinsk", "Челябинск"),
    ("stalinism-oct1934-17-19", "Из Барабинска", "place/barabinsk", "Барабинск"),
    ("stalinism-oct1934-17-19", "Москва. ЦК ВКП(б).", "org/central-committee", "ЦК ВКП(б)"),
    ("stalinism-oct1934-17-19", "Жданову", "person/zhdanov", "Жданов"),
    ("stalinism-oct1934-17-19", "Рындина", "person/ryndin", "Рындин"),
    ("stalinism-oct1934-17-19", "Чернова", "person/chernov", "Чернов"),
    ("stalinism-oct1934-17-19", "Шохина", "person/shokhin", "Шохин"),
    ("stalinism-oct1934-17-19", "Двинский", "person/dvinsky", "Двинский"),
    ("stalinism-oct1934-17-19", "в Сочи", "place/sochi", "Сочи"),
    ("stalinism-oct1934-17-19", "Каганович – Сталину", "person/kaganovich", "Каганович"),
    ("stalinism-oct1934-17-19", "Сталину, Молотову, Жданову", "person/molotov", "Молотов"),
    ("stalinism-oct1934-17-19", "Сталин – Кагановичу", "person/stalin", "Сталин"),
    ("wikireading-hXFQjVGAEn", "Л.М. Кагановичу", "person/kaganovich", "Каганович"),
    ("wikireading-hXFQjVGAEn", "Нижней Волги", "place/lower-volga", "Нижняя Волга"),
    ("wikireading-hXFQjVGAEn", "с Птухой", "person/ptukha", "Птуха"),
    ("wikireading-hXFQjVGAEn", "Сталин.", "person/stalin", "Сталин"),
]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(AUTHORITY, format="turtle")


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority.load(AUTHORITY)


def _entries(g: Graph) -> dict[str, str]:
    """Every entry of the file: its key (person/stalin) and its kind."""
    kinds = {FOAF.Person: "person", SCHEMA.Place: "place", FOAF.Organization: "organisation"}
    out = {}
    for cls, kind in kinds.items():
        for s in g.subjects(RDF.type, cls):
            out[str(s)[len(ID):]] = kind
    return out


def _labels(g: Graph, key: str, prop, lang: str | None = "ru") -> list[str]:
    return sorted(str(o) for o in g.objects(Namespace(ID)[key], prop) if isinstance(o, Literal) and o.language == lang)


def test_the_file_has_its_persons_places_and_organisations(graph):
    kinds = list(_entries(graph).values())
    assert (kinds.count("person"), kinds.count("place"), kinds.count("organisation")) == (381, 172, 93)


def test_every_entry_has_one_russian_preferred_label_in_cyrillic(graph):
    wrong = {}
    for key in _entries(graph):
        pref = _labels(graph, key, SKOS.prefLabel)
        if len(pref) != 1 or not CYRILLIC.fullmatch(pref[0]):
            wrong[key] = pref
    assert not wrong


def test_every_entry_keeps_its_one_english_preferred_label(graph):
    assert not [k for k in _entries(graph) if len(_labels(graph, k, SKOS.prefLabel, "en")) != 1]


def test_every_russian_alternative_label_is_cyrillic(graph):
    alts = [(s, str(o)) for s, o in graph.subject_objects(SKOS.altLabel)
            if isinstance(o, Literal) and o.language == "ru"]
    assert len(alts) > 500
    assert not [(str(s), a) for s, a in alts if not CYRILLIC.fullmatch(a)]


def test_no_russian_label_hides_among_the_untagged_ones(graph):
    """The English forms are untagged altLabels; a Cyrillic one there would be read as English."""
    for p in (SKOS.prefLabel, SKOS.altLabel, FOAF.familyName):
        assert not [str(o) for o in graph.objects(None, p)
                    if isinstance(o, Literal) and o.language != "ru" and re.search("[А-Яа-яЁё]", o)]


def test_every_person_has_a_russian_family_name_inside_the_full_name(graph):
    """The altLabels give the family name in the nominative; the preferred label contains one of them as words."""
    missing = {}
    for key, kind in _entries(graph).items():
        if kind != "person":
            continue
        pref, alts = _labels(graph, key, SKOS.prefLabel)[0], _labels(graph, key, SKOS.altLabel)
        if not any(re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", pref) for a in alts):
            missing[key] = (pref, alts)
    assert not missing


def test_the_family_name_stays_the_single_latin_value(graph):
    for key, kind in _entries(graph).items():
        if kind == "person":
            family = list(graph.objects(Namespace(ID)[key], FOAF.familyName))
            assert len(family) == 1 and not re.search("[А-Яа-яЁё]", family[0]), key


def test_no_two_persons_share_a_russian_full_name(graph):
    by_name = defaultdict(list)
    for key, kind in _entries(graph).items():
        if kind == "person":
            by_name[_labels(graph, key, SKOS.prefLabel)[0]].append(key)
    shared = {n: ks for n, ks in by_name.items() if len(ks) > 1}
    # namesakes may share a name only when initials tell them apart
    for keys in shared.values():
        initials = [set(map(str, graph.objects(Namespace(ID)[k], PBO.initials))) for k in keys]
        assert all(initials) and not set.intersection(*initials), keys


def test_persons_sharing_a_russian_form_are_namesakes_with_a_default(authority):
    """As in English: among persons sharing a surface form, one is the default reading, and all carry initials."""
    by_form = defaultdict(list)
    for e in authority.entries.values():
        if e.kind == "person":
            for f in e.forms_ru:
                by_form[f].append(e)
    shared = {f: es for f, es in by_form.items() if len(es) > 1}
    assert "Каганович" in shared
    for form, es in shared.items():
        assert sum(e.default for e in es) == 1, form
        assert all(e.initials for e in es), form
        # the same persons share a surface form in English
        assert set.intersection(*(set(e.forms) for e in es)), form


def test_russian_labels_do_not_change_the_english_lookups(authority):
    """The English surface forms are the Latin ones; a Russian name finds nothing in an English lookup."""
    assert not [f for e in authority.entries.values() for f in e.forms if re.search("[А-Яа-яЁё]", f)]
    assert authority.lookup("Каганович") is None and authority.lookup("Сочи") is None
    assert authority.lookup("Kaganovich").key == "person/kaganovich"
    assert authority.lookup("Sochi").key == "place/sochi"
    assert authority.lookup("PB").key == "org/politburo"
    assert authority.entries["place/sochi"].label == "Sochi"
    assert authority.entries["person/stalin"].label == "Iosif Vissarionovich Stalin"
    assert [m.entry.key for m in authority.find("Каганович — Сталину, ПБ, Сочи")] == []


def test_the_russian_labels_are_read_apart(authority):
    stalin = authority.entries["person/stalin"]
    assert stalin.label_ru == "Иосиф Виссарионович Сталин"
    assert {"Сталин", "Коба", "Джугашвили"} <= set(stalin.forms_ru)
    assert {"Орджоникидзе", "Серго"} <= set(authority.entries["person/ordzhonikidze"].forms_ru)
    assert "Эйхе" in authority.entries["person/eikhe"].forms_ru
    assert authority.entries["place/stalingrad"].forms_ru[0] == "Сталинград"
    assert {"Политбюро", "ПБ"} <= set(authority.entries["org/politburo"].forms_ru)
    for key, abbr in (("org/central-committee", "ЦК ВКП(б)"), ("org/sovnarkom", "СНК"), ("org/sto", "СТО"),
                      ("org/nkps", "НКПС"), ("org/ogpu", "ОГПУ"), ("org/nkvd", "НКВД"),
                      ("org/secretariat", "Секретариат ЦК")):
        assert abbr in authority.entries[key].forms_ru, key


@pytest.mark.parametrize("page, printed, key, nominative", NAMED, ids=lambda x: x if isinstance(x, str) else "")
def test_what_a_russian_page_names_has_its_nominative_label(authority, page, printed, key, nominative):
    text = (RU_DEV / f"{page}.txt").read_text(encoding="utf-8")
    assert printed in text
    assert nominative in authority.entries[key].forms_ru


@pytest.mark.parametrize("key_file", KEYS, ids=lambda p: p.name.split(".")[0])
def test_every_person_of_a_russian_key_in_the_authority_file_has_russian_labels(authority, graph, key_file):
    """Each person the key lists (Latin family names) that the authority file has gets @ru labels, and the
    page's mention of them is in the table above (so its nominative label is checked)."""
    key = json.loads(key_file.read_text(encoding="utf-8"))
    page = key_file.name.split(".")[0]
    listed = set()
    for letter in key["letters"]:
        for field in ("authors", "recipients", "persons", "persons_optional"):
            listed.update(letter.get(field) or [])
    named = {k for p, _, k, _ in NAMED if p == page}
    known, unchecked = 0, []
    for name in sorted(listed):
        variants = name.split("|")
        persons = [e for e in authority.entries.values()
                   if e.kind == "person" and e.family_name in variants]
        if not persons:
            assert set(variants) <= NOT_IN_AUTHORITY, name
            continue
        known += 1
        default = authority.lookup(variants[0], kind="person")
        for e in persons:
            assert e.label_ru and CYRILLIC.fullmatch(e.label_ru), e.key
            assert _labels(graph, e.key, SKOS.altLabel), e.key
        if default.key not in named:
            unchecked.append(default.key)
    assert known
    assert not unchecked, f"{page}: listed in the key, but their mention is not in NAMED"


def test_the_surnames_the_file_lacks_stay_out(graph):
    families = {str(o) for o in graph.objects(None, FOAF.familyName)}
    assert not families & NOT_IN_AUTHORITY
    russian = {str(o) for o in graph.objects(None, SKOS.altLabel) if isinstance(o, Literal) and o.language == "ru"}
    assert not russian & {"Кайсаров", "Левин", "Пшеницын", "Хаяши", "Хаяси"}
