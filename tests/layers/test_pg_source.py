"""The map's layers read from PostGIS: the same features as from the file they were pushed from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from layers import load_layers
from layers.source import GpkgLayer, PgLayer, TownLayer
from qjgis.demo import build_demo
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import push
from qjgis.store import GpkgStore

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pgsource") / "demo.gpkg"
    build_demo(path, parcels=600, seed=5)
    return path


def _layers(store: GpkgStore | PgStore) -> dict[str, object]:
    return {layer.name: layer for layer in load_layers(store, reference=True)}


def _same(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> None:
    """The same features (fids and geometries), in whatever order each read them."""
    oa, ob = np.argsort(a[0], kind="stable"), np.argsort(b[0], kind="stable")
    assert a[0][oa].tolist() == b[0][ob].tolist()
    assert bool(np.all(shapely.equals_exact(a[1][oa], b[1][ob], tolerance=1e-6)))


def test_database_layers_read_what_the_file_holds(demo_file: Path, pg_url: str) -> None:
    push(demo_file, pg_url)
    with GpkgStore.open(demo_file) as file_store, PgStore.open(pg_url) as db_store:
        on_file, on_db = _layers(file_store), _layers(db_store)
        assert list(on_file) == list(on_db)  # the same layers, in the same drawing order
        for name, db_layer in on_db.items():
            file_layer = on_file[name]
            if isinstance(file_layer, TownLayer):
                assert isinstance(db_layer, TownLayer)
            else:
                assert isinstance(db_layer, PgLayer) and type(file_layer) is GpkgLayer
            assert len(db_layer) == len(file_layer) > 0  # type: ignore[arg-type]
            assert db_layer.extent() == pytest.approx(file_layer.extent())  # type: ignore[attr-defined]

        parcels_db, parcels_file = on_db["parcels"], on_file["parcels"]
        x0, y0, x1, y1 = parcels_file.extent()  # type: ignore[attr-defined]
        w, h = x1 - x0, y1 - y0
        boxes = [(x0, y0, x1, y1), (x0 + w * 0.3, y0 + h * 0.3, x0 + w * 0.45, y0 + h * 0.5)]
        for box in boxes:
            for min_size in (0.0, 5.0, 30.0, 200.0):  # levels of detail: fewer as it grows
                got = parcels_db.features(box, min_size)  # type: ignore[attr-defined]
                want = parcels_file.features(box, min_size)  # type: ignore[attr-defined]
                _same((got.fids, got.geometry), (want.fids, want.geometry))
                assert got.categories.tolist() == want.categories.tolist()  # the same symbols
                assert sorted(got.attrs) == sorted(want.attrs)
                for column in got.attrs:
                    assert got.attrs[column].tolist() == want.attrs[column].tolist()
            _same(parcels_db.in_box(box), parcels_file.in_box(box))  # type: ignore[attr-defined]
        assert len(parcels_db.features(boxes[0], 200.0)) < len(parcels_db.features(boxes[0], 0.0))  # type: ignore[attr-defined]

        fids = np.array([3, 1, 77, 3, 999_999])
        _same(parcels_db.by_fids(fids), parcels_file.by_fids(fids))  # type: ignore[attr-defined]
        _same(on_db["towns"].in_box(boxes[0]), on_file["towns"].in_box(boxes[0]))  # type: ignore[attr-defined]

        # A second read of the same view comes from the cache, not the server.
        read = parcels_db.tiles_read  # type: ignore[attr-defined]
        parcels_db.features(boxes[1], 5.0)  # type: ignore[attr-defined]
        assert parcels_db.tiles_read == read  # type: ignore[attr-defined]
        parcels_db.invalidate()  # type: ignore[attr-defined]
        parcels_db.features(boxes[1], 5.0)  # type: ignore[attr-defined]
        assert parcels_db.tiles_read > read  # type: ignore[attr-defined]
        for layer in on_db.values():
            if isinstance(layer, PgLayer):
                layer.close()


def test_the_map_connection_only_reads(demo_file: Path, pg_url: str) -> None:
    import psycopg

    push(demo_file, pg_url)
    with PgStore.open(pg_url) as store:
        layer = PgLayer.for_store(store, "parcels")
        with layer.lock, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            layer.connection().execute("DELETE FROM parcels")
        layer.close()
        assert store.counts()["parcels"] == 600


def test_a_database_opened_right_after_its_push_has_statistics(
    demo_file: Path, pg_url: str
) -> None:
    """push leaves ANALYZE to autovacuum; the window's first opening gathers the statistics
    the planner needs (without them a lookup per finding walks a table), once."""
    import psycopg

    from qjgis.pg.session import analyze_if_never

    push(demo_file, pg_url)
    with PgStore.open(pg_url) as store:
        analyze_if_never(store)
        assert analyze_if_never(store) == []  # once in the database's life
    with psycopg.connect(pg_url) as conn:
        never = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN "
            "('parcels', 'buildings', 'households', 'findings') "
            "AND last_analyze IS NULL AND last_autoanalyze IS NULL"
        ).fetchall()
        assert never == []
        stats = conn.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'parcels'")
        assert stats.fetchone()[0] > 0
