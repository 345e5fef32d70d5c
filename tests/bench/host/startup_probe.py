#!/usr/bin/env python3
"""startup_probe.py RUNS PORT -- COMMAND...

Starts COMMAND RUNS times and measures, for each run, the time from just before
exec to the first `GET /readyz` answered 200 on 127.0.0.1:PORT (polled every
0.2 ms over a raw socket, so the probe itself adds little). Stops each run with
SIGTERM and prints the times in milliseconds, one per line, then the median."""
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

REQUEST = b"GET /readyz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"


def ready(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(REQUEST)
            return sock.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def one_run(command: list, port: int) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not ready(port):
            if process.poll() is not None:
                sys.exit(f"startup_probe: {command[0]} exited with {process.returncode} before ready")
            if time.perf_counter() - start > 10:
                sys.exit("startup_probe: not ready after 10 s")
            time.sleep(0.0002)
        return (time.perf_counter() - start) * 1000
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    runs, port = int(sys.argv[1]), int(sys.argv[2])
    command = sys.argv[sys.argv.index("--") + 1:]
    times = [one_run(command, port) for _ in range(runs)]
    for value in times:
        print(f"{value:.1f}")
    print(f"median {statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
