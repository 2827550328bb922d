"""The `tthc` command line. Thin: parses arguments, calls rag/ingest, prints results.

Every command takes ``--index DIR`` (or ``TTHC_INDEX_DIR``), exits non-zero with a one-line
reason on misuse, and never prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any, Sequence

from rag.config import Settings, load_settings
from rag.domain import Answer, Badge, Passage
from rag.engine import Engine
from rag.errors import InputError, TthcError

log = logging.getLogger("tthc")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        sys.stderr.write(f"tthc: lỗi tham số / usage error: {message}\n")
        raise SystemExit(2)


def passage_json(rank: int, p: Passage) -> dict[str, Any]:
    u = p.unit
    return {
        "rank": rank,
        "doc": u.document.doc_number or u.document.key,
        "article": u.article_label,
        "clause": u.clause,
        "point": u.point,
        "title": u.article_title,
        "doc_title": u.document.label,
        "score": round(p.score, 6),
        "similarity": None if p.similarity is None else round(p.similarity, 4),
        "text": u.text,
        "source": u.document.source,
        "page": u.page_start,
        **badge_json(p.badge, u.document.status),
        "why": p.why,  # relevance stage: asked intents, features, contributions (None when off)
    }


def badge_json(badge: Badge | None, fallback_status: str) -> dict[str, Any]:
    """Validity of a cited unit: ``status`` (one of the five), ``badge`` (🟢🟡🔴⚪), label, amending docs."""
    if badge is None:
        return {"status": fallback_status, "badge": "⚪", "validity": "Không rõ hiệu lực", "amended_by": [], "notices": []}
    return {"status": badge.status, "badge": badge.symbol, "validity": badge.label, "amended_by": list(badge.amended_by),
            "notices": list(badge.notices)}


def answer_json(a: Answer, resolved: list[Any] | None = None) -> dict[str, Any]:
    from rag.procedures.render import card_json

    return {
        "procedure": card_json(a.procedure, resolved) if a.procedure else None,
        "answer": a.text,
        "abstained": a.abstained,
        "citations": [
            {
                "n": c.n,
                "doc": c.unit.document.doc_number or c.unit.document.key,
                "article": c.unit.article_label,
                "clause": c.unit.clause,
                "point": c.unit.point,
                "citation": c.unit.citation,
                "text": c.unit.text,
                "source": c.unit.document.source,
                "page": c.unit.page_start,
                **badge_json(c.passage.badge, c.unit.document.status),
            }
            for c in a.citations
        ],
        "related": [passage_json(i + 1, p) for i, p in enumerate(a.related)],
        "warnings": list(a.warnings),
        "judgement": a.judgement,  # relevance stage: answered or abstained, reason code and text
        "mode": a.mode,
        "model": a.model or None,
        "query": a.query,
        "verified": a.verified and not a.abstained,
        "sentences": [
            {
                "text": s.text,
                "kind": s.kind,
                "citations": list(s.citations),
                "status": s.status,
                "reasons": list(s.reasons),
                "overlap": s.overlap,
                "spans": [{"n": n, "start": a0, "end": b0} for n, a0, b0 in s.spans],
            }
            for s in a.sentences
        ],
        "question": a.question,
        "redactions": [
            {"type": r.kind, "placeholder": r.placeholder, "start": r.start, "end": r.end} for r in a.redactions
        ],
        "audit_id": a.audit_id,
    }


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _progress(total: int, desc: str, unit: str = "tệp"):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=not sys.stderr.isatty())


# -- commands ------------------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.catalog import record_results
    from ingest.pipeline import Ingestor, discover
    from ingest.progress import ProgressLog, ProgressState
    from ingest.report import report_table

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise TthcError(f"Không tìm thấy: {', '.join(missing)} / path not found")
    engine = Engine(settings, create=True)
    try:
        if args.if_empty and engine.store.exists() and engine.store.document_records():
            print(
                f"Chỉ mục {settings.location} đã có văn bản: bỏ qua {' '.join(args.paths)} / "
                "the index already holds documents: skipped"
            )
            return 0
        ingestor = Ingestor(settings, engine.store, engine.embedder)
        files = discover(paths)
        # A terminal gets the bar; a log file (scheduled jobs: `… > ingest.log 2>&1`) a line
        # every TTHC_PROGRESS_INTERVAL_S seconds with the same numbers.
        lines = None if sys.stderr.isatty() else ProgressLog(
            lambda line: print(line, file=sys.stderr, flush=True), settings.progress_interval_s
        )
        with _progress(len(files), "Nạp văn bản") as bar:

            def page(path: Path, done: int, total: int) -> None:
                bar.set_postfix_str(f"{path.name[:32]} trang {done}/{total}")

            def progress(state: ProgressState) -> None:
                bar.update(state.files_done - bar.n)
                bar.set_postfix_str(
                    f"{state.current[:32]} · {state.units_written} đoạn ({state.units_embedded} nhúng), "
                    f"{state.units_per_s:.0f} đoạn/s"
                )
                if lines is not None:
                    lines(state)

            report = ingestor.ingest(paths, on_page=page, on_progress=progress)
            bar.update(bar.total - bar.n)
            if lines is not None and ingestor.last_progress is not None:
                lines.finish(ingestor.last_progress)
        record_results(settings, report.results)
    finally:
        engine.close()
    if args.json:
        _print_json(report.as_dict())
    else:
        print(report_table(report))
    return 1 if args.strict and report.failed else 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import Ingestor

    engine = Engine(settings)
    try:
        engine.store.meta()  # opens the index (clear error when missing or locked)
        if not engine.store.exists():
            raise TthcError(f"Chỉ mục {settings.location} trống / the index is empty")
        removed = Ingestor(settings, engine.store, engine.embedder).remove(args.doc)
    finally:
        engine.close()
    if not removed:
        raise TthcError(f"Không có văn bản '{args.doc}' trong chỉ mục / no such document")
    if args.json:
        _print_json({"removed": removed})
    else:
        print(f"Đã xóa / removed: {', '.join(removed)}")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the index into another folder on another embedded engine, without re-embedding."""
    from rag.index.migrate import migrate

    bar = _progress(0, "Sao chép chỉ mục", "điểm")
    try:
        report = migrate(
            settings, Path(args.to), args.backend,
            on_total=lambda n: bar.reset(total=n), on_points=bar.update,
        )
    finally:
        bar.close()
    if args.json:
        _print_json(report.as_dict())
    else:
        print(
            f"Đã sao chép / copied {report.total} điểm ({report.source_backend} → {report.target_backend}) "
            f"sang {report.target}. Dùng / use: TTHC_INDEX_DIR={report.target}"
        )
    return 0


def _cli_user(args: argparse.Namespace, engine: Engine):
    """The local operator, optionally acting with a narrower role (``--role clerk``)."""
    from dataclasses import replace

    role = getattr(args, "role", None)
    return replace(engine.local_user, role=role) if role else engine.local_user


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from rag.search.filters import parse_filters

    engine = Engine(settings)
    try:
        passages = engine.search(
            args.question, top_k=args.top_k, filters=parse_filters(args.filter), user=_cli_user(args, engine)
        )
    finally:
        engine.close()
    if args.json:
        _print_json([passage_json(i + 1, p) for i, p in enumerate(passages)])
    else:
        if not passages:
            print("Không tìm thấy đoạn văn bản nào phù hợp / no matching passages")
        for i, p in enumerate(passages, start=1):
            snippet = p.unit.text.replace("\n", " ")[:160]
            badge = f" {p.badge.text}" if p.badge else ""
            print(f"{i}. [{p.score:.4f}] {p.unit.citation}{badge}\n   {snippet}")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from rag.procedures.legal_basis import resolve_basis

    engine = Engine(settings)
    try:
        user = _cli_user(args, engine)
        answer = engine.ask(args.question, mode=args.mode, user=user)
        store = engine.retriever_for(user).store  # legal bases resolve only within the user's access
        resolved = resolve_basis(answer.procedure.legal_basis, store) if answer.procedure else None
    finally:
        engine.close()
    if args.json:
        _print_json(answer_json(answer, resolved))
        return 0
    if answer.procedure:
        from rag.procedures.render import card_text

        print("Thủ tục liên quan / matching procedure card:")
        print(card_text(answer.procedure, resolved))
        print()
    if answer.redactions:
        kinds = ", ".join(dict.fromkeys(r.placeholder for r in answer.redactions))
        print(f"(Đã ẩn dữ liệu cá nhân trước khi xử lý / personal data redacted: {kinds})\n")
    print(answer.text)
    for w in answer.warnings:
        print(f"! {w}")
    if answer.citations:
        print("\nTrích dẫn / citations:")
        for c in answer.citations:
            page = f", trang {c.unit.page_start}" if c.unit.page_start else ""
            badge = f" {c.passage.badge.text}" if c.passage.badge else ""
            print(f"[{c.n}] {c.unit.citation}{page}{badge} — {c.unit.document.source}")
            for notice in c.passage.badge.notices if c.passage.badge else ():
                print(f"    ⚠️ {notice}")
    if answer.related:
        print("\nCó thể liên quan / possibly related:")
        for p in answer.related:
            print(f"- {p.unit.citation}")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from rag.search.evaluation import format_table, load_questions, run_eval, systems, without_diacritics
    from rag.search.filters import parse_filters

    questions = load_questions(Path(args.questions))
    if args.no_diacritics:
        questions = without_diacritics(questions)
    engine = Engine(settings)
    results = []
    try:
        filters = engine.validity_filters(parse_filters(args.filter))  # tinh_trang: as of the configured date
        ranked = systems(engine.retriever, args.baselines, max(args.top_k, 10), filters)
        for name, rank in ranked.items():
            bar = _progress(len(questions), f"Đánh giá {name}")
            results.append(run_eval(questions, rank, on_question=lambda q: bar.update(1), name=name))
            bar.close()
    finally:
        engine.close()  # releases the index folder (embedded engines are single-process)
    if args.output:
        main_runs = results[0].runs
        with open(args.output, "w", encoding="utf-8") as out:
            for q in questions:
                row = {"id": q.id, "retrieved": [{"doc": d, "article": a} for d, a in main_runs[q.id]]}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.json:
        data = results[0].as_dict()
        if len(results) > 1:
            data["baselines"] = [r.as_dict() for r in results[1:]]
        _print_json(data)
    else:
        m = results[0].overall
        print(
            f"n={m.n}  Recall@1={m.r1:.3f}  Recall@5={m.r5:.3f}  "
            f"Recall@10={m.r10:.3f}  MRR@10={m.mrr10:.3f}  nDCG@10={m.ndcg10:.3f}"
        )
        print(format_table(results))
    return 0


def _read_text_arg(value: str) -> str:
    """A text argument, or standard input when it is ``-``."""
    if value == "-":
        return sys.stdin.read()
    return value


def cmd_redact(args: argparse.Namespace, settings: Settings) -> int:
    from rag.governance.privacy import redact

    result = redact(_read_text_arg(args.text))
    if args.json:
        _print_json({"text": result.text, "spans": [s.as_dict() for s in result.spans]})
    else:
        sys.stdout.write(result.text.rstrip("\n") + "\n")
    return 0


def cmd_procedures(args: argparse.Namespace, settings: Settings) -> int:
    from rag.procedures.render import card_json, duration_label

    engine = Engine(settings)
    try:
        hits = engine.procedures.search(args.query, top_k=args.top_k, field=args.field, level=args.level)
    finally:
        engine.close()
    if args.json:
        _print_json([{"rank": i + 1, **card_json(h.procedure, score=h.score)} for i, h in enumerate(hits)])
        return 0
    if not hits:
        print("Không có thủ tục nào trong chỉ mục khớp câu hỏi. / No matching procedure (ingest procedure files first).")
        return 0
    for i, h in enumerate(hits, start=1):
        p = h.procedure
        flag = " [tóm tắt thứ cấp]" if p.secondary else ""
        print(f"{i}. {p.name}{flag}\n   mã {p.code or '—'} · {p.field or '—'} · {p.level or '—'} · "
              f"thời hạn: {duration_label(p) or '—'} · khóa / key: {p.key}")
    return 0


def cmd_procedure(args: argparse.Namespace, settings: Settings) -> int:
    from rag.procedures.legal_basis import resolve_basis
    from rag.procedures.render import card_json, card_text

    engine = Engine(settings)
    try:
        found = engine.procedures.lookup(args.code)
        if len(found) > 1:
            options = "; ".join(f"{p.key} ({p.field}: {p.name[:50]})" for p in found[:8])
            raise InputError(
                f"Mã {args.code} ứng với {len(found)} thủ tục, hãy dùng khóa: {options} / "
                "ambiguous code, use one of these keys"
            )
        if not found:
            raise InputError(f"Không có thủ tục mã {args.code} trong chỉ mục. / No procedure with code {args.code}.")
        card = found[0]
        resolved = resolve_basis(card.legal_basis, engine.store)
    finally:
        engine.close()
    if args.json:
        _print_json(card_json(card, resolved))
    else:
        print(card_text(card, resolved))
    return 0


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from rag.governance.audit import AuditLog, parse_since

    if not Path(settings.audit_db).is_file():
        raise TthcError(f"Chưa có nhật ký kiểm toán tại {settings.audit_db} / no audit log yet")
    audit = AuditLog(settings.audit_db, settings.audit_key)
    if args.action == "verify":
        result = audit.verify()
        for problem in result.problems:
            print(f"! {problem}")
        status = "toàn vẹn / intact" if result.ok else "BỊ THAY ĐỔI / TAMPERED"
        print(f"{result.count} bản ghi / records — {status} — băm cuối / head: {result.head}")
        return 0 if result.ok else 1
    since = parse_since(args.since) if args.since else None
    rows = audit.export(since)
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if not args.output:
        sys.stdout.write(lines)
    else:
        Path(args.output).write_text(lines, encoding="utf-8")
        print(f"Đã xuất {len(rows)} bản ghi vào {args.output} / exported {len(rows)} records")
    return 0


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    from rag.governance.access import ROLE_LABELS, AccountStore

    accounts = AccountStore(settings.accounts_file)
    if args.action == "list":
        for u in accounts.users():
            print(f"{u.name}\t{u.role}\t{ROLE_LABELS.get(u.role, u.role)}\t{u.display_name}")
        return 0
    if not args.name:
        raise TthcError("Cần tên đăng nhập / user name required")
    if args.action == "remove":
        if not accounts.remove(args.name):
            raise TthcError(f"Không có tài khoản {args.name} / no such user")
        print(f"Đã xóa / removed: {args.name}")
        return 0
    password = None
    if not args.sso:
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            import getpass

            password = getpass.getpass("Mật khẩu / password: ")
            if getpass.getpass("Nhập lại / again: ") != password:
                raise TthcError("Hai lần nhập mật khẩu không khớp / passwords differ")
    user = accounts.add(args.name, args.role, password, args.display_name or "")
    print(f"Đã lưu tài khoản / saved: {user.name} ({user.role}) → {settings.accounts_file}")
    return 0


def cmd_validity(args: argparse.Namespace, settings: Settings) -> int:
    from rag.validity.relations import RELATION_KINDS

    engine = Engine(settings)
    try:
        registry = engine.validity
        record = registry.find(args.doc)
        if record is None:
            raise TthcError(
                f"Không tìm thấy văn bản '{args.doc}' trong chỉ mục (nhập số hiệu, ví dụ 23/2015/NĐ-CP, hoặc tên) / "
                "document not in the index"
            )
        data = registry.record(record.key, settings.as_of).as_dict()
    finally:
        engine.close()
    if args.json:
        _print_json(data)
        return 0
    src = data["sources"]
    print(f"{data['label']} (tính đến ngày / as of {data['as_of']})")
    print(f"  Tình trạng / status: {data['status']}  ← {src.get('status') or '—'}")
    print(f"  Hiệu lực từ / effective from: {data['effective_from'] or '—'}  ← {src.get('effective_from') or '—'}")
    print(f"  Hết hiệu lực / effective to: {data['effective_to'] or '—'}  ← {src.get('effective_to') or '—'}")
    names = {"amends": "Sửa đổi", "amended_by": "Được sửa đổi bởi", "replaces": "Thay thế / bãi bỏ",
             "replaced_by": "Bị thay thế bởi", "guides": "Hướng dẫn"}
    for kind in RELATION_KINDS:
        for rel in data[kind]:
            articles = f" (Điều {', '.join(rel['articles'])})" if rel["articles"] else ""
            when = f", từ {rel['date']}" if rel["date"] else ""
            print(f"  {names[kind]} / {kind}: {rel['doc']}{articles}{when}  ← {rel['source']}")
    if data["note"]:
        print(f"  Ghi chú / note: {data['note']}")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    if args.file == "-":
        text = sys.stdin.read()
    else:
        path = Path(args.file)
        if not path.is_file():
            raise TthcError(f"Không tìm thấy tệp {args.file} / file not found")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TthcError(f"{args.file}: không phải UTF-8 / not valid UTF-8") from exc
    engine = Engine(settings)
    try:
        results = engine.check(text, user=_cli_user(args, engine))
    finally:
        engine.close()
    if not results:
        sys.stderr.write("tthc: không tìm thấy trích dẫn nào (Điều … + số hiệu/tên văn bản) / no citations found\n")
    if args.summary:
        for r in results:
            badge = f" {r.badge.symbol}" if r.badge else ""
            print(f"[{r.verdict}]{badge} {r.text}: {r.evidence}" + (f" → {r.suggestion}" if r.suggestion else ""))
            for notice in r.badge.notices if r.badge else ():
                print(f"    ⚠️ {notice}")
    else:
        _print_json([r.as_dict() for r in results])
    return 0


def _validity_flags(p: argparse.ArgumentParser, filter_flag: bool = True) -> None:
    if filter_flag:
        p.add_argument("--in-force", action="store_true", help="chỉ văn bản còn hiệu lực / only units in force")
    p.add_argument("--as-of", help="tính hiệu lực tại ngày YYYY-MM-DD / validity as of a date")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tthc", description="Trợ lý thủ tục hành chính có trích dẫn / TTHC assistant")
    parser.add_argument("--index", help="thư mục chỉ mục / index folder (TTHC_INDEX_DIR)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--index", dest="sub_index", help=argparse.SUPPRESS)
        return p

    p = add("ingest", "nạp văn bản / ingest files or folders")
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--strict", action="store_true", help="exit 1 if any file failed")
    p.add_argument(
        "--if-empty",
        action="store_true",
        help="chỉ nạp khi chỉ mục chưa có văn bản (bộ văn bản khởi đầu của make run) / only into an empty index",
    )
    p.set_defaults(func=cmd_ingest)

    roles = ("clerk", "leader", "admin")
    filter_help = (
        "lọc văn bản / filter, KHÓA=GIÁ_TRỊ[|GIÁ_TRỊ…], lặp lại được: loai, co_quan, so_hieu, "
        "tinh_trang, tu_ngay, den_ngay (vd. loai='Luật|Nghị định' tu_ngay=2015)"
    )
    p = add("remove", "xóa một văn bản khỏi chỉ mục / remove a document (số hiệu, key or file path)")
    p.add_argument("doc")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_remove)

    p = add("migrate", "sao chép chỉ mục sang bộ máy khác, không nhúng lại / copy the index to another engine")
    p.add_argument("--to", required=True, help="thư mục chỉ mục mới / new index folder")
    p.add_argument("--backend", choices=["edge", "local"], default="edge")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = add("search", "tìm đoạn văn bản / search passages")
    p.add_argument("question")
    p.add_argument("--role", choices=roles, help="xem như vai trò này / act with this role's access")
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE", help=filter_help)
    p.add_argument("--json", action="store_true")
    _validity_flags(p)
    p.set_defaults(func=cmd_search)

    p = add("ask", "hỏi đáp có trích dẫn / answer with citations")
    p.add_argument("question")
    p.add_argument(
        "--mode", choices=["extractive", "llm"], help="trích nguyên văn hoặc mô hình ngôn ngữ / answer mode"
    )
    p.add_argument("--role", choices=roles, help="xem như vai trò này / act with this role's access")
    p.add_argument("--json", action="store_true")
    _validity_flags(p)
    p.set_defaults(func=cmd_ask)

    p = add("eval", "đánh giá truy hồi / retrieval evaluation")
    p.add_argument("questions")
    p.add_argument("--top-k", type=int, default=10)
    p.add_argument("--output")
    p.add_argument("--baselines", action="store_true", help="so với BM25 (bm25s) và chỉ dense / compare with baselines")
    p.add_argument("--no-diacritics", action="store_true", help="bỏ dấu câu hỏi trước khi tìm / strip diacritics first")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE", help=filter_help)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)

    p = add("redact", "ẩn dữ liệu cá nhân / redact personal data (TEXT or - for stdin)")
    p.add_argument("text")
    p.add_argument("--json", action="store_true", help="the spans found, with their types")
    p.set_defaults(func=cmd_redact)

    p = add("procedures", "tìm thủ tục hành chính / search procedure cards")
    p.add_argument("query")
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--field", help="lĩnh vực, ví dụ 'Hộ tịch' / field filter")
    p.add_argument("--level", help="cấp thực hiện, ví dụ 'cấp xã' / agency level filter")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_procedures)

    p = add("procedure", "xem một thủ tục theo mã / show one procedure card")
    p.add_argument("code", help="mã thủ tục, mã hiệu quy trình hoặc khóa / code or key")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_procedure)

    p = add("check", "kiểm tra trích dẫn / check the legal citations of a text (FILE or - for stdin)")
    p.add_argument("file")
    p.add_argument("--summary", action="store_true", help="một dòng mỗi trích dẫn / one line per citation")
    p.add_argument("--json", action="store_true", help="JSON (mặc định) / JSON output (the default)")
    p.add_argument("--role", choices=roles, help="xem như vai trò này / act with this role's access")
    _validity_flags(p, filter_flag=False)
    p.set_defaults(func=cmd_check)

    p = add("validity", "hiệu lực của văn bản / validity of a document and where each field came from")
    p.add_argument("doc", help="số hiệu, khóa hoặc tên / doc number, key or name")
    p.add_argument("--json", action="store_true")
    _validity_flags(p, filter_flag=False)
    p.set_defaults(func=cmd_validity)

    p = add("audit", "nhật ký kiểm toán / audit trail: verify | export --since DATE")
    p.add_argument("action", choices=("verify", "export"))
    p.add_argument("--since", help="từ ngày / from date (YYYY-MM-DD)")
    p.add_argument("--output", help="tệp JSONL / output file (default: stdout)")
    p.set_defaults(func=cmd_audit)

    p = add("user", "tài khoản / local accounts: add | list | remove")
    p.add_argument("action", choices=("add", "list", "remove"))
    p.add_argument("name", nargs="?")
    p.add_argument("--role", choices=roles, default="clerk")
    p.add_argument("--display-name")
    p.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ stdin / read password from stdin")
    p.add_argument("--sso", action="store_true", help="tài khoản đăng nhập một lần, không mật khẩu / SSO identity")
    p.set_defaults(func=cmd_user)
    return parser


def _as_of(value: str | None) -> str | None:
    from rag.validity.relations import parse_date

    if value is None:
        return None
    parsed = parse_date(value)
    if not parsed:
        raise TthcError(f"Ngày '{value}' không hợp lệ: dùng YYYY-MM-DD / invalid date (use YYYY-MM-DD)")
    return parsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if getattr(args, "top_k", 1) is not None and getattr(args, "top_k", 1) < 1:
        parser.error("--top-k phải ≥ 1 / must be >= 1")
    try:
        settings = load_settings(
            index_dir=args.sub_index or args.index,
            as_of=_as_of(getattr(args, "as_of", None)),
            in_force_only=getattr(args, "in_force", None) or None,
        )
        return args.func(args, settings)
    except TthcError as exc:
        sys.stderr.write(f"tthc: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("tthc: đã dừng / interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
