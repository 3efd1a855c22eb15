"""The data feature (PROTOCOL.md §8) through InMemoryHost, whose DataHost answers data/* as dltaf does."""

from __future__ import annotations

import json
import os
import time
from typing import Any, Callable, Iterator

import pytest

from dltaf_plugin import Call, DataError, DataUnsupported, Plugin, RpcError
from dltaf_plugin._testing_data import parse_csv
from dltaf_plugin.testing import InMemoryHost

Runner = Callable[[Call], Any]

TRICKY = [
    {"id": 1, "text": "a,b", "note": None},
    {"id": 2, "text": 'say "hi"', "note": ""},
    {"id": 3, "text": "two\nlines\r\nand\rmore", "note": "x"},
    {"id": 4, "text": "ünïcødé ✓ 日本", "note": " "},
    {"id": 5, "text": "", "note": None},
]


def plugin_with(runner: Runner, **options: Any) -> Plugin:
    plugin = Plugin("data-test", "1.0.0", heartbeat_seconds=None, cancel_grace_seconds=0.5, **options)
    plugin.runner("rows")(runner)
    return plugin


def data_host(runner: Runner, **init: Any) -> InMemoryHost:
    host = InMemoryHost(plugin_with(runner))
    init.setdefault("features", ["data.v1"])
    host.initialize(**init)
    return host


def writes(host: InMemoryHost) -> list[dict[str, Any]]:
    assert host.data is not None
    return [params for method, params in host.data.requests if method == "data/write"]


def wait_until(ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 5
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


# -- negotiation -------------------------------------------------------------------------------------------


def test_data_v1_is_advertised_only_when_the_host_offers_it() -> None:
    def run(call: Call) -> Any:
        return None

    with InMemoryHost(plugin_with(run)) as host:
        assert host.initialize(features=["data.v1", "future.v9"])["features"] == ["data.v1"]
    with InMemoryHost(plugin_with(run)) as host:
        assert host.initialize()["features"] == []
    with InMemoryHost(plugin_with(run, data=False)) as host:
        assert host.initialize(features=["data.v1"])["features"] == []


def test_without_the_feature_the_data_api_raises_a_clear_error() -> None:
    seen: dict[str, Any] = {}

    def run(call: Call) -> Any:
        seen["enabled"] = call.data_enabled
        with pytest.raises(DataUnsupported) as caught:
            call.write("orders", [{"id": 1}])
        seen["error"] = caught.value
        call.checkpoint()  # uncaught: fails the call

    with InMemoryHost(plugin_with(run)) as host:
        host.initialize()
        with pytest.raises(RpcError) as failed:
            host.call("runner/run", {"kind": "rows"})
    assert seen["enabled"] is False
    assert "does not support the data feature (data.v1)" in seen["error"].message
    assert (seen["error"].category, seen["error"].code) == ("DEPENDENCY", "data_unsupported")
    assert failed.value.code == -32000 and failed.value.data["code"] == "data_unsupported"
    assert not [m for m in host.received if m.get("method", "").startswith("data/")]


# -- batching ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["ndjson", "csv", "inline"])
def test_a_generator_is_cut_into_batches_of_batch_rows(transport: str) -> None:
    def generate() -> Iterator[dict[str, Any]]:
        for i in range(250):
            yield {"id": i, "name": f"n{i}"}

    def run(call: Call) -> Any:
        call.data_options(transport=transport, batch_rows=100)
        return {"message": str(call.write("orders", generate()))}

    with data_host(run) as host:
        assert host.call("runner/run", {"kind": "rows"})["message"] == "250"
        sent = writes(host)
        assert host.data is not None
        rows = host.data.rows("orders")
        assert [r["id"] for r in rows] == [str(i) if transport == "csv" else i for i in range(250)]
        spool = host.data.spool_dir
        assert os.listdir(spool) == []  # the host deleted every file it loaded
    if transport == "inline":
        assert [len(w["rows"]["values"]) for w in sent] == [100, 100, 50]
        assert sent[0]["rows"]["columns"] == ["id", "name"]
    else:
        assert [w["file"]["format"] for w in sent] == [transport] * 3
        assert all(os.path.dirname(w["file"]["path"]) == spool for w in sent)


def test_many_small_writes_share_one_batch_and_open_is_implicit_with_first_row_types() -> None:
    def run(call: Call) -> Any:
        for page in range(10):
            call.write("orders", [{"id": page * 3 + i, "price": 1.5, "ok": True, "tags": ["a"]} for i in range(3)])
        call.write("orders", {"id": 30, "price": None, "ok": False, "tags": []})  # one dict is one row

    with data_host(run) as host:
        host.call("runner/run", {"kind": "rows"})
        assert host.data is not None
        opens = [p for m, p in host.data.requests if m == "data/open"]
        assert opens == [
            {
                "stream": "orders",
                "columns": [
                    {"name": "id", "type": "bigint"},
                    {"name": "price", "type": "double"},
                    {"name": "ok", "type": "bool"},
                    {"name": "tags", "type": "json"},
                ],
            }
        ]
        assert len(writes(host)) == 1
        assert len(host.data.rows("orders")) == 31


def test_inline_rows_with_new_and_missing_keys_add_columns_and_nulls() -> None:
    def run(call: Call) -> Any:
        call.data_options(transport="inline")
        call.write("s", [{"a": 1, "b": 2}, {"a": 3}, {"a": 4, "b": 5, "c": 6}, {"c": 7}])

    with data_host(run) as host:
        host.call("runner/run", {"kind": "rows"})
        assert [w["rows"] for w in writes(host)] == [
            {"columns": ["a", "b"], "values": [[1, 2], [3, None]]},
            {"columns": ["a", "b", "c"], "values": [[4, 5, 6], [None, None, 7]]},
        ]


def test_inline_lines_are_split_to_fit_max_line_bytes() -> None:
    def run(call: Call) -> Any:
        call.data_options(transport="inline", batch_rows=1000)
        call.write("s", ({"id": i, "text": "x" * 50} for i in range(1000)))

    with data_host(run, limits={"max_line_bytes": 8000}) as host:
        host.call("runner/run", {"kind": "rows"})
        assert host.data is not None
        assert len(host.data.rows("s")) == 1000
        lines = [m for m in host.received if m.get("method") == "data/write"]
        assert len(lines) > 1
        assert all(len(json.dumps(m, separators=(",", ":"), ensure_ascii=False)) < 8000 for m in lines)


def test_sequences_with_columns() -> None:
    def run(call: Call) -> Any:
        call.write("s", [(1, "a"), (2, "b")], columns=["id", "name"])

    with data_host(run) as host:
        host.call("runner/run", {"kind": "rows"})
        assert host.data is not None
        assert host.data.rows("s") == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]


# -- file formats ------------------------------------------------------------------------------------------


def held_files(transport: str, rows: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """The spool files' text as the host receives them, and the rows it loads from them."""

    def run(call: Call) -> Any:
        call.data_options(transport=transport)
        call.write("s", rows)

    with data_host(run) as host:
        assert host.data is not None
        host.data.hold()
        request_id = host.request("runner/run", {"kind": "rows"})
        wait_until(lambda: len(writes(host)) == 0 and host.data is not None and host.data.held() == 2, "2 requests")
        paths = [m["params"]["file"]["path"] for m in host.received if m.get("method") == "data/write"]
        texts = [open(path, encoding="utf-8", newline="").read() for path in paths]
        host.data.release()
        assert "result" in host.response(request_id)
        return texts, host.data.rows("s")


def test_csv_files_quote_commas_quotes_newlines_and_tell_null_from_empty() -> None:
    [text], loaded = held_files("csv", TRICKY)
    records = parse_csv(text)
    assert records[0] == ["id", "text", "note"]
    assert records[1:] == [
        ["1", "a,b", None],
        ["2", 'say "hi"', ""],
        ["3", "two\nlines\r\nand\rmore", "x"],
        ["4", "ünïcødé ✓ 日本", " "],
        ["5", "", None],
    ]
    assert ',"say ""hi""",""\r\n' in text  # quotes doubled; the empty string quoted
    assert text.splitlines()[1].endswith("a,b\",") or text.splitlines()[1].endswith('"a,b",')  # NULL: nothing
    assert loaded[1] == {"id": "2", "text": 'say "hi"', "note": ""} and loaded[0]["note"] is None


def test_csv_writes_booleans_objects_and_dates_as_the_host_reads_them() -> None:
    import datetime
    import decimal

    row = {
        "flag": True,
        "obj": {"k": [1, "a,b"]},
        "when": datetime.datetime(2025, 1, 31, 12, 0, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2025, 1, 31),
        "amount": decimal.Decimal("12.3400"),
        "blob": b"\x00\xff",
    }
    [text], loaded = held_files("csv", [row])
    assert loaded == [
        {
            "flag": "true",
            "obj": '{"k":[1,"a,b"]}',
            "when": "2025-01-31T12:00:00+00:00",
            "day": "2025-01-31",
            "amount": "12.3400",
            "blob": "AP8=",
        }
    ]


def test_ndjson_files_keep_values_and_types_exactly() -> None:
    rows = TRICKY + [{"id": 6, "text": "},\n{", "note": [{"nested": True}, {"x": None}]}]
    texts, loaded = held_files("ndjson", rows)
    assert loaded == rows
    lines = texts[0].split("\n")
    assert lines[-1] == "" and [json.loads(line) for line in lines[:-1]] == rows  # one object per line


# -- in-flight requests, answers and errors -------------------------------------------------------------------


def test_two_requests_stay_in_flight_and_the_runner_waits_for_the_oldest_answer() -> None:
    produced: list[int] = []

    def generate() -> Iterator[dict[str, Any]]:
        for i in range(5000):
            produced.append(i)
            yield {"id": i}

    def run(call: Call) -> Any:
        call.data_options(transport="inline", batch_rows=100)
        call.write("s", generate())

    with data_host(run) as host:
        assert host.data is not None
        host.data.hold()
        request_id = host.request("runner/run", {"kind": "rows"})
        wait_until(lambda: host.data is not None and host.data.held() == 2, "two requests in flight")
        time.sleep(0.2)  # a third request would be sent by now if the runner did not wait
        assert host.data.held() == 2  # data/open and the first batch
        assert len(produced) < 5000  # the generator is not drained ahead of the host
        host.data.release()
        assert host.response(request_id)["result"]["status"] == "success"
        assert [m for m, _ in host.data.requests] == ["data/open"] + ["data/write"] * 50
        assert len(host.data.rows("s")) == 5000


def test_a_host_error_raises_a_typed_data_error_in_the_runner() -> None:
    caught: dict[str, Any] = {}

    def run(call: Call) -> Any:
        call.data_options(transport="inline", batch_rows=10)
        try:
            call.write("s", ({"id": i} for i in range(100)))
        except DataError as error:
            caught["error"] = error
        with pytest.raises(DataError):  # the data API stays failed
            call.write("s", [{"id": 1}])
        return {"status": "failed", "message": str(caught["error"])}

    with data_host(run) as host:
        assert host.data is not None
        host.data.fail("data/write", "destination_failed", "CONNECTIVITY", retryable=True, message="db gone", after=2)
        assert host.call("runner/run", {"kind": "rows"})["status"] == "failed"
        assert host.data.rows("s") == []  # a failed run commits nothing
    error = caught["error"]
    assert (error.code, error.category, error.retryable) == ("destination_failed", "CONNECTIVITY", True)
    assert (error.rpc_code, error.method, error.stream) == (-32000, "data/write", "s")
    assert "db gone" in error.message


def test_an_uncaught_data_error_fails_runner_run_with_its_category_and_code() -> None:
    def run(call: Call) -> Any:
        call.write("s", [{"id": 1}])  # pending until the runner returns

    with data_host(run) as host:
        assert host.data is not None
        host.data.fail("data/write", "schema_contract", message="new column 'id' under freeze")
        with pytest.raises(RpcError) as failed:
            host.call("runner/run", {"kind": "rows"})
    assert failed.value.code == -32000
    assert failed.value.data == {"category": "DATA", "code": "schema_contract", "retryable": False}


def test_open_explicitly_and_twice() -> None:
    answers: list[Any] = []

    def run(call: Call) -> Any:
        answers.append(call.open("Orders 2025", table="orders", columns=[{"name": "id", "type": "bigint"}, "note"],
                                 primary_key=["id"], write_disposition="merge"))
        with pytest.raises(DataError) as twice:
            call.open("Orders 2025")
        answers.append(twice.value.code)
        call.write("Orders 2025", [{"note": "n", "id": 1}])

    with data_host(run) as host:
        host.call("runner/run", {"kind": "rows"})
        assert host.data is not None
        assert host.data.requests[0] == (
            "data/open",
            {"stream": "Orders 2025", "table": "orders", "primary_key": ["id"], "write_disposition": "merge",
             "columns": [{"name": "id", "type": "bigint"}]},
        )
        assert host.data.rows("Orders 2025") == [{"id": 1, "note": "n"}]
    assert answers == [{"stream": "Orders 2025", "table": "orders", "state": None}, "stream_already_open"]


# -- checkpoints, state and the end of the run ------------------------------------------------------------


def test_checkpoint_flushes_first_and_state_arrives_in_the_next_run() -> None:
    seen: list[Any] = []

    def run(call: Call) -> Any:
        seen.append((call.pipeline_state, call.stream_state("s"), call.data["load_id"] if call.data else None))
        call.write("s", [{"id": 1}, {"id": 2}])
        seen.append(call.checkpoint(state={"cursor": 2}, streams={"s": {"last": 2}}))
        seen.append((call.pipeline_state, call.stream_state("s")))
        call.write("s", [{"id": 3}])

    with data_host(run) as host:
        host.call("runner/run", {"kind": "rows"})
        host.call("runner/run", {"kind": "rows"})
        assert host.data is not None
        assert [r["id"] for r in host.data.tables["s"]] == [1, 2, 3]  # replace: the second run replaced the first
    load_id = "00000000-0000-4000-8000-000000000000"
    assert seen[0] == (None, None, load_id)
    assert seen[1] == {"load_id": load_id, "checkpoint": 1, "rows": {"s": 2}}
    assert seen[2] == ({"cursor": 2}, {"last": 2})
    assert seen[3] == ({"cursor": 2}, {"last": 2}, load_id)  # the second run starts from the committed state


def test_pending_rows_are_sent_before_the_runner_run_answer() -> None:
    def run(call: Call) -> Any:
        call.write("s", [{"id": 1}])
        return {"message": "done"}

    with data_host(run) as host:
        assert host.call("runner/run", {"kind": "rows"})["message"] == "done"
        order = [m.get("method") or "answer" for m in host.received if m.get("id") is not None][1:]
        assert order == ["data/open", "data/write", "answer"]
        assert host.data is not None and host.data.rows("s") == [{"id": 1}]


def test_a_failing_runner_sends_nothing_pending_and_leaves_no_spool_file() -> None:
    def run(call: Call) -> Any:
        call.write("s", [{"id": 1}])
        raise RuntimeError("boom")

    with data_host(run) as host:
        with pytest.raises(RpcError):
            host.call("runner/run", {"kind": "rows"})
        assert writes(host) == []
        assert host.data is not None and os.listdir(host.data.spool_dir) == []


def test_write_file_hands_over_an_author_file_and_refuses_paths_outside_the_spool(tmp_path: Any) -> None:
    def run(call: Call) -> Any:
        path = call.spool_file(".csv")
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write('id,name\r\n1,"a,b"\r\n2,\r\n')
        call.write_file("s", path, "csv")
        with pytest.raises(ValueError, match="not directly inside the spool"):
            call.write_file("s", str(tmp_path / "x.csv"), "csv")

    with data_host(run) as host:
        host.call("runner/run", {"kind": "rows"})
        assert host.data is not None
        assert host.data.rows("s") == [{"id": "1", "name": "a,b"}, {"id": "2", "name": None}]


def test_cancel_while_waiting_for_an_answer_is_32800() -> None:
    def run(call: Call) -> Any:
        call.data_options(in_flight=1)
        call.write("s", [{"id": 1}])
        call.checkpoint()

    with data_host(run) as host:
        assert host.data is not None
        host.data.hold()
        request_id = host.request("runner/run", {"kind": "rows"})
        wait_until(lambda: host.data is not None and host.data.held() == 1, "data/open")
        host.cancel(request_id)
        assert host.response(request_id)["error"]["code"] == -32800
        host.data.release()
