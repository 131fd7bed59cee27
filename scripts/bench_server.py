"""Drives `phiguard server` over stdio and times didChange → publishDiagnostics.

Usage: bench_server.py PHIGUARD CORPUS
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def largest_module(corpus):
    sizes = {}
    for tf in Path(corpus).rglob("*.tf"):
        if ".terraform" in tf.parts:
            continue
        sizes[tf.parent] = sizes.get(tf.parent, 0) + tf.stat().st_size
    folder = max(sizes, key=sizes.get)
    files = sorted(folder.glob("*.tf"), key=lambda p: p.stat().st_size, reverse=True)
    return folder, files[0], sizes[folder], len(files)


class Server:
    def __init__(self, binary, cwd):
        self.proc = subprocess.Popen(
            [binary, "server"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 1

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.proc.stdout.readline().strip()
            if not line:
                break
            if line.startswith(b"Content-Length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == rid:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                return m["params"]["diagnostics"]


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    folder, file, size, count = largest_module(corpus)
    folder = folder.resolve()
    uri = "file://" + str(file.resolve())
    text = file.read_text()
    server = Server(binary, folder)
    server.request("initialize", {"processId": None, "rootUri": "file://" + str(folder), "capabilities": {}})
    server.notify("initialized", {})
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}})
    first = server.diagnostics(uri)
    times = []
    for i in range(40):
        changed = text + ("\n" if i % 2 == 0 else "")
        start = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [{"text": changed}]})
        server.diagnostics(uri)
        times.append((time.perf_counter() - start) * 1000)
    server.request("shutdown", None)
    server.notify("exit", None)
    server.proc.wait()
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"folder: {os.path.relpath(folder, corpus)} ({count} .tf files, {size // 1024} KiB); edited {file.name}")
    print(f"diagnostics on open: {len(first)}")
    print(f"didChange -> publishDiagnostics over {len(times)} changes: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
