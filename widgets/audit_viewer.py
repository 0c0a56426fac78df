"""監査ログ: the audit table, newest first, with the whole chain's check said plainly
(改ざんなし / 改ざん検出 and the rows), and CSV export as Excel reads it (CP932).

For 管理者 and 承認者. The rows, the verification and the export all come from the core
(``app.audit``) through the bridge's worker threads.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from widgets import style
from widgets.bridge import AuditView, ConsoleBridge

COLUMNS = (
    QT_TRANSLATE_NOOP("AuditViewer", "番号"), QT_TRANSLATE_NOOP("AuditViewer", "日時"),
    QT_TRANSLATE_NOOP("AuditViewer", "操作者"), QT_TRANSLATE_NOOP("AuditViewer", "端末"),
    QT_TRANSLATE_NOOP("AuditViewer", "操作"), QT_TRANSLATE_NOOP("AuditViewer", "配信ID"),
    QT_TRANSLATE_NOOP("AuditViewer", "内容"), QT_TRANSLATE_NOOP("AuditViewer", "ハッシュ"),
)


class AuditViewer(QDialog):
    def __init__(self, bridge: ConsoleBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.view: AuditView | None = None
        self.bad_rows: set[int] = set()
        self.setWindowTitle(self.tr("監査ログ"))
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        self.verdict = QLabel(self.tr("監査ログを読んでいます…"))
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setVisible(False)
        self.problems_label.setStyleSheet(f"color: {style.ERROR_FG};")
        layout.addWidget(self.problems_label)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        row.addWidget(self.count_label, 1)
        self.reload_button = QPushButton(self.tr("読み直す・検証する"))
        self.export_button = QPushButton(self.tr("CSVに書き出す（Excel用 CP932）…"))
        close = QPushButton(self.tr("閉じる"))
        for button in (self.reload_button, self.export_button, close):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        self.reload_button.clicked.connect(self.reload)
        self.export_button.clicked.connect(self._choose_export)
        close.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> None:
        self.reload_button.setEnabled(False)
        self.bridge.audit_async(self._loaded, owner=self, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.reload_button.setEnabled(True)
        self.verdict.setText(self.tr("監査ログを読めませんでした（{error}）").format(error=exc))
        self.verdict.setStyleSheet(style.chip_style(style.ERROR_FG, style.ERROR_BG))

    def _loaded(self, view: AuditView) -> None:
        self.reload_button.setEnabled(True)
        self.view = view
        self.bad_rows = {int(n) for p in view.problems for n in re.findall(r"#(\d+)", p)[:1]}
        if view.problems:
            rows = "、".join(f"#{r}" for r in sorted(self.bad_rows))
            if any("件足りません" in p or "末尾が削除" in p or "件ありましたが" in p
                   for p in view.problems):  # rows are missing, not altered
                self.verdict.setText(self.tr("改ざん検出: 監査ログの記録が削除されています"
                                             "（{rows} 付近）").format(rows=rows or "末尾"))
            else:
                self.verdict.setText(self.tr("改ざん検出: 監査ログの {n} か所が記録時と一致しません"
                                             "（行番号 {rows}）").format(n=len(view.problems),
                                                                     rows=rows))
            self.verdict.setStyleSheet(
                style.chip_style(style.ERROR_FG, style.ERROR_BG) + "QLabel { font-size: 14pt; }")
            self.problems_label.setText("\n".join(view.problems))
            self.problems_label.setVisible(True)
        else:
            self.verdict.setText(self.tr("改ざんなし: 全 {n} 件の記録のつながりを確かめました")
                                 .format(n=view.total))
            self.verdict.setStyleSheet(
                style.chip_style(style.OK_FG, style.OK_BG) + "QLabel { font-size: 14pt; }")
            self.problems_label.setVisible(False)
        self.table.setRowCount(len(view.rows))
        bad = QBrush(QColor(style.ERROR_BG))
        for r, values in enumerate(view.rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value) if c != 7 else str(value)[:12])
                if c == 7:
                    item.setToolTip(str(value))
                if values[0] in self.bad_rows:
                    item.setBackground(bad)
                self.table.setItem(r, c, item)
        shown = len(view.rows)
        self.count_label.setText(
            self.tr("新しい順に {shown} 件を表示（全 {total} 件）").format(
                shown=shown, total=view.total))

    def _choose_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("監査ログの書き出し"), str(Path.home() / "audit.csv"),
            self.tr("CSV (*.csv)"))
        if path:
            self.export(Path(path))

    def export(self, path: Path, encoding: str = "cp932") -> None:
        self.export_button.setEnabled(False)

        def done(problems: list[str]) -> None:
            self.export_button.setEnabled(True)
            if problems:
                self.count_label.setText(self.tr("書き出せませんでした: ") + "／".join(problems))
                self.count_label.setStyleSheet(f"color: {style.ERROR_FG};")
            else:
                self.count_label.setText(self.tr("書き出しました: {path}").format(path=path))
                self.count_label.setStyleSheet(f"color: {style.OK_FG};")

        def failed(exc: BaseException) -> None:
            done([str(exc)])

        self.bridge.audit_export_async(path, encoding, done, failed)
