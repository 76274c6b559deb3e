"""文件›导入…: a file and its target layer, a dry run to look at, then the import as a task.

The dry run shows the detected encoding with decoded sample values (the drop-down
changes the encoding and previews again at once), the detected CRS with its
reason, and the field mapping as an editable table (source field → target,
confidence; unmapped targets named, the key in red when unmapped; a mapping file
can be loaded and saved). When the dry run finds a target the layer requires with no
source field, it lists it with the candidate fields and their sample values, as the
CLI's dry run does, and Import waits until one is mapped (each edit runs the dry run
again, so the engine judges the mapping the import will use). The import runs on a
worker; Cancel leaves the project file as it was. The report follows: counts, then row
problems by category, each row clickable to zoom to it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qjgis.io import workbook
from qjgis.io.importer import KEYS
from qjgis.io.mapping import PRESETS, preset_key
from ui.gui import operations
from ui.gui.project import OpenProject
from ui.gui.tasks import Task, while_alive
from ui.presenters.columns import column_title
from ui.presenters.imports import empty_lines, required_lines
from ui.presenters.words import t, t_or

ENCODINGS = (None, "GBK", "GB18030", "UTF-8", "BIG5")
SOURCE_FILTER = "*.shp *.zip *.gpkg *.gdb *.geojson *.json *.xlsx *.xls *.csv"
MISSING = QBrush(QColor(255, 205, 205))
ROW_ROLE = Qt.ItemDataRole.UserRole


#: the largest workbook parsed ahead while the preview shows (its cells stay in memory)
READ_AHEAD_LIMIT = 32 * 2**20


class ImportDialog(QDialog):
    rowActivated = Signal(str, str)  # layer, key
    imported = Signal(dict)  # the report

    def __init__(
        self, project: OpenProject, source: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_import")
        self.setWindowTitle(t("import.title"))
        self.project = project
        self.preview: dict[str, Any] | None = None
        self.report: dict[str, Any] | None = None
        self.preview_task: Task | None = None
        self.import_task: Task | None = None
        self._read_ahead: str | None = None  # a register parsing for the coming import
        self._edited = False
        self._filling = False
        self.refused = False  # the last dry run refused the mapping (a required target)
        self._next_preview = False

        layout = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.source = QLineEdit(source, self)
        self.source.setObjectName("edit_source")
        browse = QPushButton(t("import.browse"), self)
        browse.setObjectName("button_browse")
        browse.clicked.connect(self._browse)
        row.addWidget(self.source, 1)
        row.addWidget(browse)
        form.addRow(t("import.file"), row)
        self.layer = QComboBox(self)
        self.layer.setObjectName("combo_layer")
        for name in operations.IMPORT_LAYERS:
            self.layer.addItem(t(f"layer.{name}"), name)
        form.addRow(t("import.layer"), self.layer)
        # The name of an "other" reference layer (imported as other:NAME).
        self.other_name = QLineEdit(self)
        self.other_name.setObjectName("edit_other_name")
        self.other_name.setPlaceholderText(t("import.other_name_hint"))
        self.other_name.setEnabled(False)
        form.addRow(t("import.other_name"), self.other_name)
        self.encoding = QComboBox(self)
        self.encoding.setObjectName("combo_encoding")
        for enc in ENCODINGS:
            self.encoding.addItem(enc or t("import.encoding_auto"), enc)
        form.addRow(t("import.encoding"), self.encoding)
        layout.addLayout(form)

        box = QGroupBox(t("import.preview"), self)
        preview = QFormLayout(box)
        self.encoding_label = QLabel(box)
        self.encoding_label.setObjectName("label_encoding")
        self.samples_label = QLabel(box)
        self.samples_label.setObjectName("label_samples")
        self.samples_label.setWordWrap(True)
        self.crs_label = QLabel(box)
        self.crs_label.setObjectName("label_crs")
        self.crs_label.setWordWrap(True)
        self.features_label = QLabel(box)
        preview.addRow(t("import.detected_encoding"), self.encoding_label)
        preview.addRow(t("import.samples"), self.samples_label)
        preview.addRow(t("import.detected_crs"), self.crs_label)
        preview.addRow(t("import.features"), self.features_label)
        layout.addWidget(box)

        self.mapping = QTableWidget(0, 4, self)
        self.mapping.setObjectName("table_mapping")
        self.mapping.setHorizontalHeaderLabels(
            [t("import.col.source"), t("import.col.target"), t("import.col.confidence"),
             t("import.col.origin")]
        )  # fmt: skip
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.setColumnWidth(0, 160)
        self.mapping.setColumnWidth(1, 240)
        self.mapping.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.mapping, 1)
        self.unmapped_label = QLabel(self)
        self.unmapped_label.setObjectName("label_unmapped")
        self.unmapped_label.setWordWrap(True)
        layout.addWidget(self.unmapped_label)
        self.required_label = QLabel(self)
        self.required_label.setObjectName("label_required")
        self.required_label.setWordWrap(True)
        self.required_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.required_label.setStyleSheet("color: #b00000;")
        self.required_label.hide()
        layout.addWidget(self.required_label)

        buttons = QHBoxLayout()
        self.load_button = QPushButton(t("import.load_mapping"), self)
        self.load_button.setObjectName("button_load_mapping")
        self.save_button = QPushButton(t("import.save_mapping"), self)
        self.save_button.setObjectName("button_save_mapping")
        self.import_button = QPushButton(t("import.run"), self)
        self.import_button.setObjectName("button_import")
        self.cancel_button = QPushButton(t("task.cancel"), self)
        self.cancel_button.setObjectName("button_cancel_import")
        close = QPushButton(t("dialog.close"), self)
        for b in (self.load_button, self.save_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.import_button, self.cancel_button, close):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.status = QLabel(self)
        self.status.setObjectName("label_import_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.report_view = QTreeWidget(self)
        self.report_view.setObjectName("tree_import_report")
        self.report_view.setHeaderLabels([t("import.report")])
        self.report_view.hide()
        layout.addWidget(self.report_view, 1)

        self.load_button.clicked.connect(self._load_mapping)
        self.save_button.clicked.connect(self._save_mapping)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel)
        close.clicked.connect(self.reject)
        self.source.editingFinished.connect(self.refresh_preview)
        self.layer.currentIndexChanged.connect(self._layer_changed)
        self.other_name.editingFinished.connect(self._layer_changed)
        self.encoding.currentIndexChanged.connect(self.refresh_preview)
        self.report_view.itemClicked.connect(self._report_clicked)
        self._buttons()
        self.resize(720, 760)
        if source:
            self._guess_layer(source)
            self.refresh_preview()

    # ------------------------------------------------------------ choosing
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, t("import.title"), str(Path(self.source.text() or Path.home()).parent),
            t("import.filter", patterns=SOURCE_FILTER),
        )  # fmt: skip
        if path:
            self.source.setText(path)
            self._guess_layer(path)
            self.refresh_preview()

    def _guess_layer(self, path: str) -> None:
        stem = Path(path).stem.lower()
        for name, hints in (
            # reference layers first: 村庄规划 would otherwise read as villages
            ("landuse", ("dltb", "landuse", "地类")),
            ("basic-farmland", ("jbnt", "basic-farmland", "基本农田")),
            ("village-plan", ("village-plan", "czbj", "规划")),
            ("hazard-zones", ("hazard-zone", "隐患区")),
            ("hazard-points", ("hazard-point", "隐患点")),
            ("buildings", ("build", "zrz", "幢", "房")),
            ("villages", ("village", "cun", "村")),
            ("households", ("register", "hj", "户")),
            ("parcels", ("parcel", "zd", "宗地")),
        ):
            if any(h in stem for h in hints) or (
                Path(path).suffix.lower() in (".xlsx", ".xls", ".csv") and name == "households"
            ):
                self.layer.blockSignals(True)
                self.layer.setCurrentIndex(self.layer.findData(name))
                self.layer.blockSignals(False)
                return

    def chosen_layer(self) -> str:
        """The layer to import into: a kind, or other:NAME for a user-named reference layer."""
        layer = self.layer.currentData()
        if layer == "other":
            return f"other:{self.other_name.text().strip()}"
        return str(layer)

    def _choose_layer(self, layer: str) -> None:
        self.layer.blockSignals(True)
        if layer.startswith("other:"):
            self.layer.setCurrentIndex(self.layer.findData("other"))
            self.other_name.setText(layer[len("other:") :])
        else:
            self.layer.setCurrentIndex(self.layer.findData(layer))
        self.other_name.setEnabled(self.layer.currentData() == "other")
        self.layer.blockSignals(False)

    def _layer_changed(self) -> None:
        self.other_name.setEnabled(self.layer.currentData() == "other")
        self._edited = False
        self.refresh_preview()

    def set_source(self, path: str, layer: str | None = None) -> None:
        """Choose a file (and layer) and preview it (tests, 文件›打开 of a non-project)."""
        self.source.setText(path)
        if layer is not None:
            self._choose_layer(layer)
        else:
            self._guess_layer(path)
        self._edited = False
        self.refresh_preview()

    # ------------------------------------------------------------ preview
    def overrides(self) -> dict[str, str | None] | None:
        """The mapping table as a mapping file's fields, when the user changed it."""
        if not self._edited:
            return None
        out: dict[str, str | None] = {}
        for r in range(self.mapping.rowCount()):
            combo = self.mapping.cellWidget(r, 1)
            out[self.mapping.item(r, 0).text()] = combo.currentData()
        return out

    def refresh_preview(self) -> None:
        source = self.source.text().strip()
        if not source:
            return
        if self.preview_task is not None:  # one at a time; the latest choice wins
            self._next_preview = True
            return
        self.status.setText(t("import.previewing"))
        self.preview_task = operations.preview_import(
            self.project, self.chosen_layer(), source,
            encoding=self.encoding.currentData(), overrides=self.overrides(),
            on_done=while_alive(self, self._previewed),
            on_error=while_alive(self, self._preview_failed),
        )  # fmt: skip
        self._buttons()

    def _preview_ended(self) -> None:
        self.preview_task = None
        self._buttons()
        if self._next_preview:
            self._next_preview = False
            self.refresh_preview()

    def _previewed(self, report: dict[str, Any]) -> None:
        self.preview = report
        self.status.setText("")
        enc = report.get("encoding") or {}
        if enc:
            self.encoding_label.setText(
                t("import.encoding_text", encoding=enc.get("encoding", ""),
                  reason=t_or(f"enc.{enc.get('reason')}", str(enc.get("reason", ""))))
            )  # fmt: skip
            self.samples_label.setText(" | ".join(map(str, enc.get("samples") or [])))
        else:
            self.encoding_label.setText(t("import.encoding_none"))
            self.samples_label.setText("")
        crs = report.get("crs") or {}
        self.crs_label.setText(
            t("import.crs_text", crs=crs.get("crs", ""), name=crs.get("name", ""),
              reason=t_or(f"crsr.{crs.get('reason')}", str(crs.get("reason", ""))),
              detail=crs.get("detail", ""))
            if crs else t("import.crs_none")
        )  # fmt: skip
        self.features_label.setText(str(report.get("features", report.get("rows", ""))))
        self._fill_mapping(report.get("mapping") or {})
        self._show_required(report)
        self._parse_ahead(report)
        self._preview_ended()

    def _parse_ahead(self, report: dict[str, Any] | None) -> None:
        """While the clerk reads the preview, parse the register's workbook again on
        another core (python-calamine releases the GIL), so that the import finds it
        parsed: most of a register import's time (docs/benchmarks.md). A workbook over
        READ_AHEAD_LIMIT is not held in memory for it; after a failed preview, or for
        a layer, any earlier one is let go."""
        source = self.source.text().strip()
        if self._read_ahead is not None:
            workbook.forget(self._read_ahead)  # a no-op when the preview just took it
            self._read_ahead = None
        if report is None or self.chosen_layer() != "households" or self.refused:
            return
        try:
            small = Path(source).stat().st_size <= READ_AHEAD_LIMIT
        except OSError:
            return
        if small and workbook.prefetch(source):
            self._read_ahead = source

    def _show_required(self, report: dict[str, Any] | None) -> None:
        """The dry run's required targets with no source field, and the candidates."""
        lines = required_lines(report) if report else []
        if lines:
            lines.append(t("import.required_hint"))
        empty = empty_lines(report) if report else []  # an import would write nothing
        lines += empty
        self.refused = bool(report and report.get("refused")) or bool(empty)
        self.required_label.setText("\n".join(lines))
        self.required_label.setVisible(bool(lines))

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview = None
        self._show_required(None)
        self.mapping.setRowCount(0)
        for label in (self.encoding_label, self.samples_label, self.crs_label):
            label.setText("")
        self.status.setText(operations.error_message(exc))
        self._parse_ahead(None)
        self._preview_ended()

    def _fill_mapping(self, mapping: dict[str, Any]) -> None:
        self._filling = True
        layer = mapping.get("layer") or self.chosen_layer()
        targets = list(PRESETS.get(preset_key(layer), {}))
        fields: dict[str, str | None] = mapping.get("fields", {})
        self.mapping.setRowCount(len(fields))
        for r, (src, target) in enumerate(fields.items()):
            item = QTableWidgetItem(src)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(r, 0, item)
            combo = QComboBox(self.mapping)
            combo.addItem(t("import.to_extra"), None)
            for name in targets:
                combo.addItem(column_title(layer, name), name)
            combo.setCurrentIndex(max(combo.findData(target), 0))
            combo.currentIndexChanged.connect(self._mapping_edited)
            self.mapping.setCellWidget(r, 1, combo)
            conf = mapping.get("confidence", {}).get(src)
            self.mapping.setItem(r, 2, QTableWidgetItem("" if conf is None else f"{conf:.0%}"))
            origin = "user" if self._edited else mapping.get("origin", {}).get(src, "")
            words = "" if origin in ("", "none") else t_or(f"origin.{origin}", origin)
            self.mapping.setItem(r, 3, QTableWidgetItem(words))
        self._filling = False
        self._show_unmapped()

    def _mapping_targets(self) -> dict[str, str]:
        out = {}
        for r in range(self.mapping.rowCount()):
            target = self.mapping.cellWidget(r, 1).currentData()
            if target:
                out[target] = self.mapping.item(r, 0).text()
        return out

    def _show_unmapped(self) -> None:
        layer = self.chosen_layer()
        mapped = self._mapping_targets()
        missing = [n for n in PRESETS.get(preset_key(layer), {}) if n not in mapped]
        key = KEYS.get(preset_key(layer))
        words = [column_title(layer, n) for n in missing]
        self.key_missing = key in missing
        text = t("import.unmapped", fields="、".join(words)) if missing else ""
        if self.key_missing:
            text = t("import.key_unmapped", key=column_title(layer, str(key))) + " " + text
        self.unmapped_label.setText(text)
        self.unmapped_label.setStyleSheet("color: #b00000;" if self.key_missing else "")
        for r in range(self.mapping.rowCount()):
            unmapped = self.mapping.cellWidget(r, 1).currentData() is None
            self.mapping.item(r, 0).setBackground(MISSING if unmapped else QBrush())
        self._buttons()

    def _mapping_edited(self) -> None:
        if self._filling:
            return
        # One target per source: a target chosen twice leaves the earlier row to extra.
        sender = self.sender()
        chosen = sender.currentData() if isinstance(sender, QComboBox) else None
        if chosen is not None:
            for r in range(self.mapping.rowCount()):
                combo = self.mapping.cellWidget(r, 1)
                if combo is not sender and combo.currentData() == chosen:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self._edited = True
        for r in range(self.mapping.rowCount()):
            self.mapping.setItem(r, 3, QTableWidgetItem(t("origin.user")))
        self._show_unmapped()
        self.refresh_preview()  # the engine judges the edited mapping: required targets

    def set_target(self, source_field: str, target: str | None) -> None:
        for r in range(self.mapping.rowCount()):
            if self.mapping.item(r, 0).text() == source_field:
                combo = self.mapping.cellWidget(r, 1)
                combo.setCurrentIndex(max(combo.findData(target), 0))
                return
        raise KeyError(source_field)

    def _load_mapping(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("import.load_mapping"), "", "JSON (*.json)")
        if path:
            self.load_mapping(path)

    def load_mapping(self, path: str) -> None:
        from qjgis.io.mapping import load

        try:
            fields = load(path)
        except Exception as exc:
            operations.show_error(self, exc)
            return
        for src, target in fields.items():
            try:
                self.set_target(src, target)
            except KeyError:
                self.status.setText(t("import.mapping_field_unknown", field=src))

    def _save_mapping(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, t("import.save_mapping"), "", "JSON (*.json)")
        if path:
            self.save_mapping(path)

    def save_mapping(self, path: str) -> None:
        fields = {
            self.mapping.item(r, 0).text(): self.mapping.cellWidget(r, 1).currentData()
            for r in range(self.mapping.rowCount())
        }
        data = {"layer": self.chosen_layer(), "fields": fields}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    # ------------------------------------------------------------ import
    def _buttons(self) -> None:
        busy = self.import_task is not None
        ready = self.preview is not None and self.preview_task is None and not self.refused
        self.import_button.setEnabled(ready and not busy)
        self.cancel_button.setEnabled(busy)
        for w in (self.source, self.layer, self.encoding, self.mapping, self.load_button):
            w.setEnabled(not busy)

    def start_import(self) -> None:
        self._read_ahead = None  # the import takes it
        self.report = None
        self.report_view.hide()
        self.import_task = operations.import_file(
            self.project, self.chosen_layer(), self.source.text().strip(),
            encoding=self.encoding.currentData(), overrides=self.overrides(), parent=self,
            on_done=while_alive(self, self._imported), on_end=while_alive(self, self._import_ended),
        )  # fmt: skip
        if self.import_task is None:
            self.status.setText(t("checks.refused"))
        else:
            self.status.setText(self.import_task.title)
        self._buttons()

    def cancel(self) -> None:
        if self.import_task is not None:
            self.project.tasks.cancel(self.import_task)
            self.status.setText(t("task.canceling"))
            self.cancel_button.setEnabled(False)

    def _import_ended(self) -> None:
        task = self.import_task
        if self.report is None and task is not None and task.feedback.is_canceled():
            self.status.setText(t("task.canceled"))
        self.import_task = None
        self._buttons()

    def _imported(self, report: dict[str, Any]) -> None:
        self.report = report
        counts = report.get("counts", {})
        self.status.setText(
            t("import.done", batch=report.get("batch_id", ""), **{k: counts.get(k, 0) for k in
              ("read", "added", "updated", "unchanged", "absent")})
        )  # fmt: skip
        self.report_view.clear()
        layer = report.get("layer", self.chosen_layer())
        for kind, entry in (report.get("issues") or {}).items():
            top = QTreeWidgetItem(
                [t("import.issue", kind=t_or(f"issue.{kind}", kind), n=entry.get("count", 0))]
            )
            for r in entry.get("rows", []):
                key = r.get("key")
                child = QTreeWidgetItem([t("import.issue_row", row=r.get("row"), key=key or "")])
                child.setData(0, ROW_ROLE, (layer, str(key)) if key else None)
                top.addChild(child)
            self.report_view.addTopLevelItem(top)
        if not report.get("issues"):
            self.report_view.addTopLevelItem(QTreeWidgetItem([t("import.no_issues")]))
        self.report_view.show()
        self.imported.emit(report)

    def _report_clicked(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, ROW_ROLE)
        if data:
            self.rowActivated.emit(*data)

    def reject(self) -> None:
        if self.import_task is not None:
            self.cancel()
        if self._read_ahead is not None:  # no import will take it
            workbook.forget(self._read_ahead)
            self._read_ahead = None
        super().reject()
