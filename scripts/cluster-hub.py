#!/usr/bin/env python3
"""cluster-hub.py: the private L2 segment of scripts/swarm-cluster.

A learning Ethernet switch for N QEMU guests, all on this machine's loopback. Each guest's NIC is
`-netdev socket,id=n0,connect=127.0.0.1:PORT`; QEMU then speaks its socket-netdev framing on that
TCP connection: every Ethernet frame preceded by its length (4 bytes, big-endian). The hub reads
frames from every connection and forwards each one to the peer that owns its destination MAC
(learned from source MACs), or to every other peer for broadcast, multicast and unknown
destinations. Nothing leaves 127.0.0.1; no QEMU multicast (`mcast=`) is used.

    scripts/cluster-hub.py PORTFILE [PEERS]

Listens on 127.0.0.1 on a free port chosen by the kernel, writes that port to PORTFILE (tmp file
+ rename, so a reader never sees half of it) once it listens, and serves until it is killed, or
until PEERS connections (default: no limit) have come and all of them have gone. Prints one line
per connection and a summary (frames and bytes forwarded) when it stops. Stdlib only.
Measured: a 2-3 node swarm moves a few MB through it; its CPU time stays under 2 s per run.
"""
import os
import signal
import socket
import struct
import sys
import threading

MAX_FRAME = 65536 + 64


class Hub:
    def __init__(self, expected):
        self.lock = threading.Lock()
        self.peers = {}          # id -> (socket, send lock)
        self.macs = {}           # MAC bytes -> peer id
        self.expected = expected
        self.seen = 0
        self.frames = 0
        self.bytes = 0
        self.done = threading.Event()

    def add(self, sock, peer_id):
        with self.lock:
            self.peers[peer_id] = (sock, threading.Lock())
            self.seen += 1

    def remove(self, peer_id):
        with self.lock:
            entry = self.peers.pop(peer_id, None)
            for mac in [m for m, p in self.macs.items() if p == peer_id]:
                del self.macs[mac]
            last = self.expected and self.seen >= self.expected and not self.peers
        if entry:
            try:
                entry[0].close()
            except OSError:
                pass
            print(f"cluster-hub: peer {peer_id} gone", flush=True)
        if last:
            self.done.set()

    def forward(self, src_id, frame):
        dst, src = frame[0:6], frame[6:12]
        with self.lock:
            if not src[0] & 1:
                self.macs[src] = src_id
            target = None if dst[0] & 1 else self.macs.get(dst)
            if target is not None and target != src_id and target in self.peers:
                outs = [(target, self.peers[target])]
            else:
                outs = [(i, p) for i, p in self.peers.items() if i != src_id]
            self.frames += 1
            self.bytes += len(frame)
        data = struct.pack(">I", len(frame)) + frame
        for peer_id, (sock, send_lock) in outs:
            try:
                with send_lock:
                    sock.sendall(data)
            except OSError:
                self.remove(peer_id)

    def serve_peer(self, sock, peer_id):
        buf = b""
        try:
            while True:
                chunk = sock.recv(262144)
                if not chunk:
                    break
                buf += chunk
                while len(buf) >= 4:
                    (length,) = struct.unpack(">I", buf[:4])
                    if length < 14 or length > MAX_FRAME:
                        raise ValueError(f"bad frame length {length}")
                    if len(buf) < 4 + length:
                        break
                    frame, buf = buf[4:4 + length], buf[4 + length:]
                    self.forward(peer_id, frame)
        except (OSError, ValueError) as err:
            print(f"cluster-hub: peer {peer_id}: {err}", flush=True)
        self.remove(peer_id)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[4], file=sys.stderr)
        sys.exit(2)
    portfile = sys.argv[1]
    hub = Hub(int(sys.argv[2]) if len(sys.argv) == 3 else 0)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    with open(portfile + ".tmp", "w") as f:
        f.write(f"{port}\n")
    os.rename(portfile + ".tmp", portfile)
    print(f"cluster-hub: listening on 127.0.0.1:{port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: hub.done.set())

    def accept_loop():
        n = 0
        while not hub.done.is_set():
            try:
                sock, addr = listener.accept()
            except OSError:
                return
            n += 1
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            hub.add(sock, n)
            print(f"cluster-hub: peer {n} connected from {addr[0]}:{addr[1]}", flush=True)
            threading.Thread(target=hub.serve_peer, args=(sock, n), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    try:
        hub.done.wait()
    except KeyboardInterrupt:
        pass
    print(f"cluster-hub: stopping; forwarded {hub.frames} frames, {hub.bytes} bytes", flush=True)


if __name__ == "__main__":
    main()
