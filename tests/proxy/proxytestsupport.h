#pragma once

// Shared by the proxy suites: real servedeck-model-server children and scripted upstreams on
// loopback, a keep-alive client and raw-socket response readers. Every wait is bounded.
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include <QDir>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "proxy/proxyserver.h"

namespace ProxyTest {

using namespace ServeDeck;
using namespace Qt::StringLiterals;

constexpr int kStartMs = 15000;
constexpr int kHttpMs = 15000;
// 2,000 requests over six keep-alive connections take about a second; this is for a loaded runner.
constexpr int kBulkMs = 90000;
constexpr int kBulkRequests = 2000;
constexpr qsizetype kMaxBody = 64 * 1024;

inline QString modelServerBinary()
{
    return QDir(qEnvironmentVariable("SERVEDECK_BIN_DIR")).filePath(u"servedeck-model-server"_s);
}

inline QString irisCsv(const QString &folder)
{
    return QDir(qEnvironmentVariable("SERVEDECK_SOURCE_DIR")).filePath(u"resources/models/"_s + folder + u"/iris.csv"_s);
}

// One servedeck-model-server child on a free loopback port.
class ModelServer
{
public:
    ~ModelServer() { kill(); }

    bool start(const QString &folder, const QString &version, const QStringList &extra = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &name : env.keys()) {
            if (name == u"PORT" || name.startsWith(u"SERVEDECK_FAULT_"))
                env.remove(name);  // the children must not pick up a port or a fault from here
        }
        m_process.setProcessEnvironment(env);
        m_process.setProgram(modelServerBinary());
        m_process.setArguments(QStringList{u"--model"_s, irisCsv(folder), u"--version"_s, version, u"--port"_s, u"0"_s}
                               + extra);
        m_process.setReadChannel(QProcess::StandardOutput);
        m_process.start();
        if (!m_process.waitForStarted(kStartMs))
            return false;
        if (!QTest::qWaitFor([this] { return m_process.canReadLine() || m_process.state() == QProcess::NotRunning; },
                             kStartMs)) {
            return false;
        }
        const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
        m_port = quint16(line.section(u':', -1).toUInt());
        return line.startsWith(u"listening=127.0.0.1:"_s) && m_port != 0;
    }

    void kill()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kStartMs);
        }
    }

    quint16 port() const { return m_port; }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

// An upstream in this process that answers every request with fixed bytes (or what respond
// makes of the request; nothing at all when that is empty), so that the test controls framing
// and faults exactly; it records every byte it received, the requests it made of them, and
// counts the connections it accepted.
// While holding, answers wait until release().
class ScriptedUpstream
{
public:
    ScriptedUpstream()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++accepted;
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    const QByteArray bytes = socket->readAll();
                    received.append(bytes);
                    buffer->append(bytes);
                    for (;;) {
                        const qsizetype end = buffer->indexOf("\r\n\r\n");
                        if (end < 0)
                            return;
                        const QByteArray head = buffer->left(end + 4);
                        const qsizetype length = contentLength(head);
                        if (buffer->size() < end + 4 + length)
                            return;
                        const QByteArray request = buffer->left(end + 4 + length);
                        buffer->remove(0, end + 4 + length);
                        requests.append(request);
                        const QByteArray answer = respond ? respond(request) : response;
                        if (respond && answer.isEmpty())
                            continue;  // never answers this one
                        if (holding) {
                            m_held.append({QPointer<QTcpSocket>(socket), answer});
                            continue;
                        }
                        socket->write(answer);
                        if (closeAfterAnswer)
                            socket->disconnectFromHost();
                    }
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }

    quint16 port() const { return m_server.serverPort(); }

    // Writes the answers held so far, and answers at once from now on.
    void release()
    {
        holding = false;
        for (const auto &[socket, answer] : std::exchange(m_held, {})) {
            if (socket)
                socket->write(answer);
        }
    }

    static qsizetype contentLength(const QByteArray &head)
    {
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                return line.mid(15).trimmed().toLongLong();
        }
        return 0;
    }

    QByteArray response;
    std::function<QByteArray(const QByteArray &request)> respond;
    bool closeAfterAnswer = false;
    bool holding = false;
    QList<QByteArray> requests;
    QByteArray received;  // every byte, from every connection, in arrival order
    int accepted = 0;

private:
    QTcpServer m_server;
    QList<QPair<QPointer<QTcpSocket>, QByteArray>> m_held;
};

inline QByteArray plainAnswer(const QByteArray &body, int status = 200)
{
    return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: text/plain\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// A port nothing listens on: bound, then let go.
inline quint16 deadPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray body;
    QByteArray route;
    QByteArray revision;
    QHash<QByteArray, QByteArray> headers;  // lower-case names

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorType() const { return json().value(u"error"_s).toObject().value(u"type"_s).toString(); }
    QString errorMessage() const { return json().value(u"error"_s).toObject().value(u"message"_s).toString(); }
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

// A keep-alive HTTP client: QNetworkAccessManager, which queues concurrent requests over
// at most six connections per host.
class Client
{
public:
    Client() { m_manager.setProxy(QNetworkProxy::NoProxy); }

    QNetworkReply *start(quint16 port, const QByteArray &method, const QString &path, const QByteArray &body = {},
                         const Headers &headers = {})
    {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)));
        request.setTransferTimeout(kHttpMs);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        return m_manager.sendCustomRequest(request, method, body);
    }

    static Reply collect(QNetworkReply *reply)
    {
        Reply result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.error = reply->error();
        result.errorString = reply->errorString();
        result.body = reply->readAll();
        result.route = reply->rawHeader("X-ServeDeck-Route");
        result.revision = reply->rawHeader("X-ServeDeck-Revision");
        for (const auto &[name, value] : reply->rawHeaderPairs())
            result.headers.insert(name.toLower(), value);
        reply->deleteLater();
        return result;
    }

    Reply send(quint16 port, const QByteArray &method, const QString &path, const QByteArray &body = {},
               const Headers &headers = {})
    {
        QNetworkReply *reply = start(port, method, path, body, headers);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, kHttpMs + 5000)) {
            reply->abort();
            Reply timedOut;
            timedOut.errorString = u"no answer"_s;
            return timedOut;
        }
        return collect(reply);
    }

    // All at once; the manager spreads them over its connections.
    QList<Reply> sendMany(quint16 port, int count, const QString &path, const Headers &headers = {})
    {
        QList<QNetworkReply *> replies;
        replies.reserve(count);
        for (int i = 0; i < count; ++i)
            replies.append(start(port, "GET", path, {}, headers));
        const bool done = QTest::qWaitFor([&replies] {
            return std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *r) { return r->isFinished(); });
        }, kBulkMs);
        QList<Reply> results;
        for (QNetworkReply *reply : replies) {
            if (!done && !reply->isFinished())
                reply->abort();
            results.append(collect(reply));
        }
        return results;
    }

private:
    QNetworkAccessManager m_manager;
};

// A response read off a raw socket (Content-Length framing only: the proxy's own answers
// and the model server's all have one).
struct RawResponse
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;
};

inline std::optional<RawResponse> readRawResponse(QTcpSocket &socket, QByteArray &buffer, int timeoutMs = kHttpMs)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end >= 0) {
            RawResponse response;
            const QList<QByteArray> lines = buffer.left(end).split('\n');
            response.status = lines.value(0).split(' ').value(1).toInt();
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    response.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
            }
            const qsizetype length = response.headers.value("content-length").toLongLong();
            if (buffer.size() >= end + 4 + length) {
                response.body = buffer.mid(end + 4, length);
                buffer.remove(0, end + 4 + length);
                return response;
            }
        }
        const qint64 left = timeoutMs - timer.elapsed();
        if (left <= 0 || socket.state() != QAbstractSocket::ConnectedState)
            return std::nullopt;
        [[maybe_unused]] const bool arrived = QTest::qWaitFor(
            [&socket] { return socket.bytesAvailable() > 0 || socket.state() != QAbstractSocket::ConnectedState; },
            int(left));
        buffer.append(socket.readAll());
    }
}

// A whole response already in buffer (after reading what the socket has), or nothing; never waits.
inline std::optional<RawResponse> takeRawResponse(QTcpSocket &socket, QByteArray &buffer)
{
    buffer.append(socket.readAll());
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    RawResponse response;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    response.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            response.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    const qsizetype length = response.headers.value("content-length").toLongLong();
    if (buffer.size() < end + 4 + length)
        return std::nullopt;
    response.body = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    return response;
}

inline RouteTarget routeTo(quint16 port, const QString &version, int weight)
{
    RouteTarget target;
    target.routeId = QUuid::createUuid();
    target.revisionId = QUuid::createUuid();
    target.modelVersion = version;
    target.host = u"127.0.0.1"_s;
    target.port = port;
    target.weight = weight;
    return target;
}

inline QHash<QByteArray, int> countByRoute(const QList<Reply> &replies)
{
    QHash<QByteArray, int> counts;
    for (const Reply &reply : replies)
        ++counts[reply.route];
    return counts;
}

inline QByteArray idText(const QUuid &id)
{
    return id.toByteArray(QUuid::WithoutBraces);
}

} // namespace ProxyTest
