"""One benchmark figure and how it compares with its goal."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    goal: str
    met: bool | None
    detail: str = ""

    def row(self) -> str:
        verdict = {True: "met", False: "MISSED", None: "-"}[self.met]
        return f"| {self.name} | {self.value:.3f} {self.unit} | {self.goal} | {verdict} | {self.detail} |"
