"""A model server that holds a matrix on the GPU it was given and multiplies with it per request.

It answers what CUDA shows it (CUDA_VISIBLE_DEVICES, device count and name), so the device check
can see that the agent handed it exactly one GPU and that the work ran there."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch

DEVICE = torch.device("cuda:0")
WEIGHTS = torch.randn(1024, 1024, device=DEVICE)


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(min(length, 1 << 20))
        x = torch.ones(1, 1024, device=DEVICE)
        y = (x @ WEIGHTS).sum().item()
        torch.cuda.synchronize()
        self._send(200, {
            "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES"),
            "device_count": torch.cuda.device_count(),
            "device_name": torch.cuda.get_device_name(0),
            "memory_allocated_mib": torch.cuda.memory_allocated(0) // (1 << 20),
            "result": y,
        })

    def log_message(self, *args):
        pass


ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ["PORT"])), Handler).serve_forever()
