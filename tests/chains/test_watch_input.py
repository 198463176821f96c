"""Addresses, extended public keys and refused secrets, checked with bip-utils.

Vectors: BIP84's own test vectors (zpub, first receive/change addresses) and
SLIP-0132's account keys for the mnemonic "abandon ×11 about" (xpub m/44'/0'/0',
ypub m/49'/0'/0', zpub m/84'/0'/0' with each first receive address).
"""

from __future__ import annotations

import pytest

from exposure_app.domain.chains import CHAINS, ChainFamily
from exposure_app.domain.watch_only import (
    ScriptType,
    SecretMaterialError,
    TargetKind,
    derive_addresses,
    evm_address,
    parse_watch_input,
    secret_kind,
    watch_target_of,
)

XPUB_44 = ("xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMz"
           "G3DSSSSoekkudhUd9yLb6qx39T9nMdj")
YPUB_49 = ("ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9"
           "979FfaHxHcrArf3zbeJJJUZPf663zsP")
ZPUB_84 = ("zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868"
           "RvUUkgDKf31mGDtKsAYz2oz2AGutZYs")
XPRV_44 = ("xprv9xpXFhFpqdQK3TmytPBqXtGSwS3DLjojFhTGht8gwAAii8py5X6pxeBnQ6ehJiyJ6nDjWGJfZ95W"
           "xByFXVkDxHXrqu53WCRGypk2ttuqncb")
MNEMONIC = "abandon " * 11 + "about"


@pytest.mark.parametrize(("key", "script", "first"), [
    (XPUB_44, ScriptType.P2PKH, "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"),
    (YPUB_49, ScriptType.P2SH_P2WPKH, "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf"),
    (ZPUB_84, ScriptType.P2WPKH, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"),
])
def test_account_keys_derive_the_published_first_address(key, script, first):
    target = parse_watch_input("bitcoin", key)
    assert (target.kind, target.script) == (TargetKind.XPUB, script)
    assert derive_addresses(target, 0, 0, 1) == [first]


def test_bip84_vectors_receive_and_change():
    target = parse_watch_input("bitcoin", ZPUB_84)
    assert derive_addresses(target, 0, 0, 2) == [
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"]
    assert derive_addresses(target, 1, 0, 1) == ["bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"]


def test_target_round_trips_through_account_options():
    target = parse_watch_input("bitcoin", YPUB_49)
    assert watch_target_of(target.to_options()) == target
    assert watch_target_of({"api_url": "x"}) is None


@pytest.mark.parametrize("address", [
    "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA", "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf",
    "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
    "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",   # BIP86 taproot
])
def test_bitcoin_addresses_accepted(address):
    target = parse_watch_input("bitcoin", f"  {address} ")
    assert target.kind is TargetKind.ADDRESS and target.value == address


@pytest.mark.parametrize("bad", [
    "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabB",               # checksum
    "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyv",       # bech32 checksum
    "0xdAC17F958D2ee523a2206206994597C13D831ec7",       # an EVM address on bitcoin
    XPUB_44[:-1] + "k",                                 # xpub checksum
    "",
])
def test_bad_bitcoin_input_rejected(bad):
    with pytest.raises(ValueError) as info:
        parse_watch_input("bitcoin", bad)
    assert not isinstance(info.value, SecretMaterialError)


def test_evm_checksum_is_checked_when_mixed_case():
    good = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
    assert evm_address(good) == good.lower()
    assert evm_address(good.lower()) == good.lower()
    with pytest.raises(ValueError, match="EIP-55"):
        evm_address("0xdAC17F958D2ee523a2206206994597C13D831Ec7")
    with pytest.raises(ValueError):
        parse_watch_input("ethereum", "0x1234")


def test_every_listed_token_contract_has_a_valid_checksum():
    for spec in CHAINS.values():
        if spec.family is ChainFamily.EVM:
            assert spec.chain_id and spec.tokens
        for token in spec.tokens:
            assert evm_address(token.contract) == token.contract.lower(), token


@pytest.mark.parametrize("secret", [
    XPRV_44,
    MNEMONIC,
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
    "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ",     # WIF (uncompressed)
    "KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617",    # WIF (compressed)
    "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
    "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
])
@pytest.mark.parametrize("chain", ["bitcoin", "ethereum"])
def test_secret_material_refused_without_echo(secret, chain):
    assert secret_kind(secret) is not None
    with pytest.raises(SecretMaterialError) as info:
        parse_watch_input(chain, secret)
    message = str(info.value)
    assert "Refused" in message
    assert secret not in message and secret.split()[0] not in message.split()


def test_public_input_is_not_mistaken_for_a_secret():
    for text in (XPUB_44, ZPUB_84, "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA",
                 "0xdAC17F958D2ee523a2206206994597C13D831ec7"):
        assert secret_kind(text) is None


def test_an_xpub_exported_for_a_native_segwit_account_takes_an_address_type():
    # the BIP84 account key with the plain "xpub" version bytes, as some wallets export it
    from bip_utils import Base58Decoder, Base58Encoder

    payload = Base58Decoder.CheckDecode(ZPUB_84)
    as_xpub = Base58Encoder.CheckEncode(bytes.fromhex("0488b21e") + payload[4:])
    assert as_xpub.startswith("xpub")
    legacy = parse_watch_input("bitcoin", as_xpub)
    assert legacy.script is ScriptType.P2PKH
    assert derive_addresses(legacy, 0, 0, 1) != ["bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"]
    segwit = parse_watch_input("bitcoin", as_xpub, "p2wpkh")
    assert derive_addresses(segwit, 0, 0, 1) == ["bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"]
    with pytest.raises(ValueError, match="extended public key only"):
        parse_watch_input("bitcoin", "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA", "p2wpkh")
