"""A synthetic manuscript of a chosen length, for the benchmark (scripts/bench.py).

Parts, chapters, sections, footnotes, figures with images, cross-references and links between
chapters in the proportions of an essay series: about 300 words a page (A5, 10.5/14 pt), a
chapter every ten pages, a footnote a page, a figure a chapter. Everything comes from a seeded
random generator, so the same size always gives the same bytes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WORDS_PER_PAGE = 175  # of body text: measured on the print PDF (A5, notes and figures)
PAGES_PER_CHAPTER = 10
PAGES_PER_PART = 60

VOCABULARY = (
    "abondance architecture atelier avenir bibliothèque calcul carrière chantier choix "
    "civilisation commerce communauté compétence confiance connaissance construction coût "
    "culture décision démarche désir direction distance économie écriture éducation effort "
    "énergie entreprise époque équilibre espace esprit exécution expérience fabrique façon "
    "fleuve forme frontière goût hiérarchie histoire horizon idée industrie inversion jardin "
    "jugement langage lecture levier liberté lumière machine main manière marché matière "
    "mémoire métier méthode monde mouvement nature nécessité œuvre outil ouvrage paysage "
    "pensée personne pouvoir pratique présence prix problème production projet promesse "
    "question raison rareté réalité récit règle relation réseau ressource révolution rythme "
    "savoir science sens signe société solution source structure système talent technique "
    "temps terrain territoire travail valeur vérité village vision voix"
).split()
VERBS = ("change devient déplace révèle construit efface transforme ouvre rend précède "
         "traverse rejoint soutient renverse compose mesure").split()
LINKS = ("et", "mais", "car", "donc", "puis", "or", "ainsi", "pourtant", "alors")
ADJECTIVES = ("nouvelle ancienne commune rare abondante lente rapide profonde simple humaine "
              "précieuse fragile durable visible secrète").split()


@dataclass(frozen=True)
class Size:
    """How a manuscript of `pages` pages is cut up."""

    pages: int

    @property
    def chapters(self) -> int:
        return max(2, round(self.pages / PAGES_PER_CHAPTER))

    @property
    def parts(self) -> int:
        return max(2, round(self.pages / PAGES_PER_PART))


class Writer:
    """French-looking prose from a seeded generator (straight quotes and plain spaces: the
    typography pass has work to do, as with a real manuscript)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self) -> str:
        rng = self.rng
        words = []
        for _ in range(rng.randint(2, 5)):
            words += [rng.choice(("la", "une", "cette", "chaque")), rng.choice(VOCABULARY),
                      rng.choice(ADJECTIVES), rng.choice(VERBS), rng.choice(("le", "un", "du")),
                      rng.choice(VOCABULARY), rng.choice(LINKS)]
        words = words[:-1]
        if rng.random() < 0.15:
            words[3] = f"*{words[3]}*"
        if rng.random() < 0.08:
            words[1] = f'"{words[1]}"'
        text = " ".join(words)
        end = rng.choice((".", ".", ".", ".", " ?", " !", " : voilà."))
        return text[0].upper() + text[1:] + end

    def paragraph(self, words: int) -> str:
        out: list[str] = []
        count = 0
        while count < words:
            sentence = self.sentence()
            out.append(sentence)
            count += len(sentence.split())
        return " ".join(out)


def draw_image(path: Path, seed: int, photo: bool) -> None:
    """A 1600 × 1000 picture: a blurred 'photograph' (JPEG) or a flat drawing (PNG)."""
    rng = random.Random(seed)
    if photo:
        small = Image.new("RGB", (40, 25))
        small.putdata([(rng.randint(40, 220), rng.randint(40, 200), rng.randint(30, 180))
                       for _ in range(40 * 25)])
        image = small.resize((1600, 1000), Image.Resampling.BICUBIC)
        grain = Image.effect_noise((1600, 1000), 18).convert("RGB")
        image = Image.blend(image, grain, 0.12).filter(ImageFilter.GaussianBlur(1))
        image.save(path, "JPEG", quality=88)
    else:
        image = Image.new("RGB", (1600, 1000), (244, 238, 226))
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randint(0, 1400), rng.randint(0, 800)
            draw.ellipse((x, y, x + rng.randint(80, 400), y + rng.randint(80, 400)),
                         fill=rng.choice(((176, 84, 52), (52, 70, 90), (200, 170, 90))))
        image.save(path, "PNG", optimize=True)


def generate(root: Path, pages: int, seed: int = 1) -> list[Path]:
    """Write root/manuscript and root/assets for a book of about `pages` A5 pages; return the
    chapter files in reading order."""
    size = Size(pages)
    writer = Writer(seed)
    (root / "manuscript").mkdir(parents=True, exist_ok=True)
    (root / "assets").mkdir(parents=True, exist_ok=True)
    (root / "manuscript" / "book.toml").write_text(
        f'[book]\ntitle = "Essai de {pages} pages"\nlang = "fr"\n'
        'publisher = "Éditions de mesure"\nauthor = "Anne Exemple"\ndate = 2026-01-15\n\n'
        f'[series]\nname = "Essai de {pages} pages"\n\n[pdf]\ntrim = "a5"\nbleed = "3mm"\n\n'
        '[numbering]\nfigures = "part"\n', encoding="utf-8")
    per_part = [size.chapters // size.parts + (1 if i < size.chapters % size.parts else 0)
                for i in range(size.parts)]
    plan = []  # (part folder, chapter file name) in reading order
    for p, count in enumerate(per_part, 1):
        folder = f"{p:02d}-partie-{p}"
        plan += [(folder, f"{c:02d}-chapitre-{p}-{c}.md") for c in range(1, count + 1)]
    chapters: list[Path] = []
    words = pages * WORDS_PER_PAGE // size.chapters
    for p in range(1, size.parts + 1):
        folder = root / "manuscript" / f"{p:02d}-partie-{p}"
        folder.mkdir(exist_ok=True)
        hero = f"hero-{p}.jpg"
        draw_image(root / "assets" / hero, seed * 1000 + p, photo=True)
        (folder / "_part.md").write_text(
            f'---\ntitle: "Partie {p} : {writer.rng.choice(VOCABULARY)} et '
            f'{writer.rng.choice(VOCABULARY)}"\nsummary: {json.dumps(writer.sentence())}\n'
            f"status: published\nhero: assets/{hero}\n---\n\n{writer.paragraph(120)}\n",
            encoding="utf-8")
    for index, (folder, name) in enumerate(plan):
        p, c = (int(x) for x in name.removesuffix(".md").split("-")[2:4])
        path = root / "manuscript" / folder / name
        photo = index % 3 != 2
        image = f"figure-{p}-{c}.{'jpg' if photo else 'png'}"
        draw_image(root / "assets" / image, seed * 100_000 + index, photo)
        previous = plan[index - 1] if index else None
        path.write_text(chapter_text(writer, p, c, words, image, previous), encoding="utf-8")
        chapters.append(path)
    return chapters


def chapter_text(writer: Writer, p: int, c: int, words: int, image: str,
                 previous: tuple[str, str] | None) -> str:
    """One chapter: sections, a figure, a footnote a page, references and a link back."""
    rng = writer.rng
    label = f"{p}-{c}"
    sections = 5
    notes = max(1, words // WORDS_PER_PAGE)
    paragraphs_per_section = max(1, words // (sections * 110))
    lines = [f"# Chapitre {p}.{c} : {rng.choice(VOCABULARY)} et {rng.choice(VOCABULARY)}", ""]
    note = 0
    for s in range(1, sections + 1):
        lines += [f"## Section {s} : la {rng.choice(VOCABULARY)} {{#sec:s{label}-{s}}}", ""]
        for k in range(paragraphs_per_section):
            text = writer.paragraph(rng.randint(80, 140))
            if note < notes and rng.random() < notes / (sections * paragraphs_per_section) * 1.3:
                note += 1
                text += f"[^n{note}]"
            if s == 1 and k == 0:
                text += f" Voir @fig:f{label}."
            if s == 3 and k == 0:
                text += f" Comme le montre la [section 1](#sec:s{label}-1)."
            if s == 4 and k == 0 and previous is not None:
                text += (f" Voir aussi le [chapitre précédent](../{previous[0]}/{previous[1]})"
                         ".")
            lines += [text, ""]
        if s == 2:
            caption, alt = (writer.sentence().replace('"', "") for _ in range(2))
            lines += [f"![{caption}](assets/{image}){{#fig:f{label} "
                      f'alt="Illustration : {alt}"}}', ""]
        if s == 3:
            lines += ["> " + writer.paragraph(60), ""]
            lines += [f"- {writer.sentence()}" for _ in range(4)] + [""]
        if s == 4:
            lines += ["---", ""]
    while note < notes:  # any note the dice did not place goes at the end
        note += 1
        lines[-2] += f"[^n{note}]"
    for n in range(1, notes + 1):
        lines += [f"[^n{n}]: {writer.paragraph(rng.randint(15, 45))}", ""]
    return "\n".join(lines)


def edit(chapter: Path, stamp: int) -> None:
    """Change one paragraph of a chapter, as an author does between two builds: the first
    paragraph of prose after the chapter's title (any chapter, not only a synthetic one)."""
    text = chapter.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    for index, block in enumerate(blocks[1:], 1):
        if block[:1].isalpha():
            blocks[index] = f"{block.rstrip()} Révision {stamp}."
            break
    else:
        raise SystemExit(f"{chapter}: no paragraph of prose to edit")
    chapter.write_text("\n\n".join(blocks), encoding="utf-8")
