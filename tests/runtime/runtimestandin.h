#pragma once

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QString>
#include <QStringList>

// A runtime's stand-in: a script named as the runtime's program that records how it was called
// (argv, environment, working directory) in `record`, then loads for loadSeconds (answering the
// runtime's loading status on its health path, or not listening at all where the runtime does
// not), then answers 200 with readyBody. It serves metricsText at metricsPath, on $PORT or on
// the port in metricsPortVariable (Triton's METRICS_PORT), as the runtime does.
struct RuntimeStandIn
{
    QString record;
    QString healthPath;
    int loadingStatus = 0;  // 0: listens only once loaded
    double loadSeconds = 0;
    QString readyBody = QStringLiteral("{}");
    QString metricsPath = QStringLiteral("/metrics");
    QString metricsText;
    QString metricsPortVariable;

    QString script() const
    {
        const auto literal = [](const QString &text) {
            return QString::fromUtf8(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
        };
        return QStringLiteral(R"(#!/usr/bin/python3
import http.server, json, os, sys, threading, time
RECORD = %1
HEALTH = %2
LOADING = %3
LOAD_S = %4
READY = %5.encode()
METRICS_PATH = %6
METRICS = %7.encode()
METRICS_PORT = %8
start = time.time()
with open(RECORD + ".tmp", "w") as f:
    json.dump({"argv": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}, f)
os.rename(RECORD + ".tmp", RECORD)
if LOADING == 0:
    time.sleep(LOAD_S)  # this runtime listens only once its weights are loaded

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == METRICS_PATH and (METRICS_PORT == "") == (self.server.server_port == int(os.environ["PORT"])):
            code, body = 200, METRICS
        elif self.path != HEALTH:
            code, body = 404, b"not found"
        elif time.time() - start < LOAD_S:
            code, body = LOADING, b'{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}'
            with open(RECORD + ".loading", "a") as f:
                f.write("%d\n" % code)
        else:
            code, body = 200, READY
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

if METRICS_PORT:
    metrics = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ[METRICS_PORT])), Handler)
    threading.Thread(target=metrics.serve_forever, daemon=True).start()
http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
)")
            .arg(literal(record), literal(healthPath))
            .arg(loadingStatus)
            .arg(loadSeconds)
            .arg(literal(readyBody), literal(metricsPath), literal(metricsText), literal(metricsPortVariable));
    }

    // Written as an executable at path.
    bool writeTo(const QString &path) const
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(script().toUtf8()) < 0)
            return false;
        file.close();
        return file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
};

// The files of a complete model folder for a preset (as a bare folder holds them).
inline QStringList completeLayout(const QString &variant)
{
    if (variant == QLatin1String("llama-cpp"))
        return {QStringLiteral("model-q4_k_m.gguf")};
    if (variant == QLatin1String("triton"))
        return {QStringLiteral("classifier/config.pbtxt"), QStringLiteral("classifier/1/model.onnx")};
    if (variant == QLatin1String("ollama"))
        return {QStringLiteral("manifests/registry.ollama.ai/library/tiny/latest"), QStringLiteral("blobs/sha256-0001")};
    return {QStringLiteral("config.json"), QStringLiteral("model.safetensors")};
}

// One small file at path, its directories made; false when it cannot be written.
[[nodiscard]] inline bool touch(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write("x") == 1;
}
