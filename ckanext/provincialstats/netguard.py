"""Outgoing HTTP that reaches public addresses only, checked on the connection itself.

The fetchers (DataStore links, harvest sources, quality URL checks) first resolve a link's
host and refuse private addresses with a clear message (``check_url`` in each). That check
alone leaves a gap: the HTTP library resolves the name again when it connects, and a DNS
answer that changes in between (DNS rebinding) would reach a loopback or private address.
The session made here closes it: every new connection's peer address is checked right
after the TCP connect, before a byte is sent, and refused unless public.

Behind an outgoing proxy taken from the environment, the connection is to the proxy
(checked only by ``check_url``).
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError


def is_public_address(ip: str) -> bool:
    """True for an address on the public internet (not loopback, private, link-local,
    multicast, reserved or unspecified; IPv4-mapped IPv6 judged as its IPv4)."""
    address = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified
                or not address.is_global)


def private_address(host: str, port: int) -> Optional[str]:
    """The first address ``host`` resolves to that is not public, or None; raises
    ``OSError`` when the name does not resolve."""
    for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP):
        address = info[4][0].split("%")[0]
        if not is_public_address(address):
            return address
    return None


class PrivateAddressError(NewConnectionError):
    """A connection whose peer is not a public address (closed before any request)."""

    def __init__(self, conn, address: str):
        super().__init__(conn, f"refused to connect: {address} is not a public address")
        self.address = address


class _PublicPeerOnly:
    def _new_conn(self):
        sock = super()._new_conn()
        try:
            address = sock.getpeername()[0]
        except OSError:
            address = "unknown"
        if address == "unknown" or not is_public_address(address):
            sock.close()
            raise PrivateAddressError(self, address)
        return sock


class _HTTPConnection(_PublicPeerOnly, HTTPConnection):
    pass


class _HTTPSConnection(_PublicPeerOnly, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """An adapter whose connections refuse peers that are not public addresses."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session(allow_private: bool) -> requests.Session:
    """A requests session; unless ``allow_private``, its connections reach public
    addresses only."""
    s = requests.Session()
    if not allow_private:
        adapter = PublicOnlyAdapter()
        s.mount("http://", adapter)
        s.mount("https://", adapter)
    return s


def refused_address(error: BaseException) -> Optional[str]:
    """The address a ``requests`` error was refused for by this module, if it was."""
    seen = set()
    todo = [error]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, PrivateAddressError):
            return e.address
        todo.extend([getattr(e, "reason", None), e.__cause__, e.__context__])
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return None
