"""``data-folder show | move DIR | reset``: where the profile lives by default.

``move`` prepares DIR (copies this profile into an empty folder, or checks the
profile already there) and records it as the default for the next start of
the GUI and the CLI; ``--data-dir`` and ``EXPOSURE_APP_DATA_DIR`` still win.
The current folder is left as it was. See ``services.profile_location``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from exposure_app.cli.context import CliContext, UserError
from exposure_app.cli.options import ACTION, add_json, examples
from exposure_app.services.profile import ENV_DATA_DIR
from exposure_app.services.profile_location import (
    ProfileLocationError,
    chosen_data_dir,
    move_profile,
    record_choice,
)

SAME_KEYS_NOTE = (
    "The old folder was left as it was; delete it when you no longer need it. Both copies "
    "use the same API keys in your keyring: removing an account in one keeps a key the "
    "other still uses."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data-folder", help="where the profile lives by default")
    sub = parser.add_subparsers(dest="data_folder_command", metavar=ACTION, required=True)
    p = sub.add_parser("show", help="the folder in use, and the chosen default")
    add_json(p, "both folders")
    examples(p, "data-folder show")
    p.set_defaults(handler=show)
    p = sub.add_parser("move", help="copy this profile to DIR (or use the profile there) and "
                                    "make DIR the default from the next start")
    p.add_argument("folder", metavar="DIR",
                   help="an empty folder, or one that holds an Exposure profile already")
    examples(p, "data-folder move /media/vault/Exposure")
    p.set_defaults(handler=move)
    p = sub.add_parser("reset", help="make the platform's data folder the default again")
    examples(p, "data-folder reset")
    p.set_defaults(handler=reset)


def show(args: argparse.Namespace, ctx: CliContext) -> int:
    chosen = chosen_data_dir()
    data = {"in_use": str(ctx.profile.data_dir), "chosen_default": str(chosen) if chosen else None}
    if args.json:
        ctx.emit_json(data)
        return 0
    ctx.out(f"in use:         {data['in_use']}")
    ctx.out(f"chosen default: {data['chosen_default'] or '(none: the platform data folder)'}")
    return 0


def move(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()     # no other process writes while the copy is taken
    _ = ctx.store              # opens (and if needed creates and migrates) the database
    try:
        result = move_profile(ctx.profile.data_dir, Path(args.folder))
    except ProfileLocationError as exc:
        raise UserError(str(exc)) from None
    what = "copied this profile to" if result.copied else "will use the profile already in"
    ctx.out(f"Exposure {what} {result.data_dir}; it is the default from the next start.")
    if result.copied:
        ctx.warn(SAME_KEYS_NOTE)
    _warn_overrides(ctx)
    return 0


def reset(args: argparse.Namespace, ctx: CliContext) -> int:
    record_choice(None)
    ctx.out("The platform's data folder is the default again from the next start.")
    _warn_overrides(ctx)
    return 0


def _warn_overrides(ctx: CliContext) -> None:
    if os.environ.get(ENV_DATA_DIR, "").strip():
        ctx.warn(f"Note: {ENV_DATA_DIR} is set, and it wins over the chosen default.")
