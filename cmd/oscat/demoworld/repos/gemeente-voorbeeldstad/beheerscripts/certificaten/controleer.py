"""Meldt PKIoverheid-certificaten die binnen dertig dagen verlopen."""
import datetime
import ssl
import socket

HOSTS = ["www.voorbeeldstad.nl", "mijn.voorbeeldstad.nl"]


def verloopt(host):
    ctx = ssl.create_default_context()
    with socket.create_connection((host, 443), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname=host) as tls:
            cert = tls.getpeercert()
    return datetime.datetime.strptime(cert["notAfter"], "%b %d %H:%M:%S %Y %Z")


if __name__ == "__main__":
    for h in HOSTS:
        print(h, verloopt(h))
