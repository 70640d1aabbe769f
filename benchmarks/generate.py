#!/usr/bin/env python3
"""Write a synthetic edition: month pages in the edition's layout, at any size, the same for the same seed.

Usage: python benchmarks/generate.py OUT_DIR [--scale N] [--seed S]
--scale N writes N pages of about 21 letters each (the seed page has 21): 1, 10, 100, 1000, 5000 …
Each page mixes the layouts the parser reads: telegrams with transmission lines and cipher numbers, notes
with Stalin's answers and PB decisions (with Ibid. references and relative dates), Stalin's letters with
the secretary's number and a dispatch note, replies that cite a request's number (also on the next page),
direct wire notes, telephone messages and autograph letters. OUT_DIR/truth.json records what each page
holds, so a build can be checked against it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
COLLEAGUES = ["Molotov", "Zhdanov", "Kuibyshev", "Voroshilov", "Ordzhonikidze", "Mikoyan", "Andreev", "Kalinin",
              "Yezhov", "Chubar", "Postyshev", "Kosior", "Rudzutak", "Yagoda"]
NAMED = ["Eikhe", "Yakovlev", "Litvinov", "Krestinsky", "Pyatakov", "Mekhlis", "Stetsky", "Bauman", "Kleiner",
         "Khataevich", "Sheboldaev", "Vareikis", "Gamarnik", "Tukhachevsky", "Karakhan", "Sokolnikov", "Grinko",
         "Yurenev", "Bukharin", "Radek", "Kirov", "Kabakov", "Ryndin", "Agranov", "Prokofiev", "Poskrebyshev"]
SUBJECTS = ["the grain procurement plan for {r}", "sending comrade {p} to {r}", "the note to the Japanese government",
            "the draft resolution on cotton", "the appointment of {p} as deputy", "the export of timber",
            "the release of {p} on leave", "the slogans for the anniversary", "the plan of the metro works",
            "the purchase of equipment abroad", "the decision on the CER negotiations", "the trial in {r}"]
REGIONS = ["Western Siberia", "the Chelyabinsk region", "Ukraine", "the North Caucasus", "Kazakhstan",
           "the Moscow region", "the Far East", "Central Asia", "the Urals", "Belorussia"]
ANSWERS = [("agreed", "Stalin agreed"), ("agreed", "Stalin agreed"), ("agreed", "Stalin agreed"),
           ("rejected", "Stalin replied in code: “I object.”"), ("abstained", "Stalin replied in code: “I abstain.”"),
           ("amended", "Stalin agreed with amendments")]


def roman_date(d: dt.date) -> str:
    return f"{d.day}/{ROMAN[d.month - 1]} - {d.year % 100:02d}"


def heading_date(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


class Page:
    """One month page being written, line by line, with the truth about it."""

    def __init__(self, title: str):
        self.lines = [title, "", "Marx-Engels | Lenin | Stalin | Home Page", "",
                      "Stalin and Kaganovich. Correspondence. 1931–1936", ""]
        self.letters: list[dict] = []

    def add(self, *lines: str) -> None:
        for line in lines:
            self.lines.append(line)
            self.lines.append("")

    @property
    def next_line(self) -> int:
        return len(self.lines) + 1


class Edition:
    """Deterministic writer of pages; numbers and sheets run on from page to page like the real files."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.cipher = 100
        self.incoming = 1
        self.outgoing = 1
        self.delo = 76
        self.sheet = 1
        self.pb_sheet = 1
        self.pending: list[tuple[int, dt.date]] = []  # requests a reply on a later page answers

    def ref(self, n: int = 1) -> str:
        s = self.sheet
        self.sheet += n + self.rng.randint(0, 2)
        if self.sheet > 180:
            self.delo, self.sheet = self.delo + 1, 1
        return f"F. 558. Op. 11. D. {self.delo}. L. {s}" + (f"–{s + n}" if n > 1 else "")

    def pb_ref(self) -> str:
        self.pb_sheet += self.rng.randint(1, 4)
        return f"F. 17. Op. 3. D. {900 + self.delo // 3}. L. {self.pb_sheet}"

    def page(self, year: int, month: int, letters: int = 21) -> Page:
        rng = self.rng
        p = Page(f"Stalin Kaganovich {MONTHS[month - 1][:3].lower()} {year}")
        p.add(f"{year} {MONTHS[month - 1]}")
        day = 1
        for _ in range(letters):
            day = min(day + rng.choice([0, 0, 1, 1, 2]), 28)
            d = dt.date(year, month, day)
            kind = rng.choice(["request", "request", "request", "stalin", "reply", "wire", "phone", "letter"])
            if kind == "reply" and self.pending:
                no, asked = self.pending.pop(0)
                self._reply(p, max(d, asked), no)
            elif kind == "stalin":
                self._stalin(p, d)
            elif kind == "letter":
                self._autograph(p, d)
            else:
                self._request(p, d, "request" if kind == "reply" else kind)
        return p

    def _request(self, p: Page, d: dt.date, kind: str) -> None:
        rng = self.rng
        co = rng.sample(COLLEAGUES, rng.choice([0, 1, 1, 2]))
        authors = ["Kaganovich"] + co
        subject = rng.choice(SUBJECTS).format(p=rng.choice(NAMED), r=rng.choice(REGIONS))
        line = p.next_line
        sep = rng.choice([" to ", " - "])
        p.add(f"{', '.join(authors)}{sep}Stalin {heading_date(d)}")
        p.add(f"Archive: RGASPI {self.ref()}. Original. Typescript; F. 558. Op. {rng.choice(['11', 'P'])}. "
              f"D. 51. L. {rng.randint(1, 90)}. Typewritten text.")
        hour, minute = rng.randint(0, 23), rng.randint(0, 59)
        form = {"request": "Encryption.", "wire": "Direct wire note.", "phone": "Telephone message."}[kind]
        nos = [str(self.cipher + k) for k in range(rng.choice([1, 1, 2]))]
        self.cipher += len(nos)
        p.lines += [form, ""]
        truth = {"line": line, "authors": authors, "date": d.isoformat(), "request": True, "cipher_nos": [],
                 "decisions": 0, "response": None}
        if kind != "wire":
            p.add(f"From Moscow {roman_date(d)} at {hour} o'clock. {minute} min. In. No. {self.incoming}.")
            self.incoming += 1
        p.add("Sochi. Tov. Stalin.")
        number = f" HP {', '.join(nos)}." if kind == "request" else ""
        truth["cipher_nos"] = nos if number else []
        p.add(f"We propose to settle {subject}. Comrade {rng.choice(NAMED)} has prepared the draft. "
              f"Please let us know your opinion 1 .{number}")
        p.add(f"{', '.join(authors)}.")
        answered = rng.random() < 0.75
        if not answered and number:
            self.pending.append((int(nos[0]), d))
        if answered:
            outcome, words = rng.choice(ANSWERS)
            ah, am = rng.randint(0, 23), rng.randint(0, 59)
            when = rng.choice(["On the same day", "The next day"])
            note = f"1 {when} in cipher from Sochi at {ah}:00. {am} min. {words} (Ibid. D. {self.delo}. L. {self.sheet})."
            truth["response"] = outcome
            if rng.random() < 0.6:
                note += f" On {MONTHS[d.month - 1]} {min(d.day + 1, 28)}, {d.year}, the PB approved the decision " \
                        f"(RGASPI. {self.pb_ref()})."
                truth["decisions"] = 1
            p.add("____________________", note)
        p.letters.append(truth)

    def _stalin(self, p: Page, d: dt.date) -> None:
        rng = self.rng
        line = p.next_line
        to = ["Kaganovich"] + rng.sample(COLLEAGUES[:3], rng.choice([0, 1]))
        p.add(f"Stalin to {', '.join(to)} {heading_date(d)}", f"Archive: RGASPI {self.ref(2)}. Autograph.",
              f"{', '.join(to)}.")
        for k, text in enumerate(rng.sample(SUBJECTS, 2), 1):
            p.add(f"{k}) It is necessary to decide {text.format(p=rng.choice(NAMED), r=rng.choice(REGIONS))} "
                  f"without delay. Talk to {rng.choice(NAMED)}.")
        p.add("Stalin.", f"No. {self.outgoing}", f"{d.day}/{ROMAN[d.month - 1]}.{d.year % 100:02d} 1")
        self.outgoing += 1
        p.add("____________________", f"1 Number and date entered by the secretary. On the same day it was sent in "
                                      f"code from Sochi at {rng.randint(0, 23)}:00. {rng.randint(1, 59)} minutes. "
                                      f"(Ibid. L. {self.sheet}).")
        p.letters.append({"line": line, "authors": ["Stalin"], "date": d.isoformat(), "request": False,
                          "cipher_nos": [], "decisions": 0, "response": None})

    def _reply(self, p: Page, d: dt.date, no: int) -> None:
        line = p.next_line
        p.add(f"Stalin to Kaganovich {heading_date(d)}", f"Archive: RGASPI {self.ref()}. Autograph.", "Kaganovich.",
              f"Your {no}. {self.rng.choice(['I agree.', 'I object. It is premature.', 'I abstain.'])} Stalin.")
        p.letters.append({"line": line, "authors": ["Stalin"], "date": d.isoformat(), "request": False,
                          "cipher_nos": [], "decisions": 0, "response": None, "cites": str(no)})

    def _autograph(self, p: Page, d: dt.date) -> None:
        rng = self.rng
        line = p.next_line
        p.add(f"Kaganovich to Stalin {MONTHS[d.month - 1]} {d.day} [{d.year}]",
              f"Archive: RGASPI F. 558. Op. 11. D. 742. L. {rng.randint(1, 150)}–{rng.randint(151, 200)}. Autograph.",
              f"{d.day}/{ROMAN[d.month - 1]}", "Hello, Dear Comrade Stalin!")
        for k in range(1, rng.randint(3, 6)):
            p.add(f"{k}) We discussed {rng.choice(SUBJECTS).format(p=rng.choice(NAMED), r=rng.choice(REGIONS))}. "
                  f"Comrade {rng.choice(NAMED)} reported on {rng.choice(REGIONS)}; the work is going well.")
        p.add("Hearty greetings to you. Your L. Kaganovich.")
        p.letters.append({"line": line, "authors": ["Kaganovich"], "date": d.isoformat(), "request": False,
                          "cipher_nos": [], "decisions": 0, "response": None})


def generate(out: Path, scale: int, seed: int = 1934) -> dict:
    """Write `scale` pages into `out`; return the truth about them."""
    out.mkdir(parents=True, exist_ok=True)
    ed = Edition(seed)
    truth = {}
    year, month = 1931, 6
    for k in range(scale):
        page = ed.page(year, month)
        name = f"{k:05d}_{year}-{month:02d}.txt"
        (out / name).write_text("\n".join(page.lines) + "\n", encoding="utf-8")
        truth[name] = page.letters
        month += 1
        if month > 10:  # the summers of the correspondence: June to October, 1931–1936, then again
            year, month = 1931 + (year - 1930) % 6, 6
    (out / "truth.json").write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1934)
    a = ap.parse_args()
    truth = generate(a.out, a.scale, a.seed)
    print(f"{len(truth)} pages, {sum(len(v) for v in truth.values())} letters in {a.out}")


if __name__ == "__main__":
    main()
