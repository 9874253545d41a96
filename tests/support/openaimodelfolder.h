#pragma once

#include <QDir>
#include <QFile>
#include <QString>

// A model folder whose replica is the demo server in its OpenAI mode (completions, SSE streaming),
// serving `name` with the given time to first token and decode rate. False, with why, when a file
// cannot be written.
inline bool writeOpenAiModelFolder(const QString &folder, const QString &name, int ttftMs, int tokensPerSecond,
                                   QString *why)
{
    if (!QDir().mkpath(folder)) {
        *why = QStringLiteral("cannot make ") + folder;
        return false;
    }
    const QString definition = QStringLiteral(R"(models:
  - name: "%1"
    model_path: "/models"
    files: ["README.txt"]
    service:
      start_command: ["servedeck-model-server", "--openai", "--served-model-name", "%1", "--ttft-ms", "%2",
                      "--tokens-per-second", "%3"]
      port: 8000
      health_check:
        path: /health
        interval: 1
        max_retries: 3
        max_wait_time: 5
        initial_delay: 0
)")
                                   .arg(name)
                                   .arg(ttftMs)
                                   .arg(tokensPerSecond);
    const auto write = [&](const QString &file, const QByteArray &bytes) {
        QFile out(QDir(folder).filePath(file));
        if (out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size() && out.flush())
            return true;
        *why = QStringLiteral("cannot write ") + out.fileName() + QStringLiteral(": ") + out.errorString();
        return false;
    };
    return write(QStringLiteral("model-definition.yaml"), definition.toUtf8())
        && write(QStringLiteral("README.txt"), QByteArrayLiteral("filler tokens\n"));
}
