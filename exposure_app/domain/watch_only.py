"""Watch-only targets: an address or an extended public key on one chain.

A watch-only account is a self-custody account (``AccountKind.SELF_CUSTODY``)
whose ``options["watch"]`` holds a :class:`WatchTarget`; it syncs like an
exchange account but reads a public chain, so nobody else holds the keys.

:func:`parse_watch_input` checks what the user typed or pasted, with bip-utils
doing every key and address check (no hand-written cryptography):

* Bitcoin: a P2PKH (``1…``), P2SH (``3…``) or segwit (``bc1…``) address, or an
  account-level extended public key: ``xpub`` (BIP44, P2PKH), ``ypub`` (BIP49,
  P2SH-P2WPKH) or ``zpub`` (BIP84, P2WPKH).
* EVM chains: ``0x`` and 40 hex digits; mixed case must carry a valid EIP-55
  checksum (a typo in a checksummed address is caught).

Pasting secret material by mistake (a WIF or 64-hex private key, an
``xprv``/``yprv``/``zprv``, a BIP39 seed phrase) raises :class:`SecretMaterialError`
whose message never repeats the input, so nothing of it reaches a log, the
database or the settings.

Pure functions (bip-utils is pure computation); no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from exposure_app.domain.chains import ChainFamily, chain_spec

#: Consecutive unused addresses after which a chain of an extended key is
#: considered exhausted (BIP44's "address gap limit").
GAP_LIMIT = 20

_WATCH_OPTION = "watch"


class SecretMaterialError(ValueError):
    """The input is a private key or seed phrase; refused, never echoed."""


class TargetKind(StrEnum):
    ADDRESS = "address"
    XPUB = "xpub"


class ScriptType(StrEnum):
    P2PKH = "p2pkh"              # BIP44, xpub
    P2SH_P2WPKH = "p2sh-p2wpkh"  # BIP49, ypub
    P2WPKH = "p2wpkh"            # BIP84, zpub


_XPUB_SCRIPTS = {"xpub": ScriptType.P2PKH, "ypub": ScriptType.P2SH_P2WPKH,
                 "zpub": ScriptType.P2WPKH}


@dataclass(frozen=True, slots=True)
class WatchTarget:
    chain: str
    kind: TargetKind
    value: str
    """The address (EVM: lower case) or the extended public key as given."""
    script: ScriptType | None = None

    def to_options(self) -> dict[str, object]:
        """The account options that store this target (see :func:`watch_target_of`)."""
        option = {"chain": self.chain, "kind": self.kind.value, "value": self.value}
        if self.script is not None:
            option["script"] = self.script.value
        return {_WATCH_OPTION: option}

    @property
    def short(self) -> str:
        return self.value if len(self.value) <= 20 else f"{self.value[:10]}…{self.value[-6:]}"


def watch_target_of(options: Mapping[str, object]) -> WatchTarget | None:
    """The target stored in an account's options, or ``None`` for other accounts."""
    raw = options.get(_WATCH_OPTION)
    if not isinstance(raw, Mapping):
        return None
    script = raw.get("script")
    return WatchTarget(str(raw["chain"]), TargetKind(str(raw["kind"])), str(raw["value"]),
                       ScriptType(str(script)) if script else None)


@dataclass(frozen=True, slots=True)
class Receipt:
    """Coins a watched address received in one transaction (outgoing ones excluded).

    ``at`` is the block time once confirmed, else when the app first saw it
    unconfirmed; ``confirmed`` says which.
    """

    txid: str
    address: str
    asset: str
    amount: Decimal
    at: datetime
    confirmed: bool


def is_watch_only(account: object) -> bool:
    """Whether ``account`` (a ``domain.models.Account``) watches an address on a chain;
    such an account is synced from its chain, never edited by hand."""
    options = getattr(account, "options", None)
    return isinstance(options, Mapping) and watch_target_of(options) is not None


# -- secret material -------------------------------------------------------------------

_REFUSED = ("Refused: this looks like {what}, which gives full control of the coins. "
            "Exposure never takes one and did not keep it. Enter an address or an extended "
            "PUBLIC key (xpub, ypub, zpub) instead, and if you pasted it somewhere it could "
            "be seen, consider the coins exposed.")


def secret_kind(text: str) -> str | None:
    """What kind of secret ``text`` looks like, or ``None``."""
    from bip_utils import Bip39MnemonicValidator, WifDecoder

    stripped = text.strip()
    words = stripped.split()
    if len(words) >= 12 and all(w.isalpha() for w in words):
        # a checksum-valid BIP39 phrase, or a mistyped one: words are never an address,
        # so the refusal never depends on the validator (it reads word lists from disk)
        try:
            valid = Bip39MnemonicValidator().IsValid(" ".join(words).lower())
        except Exception:
            valid = False
        return ("a seed phrase (recovery words)" if valid
                else "what looks like a seed phrase (recovery words)")
    compact = stripped.removeprefix("0x").removeprefix("0X")
    if re.fullmatch(r"[0-9a-fA-F]{64}", compact):
        return "a private key (64 hexadecimal digits)"
    if re.fullmatch(r"[a-zA-Z]prv[1-9A-HJ-NP-Za-km-z]{100,}", stripped):
        return "an extended private key"
    if re.fullmatch(r"[1-9A-HJ-NP-Za-km-z]{51,52}", stripped):
        try:
            WifDecoder.Decode(stripped)
        except Exception:   # not a WIF after all
            return None
        return "a private key (WIF)"
    return None


def refuse_secrets(text: str) -> None:
    what = secret_kind(text)
    if what is not None:
        raise SecretMaterialError(_REFUSED.format(what=what))


# -- parsing ---------------------------------------------------------------------------

def parse_watch_input(chain: str, text: str, script: ScriptType | str | None = None) -> WatchTarget:
    """The target ``text`` names on ``chain``.

    ``script`` overrides the address type an extended key's prefix names
    (xpub: P2PKH, ypub: P2SH-P2WPKH, zpub: P2WPKH): some wallets export a plain
    ``xpub`` for a native segwit account. Raises :class:`SecretMaterialError`
    for secret material and ``ValueError`` with a one-line reason for anything
    else that is not a valid address or extended public key of that chain.
    """
    refuse_secrets(text)
    spec = chain_spec(chain)
    value = text.strip()
    if not value or len(value) > 200 or any(ch.isspace() for ch in value):
        raise ValueError(f"not a {spec.name} address or extended public key")
    if spec.family is ChainFamily.EVM:
        return WatchTarget(spec.id, TargetKind.ADDRESS, evm_address(value))
    prefix = value[:4]
    if prefix in _XPUB_SCRIPTS:
        _account_key(value)   # raises ValueError when it is not usable
        chosen = ScriptType(script) if script else _XPUB_SCRIPTS[prefix]
        return WatchTarget(spec.id, TargetKind.XPUB, value, chosen)
    if prefix[:1].isalpha() and value[1:4] in ("pub",):
        raise ValueError("only mainnet xpub, ypub and zpub extended keys are supported")
    if script:
        raise ValueError("an address type applies to an extended public key only")
    return WatchTarget(spec.id, TargetKind.ADDRESS, bitcoin_address(value))


def evm_address(value: str) -> str:
    """``value`` checked as an EVM address (EIP-55 when mixed case), in lower case."""
    from bip_utils import EthAddrDecoder

    if not re.fullmatch(r"0x[0-9a-fA-F]{40}", value):
        raise ValueError("an EVM address is 0x followed by 40 hexadecimal digits")
    body = value[2:]
    mixed = body != body.lower() and body != body.upper()
    try:
        EthAddrDecoder.DecodeAddr(value, skip_chksum_enc=not mixed)
    except ValueError:
        raise ValueError("the address's capital letters do not match its EIP-55 checksum: "
                         "a character is probably mistyped") from None
    return value.lower()


def bitcoin_address(value: str) -> str:
    """``value`` checked as a mainnet Bitcoin address (legacy, P2SH or segwit)."""
    from bip_utils import CoinsConf, P2PKHAddrDecoder, P2SHAddrDecoder, SegwitBech32Decoder

    conf = CoinsConf.BitcoinMainNet
    if value.lower().startswith("bc1"):
        try:
            SegwitBech32Decoder.Decode("bc", value.lower())
        except Exception:
            raise ValueError("not a valid bc1 address (checksum or length wrong)") from None
        return value.lower()
    for decoder, key in ((P2PKHAddrDecoder, "p2pkh_net_ver"), (P2SHAddrDecoder, "p2sh_net_ver")):
        try:
            decoder.DecodeAddr(value, net_ver=conf.ParamByKey(key))
        except Exception:
            continue
        return value
    raise ValueError("not a valid mainnet Bitcoin address or xpub/ypub/zpub")


# -- extended public keys ---------------------------------------------------------------

def _account_key(xpub: str) -> Any:  # a bip_utils Bip32Slip10Secp256k1 (bip_utils is untyped)
    """The account-level BIP32 public key of ``xpub`` (SLIP-132 version by its prefix)."""
    from bip_utils import Bip32Slip10Secp256k1, Bip44Conf, Bip49Conf, Bip84Conf

    versions = {"xpub": Bip44Conf, "ypub": Bip49Conf, "zpub": Bip84Conf}[xpub[:4]]
    try:
        key = Bip32Slip10Secp256k1.FromExtendedKey(xpub, versions.BitcoinMainNet.KeyNetVersions())
    except Exception:
        raise ValueError("not a valid extended public key (checksum or format wrong)") from None
    if key.Depth().ToInt() != 3:
        raise ValueError("give the account's extended public key (depth 3, as wallets export "
                         "it), not a master or address-level key")
    return key


def _encoder(script: ScriptType) -> Callable[[Any], str]:
    """``pubkey -> address`` for ``script`` on Bitcoin mainnet."""
    from bip_utils import CoinsConf, P2PKHAddrEncoder, P2SHAddrEncoder, P2WPKHAddrEncoder

    conf = CoinsConf.BitcoinMainNet
    if script is ScriptType.P2PKH:
        net_ver = conf.ParamByKey("p2pkh_net_ver")
        return lambda pub: P2PKHAddrEncoder.EncodeKey(pub, net_ver=net_ver)
    if script is ScriptType.P2SH_P2WPKH:
        net_ver = conf.ParamByKey("p2sh_net_ver")
        return lambda pub: P2SHAddrEncoder.EncodeKey(pub, net_ver=net_ver)
    hrp, wit_ver = conf.ParamByKey("p2wpkh_hrp"), conf.ParamByKey("p2wpkh_wit_ver")
    return lambda pub: P2WPKHAddrEncoder.EncodeKey(pub, hrp=hrp, wit_ver=wit_ver)


def derive_addresses(target: WatchTarget, change: int, start: int, count: int) -> list[str]:
    """Addresses ``start`` .. ``start + count - 1`` of the receive (0) or change (1) chain,
    in the target's script type (by default the one its prefix names)."""
    if target.kind is not TargetKind.XPUB or target.script is None:
        raise ValueError("only an extended public key derives addresses")
    branch = _account_key(target.value).ChildKey(change)
    encode = _encoder(target.script)
    return [encode(branch.ChildKey(i).PublicKey().KeyObject()) for i in range(start, start + count)]


def address_format_ok(chain: str, address: str) -> bool:
    """Whether ``address`` is a valid single address for ``chain`` (destination checks)."""
    try:
        target = parse_watch_input(chain, address)
    except ValueError:
        return False
    return target.kind is TargetKind.ADDRESS
