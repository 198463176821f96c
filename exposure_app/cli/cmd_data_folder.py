"""``data-folder show | move DIR | reset | backups | restore BACKUP | start-anew``.

``show``/``move``/``reset``: where the profile lives by default.
``backups`` lists the database copies taken before each schema upgrade;
``restore BACKUP`` puts one back and ``start-anew`` sets a damaged database
aside — neither deletes the file it replaces.

``move`` prepares DIR (copies this profile into an empty folder, or checks the
profile already there) and records it as the default for the next start of
the GUI and the CLI; ``--data-dir`` and ``EXPOSURE_APP_DATA_DIR`` still win.
The current folder is left as it was. See ``services.profile_location``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from exposure_app.cli.context import CliContext, UserError, user_errors
from exposure_app.cli.options import Action, add_command
from exposure_app.services.profile import ENV_DATA_DIR
from exposure_app.services.profile_location import (
    ProfileLocationError,
    chosen_data_dir,
    move_profile,
    record_choice,
)
from exposure_app.storage.database_file import list_backups, restore_backup, start_anew
from exposure_app.storage.store import DB_NAME

SAME_KEYS_NOTE = (
    "The old folder was left as it was; delete it when you no longer need it. Both copies "
    "use the same API keys in your keyring: removing an account in one keeps a key the "
    "other still uses."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "data-folder", "where the profile lives by default", [
        Action("show", "the folder in use, and the chosen default", show, ("data-folder show",),
               json="both folders"),
        Action("move", "copy this profile to DIR (or use the profile there) and make DIR the "
                       "default from the next start", move,
               ("data-folder move /media/vault/Exposure",),
               arguments=lambda p: p.add_argument(
                   "folder", metavar="DIR",
                   help="an empty folder, or one that holds an Exposure profile already")),
        Action("reset", "make the platform's data folder the default again", reset,
               ("data-folder reset",)),
        Action("backups", "list the database backups (newest first)", backups,
               ("data-folder backups", "data-folder backups --json"), json="the backups' paths"),
        Action("restore", "replace the database with a backup (the current file is kept "
                          "beside it)", restore, ("data-folder restore BACKUP",),
               arguments=lambda p: p.add_argument(
                   "backup", metavar="BACKUP", help="a file listed by `data-folder backups`")),
        Action("start-anew", "set a damaged database aside (kept) and start with an empty one",
               start_anew_cmd, ("data-folder start-anew",)),
    ])


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
    with user_errors(ProfileLocationError):
        result = move_profile(ctx.profile.data_dir, Path(args.folder))
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


def backups(args: argparse.Namespace, ctx: CliContext) -> int:
    found = list_backups(ctx.profile.data_dir)
    if args.json:
        ctx.emit_json({"backups": [str(p) for p in found]})
        return 0
    for path in found:
        ctx.out(str(path))
    if not found:
        ctx.out(f"No backups in {ctx.profile.data_dir / 'backups'}.")
    return 0


def restore(args: argparse.Namespace, ctx: CliContext) -> int:
    """Never opens the current database: it may be the damaged one."""
    ctx.lock_for_writing()
    backup = Path(args.backup)
    if not backup.is_absolute() and not backup.exists():
        backup = ctx.profile.data_dir / "backups" / backup
    result = restore_backup(ctx.profile.data_dir / DB_NAME, backup)
    ctx.out(f"Restored the database from {result.backup}.")
    if result.kept_as is not None:
        ctx.warn(f"The file it replaced was kept as {result.kept_as}.")
    return 0


def start_anew_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    kept = start_anew(ctx.profile.data_dir / DB_NAME)
    if kept is None:
        raise UserError(f"there is no database in {ctx.profile.data_dir} to set aside")
    ctx.out(f"The database was kept as {kept}; the next command starts an empty profile "
            "(settings and API keys stay).")
    return 0


def _warn_overrides(ctx: CliContext) -> None:
    if os.environ.get(ENV_DATA_DIR, "").strip():
        ctx.warn(f"Note: {ENV_DATA_DIR} is set, and it wins over the chosen default.")
