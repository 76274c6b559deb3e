"""The `export` command as the CLI runs it: exit codes, one-line errors, the --json shape."""

from __future__ import annotations

import io
import json
import re
import string
from pathlib import Path

import pytest

from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.io import export
from qjgis.store import GpkgStore
from ui import cli

RESULT_KEYS = {
    "path", "layer", "format", "rows", "files", "crs", "encoding", "masked", "village",
    "omitted", "audit_id",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli_export") / "演示 项目.gpkg"
    build_demo(path, parcels=200, seed=5)
    return path


def run(command: str, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    # After the command: the subcommand's own --lang default would override an earlier one.
    code = cli.main([command, "--lang", "en", *argv], out=out)
    return code, out.getvalue()


def test_export_json_shape(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "宗地.shp"
    code, text = run(
        "export", str(demo), "--layer", "parcels", "--format", "shp", "--out", str(target),
        "--json",
    )  # fmt: skip
    assert code == 0
    body = json.loads(text)
    assert set(body) == RESULT_KEYS
    assert body["rows"] == 200 and body["masked"] is True and body["encoding"] == "GBK"
    assert body["crs"] == "EPSG:4524" and body["omitted"] == ["extra"]
    assert sorted(Path(f).name for f in body["files"]) == sorted(
        ["宗地.shp", "宗地.shx", "宗地.dbf", "宗地.prj", "宗地.cpg", "宗地_fields.csv"]
    )
    assert all(Path(f).is_file() for f in body["files"])


def test_export_text_output_and_audit(demo: Path, tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    project.write_bytes(demo.read_bytes())
    target = tmp_path / "households.xlsx"
    code, text = run(
        "export", str(project), "--layer", "households", "--format", "xlsx", "--out",
        str(target), "--unmask",
    )  # fmt: skip
    assert code == 0
    assert f"to {target} (xlsx)" in text
    assert "in clear" in text and "audit log" in text
    with GpkgStore.open(project) as store:
        log = store.read_table("audit_log", ["command", "entity"])
    assert log["command"][-1] == "export.unmask" and log["entity"][-1] == "households"


def test_errors_are_one_line(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.gpkg"
    assert run("export", str(demo), "--layer", "parcels", "--format", "gpkg",
               "--out", str(target))[0] == 0  # fmt: skip
    capsys.readouterr()
    code, text = run(
        "export", str(demo), "--layer", "parcels", "--format", "gpkg", "--out", str(target)
    )
    err = capsys.readouterr().err
    assert code == 1 and text == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("Error: ") and str(target) in err and "--overwrite" in err

    code, _ = run(
        "export", str(demo), "--layer", "parcels", "--format", "shp", "--out",
        str(tmp_path / "v.shp"), "--village", "500110000000",
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "500110000000" in err and err.count("\n") == 1


def test_unencodable_text_error_names_field_and_row(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.gpkg"
    project.write_bytes(demo.read_bytes())
    with GpkgStore.open(project) as store:
        fid = int(store.read_layer("parcels", ["zl"]).fids[2])
        zddm = store.read_layer("parcels", ["zddm"]).attrs["zddm"][2]
        with store.transaction() as conn:
            store.update_row(conn, "parcels", fid, {"zl": "綦江区𠀀村"})
    code, _ = run(
        "export", str(project), "--layer", "parcels", "--format", "shp", "--out",
        str(tmp_path / "out.shp"),
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "field ZL of row 3" in err and zddm in err and "--encoding utf-8" in err
    assert not (tmp_path / "out.shp").exists() and not (tmp_path / "out.dbf").exists()
    code, _ = run(
        "export", str(project), "--layer", "parcels", "--format", "shp", "--out",
        str(tmp_path / "out.shp"), "--encoding", "utf-8",
    )  # fmt: skip
    assert code == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["--layer", "parcels", "--format", "shp"],  # no --out
        ["--layer", "parcels", "--format", "kml", "--out", "x.kml"],
        ["--layer", "towns", "--format", "shp", "--out", "x.shp"],
        ["--layer", "parcels", "--format", "shp", "--encoding", "big5", "--out", "x.shp"],
    ],
)
def test_bad_usage_exits_2(demo: Path, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run("export", str(demo), *argv)
    assert exc.value.code == 2


def test_every_export_error_has_a_translation_with_the_same_fields() -> None:
    from ui import texts

    translated = {
        code[4:]: pair for code, pair in texts.CATALOGUE.items() if code.startswith("err.export_")
    }
    engine = {k: v for k, v in QjgisError.TEMPLATES.items() if k.startswith("export_")}
    assert set(translated) == set(engine)
    assert export.LAYERS  # the engine module registered its codes on import

    def fields(template: str) -> set[str]:
        return {f[1] for f in string.Formatter().parse(template) if f[1]}

    for code, template in engine.items():
        zh, en = translated[code]
        assert fields(zh) == fields(en) == fields(template), code
        assert re.search(r"\{path\}", template), code  # every message names the file
