"""A minimal main window: the exposure per custodian, read from the store.

Threading: GUI thread only. It owns its own read-only use of the profile's
store (opened on the GUI thread).
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QTableView, QVBoxLayout, QWidget

from exposure_app.domain.exposure import CounterpartyExposure, ExposureReport
from exposure_app.services.portfolio import exposure_as_of
from exposure_app.services.profile import Profile

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class ExposureColumn(IntEnum):
    NAME = 0
    DIRECT = 1
    AFFILIATED = 2
    TOTAL = 3
    SHARE = 4


_HEADERS = {
    ExposureColumn.NAME: "Custodian",
    ExposureColumn.DIRECT: "Direct",
    ExposureColumn.AFFILIATED: "Affiliated",
    ExposureColumn.TOTAL: "Total",
    ExposureColumn.SHARE: "Share",
}


class ExposureTableModel(QAbstractTableModel):
    """Rows are :class:`CounterpartyExposure`; raw Decimals under ``SORT_ROLE``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: tuple[CounterpartyExposure, ...] = ()
        self.currency = "USD"

    def set_report(self, report: ExposureReport) -> None:
        self.beginResetModel()
        self._rows = report.counterparties
        self.currency = report.base_currency
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(ExposureColumn)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[ExposureColumn(section)]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = ExposureColumn(index.column())
        raw = {
            ExposureColumn.NAME: row.name,
            ExposureColumn.DIRECT: row.direct,
            ExposureColumn.AFFILIATED: row.affiliated,
            ExposureColumn.TOTAL: row.value,
            ExposureColumn.SHARE: row.share,
        }[column]
        if role == SORT_ROLE:
            return raw if column is ExposureColumn.NAME else float(raw)
        if role == Qt.ItemDataRole.DisplayRole:
            if column is ExposureColumn.NAME:
                return raw
            if column is ExposureColumn.SHARE:
                return f"{raw * 100:.1f}%"
            return f"{raw:,.2f} {self.currency}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column is not ExposureColumn.NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class MainWindow(QMainWindow):
    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile
        self.store = profile.open_store()
        self.settings = profile.load_settings()
        self.setWindowTitle("Exposure")
        self.summary = QLabel()
        self.model = ExposureTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Exposure per custodian")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self.resize(900, 600)
        self.refresh()

    def refresh(self) -> None:
        report = exposure_as_of(self.store, self.settings)
        self.model.set_report(report)
        self.summary.setText(
            f"Net worth {report.net_worth:,.2f} {report.base_currency} — custodial "
            f"{report.custodial.share * 100:.1f}%"
        )

    def closeEvent(self, event) -> None:
        self.store.close()
        super().closeEvent(event)
