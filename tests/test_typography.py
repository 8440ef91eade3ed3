"""Tests for the French and English typography pass (make_book.typography)."""

from __future__ import annotations

import random
from collections import Counter

import lxml.html
import pytest

from make_book.transforms.typography import apply_typography, breakable_before_punctuation, typeset

NNBSP = "\u202f"
NBSP = "\u00a0"

SENTENCE = (
    'Le goulot d\'étranglement est passé de "comment exécutons-nous ceci ?" '
    'à "que devrions-nous exécuter et pourquoi ?".'
)
SENTENCE_FR = (
    "Le goulot d\u2019étranglement est passé de "
    "\u00ab\u202fcomment exécutons-nous ceci\u202f?\u202f\u00bb "
    "à \u00ab\u202fque devrions-nous exécuter et pourquoi\u202f?\u202f\u00bb."
)

PARAGRAPH = (
    "<div><p>Dans l'équipe, on disait souvent : \"la mesure d'abord, l'intuition ensuite\"."
    " Mais aujourd'hui... que mesure-t-on vraiment ? Les <em>temps de réponse</em>; le débit ;"
    ' la latence au 99<sup>e</sup> centile!  Voyez <a href="https://exemple.fr/a?b=1">le'
    " tableau</a> : les chiffres -- publiés à 10:30 -- sont sans appel.</p>"
    '<p>Elle répondit : "<em>Il a dit "jamais"</em> et il l\'a répété"?! Puis, plus bas'
    "\u00a0: «\u00a0c'est réglé\u2009».\u00a0Écrivez à equipe@exemple.fr ou lisez"
    ' <code>make --fast ; echo "ok"</code> --- simple, non ?</p>'
    "<blockquote><p>\u201cOn verra\u201d, conclut-il\u202f; et ce fut tout\u2009!</p></blockquote>"
    "<ul><li>un : <em>deux</em>?<ul><li>trois ...</li></ul></li></ul></div>"
)


def tree(html: str) -> lxml.html.HtmlElement:
    """Parse one fragment (a single root element)."""
    return lxml.html.fragment_fromstring(html)


def html_of(element: lxml.html.HtmlElement) -> str:
    return lxml.html.tostring(element, encoding="unicode")


def fix(html: str, lang: str = "fr") -> str:
    root = tree(html)
    apply_typography(root, lang)
    return html_of(root)


# -- the reference sentence --------------------------------------------------------------------


def test_real_sentence_typeset() -> None:
    assert typeset(SENTENCE, "fr") == SENTENCE_FR


def test_real_sentence_in_tree_with_counts() -> None:
    root = tree(f"<p>{SENTENCE}</p>")
    counts = apply_typography(root, "fr")
    assert root.text == SENTENCE_FR
    assert counts == Counter(
        guillemets=2, apostrophe=1, nnbsp_before_high_punct=2, space_normalised=2
    )
    assert apply_typography(root, "fr") == Counter()
    assert root.text == SENTENCE_FR


# -- French spaces before punctuation ----------------------------------------------------------


@pytest.mark.parametrize("mark", [";", "!", "?"])
def test_nnbsp_inserted_before_high_punctuation(mark: str) -> None:
    assert typeset(f"Vraiment{mark} oui", "fr") == f"Vraiment{NNBSP}{mark} oui"


def test_nbsp_inserted_before_colon() -> None:
    assert typeset("Attention: il pleut", "fr") == f"Attention{NBSP}: il pleut"
    assert typeset("Liste:", "fr") == f"Liste{NBSP}:"


@pytest.mark.parametrize("lang", ["fr", "fr-FR", "fr-BE", "fr_FR", "FR-lu", "fr-Latn-FR"])
def test_every_french_variant_gets_french_rules(lang: str) -> None:
    assert typeset('Quoi? "Oui": non;', lang) == (
        f"Quoi{NNBSP}? «{NNBSP}Oui{NNBSP}»{NBSP}: non{NNBSP};"
    )


@pytest.mark.parametrize(
    "space",
    [" ", "  ", NBSP, NNBSP, "\u2009", "\t", "\n", "\u2002", "\u2003", "\u200b", " " + NBSP,
     NNBSP + " ", "\u2009\u2009", "\u3000"],
)  # fmt: skip
@pytest.mark.parametrize("mark", [";", "!", "?", ":"])
def test_existing_space_of_any_kind_is_replaced_not_doubled(space: str, mark: str) -> None:
    right = NBSP if mark == ":" else NNBSP
    assert typeset(f"mot{space}{mark} suite", "fr") == f"mot{right}{mark} suite"


@pytest.mark.parametrize("space", [" ", "  ", NBSP, "\u2009", "\n", " " + NNBSP])
def test_existing_space_inside_guillemets_is_replaced_not_doubled(space: str) -> None:
    assert typeset(f"«{space}mot{space}»", "fr") == f"«{NNBSP}mot{NNBSP}»"
    assert typeset(f'"{space}mot{space}"', "fr") == f"«{NNBSP}mot{NNBSP}»"


def test_space_is_added_inside_typed_guillemets() -> None:
    assert typeset("Il dit «oui».", "fr") == f"Il dit «{NNBSP}oui{NNBSP}»."


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Quoi?!", f"Quoi{NNBSP}?!"),
        ("Quoi!?", f"Quoi{NNBSP}!?"),
        ("Quoi?!?", f"Quoi{NNBSP}?!?"),
        ("Quoi ?!", f"Quoi{NNBSP}?!"),
        ("Non!!!", f"Non{NNBSP}!!!"),
    ],
)
def test_interrobang_space_before_first_mark_only(typed: str, expected: str) -> None:
    assert typeset(typed, "fr") == expected


def test_no_space_after_opening_bracket() -> None:
    assert typeset("Il vint (?) hier", "fr") == "Il vint (?) hier"


# -- French quotes -----------------------------------------------------------------------------


def test_straight_quotes_become_guillemets() -> None:
    assert typeset('Il dit "bonjour" et part.', "fr") == f"Il dit «{NNBSP}bonjour{NNBSP}» et part."


def test_nested_quotes_become_curly_without_spaces() -> None:
    typed = 'Elle écrit "il a dit "jamais" hier".'
    assert typeset(typed, "fr") == f"Elle écrit «{NNBSP}il a dit “jamais” hier{NNBSP}»."
    typed = 'Elle écrit « il a dit " jamais " hier ».'
    assert typeset(typed, "fr") == f"Elle écrit «{NNBSP}il a dit “jamais” hier{NNBSP}»."


def test_english_curly_quotes_at_top_level_become_guillemets() -> None:
    assert typeset("Il dit “bonjour” et part.", "fr") == f"Il dit «{NNBSP}bonjour{NNBSP}» et part."


def test_typed_curly_quotes_nested_in_guillemets_stay() -> None:
    typed = "«Il a dit “jamais”.»"
    assert typeset(typed, "fr") == f"«{NNBSP}Il a dit “jamais”.{NNBSP}»"


def test_quotes_across_inline_elements() -> None:
    root = tree('<p>Le "<em>mot</em>" et "<strong>un</strong> autre" ici.</p>')
    counts = apply_typography(root, "fr")
    assert html_of(root) == (
        f"<p>Le «{NNBSP}<em>mot</em>{NNBSP}» et «{NNBSP}<strong>un</strong> autre{NNBSP}» ici.</p>"
    )
    assert counts == Counter(guillemets=2)


def test_quote_closing_after_inline_element_ending_in_punctuation() -> None:
    root = tree('<p>"Il dit <em>"non"</em>"?</p>')
    apply_typography(root, "fr")
    assert html_of(root) == f"<p>«{NNBSP}Il dit <em>“non”</em>{NNBSP}»{NNBSP}?</p>"


def test_space_before_mark_in_another_text_node_is_not_doubled() -> None:
    assert fix("<p>mot <em>?</em></p>") == f"<p>mot{NNBSP}<em>?</em></p>"
    assert fix("<p><em>mot</em>?</p>") == f"<p><em>mot</em>{NNBSP}?</p>"
    assert fix("<p><em>mot </em> :</p>") == f"<p><em>mot</em>{NBSP}:</p>"


def test_quotes_do_not_pair_across_blocks() -> None:
    out = fix('<div><p>Il dit "oui</p><p>mais" non.</p></div>')
    assert out == f"<div><p>Il dit «{NNBSP}oui</p><p>mais{NNBSP}» non.</p></div>"


def test_list_item_with_nested_list() -> None:
    out = fix("<ul><li>un: <ul><li>deux!</li></ul> trois?</li></ul>")
    assert out == f"<ul><li>un{NBSP}: <ul><li>deux{NNBSP}!</li></ul> trois{NNBSP}?</li></ul>"


# -- apostrophe, ellipsis, dashes --------------------------------------------------------------


def test_apostrophe() -> None:
    assert typeset("l'exécution aujourd'hui", "fr") == "l\u2019exécution aujourd\u2019hui"
    assert typeset("don't", "en") == "don\u2019t"


EM, EN = "\u2014", "\u2013"
WJ = "\u2060"


def opening(dash: str) -> str:
    """An opening incise dash and the no-break space tying it to the next word (an en dash
    joined to it by a word joiner: UAX #14 breaks between an en dash and a no-break space)."""
    return f"{dash}{WJ}{NBSP}" if dash == EN else f"{dash}{NBSP}"


@pytest.mark.parametrize(("lang", "aside"), [
    ("fr", EN), ("fr-CA", EN), ("en", EM), ("en-US", EM), ("en-GB", EN), ("de", EN),
    ("de-CH", EN), ("es", EM), ("it", EN), ("pt", EM), ("pt-BR", EM), ("nl", EN), ("xx", EM)])
def test_ellipsis_and_the_language_s_aside_dash(lang: str, aside: str) -> None:
    """`---`, and `--` between spaces, are an aside: the spaced en dash of French, German,
    Italian, Dutch and British houses, the em dash of American, Spanish and Portuguese ones;
    `--` between figures is always the en dash of a range."""
    assert typeset("Alors... bon", lang) == "Alors\u2026 bon"
    assert typeset("pages 10--12", lang) == "pages 10\u201312"
    assert typeset("oui --- non", lang) == f"oui {opening(aside)}non"
    assert typeset("a -- b", lang) == f"a {opening(aside)}b"


def test_dash_counters() -> None:
    root = tree("<p>a -- b --- c ... d 10--12</p>")
    assert apply_typography(root, "fr") == Counter(en_dash=3, ellipsis=1, incise_bound=2)
    root = tree("<p>a -- b --- c ... d 10--12</p>")
    assert apply_typography(root, "en") == Counter(en_dash=1, em_dash=2, ellipsis=1,
                                                   incise_bound=2)


# -- fr-CA, fr-CH ------------------------------------------------------------------------------


def test_fr_ca() -> None:
    # No space added before ; ! ?, NBSP before : and inside guillemets.
    assert typeset('Quoi? Non! Bon; "oui": fin', "fr-CA") == (
        f"Quoi? Non! Bon; «{NBSP}oui{NBSP}»{NBSP}: fin"
    )
    # A space the author typed before ? is kept but cannot break any more.
    assert typeset("Quoi ?", "fr-CA") == f"Quoi{NNBSP}?"
    assert typeset(f"«{NNBSP}mot{NNBSP}»", "fr_ca") == f"«{NBSP}mot{NBSP}»"


def test_fr_ch() -> None:
    assert typeset('Note: "oui"; non!', "fr-CH") == (
        f"Note{NNBSP}: «{NNBSP}oui{NNBSP}»{NNBSP}; non{NNBSP}!"
    )
    assert typeset(f"Note{NBSP}:", "fr-CH") == f"Note{NNBSP}:"


# -- English and other languages ---------------------------------------------------------------


def test_english_quotes_and_apostrophes() -> None:
    typed = "She said \"it's 'fine' now\" -- really... And the students' books."
    assert typeset(typed, "en") == (
        f"She said \u201cit\u2019s \u2018fine\u2019 now\u201d {opening(EM)}really\u2026"
        " And the students\u2019 books."
    )


@pytest.mark.parametrize("lang", ["en", "en-GB", "en-US"])
def test_english_spaces_before_punctuation_left_as_typed(lang: str) -> None:
    for typed in ["Really?", "Really ?", f"Really{NNBSP}!", "Note: x", "Note : x", "a\u2009;"]:
        assert typeset(typed, lang) == typed
    assert typeset("«mot»", lang) == "«mot»"


@pytest.mark.parametrize(("lang", "outer", "inner"), [
    ("en", "\u201c\u201d", "\u2018\u2019"), ("en-GB", "\u2018\u2019", "\u201c\u201d"),
    ("de", "\u201e\u201c", "\u201a\u2018"), ("de-CH", "\u00ab\u00bb", "\u2039\u203a"),
    ("es", "\u00ab\u00bb", "\u201c\u201d"), ("it", "\u00ab\u00bb", "\u201c\u201d"),
    ("pt", "\u00ab\u00bb", "\u201c\u201d"), ("pt-BR", "\u201c\u201d", "\u2018\u2019"),
    ("nl", "\u201c\u201d", "\u2018\u2019")])
def test_each_language_s_quotation_marks_two_deep(lang: str, outer: str, inner: str) -> None:
    """`"` is the outer mark (the inner one inside an outer quotation), `'` the inner mark,
    with no space inside them, and an apostrophe stays an apostrophe."""
    typed = 'Er sagt "ja, \'nein\' und "vielleicht"" -- oder? Na ja... l\'art'
    dash = "\u2014" if lang in ("en", "es", "pt", "pt-BR") else "\u2013"
    assert typeset(typed, lang) == (
        f"Er sagt {outer[0]}ja, {inner[0]}nein{inner[1]} und {inner[0]}vielleicht{inner[1]}"
        f"{outer[1]} {opening(dash)}oder? Na ja\u2026 l\u2019art")


def test_german_marks_the_author_typed_are_kept() -> None:
    """„ opens and “ closes in German: a typed “ after „ is a closing mark, not an opening one."""
    typed = 'Sie sagte \u201eHallo\u201c und dann "Tsch\u00fcss".'
    assert typeset(typed, "de") == "Sie sagte \u201eHallo\u201c und dann \u201eTsch\u00fcss\u201c."


def test_english_tree_counts() -> None:
    root = tree("<p>\"Hello,\" she said. It's <em>'nice'</em>...</p>")
    counts = apply_typography(root, "en")
    assert html_of(root) == (
        "<p>\u201cHello,\u201d she said. It\u2019s <em>\u2018nice\u2019</em>\u2026</p>"
    )
    assert counts == Counter(curly_quotes=2, apostrophe=1, ellipsis=1)
    assert apply_typography(root, "en") == Counter()


# -- what must stay untouched ------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["code", "kbd", "samp", "var", "script", "style", "math", "svg"])
def test_inline_code_like_elements_untouched(tag: str) -> None:
    inner = 'a ? b : "c" d\'e ... f -- g'
    root = tree(f"<p>Voir <{tag}>x</{tag}> ici ?</p>")
    root[0].text = inner  # set through lxml: script/style are raw text for the parser
    apply_typography(root, "fr")
    assert root[0].text == inner
    assert root[0].tail == f" ici{NNBSP}?"


def test_pre_untouched() -> None:
    root = tree('<div><p>Exemple :</p><pre><code>x = "a" ; y ? z : w</code></pre></div>')
    apply_typography(root, "fr")
    assert root.find(".//code").text == 'x = "a" ; y ? z : w'
    assert root.find("p").text == f"Exemple{NBSP}:"


def test_code_counts_as_a_word_for_context() -> None:
    assert fix("<p>Tapez <code>ls</code>?</p>") == f"<p>Tapez <code>ls</code>{NNBSP}?</p>"
    out = fix('<p>L\'option "<code>-v</code>" aide.</p>')
    assert out == f"<p>L\u2019option «{NNBSP}<code>-v</code>{NNBSP}» aide.</p>"


def test_pandoc_math_span_untouched() -> None:
    out = fix('<p>Soit <span class="math inline">\\(a:b\\)</span> : fin</p>')
    assert out == f'<p>Soit <span class="math inline">\\(a:b\\)</span>{NBSP}: fin</p>'


@pytest.mark.parametrize(
    "token",
    [
        "https://exemple.fr/page?x=1&y=2",
        "http://exemple.fr:8080/a;b",
        "www.exemple.fr/l'article",
        "mailto:moi@exemple.fr",
        "moi.nom+tag@exemple.fr",
        "10:30",
        "10:30:15",
        "ftp://hote/--rep--/x...y",
    ],
)
def test_urls_emails_times_untouched(token: str) -> None:
    assert typeset(f"Voir {token} demain", "fr") == f"Voir {token} demain"
    assert typeset(f"Voir {token}.", "fr") == f"Voir {token}."
    # Punctuation after the token is the sentence's, and still gets its space.
    assert typeset(f"Voir {token}?", "fr") == f"Voir {token}{NNBSP}?"


def test_url_in_parentheses() -> None:
    assert typeset("(voir https://x.fr/a)!", "fr") == f"(voir https://x.fr/a){NNBSP}!"


def test_link_text_processed_unless_it_is_a_url() -> None:
    out = fix('<p><a href="x.html">Qu\'est-ce?</a> et <a href="http://a.fr">http://a.fr?q</a></p>')
    assert out == (
        f'<p><a href="x.html">Qu\u2019est-ce{NNBSP}?</a> et <a href="http://a.fr">http://a.fr?q</a></p>'
    )
    out = fix('<p>Écrire à <a href="mailto:a@b.fr">a@b.fr</a> ou <a href="/">exemple.com</a>!</p>')
    assert '<a href="mailto:a@b.fr">a@b.fr</a>' in out and f"exemple.com</a>{NNBSP}!" in out


def test_attributes_untouched() -> None:
    html = '<p title="Quoi? &quot;oui&quot; l\'a... --" data-x="a : b" class="c">Quoi? "oui"</p>'
    root = tree(html)
    apply_typography(root, "fr")
    assert root.get("title") == 'Quoi? "oui" l\'a... --'
    assert root.get("data-x") == "a : b"
    assert root.text == f"Quoi{NNBSP}? «{NNBSP}oui{NNBSP}»"


def test_comments_untouched() -> None:
    root = tree("<div><!-- a ? b --><p>x</p></div>")
    apply_typography(root, "fr")
    assert html_of(root) == "<div><!-- a ? b --><p>x</p></div>"


# -- counters and idempotence ------------------------------------------------------------------


def test_counters_per_rule() -> None:
    root = tree(
        '<div><p>Un; deux! trois? quatre: l\'a "b" c... d -- e --- f</p>'
        f"<p>mot ? «{NBSP}x » fin\u2009:</p></div>"
    )
    counts = apply_typography(root, "fr")
    assert counts == Counter(
        nnbsp_before_high_punct=4,
        nbsp_before_colon=2,
        guillemets=1,
        apostrophe=1,
        ellipsis=1,
        en_dash=2,
        incise_bound=2,
        space_inside_guillemets=2,
        space_normalised=4,
    )


def test_long_paragraph_idempotent_and_second_pass_counts_nothing() -> None:
    root = tree(PARAGRAPH)
    first = apply_typography(root, "fr")
    once = html_of(root)
    assert sum(first.values()) > 20
    second = apply_typography(root, "fr")
    assert second == Counter()
    assert html_of(root) == once
    # Spot checks on the result.
    text = root.text_content()
    assert f"disait souvent{NBSP}: «{NNBSP}la mesure d\u2019abord" in text
    assert f"ensuite{NNBSP}»." in text
    assert f"aujourd\u2019hui\u2026 que mesure-t-on vraiment{NNBSP}?" in text
    assert f"réponse{NNBSP}; le débit{NNBSP};" in text
    assert f"centile{NNBSP}!  Voyez" in text
    assert f"publiés à 10:30{NBSP}\u2013 sont" in text
    assert f"«{NNBSP}Il a dit “jamais” et il l\u2019a répété{NNBSP}»{NNBSP}?!" in text
    assert f"«{NNBSP}c\u2019est réglé{NNBSP}»" in text
    assert "equipe@exemple.fr" in text
    assert 'make --fast ; echo "ok"' in text
    assert f"«{NNBSP}On verra{NNBSP}», conclut-il{NNBSP}; et ce fut tout{NNBSP}!" in text
    assert root.find(".//a").get("href") == "https://exemple.fr/a?b=1"
    code = root.find(".//code")
    prose = text.replace(code.text, "")
    assert breakable_before_punctuation(prose, "fr") == []


@pytest.mark.parametrize("lang", ["fr", "fr-CA", "fr-CH", "en", "de"])
def test_typeset_idempotent_on_random_text(lang: str) -> None:
    # A fuzz over the characters the rules care about, with a fixed seed for reproducibility.
    alphabet = list("ab1 .-'\";:!?«»“”‘’()") + [NBSP, NNBSP, "\u2009", "\n", "http://x.fr", "10:30"]
    rng = random.Random(20240501)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        once = typeset(text, lang)
        assert typeset(once, lang) == once, repr(text)
        if lang.startswith("fr"):
            assert breakable_before_punctuation(once, lang) == [], repr(text)


def test_typeset_title() -> None:
    assert typeset('L\'art du "bien" faire : guide', "fr") == (
        f"L\u2019art du «{NNBSP}bien{NNBSP}» faire{NBSP}: guide"
    )
    assert typeset("", "fr") == ""


# -- breakable_before_punctuation --------------------------------------------------------------


def test_breakable_before_punctuation_finds_bad_breaks() -> None:
    text = "Quoi ? Oui : « non\u2009» ;\tbon\n!"
    assert breakable_before_punctuation(text, "fr") == [4, 10, 14, 18, 20, 26]
    assert breakable_before_punctuation(f"a{NBSP}: b{NNBSP}? «{NNBSP}c\u2060»", "fr") == []


def test_breakable_before_punctuation_empty_after_typeset() -> None:
    bad = [SENTENCE.index(" ?"), SENTENCE.rindex(" ?")]
    assert breakable_before_punctuation(SENTENCE, "fr") == bad
    assert breakable_before_punctuation(typeset(SENTENCE, "fr"), "fr") == []


def test_breakable_before_punctuation_fr_ca_and_other_languages() -> None:
    assert breakable_before_punctuation("Quoi ? Non ! a ; b : « c »", "fr-CA") == [18, 22, 24]
    assert breakable_before_punctuation("Quoi ? « c »", "en") == []
    assert breakable_before_punctuation("Quoi ?", "de") == []
