#pragma once

#include <QEventLoop>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QString>
#include <QStringList>

#include "domain/route.h"

// What the real-process suites ask of replicas: where the demo models are, whether a process
// runs, the pid and port inside a replica id (agent:pid:port), and one prediction.
namespace ReplicaProcesses {

inline QString sourceModels()
{
    return qEnvironmentVariable("SERVEDECK_SOURCE_DIR") + QStringLiteral("/resources/models");
}

// A copy of the iris-v1 folder at `folder` whose start command carries extra fault flags.
inline QString writeFaultyFolder(const QString &folder, const QStringList &extraArgs)
{
    QDir().mkpath(folder);
    QFile::copy(sourceModels() + QStringLiteral("/iris-v1/iris.csv"), folder + QStringLiteral("/iris.csv"));
    QStringList command{QStringLiteral("servedeck-model-server"), QStringLiteral("--model"), QStringLiteral("/models/iris.csv"),
                        QStringLiteral("--version"), QStringLiteral("v1")};
    command += extraArgs;
    QString yaml = QStringLiteral("models:\n  - name: faulty\n    model_path: /models\n    files: [iris.csv]\n"
                                  "    service:\n      start_command: [");
    QStringList quoted;
    for (const QString &c : command)
        quoted << u'"' + c + u'"';
    yaml += quoted.join(QStringLiteral(", "))
        + QStringLiteral("]\n      port: 8000\n      health_check:\n        path: /health\n        interval: 1\n"
                         "        max_retries: 2\n        max_wait_time: 2\n        initial_delay: 0\n");
    QFile f(folder + QStringLiteral("/model-definition.yaml"));
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(f.fileName()));
    f.write(yaml.toUtf8());
    return folder;
}

// Running, not merely a zombie waiting to be reaped (kill(pid, 0) succeeds on those too).
inline bool processAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close > 0 && close + 2 < text.size() && text.at(close + 2) != 'Z' && text.at(close + 2) != 'X';
}

inline qint64 pidOf(const QString &replicaId)
{
    const QStringList parts = replicaId.split(u':');
    return parts.size() == 3 ? parts[1].toLongLong() : 0;
}

inline quint16 portOf(const QString &replicaId)
{
    const QStringList parts = replicaId.split(u':');
    return parts.size() == 3 ? quint16(parts[2].toUInt()) : 0;
}

inline qint64 pidOf(const ServeDeck::Route &route)
{
    return pidOf(route.replicaId);
}

inline quint16 portOf(const ServeDeck::Route &route)
{
    return portOf(route.replicaId);
}

// POST /predict with a clear setosa sample: to a replica on this machine by its port, or to any url.
inline QJsonObject predictAt(QNetworkAccessManager &network, const QUrl &url, int timeoutMs)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = network.post(request, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})"));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).object();
}

inline QJsonObject predict(QNetworkAccessManager &network, quint16 port, int timeoutMs)
{
    return predictAt(network, QUrl(QStringLiteral("http://127.0.0.1:%1/predict").arg(port)), timeoutMs);
}

} // namespace ReplicaProcesses
