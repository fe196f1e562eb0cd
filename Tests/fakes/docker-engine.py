#!/usr/bin/env python3
"""A fake Docker Engine API on a unix socket or a loopback TCP port, for the exporter's integration tests.

    docker-engine.py SOCKET [--tcp] [--networks N] [--delay SECONDS] [--services S --tasks T] [--framing F] [--worker]

--tcp: listen on 127.0.0.1 (a port the kernel picks, written to SOCKET.port once listening)
instead of the unix socket SOCKET, as a socket proxy in front of dockerd would.

GET /networks lists the ingress network and N overlay networks; GET /networks/<id> answers the
verbose detail after --delay seconds (the ingress network and every overlay network carry S
services of T tasks each; 2,000 x 10 is about 6.5 MB); GET /services lists the services, GET /tasks
their tasks (running, attached to every network with the address the network detail gives them)
and GET /nodes the three nodes they run on, as a manager answers; with --worker those three answer
503 as a worker's dockerd does. A path
may start with an API version (/v1.41/networks), as dockerd's may. Every request is appended to SOCKET.log as "<time> <target>". --framing: "length" (HTTP/1.0 with a
Content-Length, the default), "close" (HTTP/1.0 without one, ended by closing the connection: what
dockerd's Go server sends an HTTP/1.0 client for a large answer), or "chunked" (HTTP/1.1,
Transfer-Encoding: chunked, 64 KiB chunks with an extension each).
"""
import argparse, json, os, re, socket, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("socket")
parser.add_argument("--tcp", action="store_true")
parser.add_argument("--networks", type=int, default=1)
parser.add_argument("--delay", type=float, default=0)
parser.add_argument("--services", type=int, default=1)
parser.add_argument("--tasks", type=int, default=2)
parser.add_argument("--framing", choices=["length", "close", "chunked"], default="length")
parser.add_argument("--worker", action="store_true")
options = parser.parse_args()


def network_id(index):
    return "ov%023d" % index  # 25 characters like Swarm's ids; lb_ + the first 9


INGRESS_ID = "ingressnetworkid012345678"


def detail(identifier, ingress):
    services = {}
    containers = {}
    for s in range(options.services):
        name = "svc%05d" % s
        tasks = []
        for t in range(options.tasks):
            task_name = "%s.%d.%025d" % (name, t + 1, s * options.tasks + t)
            endpoint = "%064x" % (s * 1000 + t)
            address = "10.%d.%d.%d" % (1 + (s * options.tasks + t) // 65536, ((s * options.tasks + t) // 256) % 256, (s * options.tasks + t) % 256)
            tasks.append({"Name": task_name, "EndpointID": endpoint, "EndpointIP": address,
                          "Info": {"Host IP": "192.168.77.%d" % (1 + t % 3)}})
            if t % 3 == 0:
                containers["%064x" % (s * 7919 + t)] = {"Name": task_name, "EndpointID": endpoint,
                                                        "MacAddress": "02:42:0a:00:01:%02x" % (t % 256),
                                                        "IPv4Address": address + "/16", "IPv6Address": ""}
        services[name] = {"VIP": "10.255.%d.%d" % (s // 256, s % 256),
                          "Ports": ["Target: 80, Publish: %d" % (30000 + s)] if ingress else [],
                          "LocalLBIndex": 257 + s, "Tasks": tasks}
    return {"Name": "ingress" if ingress else "net-" + identifier, "Id": identifier, "Created": "2026-12-01T10:00:00Z",
            "Scope": "swarm", "Driver": "overlay", "EnableIPv6": False, "IPAM": {"Driver": "default", "Options": None,
            "Config": [{"Subnet": "10.0.0.0/8", "Gateway": "10.0.0.1"}]}, "Internal": False, "Attachable": False,
            "Ingress": ingress, "ConfigFrom": {"Network": ""}, "ConfigOnly": False, "Containers": containers,
            "Options": {"com.docker.network.driver.overlay.vxlanid_list": "4096"}, "Labels": {},
            "Peers": [{"Name": "node-1", "IP": "192.168.77.1"}], "Services": services}


networks = [{"Id": INGRESS_ID, "Name": "ingress", "Scope": "swarm", "Driver": "overlay", "Ingress": True}] + \
           [{"Id": network_id(i), "Name": "net%d" % i, "Scope": "swarm", "Driver": "overlay", "Ingress": False}
            for i in range(options.networks)]
details = {}
services_answer = json.dumps([{"ID": "svcid%020d" % s, "Spec": {"Name": "svc%05d" % s}, "Endpoint": {"Ports": [
    {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 30000 + s, "PublishMode": "ingress"}]}}
    for s in range(options.services)]).encode()


def task_address(number):  # the same address detail() gives task number s * T + t
    return "10.%d.%d.%d" % (1 + number // 65536, (number // 256) % 256, number % 256)


tasks_answer = json.dumps([{
    "ID": "%025d" % (s * options.tasks + t), "ServiceID": "svcid%020d" % s, "Slot": t + 1,
    "NodeID": "node%021d" % (1 + t % 3), "DesiredState": "running", "Status": {"State": "running", "Message": "started"},
    "NetworksAttachments": [{"Network": {"ID": n["Id"]}, "Addresses": [task_address(s * options.tasks + t) + "/16"]} for n in networks]}
    for s in range(options.services) for t in range(options.tasks)]).encode()
nodes_answer = json.dumps([{"ID": "node%021d" % i, "Status": {"State": "ready", "Addr": "192.168.77.%d" % i}} for i in (1, 2, 3)]).encode()
worker_refusal = b'{"message":"This node is not a swarm manager. Worker nodes can\'t be used to view or modify cluster state."}'
log_lock = threading.Lock()


def answer(connection, status, body):
    if options.framing == "chunked":
        head = "HTTP/1.1 %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" % status
        connection.sendall(head.encode())
        for start in range(0, len(body), 65536):
            piece = body[start:start + 65536]
            connection.sendall(b"%x;piece=%d\r\n" % (len(piece), start) + piece + b"\r\n")
        connection.sendall(b"0\r\n\r\n")
    elif options.framing == "close":
        connection.sendall(("HTTP/1.0 %s\r\nContent-Type: application/json\r\n\r\n" % status).encode() + body)
    else:
        head = "HTTP/1.0 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (status, len(body))
        connection.sendall(head.encode() + body)


def serve(connection):
    try:
        request = b""
        while b"\r\n\r\n" not in request:
            data = connection.recv(4096)
            if not data:
                return
            request += data
        target = request.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
        with log_lock, open(options.socket + ".log", "a") as log:
            log.write("%.3f %s\n" % (time.time(), target))
        path = target.split("?", 1)[0]
        path = re.sub(r"^/v[0-9]+\.[0-9]+(?=/)", "", path)  # an API version, as dockerd takes it
        if path == "/networks":
            answer(connection, "200 OK", json.dumps(networks).encode())
        elif path.startswith("/networks/"):
            identifier = path[len("/networks/"):]
            if options.delay:
                time.sleep(options.delay)
            if identifier not in details:
                details[identifier] = json.dumps(detail(identifier, identifier == INGRESS_ID)).encode()
            answer(connection, "200 OK", details[identifier])
        elif path in ("/services", "/tasks", "/nodes") and options.worker:
            answer(connection, "503 Service Unavailable", worker_refusal)
        elif path == "/services":
            answer(connection, "200 OK", services_answer)
        elif path == "/tasks":
            answer(connection, "200 OK", tasks_answer)
        elif path == "/nodes":
            answer(connection, "200 OK", nodes_answer)
        else:
            answer(connection, "404 Not Found", b'{"message":"page not found"}')
    except OSError:
        pass
    finally:
        connection.close()


if options.tcp:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    with open(options.socket + ".port.tmp", "w") as port_file:
        port_file.write("%d\n" % server.getsockname()[1])
    os.rename(options.socket + ".port.tmp", options.socket + ".port")
else:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(options.socket)
    server.listen(64)
deadline = time.time() + 600
server.settimeout(1)
while time.time() < deadline:
    try:
        connection, _ = server.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(connection,), daemon=True).start()
