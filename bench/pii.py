"""PII detection quality on hand-labelled Vietnamese sentences (tests/data/pii/*.txt).

    python bench/pii.py [FILE ...] [--json]

Sentences mark personal data inline as ``[[kind:text]]``. Reported per type:
- span: exact (kind, start, end) matches — strict;
- char: characters (spaces excluded) inside a span of the right kind — what redaction hides;
- leak: share of labelled characters not covered by any redaction (of any kind).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rag.governance.privacy import PLACEHOLDERS, detect  # noqa: E402

DATA = ROOT / "tests" / "data" / "pii"
_MARK = re.compile(r"\[\[(\w+):(.+?)\]\]")


@dataclass(frozen=True)
class Labelled:
    text: str
    spans: tuple[tuple[str, int, int], ...]  # (kind, start, end)


def parse_line(line: str) -> Labelled:
    """"anh [[name:Nguyễn Văn A]]" → text "anh Nguyễn Văn A" and its span."""
    out, spans, last = [], [], 0
    pos = 0
    for m in _MARK.finditer(line):
        kind, value = m.group(1), m.group(2)
        if kind not in PLACEHOLDERS:
            raise ValueError(f"unknown kind {kind!r} in: {line}")
        out.append(line[last : m.start()])
        pos += m.start() - last
        spans.append((kind, pos, pos + len(value)))
        out.append(value)
        pos += len(value)
        last = m.end()
    out.append(line[last:])
    return Labelled("".join(out), tuple(spans))


def load(path: Path) -> list[Labelled]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse_line(line) for line in lines if line.strip() and not line.startswith("#")]


@dataclass
class Counts:
    span_tp: int = 0
    span_pred: int = 0
    span_gold: int = 0
    char_tp: int = 0
    char_pred: int = 0
    char_gold: int = 0
    char_leaked: int = 0

    @staticmethod
    def _ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "gold_spans": self.span_gold,
            "predicted_spans": self.span_pred,
            "span_precision": self._ratio(self.span_tp, self.span_pred),
            "span_recall": self._ratio(self.span_tp, self.span_gold),
            "char_precision": self._ratio(self.char_tp, self.char_pred),
            "char_recall": self._ratio(self.char_tp, self.char_gold),
            "leak_rate": self._ratio(self.char_leaked, self.char_gold),
        }


@dataclass
class Report:
    sentences: int = 0
    per_kind: dict[str, Counts] = field(default_factory=dict)
    false_positive_sentences: int = 0  # sentences without labels where something was redacted
    clean_sentences: int = 0
    errors: list[dict] = field(default_factory=list)

    def total(self) -> Counts:
        t = Counts()
        for c in self.per_kind.values():
            for k in vars(t):
                setattr(t, k, getattr(t, k) + getattr(c, k))
        return t

    def as_dict(self) -> dict:
        return {
            "sentences": self.sentences,
            "clean_sentences": self.clean_sentences,
            "clean_sentences_with_false_redaction": self.false_positive_sentences,
            "per_type": {k: c.as_dict() for k, c in sorted(self.per_kind.items())},
            "all": self.total().as_dict(),
        }


def _chars(text: str, spans) -> dict[int, str]:
    return {i: kind for kind, s, e in spans for i in range(s, e) if not text[i].isspace()}


def score(items: list[Labelled]) -> Report:
    report = Report(sentences=len(items))
    for item in items:
        predicted = [(s.kind, s.start, s.end) for s in detect(item.text)]
        gold = list(item.spans)
        if not gold:
            report.clean_sentences += 1
            report.false_positive_sentences += bool(predicted)
        for kind in {k for k, _, _ in gold + predicted}:
            c = report.per_kind.setdefault(kind, Counts())
            g = {sp for sp in gold if sp[0] == kind}
            p = {sp for sp in predicted if sp[0] == kind}
            c.span_tp += len(g & p)
            c.span_gold += len(g)
            c.span_pred += len(p)
            gc = {i for i, k in _chars(item.text, gold).items() if k == kind}
            pc_all = _chars(item.text, predicted)
            pc = {i for i, k in pc_all.items() if k == kind}
            c.char_tp += len(gc & pc)
            c.char_gold += len(gc)
            c.char_pred += len(pc)
            c.char_leaked += len(gc - set(pc_all))
        if set(gold) != set(predicted):
            report.errors.append(
                {
                    "text": item.text,
                    "missed": [(k, item.text[s:e]) for k, s, e in set(gold) - set(predicted)],
                    "wrong": [(k, item.text[s:e]) for k, s, e in set(predicted) - set(gold)],
                }
            )
    return report


def format_table(name: str, report: Report) -> str:
    rows = [f"### {name}: {report.sentences} sentences ({report.clean_sentences} without personal data, "
            f"{report.false_positive_sentences} of them wrongly redacted)", "",
            "| type | gold | span P | span R | char P | char R | leaked chars |", "|---|---|---|---|---|---|---|"]

    def fmt(x):
        return "—" if x is None else f"{x:.3f}"

    for kind, c in sorted(report.per_kind.items()):
        d = c.as_dict()
        rows.append(f"| {kind} | {d['gold_spans']} | {fmt(d['span_precision'])} | {fmt(d['span_recall'])} | "
                    f"{fmt(d['char_precision'])} | {fmt(d['char_recall'])} | {fmt(d['leak_rate'])} |")
    d = report.total().as_dict()
    rows.append(f"| **all** | {d['gold_spans']} | {fmt(d['span_precision'])} | {fmt(d['span_recall'])} | "
                f"{fmt(d['char_precision'])} | {fmt(d['char_recall'])} | {fmt(d['leak_rate'])} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list every mismatch")
    args = parser.parse_args(argv)
    files = args.files or sorted(DATA.glob("*.txt"))
    results = {}
    for path in files:
        report = score(load(path))
        results[path.stem] = report
        if args.json:
            continue
        print(format_table(path.stem, report))
        print()
        if args.errors:
            for e in report.errors:
                print(f"- {e['text']}\n    missed={e['missed']} wrong={e['wrong']}")
    held_out = [p for p in files if p.stem.startswith("test")]
    if not args.files and len(held_out) > 1:  # the sets never tuned on, together
        combined = score([item for p in held_out for item in load(p)])
        results["held-out"] = combined
        if not args.json:
            print(format_table(" + ".join(p.stem for p in held_out), combined))
    if args.json:
        print(json.dumps({k: r.as_dict() for k, r in results.items()}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
