"""The load test itself: bounded, in-process, and every concurrent answer is correct."""

from __future__ import annotations

import json

from bench.load import main


def test_concurrent_questions_all_succeed_within_bounds(index_env, capsys):
    assert main(["--mode", "ask", "--concurrency", "1", "4", "--requests", "8", "--seconds", "120", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["units"] > 300 and summary["rss_mb"] > 0
    for level in summary["levels"]:
        assert level["errors"] == 0 and level["completed"] == 8
        assert 0 < level["p50_ms"] <= level["p95_ms"] and level["throughput_qps"] > 0


def test_time_bound_stops_the_run(index_env, capsys):
    assert main(["--mode", "search", "--concurrency", "2", "--requests", "10000", "--seconds", "3", "--json"]) == 0
    level = json.loads(capsys.readouterr().out)["levels"][0]
    assert level["completed"] < 10000 and level["wall_s"] < 30


def test_out_of_bounds_arguments_are_refused(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["--concurrency", "500"])
