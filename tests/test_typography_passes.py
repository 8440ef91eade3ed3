"""The typesetter's passes beyond the language's marks: incise dashes tied to their words,
French ordinals in superior letters, a chapter's lead-in, titles broken by sense."""

from __future__ import annotations

import random
from collections import Counter

import lxml.html
import pytest

from make_book.transforms.lead_in import lead_in_length, set_lead_in
from make_book.transforms.ordinals import set_ordinals
from make_book.transforms.titles import BOUND, break_by_sense
from make_book.transforms.typography import apply_typography, typeset

NBSP, NNBSP, WJ = "\u00a0", "\u202f", "\u2060"
EM, EN = "\u2014", "\u2013"
OPEN_EN = f"{EN}{WJ}{NBSP}"  # an opening en dash, tied to the next word
CLOSE_EN = f"{NBSP}{EN}"  # a closing one, tied to the word before


def tree(markup: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(markup)


def html_of(element: lxml.html.HtmlElement) -> str:
    return lxml.html.tostring(element, encoding="unicode")


# -- incise dashes -----------------------------------------------------------------------------


def test_a_pair_of_dashes_opens_and_closes_an_aside() -> None:
    """The book's p. 26: « — et les travailleurs » opened a line; the closing dash is now
    tied to « coordinateurs », the opening one to « analystes », and French's en dash."""
    typed = ("traduisant la stratégie en action — analystes, designers, rédacteurs, "
             "coordinateurs — et les travailleurs physiques")
    assert typeset(typed, "fr") == (
        f"traduisant la stratégie en action {OPEN_EN}analystes, designers, rédacteurs, "
        f"coordinateurs{CLOSE_EN} et les travailleurs physiques")


def test_a_lone_dash_before_the_full_stop_opens() -> None:
    """« sagesse — » ended a line: a lone dash, its aside closed by the full stop, opens."""
    assert typeset("Stratégie, goût, vision, sagesse — demander quels problèmes.", "fr") == (
        f"Stratégie, goût, vision, sagesse {OPEN_EN}demander quels problèmes.")


def test_a_sentence_end_closes_the_aside_left_open() -> None:
    assert typeset("a — b. Puis c — d — e.", "fr") == (
        f"a {OPEN_EN}b. Puis c {OPEN_EN}d{CLOSE_EN} e.")


def test_a_dash_before_punctuation_closes() -> None:
    assert typeset("ceci — cela —, puis", "fr") == f"ceci {OPEN_EN}cela{CLOSE_EN}, puis"


def test_a_question_inside_an_aside_does_not_close_it() -> None:
    assert typeset("Il dit — quelle idée ! — et partit.", "fr") == (
        f"Il dit {OPEN_EN}quelle idée{NNBSP}!{CLOSE_EN} et partit.")


def test_dialogue_dash_opens_the_paragraph_as_an_em_dash() -> None:
    assert typeset("— Viens, dit-il.", "fr") == f"{EM}{NBSP}Viens, dit-il."
    assert typeset("– Viens.", "fr") == f"{EM}{NBSP}Viens."


def test_close_set_em_dashes_get_french_spaces() -> None:
    assert typeset("un mot—incise—fin", "fr") == f"un mot {OPEN_EN}incise{CLOSE_EN} fin"


def test_a_spaced_hyphen_is_an_aside_but_ranges_and_words_are_left() -> None:
    assert typeset("oui - non - peut-être", "fr") == f"oui {OPEN_EN}non{CLOSE_EN} peut-être"
    for kept in ("pages 10–12", "Paris–Lyon", "10 – 12", "5 - 3", "peut-être", "1914—1918"):
        assert typeset(kept, "fr") == kept


@pytest.mark.parametrize(("lang", "setting", "typed", "expected"), [
    ("fr", "em", "a — b — c", f"a {EM}{NBSP}b{NBSP}{EM} c"),
    ("fr", "en", "a — b — c", f"a {OPEN_EN}b{CLOSE_EN} c"),
    ("en", None, "a word—an aside—more", "a word—an aside—more"),  # Chicago: set close
    ("en", None, "a -- b -- c", f"a {EM}{NBSP}b{NBSP}{EM} c"),  # spaces typed, tied
    ("en", "en", "a word—an aside—more", f"a word {OPEN_EN}an aside{CLOSE_EN} more"),
    ("en-GB", None, "a — b — c", f"a {OPEN_EN}b{CLOSE_EN} c"),
    ("es", None, "dijo —y se fue— que", "dijo —y se fue— que"),
    ("de", "em", "a—b—c", f"a {EM}{NBSP}b{NBSP}{EM} c"),
])
def test_the_incise_dash_setting(lang: str, setting: str | None, typed: str,
                                 expected: str) -> None:
    """`[typography] incise_dash` chooses the glyph; an en dash is always spaced, an em dash
    close in English and Spanish and spaced elsewhere."""
    assert typeset(typed, lang, setting) == expected


def test_dashes_in_code_and_urls_are_left() -> None:
    root = tree('<p>voir <code>a — b</code> et https://x.fr/a—b — fin — ici</p>')
    apply_typography(root, "fr")
    assert "<code>a — b</code>" in html_of(root)
    assert "https://x.fr/a—b" in root.text_content()


def test_an_aside_across_markup_is_tied_in_each_node() -> None:
    root = tree("<p>le prix — <em>et il n'y a</em> — rien</p>")
    counts = apply_typography(root, "fr")
    assert html_of(root) == (f"<p>le prix {OPEN_EN}<em>et il n’y a</em>{CLOSE_EN} rien</p>")
    assert counts["incise_dash"] == 2 and counts["incise_bound"] == 2
    assert apply_typography(root, "fr") == Counter()  # a second pass changes nothing


@pytest.mark.parametrize("lang", ["fr", "en", "es", "de"])
def test_dashes_are_idempotent_and_never_leave_a_breakable_tie(lang: str) -> None:
    """On random text: a second pass changes nothing, and every incise dash that opens is
    followed, and every one that closes preceded, by a no-break space."""
    alphabet = list("ab1 .,-—–?") + [NBSP, "Le", "\n"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        once = typeset(text, lang)
        assert typeset(once, lang) == once, repr(text)
        for k, char in enumerate(once):
            if char in (EN, EM) and 0 < k < len(once) - 1 and once[k - 1].isspace() \
                    and once[k + 1].isspace():
                assert NBSP in (once[k - 1], once[k + 1]) or once[k + 1] == WJ, repr(text)


# -- ordinals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    ("le 20ème siècle", '20<sup class="ordinal">e</sup> siècle'),
    ("le 20e siècle", '20<sup class="ordinal">e</sup> siècle'),
    ("le XXe siècle", 'XX<sup class="ordinal">e</sup> siècle'),
    ("le XXème siècle", 'XX<sup class="ordinal">e</sup> siècle'),
    ("le XIXes", 'XIX<sup class="ordinal">es</sup>'),
    ("le 1er mai", '1<sup class="ordinal">er</sup> mai'),
    ("la 1ère fois", '1<sup class="ordinal">re</sup> fois'),
    ("la 1re fois", '1<sup class="ordinal">re</sup> fois'),
    ("les 1ers", '1<sup class="ordinal">ers</sup>'),
    ("le 2nd", '2<sup class="ordinal">d</sup>'),
    ("la 2nde", '2<sup class="ordinal">de</sup>'),
    ("François Ier", 'I<sup class="ordinal">er</sup>'),
    ("la 3ième", '3<sup class="ordinal">e</sup>'),
])
def test_french_ordinals_get_superior_letters(typed: str, expected: str) -> None:
    root = tree(f"<p>{typed}</p>")
    assert set_ordinals(root, "fr") == 1
    assert expected in html_of(root)
    assert set_ordinals(root, "fr") == 0  # already superior: left


@pytest.mark.parametrize("kept", [
    "Ce De Le Me", "3e5", "v1.2e", "0x3e", "2D et 2d", "1,5e", "A3e", "e-3e",
])
def test_words_and_numbers_that_are_not_ordinals_are_left(kept: str) -> None:
    root = tree(f"<p>{kept}</p>")
    assert set_ordinals(root, "fr") == 0
    assert html_of(root) == f"<p>{kept}</p>"


def test_ordinals_in_code_links_and_addresses_are_left() -> None:
    markup = ('<p><code>3e</code> <a href="https://x.fr/4e">www.x.fr/4e</a> '
              'https://x.fr/5e equipe6e@x.fr <span class="math">7e</span> <em>8e</em></p>')
    root = tree(markup)
    assert set_ordinals(root, "fr") == 1
    assert '<em>8<sup class="ordinal">e</sup></em>' in html_of(root)


def test_english_ordinals_stay_on_the_line() -> None:
    root = tree("<p>the 1st and the 20th century</p>")
    assert set_ordinals(root, "en") == 0


# -- lead-in -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "lead"), [
    ("Pendant des siècles, contrôler l’information", "Pendant des siècles"),
    ("En bas, il y a une explosion", "En bas"),
    ("Nous vivons une inversion fondamentale", "Nous vivons une inversion"),
    ("Pour toute votre carrière, l’équation", "Pour toute votre carrière"),
    ("L’effondrement de l’exécution crée un fossé", "L’effondrement de l’exécution"),
    ("Les forgerons ont perdu de la valeur", "Les forgerons ont"),
    ("Un.", "Un"),
])
def test_the_lead_in_runs_to_the_first_natural_break(text: str, lead: str) -> None:
    assert text[: lead_in_length(text, "fr")] == lead


def test_the_lead_in_is_the_first_paragraph_after_a_figure_or_an_epigraph() -> None:
    root = tree('<div><figure><img src="x.png"/><figcaption><p>Légende ici</p></figcaption>'
                "</figure><blockquote><p>Une épigraphe</p></blockquote>"
                "<p>Ce schéma s’est déjà produit.</p><p>Autre.</p></div>")
    assert set_lead_in(root, "fr")
    assert root.xpath("//span[@class='lead-in']/text()") == ["Ce schéma s’est"]
    assert root.xpath("//p[span[@class='lead-in']]")[0].getparent() is root
    assert not set_lead_in(root, "fr")  # once only
    assert len(root.find_class("lead-in")) == 1


def test_the_lead_in_follows_the_markup_of_its_words() -> None:
    root = tree("<div><p><strong>Ce qui était prestigieux</strong> devient commun.</p></div>")
    set_lead_in(root, "fr")
    assert html_of(root) == ('<div><p><strong><span class="lead-in">Ce qui était</span> '
                             "prestigieux</strong> devient commun.</p></div>")
    root = tree("<div><p>Pour <em>toute votre carrière</em>, la règle.</p></div>")
    set_lead_in(root, "fr")
    assert html_of(root) == ('<div><p><span class="lead-in">Pour <em>toute votre carrière'
                             "</em></span>, la règle.</p></div>")


def test_the_lead_in_stops_at_a_note_call() -> None:
    root = tree('<div><p>Un mot<a class="noteref" href="#n1">1</a> suivi de texte.</p></div>')
    set_lead_in(root, "fr")
    assert html_of(root) == ('<div><p><span class="lead-in">Un mot</span><a class="noteref" '
                             'href="#n1">1</a> suivi de texte.</p></div>')


def test_the_lead_in_keeps_an_ordinal_inside_it() -> None:
    root = tree('<div><p>Au 20<sup class="ordinal">e</sup> siècle, tout.</p></div>')
    set_lead_in(root, "fr")
    assert root.find_class("lead-in")[0].text_content() == "Au 20e siècle"


# -- titles ------------------------------------------------------------------------------------


def _shown(text: str) -> str:
    return text.replace(NBSP, "~")


@pytest.mark.parametrize(("title", "expected"), [
    # After the colon: the second half held together.
    ("Excellence ou obsolescence : le milieu a disparu",
     "Excellence ou obsolescence~: le~milieu~a~disparu"),
    ("Quand tout le monde a un levier, la référence saute",
     "Quand tout le monde a un levier, la~référence~saute"),
    # No mark, no conjunction: the most even halves, the first not ending on « un ».
    ("La connaissance n'est plus un fossé défensif",
     "La connaissance n’est plus un~fossé~défensif"),
    ("Cette fois est vraiment différente", "Cette fois est vraiment~différente"),
    # Before a conjunction.
    ("Les faiseurs de cartes et les marcheurs", "Les faiseurs de cartes et~les~marcheurs"),
    # Three words: left alone.
    ("Quand l'exécution s'effondre", "Quand l’exécution s’effondre"),
])
def test_titles_break_by_sense(title: str, expected: str) -> None:
    broken = break_by_sense(typeset(title, "fr"), "fr")
    assert _shown(broken) == expected
    assert break_by_sense(broken, "fr") == broken  # idempotent
    assert broken.replace(NBSP, " ").replace(NNBSP, " ").split() == \
        typeset(title, "fr").replace(NBSP, " ").replace(NNBSP, " ").split()  # same words


def test_a_long_second_half_ties_only_its_last_two_words() -> None:
    title = typeset("Le travail : une longue affaire de patience et de métier", "fr")
    broken = break_by_sense(title, "fr")
    assert _shown(broken).endswith("de~métier")
    assert all(len(run) <= BOUND for run in broken.split(" "))


# -- the cache of typeset runs -----------------------------------------------------------------


def test_cached_typography_gives_the_same_tree_and_typesets_only_what_changed(
        tmp_path, monkeypatch) -> None:
    """A chapter typeset once is set again from the cache, to the same markup and counts, the
    typesetter not run; a changed sentence is typeset anew, and a damaged entry is remade."""
    from make_book.core.store import ContentCache
    from make_book.transforms import typography

    cache = ContentCache(tmp_path)
    markup = ("<div><p>« Bonjour » dit-il : <em>vraiment ?</em> — oui — le 1er mai.</p>"
              "<p>Voir <a href='https://example.org/a-b'>https://example.org/a-b</a> !</p></div>")
    note = "<div><p>Une note ; courte.</p></div>"
    plain_body, plain_note = tree(markup), tree(note)
    expected = apply_typography(plain_body, "fr") + apply_typography(plain_note, "fr")
    first = [tree(markup), tree(note)]
    assert typography.apply_typography_cached(first, "fr", None, cache) == expected
    assert [html_of(t) for t in first] == [html_of(plain_body), html_of(plain_note)]

    runs: list[object] = []
    real_run = typography.Engine.run

    def counting_run(engine):  # noqa: ANN001, ANN202
        runs.append(engine)
        return real_run(engine)

    monkeypatch.setattr(typography.Engine, "run", counting_run)
    again = [tree(markup), tree(note)]
    assert typography.apply_typography_cached(again, "fr", None, cache) == expected
    assert [html_of(t) for t in again] == [html_of(plain_body), html_of(plain_note)]
    assert runs == []

    changed = [tree(markup.replace("Bonjour", "Salut")), tree(note)]
    typography.apply_typography_cached(changed, "fr", None, cache)
    assert len(runs) == 3  # every run of the trees: the entry is the chapter's
    assert "« Salut »" in html_of(changed[0]).replace("\u202f", " ").replace("\xa0", " ")
    assert html_of(changed[1]) == html_of(plain_note)
    for entry in (tmp_path / "typeset").glob("*.json"):
        entry.write_text("{", encoding="utf-8")
    runs.clear()
    damaged = [tree(markup), tree(note)]
    typography.apply_typography_cached(damaged, "fr", None, cache)
    assert runs and [html_of(t) for t in damaged] == [html_of(plain_body), html_of(plain_note)]
