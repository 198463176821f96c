"""The chains a watch-only address can be on: one declared table.

Each :class:`ChainSpec` says how to read the chain (``family``: an
Esplora-compatible HTTP API for Bitcoin, standard JSON-RPC for EVM chains),
its native coin, the default server URL offered in the dialog (a placeholder
the user is encouraged to replace with their own node) and, for EVM chains,
the ERC-20 tokens read with ``balanceOf``.

Token contracts are the canonical ones (checked against public token lists
and block explorers; ``tests/domain/test_chains.py`` checks every address's
EIP-55 checksum, which catches a mistyped character). The list is kept short
on purpose: the major stablecoins, wrapped BTC, staked ETH and the tokens of
custodians (BNB, FTT, CRO, OKB, LEO) whose own-token reliance the risk model
watches. A token not listed is simply not read.

Pure data; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChainFamily(StrEnum):
    BITCOIN = "bitcoin"
    """Balances from an Esplora-compatible HTTP API (electrs, Blockstream, mempool.space)."""
    EVM = "evm"
    """Balances from a standard Ethereum JSON-RPC endpoint."""


@dataclass(frozen=True, slots=True)
class Token:
    symbol: str
    contract: str
    """EIP-55 checksummed contract address."""
    decimals: int


@dataclass(frozen=True, slots=True)
class ChainSpec:
    id: str
    name: str
    family: ChainFamily
    native_symbol: str
    native_decimals: int
    default_api_url: str
    chain_id: int | None = None
    """EVM chain id (``eth_chainId``); the answer must match it."""
    tokens: tuple[Token, ...] = ()


_ETHEREUM_TOKENS = (
    Token("USDT", "0xdAC17F958D2ee523a2206206994597C13D831ec7", 6),
    Token("USDC", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 6),
    Token("DAI", "0x6B175474E89094C44Da98b954EedeAC495271d0F", 18),
    Token("WBTC", "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599", 8),
    Token("STETH", "0xae7ab96520DE3A18E5e111B5EaAb095312D7fE84", 18),
    Token("BNB", "0xB8c77482e45F1F44dE1745F52C74426C631bDD52", 18),
    Token("FTT", "0x50D1c9771902476076eCFc8B2A83Ad6b9355a4c9", 18),
    Token("CRO", "0xA0b73E1Ff0B80914AB6fe0444E65848C4C34450b", 8),
    Token("OKB", "0x75231F58b43240C9718Dd58B4967c5114342a86c", 18),
    Token("LEO", "0x2AF5D2aD76741191D15Dfe7bF6aC92d4Bd912Ca3", 18),
)

CHAINS: dict[str, ChainSpec] = {
    spec.id: spec
    for spec in (
        ChainSpec("bitcoin", "Bitcoin", ChainFamily.BITCOIN, "BTC", 8,
                  "https://blockstream.info/api"),
        ChainSpec("ethereum", "Ethereum", ChainFamily.EVM, "ETH", 18,
                  "https://ethereum-rpc.publicnode.com", 1, _ETHEREUM_TOKENS),
        ChainSpec("arbitrum", "Arbitrum One", ChainFamily.EVM, "ETH", 18,
                  "https://arb1.arbitrum.io/rpc", 42161, (
                      Token("USDT", "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9", 6),
                      Token("USDC", "0xaf88d065e77c8cC2239327C5EDb3A432268e5831", 6),
                  )),
        ChainSpec("base", "Base", ChainFamily.EVM, "ETH", 18,
                  "https://mainnet.base.org", 8453, (
                      Token("USDC", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", 6),
                  )),
        ChainSpec("polygon", "Polygon PoS", ChainFamily.EVM, "POL", 18,
                  "https://polygon-rpc.com", 137, (
                      Token("USDT", "0xc2132D05D31c914a87C6611C10748AEb04B58e8F", 6),
                      Token("USDC", "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", 6),
                  )),
        ChainSpec("bsc", "BNB Smart Chain", ChainFamily.EVM, "BNB", 18,
                  "https://bsc-dataseed.bnbchain.org", 56, (
                      Token("USDT", "0x55d398326f99059fF775485246999027B3197955", 18),
                      Token("USDC", "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d", 18),
                  )),
    )
}


def chain_spec(chain: str) -> ChainSpec:
    """The spec of ``chain``; ``ValueError`` with the known ids otherwise."""
    spec = CHAINS.get(chain.strip().lower())
    if spec is None:
        raise ValueError(f"unknown chain {chain!r}; known: {', '.join(CHAINS)}")
    return spec
