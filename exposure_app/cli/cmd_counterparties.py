"""``counterparties list [--json]``: the catalogue of custodians and issuers."""

from __future__ import annotations

import argparse

from exposure_app.cli.context import CliContext
from exposure_app.cli.options import Action, add_command
from exposure_app.cli.tables import Column, TextTable
from exposure_app.risk.catalog import load_details, load_directory


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "counterparties", "the catalogue of custodians and issuers", [
        Action("list", "list every known counterparty", list_cmd,
               ("counterparties list", "counterparties list --json"), json="the catalogue"),
    ])


LISTING = TextTable(Column("COUNTERPARTY", "<20"), Column("NAME", "<28"), Column("KIND", "<18"),
                    Column("STATUS", "<24"), Column("DETAILS"))


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    directory = load_directory()
    details = load_details()
    rows = sorted(directory, key=lambda c: c.id)
    if args.json:
        ctx.emit_json({"counterparties": [
            {
                "counterparty": c.id, "name": c.name, "kind": c.kind.value,
                "ccxt_ids": list(c.ccxt_ids), "aliases": list(c.aliases),
                "affiliated_tokens": list(c.affiliated_tokens),
                "issued_stablecoins": list(c.issued_stablecoins),
                "reserve_slug": c.reserve_slug,
                "status": "active" if c.is_active else "defunct",
                "defunct_since": c.defunct_since.isoformat() if c.defunct_since else None,
                "custody": details[c.id].custody,
            }
            for c in rows
        ]})
        return 0
    ctx.out(LISTING.header())
    for c in rows:
        status = f"defunct since {c.defunct_since}" if c.defunct_since else "active"
        extra = []
        if c.ccxt_ids:
            extra.append("ccxt: " + ", ".join(c.ccxt_ids))
        if c.affiliated_tokens:
            extra.append("tokens: " + ", ".join(c.affiliated_tokens))
        if c.issued_stablecoins:
            extra.append("issues: " + ", ".join(c.issued_stablecoins))
        ctx.out(LISTING.line(c.id, c.name, c.kind.value, status, "; ".join(extra)))
    return 0
