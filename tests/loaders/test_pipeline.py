"""Loading files end to end: every bad input is reported with its place and leaves the store as
it was; good inputs land in their own graph, atomically, with a provenance record."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat

from graph.errors import NotFoundError, ParameterError
from graph.results import SelectResult
from graph.store import OxigraphStore
from loaders.pipeline import Progress, Report, detect_kind, load_paths, validate_paths
from loaders.rows import TableLoader

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

CLUSTERS_HEADER = "cluster_id,name,region,sectors,sme_members\n"


def dump(store: OxigraphStore) -> list[str]:
    """Every quad of the store as sorted N-Quads lines."""
    output = io.BytesIO()
    store.dump(output, RdfFormat.N_QUADS)
    return sorted(output.getvalue().decode().splitlines())


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def rejected(store: OxigraphStore, paths: list[Path], kind: str | None = None) -> Report:
    """Load ``paths``, expecting failure; assert that the store did not change at all."""
    before = dump(store)
    report = load_paths(store, paths, kind)
    assert not report.ok
    assert report.problems
    assert dump(store) == before
    return report


def messages(report: Report) -> list[str]:
    return [str(p) for p in report.problems]


def count(store: OxigraphStore, graph: str) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, SelectResult)
    value = result.rows[0][0]
    assert value is not None
    return int(value.value)


# -- bad inputs ----------------------------------------------------------------------------------


def test_truncated_csv_names_the_line_of_the_open_quote(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    path = write(tmp_path, "clusters.csv", CLUSTERS_HEADER + 'c1,One,AT31,C28,3\nc2,"Two,ITC4')
    report = rejected(reference_store, [path])
    assert any(m.startswith("clusters.csv:3:") and "never closed" in m for m in messages(report))


def test_short_row_says_which_columns_have_no_value(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    path = write(tmp_path, "clusters.csv", CLUSTERS_HEADER + "c1,One,AT31\n")
    report = rejected(reference_store, [path])
    assert any(
        m.startswith("clusters.csv:2:") and "sectors, sme_members" in m for m in messages(report)
    )


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_wrong_delimiter_is_named(
    reference_store: OxigraphStore, tmp_path: Path, delimiter: str, name: str
) -> None:
    text = CLUSTERS_HEADER.replace(",", delimiter) + delimiter.join(["c1", "One", "AT31", "", ""])
    report = rejected(reference_store, [write(tmp_path, "clusters.csv", text)], "clusters")
    assert messages(report) == [
        f"clusters.csv:1: the file is {name}-separated; s3kg reads comma-separated CSV: export it "
        "again with ',' as the delimiter (in Excel: 'CSV UTF-8 (comma delimited)') or save it as "
        "XLSX"
    ]


def test_latin1_bytes_give_line_and_byte_column(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    data = (CLUSTERS_HEADER + "c1,Cluster Zürich,AT31,,\n").encode("latin-1")
    report = rejected(reference_store, [write(tmp_path, "clusters.csv", data)])
    [message] = messages(report)
    assert message.startswith("clusters.csv:2:13: byte 0xFC is not valid UTF-8")
    assert "re-save it as UTF-8" in message


def test_bom_is_accepted(reference_store: OxigraphStore, tmp_path: Path) -> None:
    data = "\ufeff".encode() + (CLUSTERS_HEADER + "c1,One,AT31,C28,3\n").encode()
    report = load_paths(reference_store, [write(tmp_path, "clusters.csv", data)])
    assert report.ok, messages(report)
    assert report.files[0].rows == 1


def test_missing_column_is_reported(reference_store: OxigraphStore, tmp_path: Path) -> None:
    path = write(tmp_path, "clusters.csv", "cluster_id,name,sectors\nc1,One,C28\n")
    report = rejected(reference_store, [path], "clusters")
    assert messages(report) == ["clusters.csv:1: region: required column missing"]


def test_renamed_column_suggests_the_expected_name(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    path = write(tmp_path, "clusters.csv", "cluster_id,nmae,region\nc1,One,AT31\n")
    report = rejected(reference_store, [path])
    assert messages(report)[0].startswith(
        "clusters.csv:1:2: nmae: unknown column; did you mean name?"
    )
    assert (
        "clusters.csv:1: name: required column missing; is 'nmae' meant to be 'name'?"
        in messages(report)
    )


def test_empty_file(reference_store: OxigraphStore, tmp_path: Path) -> None:
    report = rejected(reference_store, [write(tmp_path, "clusters.csv", "")], "clusters")
    assert messages(report) == ["clusters.csv: the file is empty"]


def test_ten_megabyte_line_is_reported_not_read(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    text = CLUSTERS_HEADER + "c1,One,AT31,C28," + "9" * 10_000_000 + "\nc2,Two,ITC4,,\n"
    report = rejected(reference_store, [write(tmp_path, "clusters.csv", text)])
    [message] = messages(report)
    assert message.startswith("clusters.csv:2: a value is longer than 1,048,576 characters")


def test_duplicate_ids_name_both_lines(reference_store: OxigraphStore, tmp_path: Path) -> None:
    text = CLUSTERS_HEADER + "c1,One,AT31,,\nc2,Two,AT31,,\nc1,Again,ITC4,,\n"
    report = rejected(reference_store, [write(tmp_path, "clusters.csv", text)])
    assert messages(report) == [
        "clusters.csv:4:1: cluster_id: duplicate id 'c1': already used on line 2"
    ]


def test_duplicate_ids_found_past_the_ids_kept_in_memory(
    reference_store: OxigraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("loaders.seen.IN_MEMORY", 2)
    rows = "".join(f"c{n},Cluster {n},AT31,,\n" for n in range(1, 6))
    text = CLUSTERS_HEADER + rows + "c4,Again,ITC4,,\nc1,Again,ITC4,,\n"
    report = rejected(reference_store, [write(tmp_path, "clusters.csv", text)])
    assert messages(report) == [
        "clusters.csv:7:1: cluster_id: duplicate id 'c4': already used on line 5",
        "clusters.csv:8:1: cluster_id: duplicate id 'c1': already used on line 2",
    ]


def test_unknown_nuts_code_suggests_close_ones(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    path = write(tmp_path, "clusters.csv", CLUSTERS_HEADER + "c1,One,ITC9,,\n")
    report = rejected(reference_store, [path])
    assert messages(report) == [
        "clusters.csv:2:3: region: unknown NUTS code 'ITC9'; did you mean ITC4 or ITC1?"
    ]


def test_unknown_nace_code_suggests_close_ones(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    path = write(tmp_path, "clusters.csv", CLUSTERS_HEADER + "c1,One,AT31,C28;C28.31,\n")
    report = rejected(reference_store, [path])
    [message] = messages(report)
    assert message.startswith(
        "clusters.csv:2:4: sectors: item 2: unknown NACE Rev. 2 code 'C28.31'; did you mean 28.3"
    )


def test_date_in_wrong_format(reference_store: OxigraphStore, tmp_path: Path) -> None:
    text = (
        "call_id,title,programme,region,opening_date,closing_date\n"
        "c1,Call,ERDF,ITC4,2025-03-01,30/06/2025\n"
    )
    report = rejected(reference_store, [write(tmp_path, "calls.csv", text)])
    assert messages(report) == [
        "calls.csv:2:6: closing_date: '30/06/2025' is not an ISO date; write dates as YYYY-MM-DD "
        "(2025-06-30 if it means 30 June 2025)"
    ]


def test_closing_before_opening(reference_store: OxigraphStore, tmp_path: Path) -> None:
    text = (
        "call_id,title,programme,region,opening_date,closing_date\n"
        "c1,Call,ERDF,ITC4,2025-03-01,2025-02-01\n"
    )
    report = rejected(reference_store, [write(tmp_path, "calls.csv", text)])
    assert messages(report) == [
        "calls.csv:2:6: closing_date: 2025-02-01 is before opening_date 2025-03-01"
    ]


def test_negative_budget(reference_store: OxigraphStore, tmp_path: Path) -> None:
    text = (
        "call_id,title,programme,region,opening_date,closing_date,budget_eur\n"
        "c1,Call,ERDF,ITC4,2025-03-01,2025-06-30,-100\n"
    )
    report = rejected(reference_store, [write(tmp_path, "calls.csv", text)])
    assert messages(report) == ["calls.csv:2:7: budget_eur: must be 0 or more, got '-100'"]


def test_malformed_rdf_gives_the_parser_position(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    text = '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "open .\n'
    report = rejected(reference_store, [write(tmp_path, "extra.ttl", text)])
    [message] = messages(report)
    assert message.startswith("extra.ttl:3:11: not valid RDF: Parser error")


def test_xlsx_with_a_missing_sheet(reference_store: OxigraphStore, tmp_path: Path) -> None:
    broken = tmp_path / "clusters.xlsx"
    with (
        zipfile.ZipFile(EXAMPLES / "xlsx" / "clusters.xlsx") as source,
        zipfile.ZipFile(broken, "w") as target,
    ):
        for item in source.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                target.writestr(item, source.read(item.filename))
    report = rejected(reference_store, [broken], "clusters")
    [message] = messages(report)
    assert message == "clusters.xlsx: the workbook has no worksheet"


def test_path_that_does_not_exist(reference_store: OxigraphStore, tmp_path: Path) -> None:
    report = rejected(reference_store, [tmp_path / "nowhere.csv"])
    assert messages(report) == [f"{tmp_path / 'nowhere.csv'}: no such file or directory"]


def test_directory_without_recognisable_files(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    write(tmp_path, "notes.txt", "hello")
    write(tmp_path, "table.csv", "foo,bar\n1,2\n")
    report = rejected(reference_store, [tmp_path])
    assert messages(report) == [
        f"{tmp_path}: the directory holds no file of a kind s3kg loads (see docs/data-formats.md)"
    ]


def test_unknown_kind_is_a_parameter_error(reference_store: OxigraphStore, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="unknown kind 'cluster'"):
        load_paths(reference_store, [tmp_path], "cluster")


def test_problems_of_all_files_are_reported_at_once(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    write(tmp_path, "clusters.csv", CLUSTERS_HEADER + "c1,One,ITC9,,\n")
    write(tmp_path, "smes.csv", "sme_id,name,region,nace,size_class\ns1,Acme,AT31,C28,huge\n")
    report = rejected(reference_store, [tmp_path])
    files = {p.file for p in report.problems}
    assert files == {"clusters.csv", "smes.csv"}


def test_a_later_file_may_refer_to_an_earlier_one(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    for name in ("clusters.csv", "smes.csv", "memberships.csv"):
        shutil.copy(EXAMPLES / "csv" / name, tmp_path / name)
    report = load_paths(reference_store, [tmp_path])
    assert report.ok, messages(report)
    assert [Path(f.path).name for f in report.files] == [
        "clusters.csv",
        "smes.csv",
        "memberships.csv",
    ]


def test_references_looked_up_in_the_store_when_too_many_to_hold(
    reference_store: OxigraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("loaders.pipeline.HELD_INSTANCES", 1)
    for name in ("clusters.csv", "smes.csv", "memberships.csv"):
        shutil.copy(EXAMPLES / "csv" / name, tmp_path / name)
    report = load_paths(reference_store, [tmp_path])
    assert report.ok, messages(report)
    loaded = dump(reference_store)
    (tmp_path / "more").mkdir()
    text = "cluster_id,member_id\nmechatronik-cluster,alpine-precisio\nnobody,lombard-robotics\n"
    bad = write(tmp_path / "more", "memberships.csv", text)
    report = rejected(reference_store, [bad])
    assert messages(report) == [
        "memberships.csv:2:2: member_id: unknown SME 'alpine-precisio'; "
        "did you mean alpine-precision?",
        "memberships.csv:3:1: cluster_id: unknown cluster 'nobody'",
    ]
    assert dump(reference_store) == loaded


def test_unknown_reference_to_a_cluster(reference_store: OxigraphStore, tmp_path: Path) -> None:
    path = write(tmp_path, "memberships.csv", "cluster_id,member_id\nnobody,nothing\n")
    report = rejected(reference_store, [path])
    assert messages(report) == [
        "memberships.csv:2:2: member_id: unknown SME 'nothing'",
        "memberships.csv:2:1: cluster_id: unknown cluster 'nobody'",
    ]


# -- good inputs ---------------------------------------------------------------------------------


def test_validate_writes_nothing(reference_store: OxigraphStore) -> None:
    before = dump(reference_store)
    report = validate_paths(reference_store, [EXAMPLES / "csv"])
    assert report.ok, messages(report)
    assert report.dry_run
    assert dump(reference_store) == before


def test_each_file_goes_into_its_own_graph(reference_store: OxigraphStore) -> None:
    report = load_paths(reference_store, [EXAMPLES / "csv"])
    assert report.ok, messages(report)
    graphs = {info.iri for info in reference_store.named_graphs()}
    for item in report.files:
        assert item.loaded
        assert item.graph in graphs
        assert count(reference_store, item.graph) == item.triples


def test_reload_replaces_the_graph_blank_nodes_included(reference_store: OxigraphStore) -> None:
    for name in ("clusters.csv", "priorities.csv", "actions.csv"):
        assert load_paths(reference_store, [EXAMPLES / "csv" / name]).ok
    graph = reference_store.graphs.source("actions")
    first = count(reference_store, graph)
    blank = "SELECT (COUNT(*) AS ?n) WHERE { ?a s3:milestone ?m }"
    milestones = reference_store.query(blank)
    assert isinstance(milestones, SelectResult)
    report = load_paths(reference_store, [EXAMPLES / "csv" / "actions.csv"])
    assert report.ok
    assert count(reference_store, graph) == first
    again = reference_store.query(blank)
    assert isinstance(again, SelectResult)
    assert again.rows == milestones.rows == [(again.rows[0][0],)]
    assert again.rows[0][0] is not None and int(again.rows[0][0].value) == 3


def test_provenance_record(reference_store: OxigraphStore) -> None:
    path = EXAMPLES / "csv" / "clusters.csv"
    report = load_paths(
        reference_store,
        [path],
        license="https://creativecommons.org/licenses/by/4.0/",
        source_url="https://example.org/clusters",
    )
    assert report.ok
    graph = reference_store.graphs.source("clusters")
    result = reference_store.query(
        """PREFIX spdx: <http://spdx.org/rdf/terms#>
           SELECT ?g ?title ?size ?rows ?triples ?checksum ?agent ?start ?end ?license ?source
           WHERE {
             ?g prov:wasGeneratedBy ?load ; void:triples ?triples ; dcterms:license ?license .
             ?load prov:used ?file ; prov:wasAssociatedWith ?agent ;
                   prov:startedAtTime ?start ; prov:endedAtTime ?end .
             ?file dcterms:title ?title ; dcat:byteSize ?size ; s3:rowCount ?rows ;
                   spdx:checksum/spdx:checksumValue ?checksum ; dcterms:source ?source .
           }""",
        substitutions={"g": NamedNode(graph)},
    )
    assert isinstance(result, SelectResult)
    [row] = result.dicts()
    assert row["title"].value == "clusters.csv"
    assert int(row["size"].value) == path.stat().st_size
    assert int(row["rows"].value) == 3
    assert int(row["triples"].value) == count(reference_store, graph) == report.files[0].triples
    assert row["checksum"].value == hashlib.sha256(path.read_bytes()).hexdigest()
    assert row["agent"].value == "https://w3id.org/s3kg/software/clusters/1"
    assert row["start"].value <= row["end"].value
    assert row["license"].value == "https://creativecommons.org/licenses/by/4.0/"
    assert row["source"].value == "https://example.org/clusters"


def test_readers_see_the_old_graph_or_the_new_one(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    rows = [f"c{i},Cluster {i},AT31,C28,{i}" for i in range(3000)]
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    small = write(tmp_path / "one", "clusters.csv", CLUSTERS_HEADER + "\n".join(rows[:10]) + "\n")
    large = write(tmp_path / "two", "clusters.csv", CLUSTERS_HEADER + "\n".join(rows) + "\n")
    assert load_paths(reference_store, [small]).ok
    graph = reference_store.graphs.source("clusters")
    before = count(reference_store, graph)
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            result = reference_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a s3:Cluster }")
            assert isinstance(result, SelectResult)
            value = result.rows[0][0]
            assert value is not None
            seen.add(int(value.value))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        report = load_paths(reference_store, [large])
    finally:
        stop.set()
        reader.join()
    assert report.ok
    assert before < count(reference_store, graph)
    assert seen <= {10, 3000}
    assert 10 in seen


def test_skip_invalid_loads_the_valid_rows_and_writes_the_rejected_ones(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    text = CLUSTERS_HEADER + "c1,One,AT31,,\nc2,Two,ITC9,,\nc3,Three,ITC4,,-1\nc4,Four,SI04,,\n"
    path = write(tmp_path, "clusters.csv", text)
    out = tmp_path / "rejected.csv"
    report = load_paths(reference_store, [path], skip_invalid=out)
    assert report.ok
    assert report.files[0].loaded
    assert report.files[0].rejected_rows == 2
    clusters = reference_store.query("SELECT ?c WHERE { ?c a s3:Cluster } ORDER BY ?c")
    assert isinstance(clusters, SelectResult)
    names = [row[0].value.rsplit("/", 1)[-1] for row in clusters.rows if row[0] is not None]
    assert names == ["c1", "c4"]
    with out.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert [(r["file"], r["line"], r["column"], r["field"]) for r in lines] == [
        ("clusters.csv", "3", "3", "region"),
        ("clusters.csv", "4", "5", "sme_members"),
    ]
    assert lines[0]["reason"] == "unknown NUTS code 'ITC9'; did you mean ITC4 or ITC1?"
    assert '"cluster_id": "c2"' in lines[0]["row"]


def test_skip_invalid_leaves_out_a_file_with_wrong_columns(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    good = write(tmp_path, "clusters.csv", CLUSTERS_HEADER + "c1,One,AT31,,\n")
    bad = write(tmp_path, "smes.csv", "sme_id,name\ns1,Acme\n")
    report = load_paths(reference_store, [good, bad], skip_invalid=tmp_path / "out.csv")
    assert not report.ok
    assert [f.loaded for f in report.files] == [True, False]


def test_detect_kind() -> None:
    assert detect_kind(EXAMPLES / "csv" / "memberships.csv") == "smes"
    assert detect_kind(EXAMPLES / "json" / "schemes.json") == "calls"
    assert detect_kind(EXAMPLES / "xlsx" / "actions.xlsx") == "actions"
    with pytest.raises(NotFoundError):
        detect_kind(Path("/nonexistent/file.csv"))


def test_detect_kind_of_an_unknown_table(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "foo,bar\n")
    with pytest.raises(ParameterError, match="cannot tell what kind of file this is"):
        detect_kind(path)


# -- one pass, all or nothing, derived facts -------------------------------------------------


def test_each_file_is_read_and_converted_once(
    reference_store: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    convert = TableLoader.ntriples

    def counted(self: TableLoader, path: Path, *args: object, **kwargs: bool) -> Iterator[str]:
        calls.append(path.name)
        return convert(self, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(TableLoader, "ntriples", counted)
    report = load_paths(reference_store, [EXAMPLES / "csv"])
    assert report.ok, messages(report)
    assert sorted(calls) == sorted(p.name for p in (EXAMPLES / "csv").iterdir())


def test_a_valid_file_is_not_loaded_when_another_is_not(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    write(tmp_path, "clusters.csv", CLUSTERS_HEADER + "c1,One,AT31,C28,3\n")
    write(tmp_path, "smes.csv", "sme_id,name,region,nace,size_class\ns1,Acme,AT31,C28,huge\n")
    report = rejected(reference_store, [tmp_path])
    assert {p.file for p in report.problems} == {"smes.csv"}
    assert not any(f.loaded for f in report.files)


def test_readers_never_see_a_first_load_half_done(
    reference_store: OxigraphStore, tmp_path: Path
) -> None:
    rows = "".join(f"c{i},Cluster {i},AT31,C28,{i}\n" for i in range(3000))
    path = write(tmp_path, "clusters.csv", CLUSTERS_HEADER + rows)
    seen: set[tuple[int, int]] = set()
    stop = threading.Event()
    query = f"""SELECT ?clusters ?records WHERE {{
      {{ SELECT (COUNT(*) AS ?clusters) WHERE {{ ?c a s3:Cluster }} }}
      {{ SELECT (COUNT(*) AS ?records) WHERE {{
           GRAPH <{reference_store.graphs.metadata}> {{ ?g void:triples ?n }} }} }} }}"""

    def read() -> None:
        while not stop.is_set():
            result = reference_store.query(query)
            assert isinstance(result, SelectResult)
            seen.add(tuple(int(t.value) for t in result.rows[0]))  # type: ignore[union-attr,misc]

    reader = threading.Thread(target=read)
    reader.start()
    try:
        report = load_paths(reference_store, [path])
    finally:
        stop.set()
        reader.join()
    assert report.ok
    assert seen <= {(0, 0), (3000, 1)}
    assert (0, 0) in seen


def test_the_derived_facts_follow_a_reload(reference_store: OxigraphStore, tmp_path: Path) -> None:
    priority = "https://w3id.org/s3kg/id/priority/itc4-advanced-manufacturing"

    def supporting_clusters() -> list[str]:
        result = reference_store.query(
            f"SELECT ?n WHERE {{ GRAPH <{reference_store.graphs.derived}> "
            f"{{ <{priority}> s3:clusterCount ?n }} }}"
        )
        assert isinstance(result, SelectResult)
        return [row[0].value for row in result.rows if row[0] is not None]

    clusters = write(tmp_path, "clusters.csv", CLUSTERS_HEADER + "c1,One,ITC4,C28,3\n")
    assert load_paths(reference_store, [EXAMPLES / "csv" / "priorities.csv", clusters]).ok
    assert supporting_clusters() == ["1"]
    write(tmp_path, "clusters.csv", CLUSTERS_HEADER + "c1,One,ITC4,C28,3\nc2,Two,ITC4,C28,5\n")
    assert load_paths(reference_store, [clusters]).ok
    assert supporting_clusters() == ["2"]


def test_progress_is_reported_for_each_file(reference_store: OxigraphStore) -> None:
    events: list[Progress] = []
    path = EXAMPLES / "csv" / "clusters.csv"
    report = load_paths(reference_store, [path], progress=events.append)
    assert report.ok
    assert events[-1] == Progress("load", "clusters.csv", 3, None, done=True)
