#include "traffic/requestsender.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <utility>

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include "http/httpresponsereader.h"
#include "proxy/completionmeter.h"

namespace ServeDeck {

namespace {

constexpr qsizetype kReadChunk = 16 * 1024;
constexpr qsizetype kMaxPathBytes = 8 * 1024;
constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
constexpr qsizetype kMaxTokenTimes = 4096;
// Deadlines are checked this often: a timeout is late by at most this much, and a sender with
// thousands of requests in flight pays for one timer, not one each.
constexpr int kSweepMs = 50;
constexpr qint64 kNsPerMs = 1000 * 1000;

using ProxyHttp::isToken;

// A header value goes on the wire as given: no line breaks or NULs can be smuggled through it.
bool isSafeValue(QByteArrayView text)
{
    return std::none_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool isSafePath(QByteArrayView path)
{
    if (path.isEmpty() || path.size() > kMaxPathBytes || path.front() != '/')
        return false;
    return std::all_of(path.begin(), path.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u != 0x7f;
    });
}

// The headers a sender sets itself, or that describe one hop (keep-alive is the sender's).
bool isSendersHeader(QByteArrayView name)
{
    return ProxyHttp::equalsIgnoringCase(name, "host") || ProxyHttp::equalsIgnoringCase(name, "content-length")
        || ProxyHttp::isHopByHop(name);
}

} // namespace

struct RequestSender::Private
{
    // One request from send() to its answer.
    struct Pending
    {
        TrafficAnswer answer;
        QByteArray wire;
        bool headRequest = false;
        bool completionCall = false;
        qint64 deadlineNs = 0;
        bool retried = false;  // resent once after a reused connection closed unanswered
    };

    // One keep-alive connection; deleted later, so that a drain that closes it can unwind.
    class Connection final : public QObject
    {
    public:
        enum class State { Connecting, Open, Dead };

        explicit Connection(QObject *parent)
            : QObject(parent)
            , socket(new QTcpSocket(this))
        {
        }

        QTcpSocket *socket;
        State state = State::Connecting;
        HttpResponseReader reader;
        std::unique_ptr<Pending> current;
        std::unique_ptr<CompletionMeter> meter;
        qint64 connectStartNs = 0;
        qint64 answerBytes = 0;
        quint64 deltasSeen = 0;
        bool used = false;  // it carried a request before the current one
        bool gotBytes = false;
        bool peerClosed = false;
        bool draining = false;
    };

    Private(RequestSender *owner, QString host_, quint16 port_, Options options_)
        : q(owner)
        , host(std::move(host_))
        , port(port_)
        , options(options_)
    {
        options.maxConnections = std::max(1, options.maxConnections);
        options.timeoutMs = std::max(1, options.timeoutMs);
        options.keepBodyBytes = std::max<qsizetype>(0, options.keepBodyBytes);
        options.maxAnswerBytes = std::max<qsizetype>(1, options.maxAnswerBytes);
        hostHeader = (host.contains(u':') ? u'[' + host + u']' : host).toUtf8() + ':' + QByteArray::number(port);
        sweep = new QTimer(q);
        sweep->setInterval(kSweepMs);
        QObject::connect(sweep, &QTimer::timeout, q, [this] { sweepDeadlines(); });
    }

    qint64 nowNs() const
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    // The request on the wire, or an error saying what was wrong with it.
    QString build(const TrafficRequest &request, QByteArray *wire) const
    {
        if (!isToken(request.method))
            return QStringLiteral("invalid request: bad method");
        if (!isSafePath(request.path))
            return QStringLiteral("invalid request: bad path");
        QByteArray out;
        out.reserve(256 + request.body.size());
        out += request.method + ' ' + request.path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n";
        for (const auto &[name, value] : request.headers) {
            if (!isToken(name) || !isSafeValue(value))
                return QStringLiteral("invalid request: bad header");
            if (isSendersHeader(name))
                continue;
            out += name + ": " + value + "\r\n";
        }
        if (out.size() > kMaxHeaderBytes)
            return QStringLiteral("invalid request: headers too large");
        const bool bodyMethod = request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
        if (!request.body.isEmpty() || bodyMethod) {
            out += "Content-Length: ";
            ProxyHttp::appendNumber(out, request.body.size());
            out += "\r\n";
        }
        out += "\r\n";
        out += request.body;
        *wire = std::move(out);
        return {};
    }

    void dispatch()
    {
        while (!queue.empty()) {
            Connection *connection = nullptr;
            if (!idle.isEmpty())
                connection = idle.takeLast();  // the most recently used: the likeliest still open
            else if (connections.size() < options.maxConnections)
                connection = open();
            else
                return;
            std::unique_ptr<Pending> pending = std::move(queue.front());
            queue.pop_front();
            assign(connection, std::move(pending));
        }
    }

    Connection *open()
    {
        auto *connection = new Connection(q);
        connections.append(connection);
        QTcpSocket *socket = connection->socket;
        QObject::connect(socket, &QTcpSocket::connected, connection, [this, connection] { onConnected(connection); });
        QObject::connect(socket, &QTcpSocket::readyRead, connection, [this, connection] { drain(connection); });
        QObject::connect(socket, &QTcpSocket::disconnected, connection, [this, connection] { onClosed(connection); });
        // Refused, unreachable, reset: errorOccurred without disconnected() in some of these cases.
        QObject::connect(socket, &QAbstractSocket::errorOccurred, connection, [this, connection] { onClosed(connection); });
        connection->connectStartNs = nowNs();
        socket->connectToHost(host, port);
        return connection;
    }

    void assign(Connection *connection, std::unique_ptr<Pending> pending)
    {
        connection->reader.expect(pending->headRequest);
        connection->meter.reset();
        connection->answerBytes = 0;
        connection->deltasSeen = 0;
        connection->gotBytes = false;
        connection->draining = false;
        connection->current = std::move(pending);
        if (connection->state == Connection::State::Open)
            write(connection);
    }

    void write(Connection *connection)
    {
        Pending &pending = *connection->current;
        pending.answer.sentNs = nowNs();
        connection->socket->write(pending.wire);  // shared, not copied: kept for a retry
    }

    void onConnected(Connection *connection)
    {
        if (connection->state != Connection::State::Connecting)
            return;
        connection->state = Connection::State::Open;
        // Requests are written whole; Nagle would only hold back the body behind the head.
        connection->socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (connection->current) {
            connection->current->answer.connectNs = nowNs() - connection->connectStartNs;
            write(connection);
        }
    }

    void onClosed(Connection *connection)
    {
        switch (connection->state) {
        case Connection::State::Dead:
            return;
        case Connection::State::Connecting: {
            const QString error = connection->socket->error() == QAbstractSocket::ConnectionRefusedError
                ? QStringLiteral("connection refused")
                : QStringLiteral("connect failed");
            fail(connection, error);
            return;
        }
        case Connection::State::Open:
            break;
        }
        connection->peerClosed = true;
        if (!connection->current) {
            close(connection);  // idle: the server ended its keep-alive
            return;
        }
        drain(connection);  // what is still buffered, then the end of the stream
    }

    void drain(Connection *connection)
    {
        if (connection->state != Connection::State::Open)
            return;
        if (!connection->current) {
            // Idle: a server says nothing unasked, except that it is closing.
            if (connection->socket->bytesAvailable() > 0 || connection->peerClosed)
                close(connection);
            return;
        }
        if (connection->draining)
            return;
        connection->draining = true;
        QPointer<Connection> alive(connection);
        const quint64 id = connection->current->answer.id;
        const auto stillOurs = [&] {
            return alive && connection->state == Connection::State::Open && connection->current
                && connection->current->answer.id == id;
        };

        char buffer[kReadChunk];
        for (;;) {
            const qint64 n = connection->socket->read(buffer, kReadChunk);
            if (n <= 0)
                break;
            const qint64 now = nowNs();
            Pending &pending = *connection->current;
            if (pending.answer.firstByteNs < 0)
                pending.answer.firstByteNs = now;
            connection->gotBytes = true;
            qsizetype consumed = 0;
            const HttpResponseReader::Result result = connection->reader.read(buffer, n, &consumed);
            for (const HttpResponseReader::Event &event : connection->reader.events()) {
                if (event.kind == HttpResponseReader::Event::Kind::Head) {
                    takeHead(connection);
                    continue;
                }
                if (!takeBody(connection, event.body, now))
                    return;  // too large: failed
                if (options.emitBodyPieces && !event.body.isEmpty()) {
                    Q_EMIT q->bodyPiece(id, event.body.toByteArray(), now);
                    if (!stillOurs())
                        return;  // the slot cancelled it
                }
            }
            if (result == HttpResponseReader::Result::Complete) {
                // Bytes after the answer are not ours to read; such a connection is not reused.
                complete(connection, connection->reader.keepAlive() && consumed == n
                                         && connection->socket->bytesAvailable() == 0 && !connection->peerClosed);
                return;
            }
            if (result == HttpResponseReader::Result::Failed) {
                fail(connection, connection->reader.failure() == HttpResponseReader::Failure::TooLarge
                                     ? QStringLiteral("answer too large")
                                     : QStringLiteral("malformed answer"));
                return;
            }
        }

        if (connection->peerClosed && connection->socket->bytesAvailable() == 0) {
            // The end of the stream ends an answer without Content-Length; anywhere else it is a failure.
            if (connection->reader.finish() == HttpResponseReader::Result::Complete) {
                complete(connection, false);
            } else if (!connection->gotBytes && connection->used && !connection->current->retried) {
                // A reused connection the server had just closed: the request never reached it.
                std::unique_ptr<Pending> pending = std::move(connection->current);
                pending->retried = true;
                close(connection);
                queue.push_front(std::move(pending));
                dispatch();
            } else {
                fail(connection, connection->gotBytes ? QStringLiteral("closed mid-answer")
                                                      : QStringLiteral("closed without answering"));
            }
            return;
        }
        connection->draining = false;
    }

    void takeHead(Connection *connection)
    {
        const HttpResponseReader::Head &head = connection->reader.head();
        TrafficAnswer &answer = connection->current->answer;
        answer.status = head.status;
        answer.routeId = ProxyHttp::headerValue(head.headers, "x-servedeck-route").toByteArray().left(256);
        answer.revision = ProxyHttp::headerValue(head.headers, "x-servedeck-revision").toByteArray().left(256);
        answer.contentType = ProxyHttp::headerValue(head.headers, "content-type").toByteArray().left(256);
        if (options.keepHeaders)
            answer.headers = head.headers;  // bounded by the reader's head limit
        connection->meter = CompletionMeter::forAnswer(head.status, answer.contentType, connection->current->completionCall);
    }

    // false when the answer went past its bound (and failed).
    bool takeBody(Connection *connection, QByteArrayView piece, qint64 now)
    {
        TrafficAnswer &answer = connection->current->answer;
        connection->answerBytes += piece.size();
        if (connection->answerBytes > options.maxAnswerBytes) {
            fail(connection, QStringLiteral("answer too large"));
            return false;
        }
        const qsizetype room = options.keepBodyBytes - answer.body.size();
        if (room > 0)
            answer.body.append(piece.first(std::min(room, piece.size())));
        if (connection->meter) {
            connection->meter->add(piece, now);
            const quint64 deltas = connection->meter->deltasSoFar();
            for (; connection->deltasSeen < deltas; ++connection->deltasSeen) {
                if (answer.tokenTimesNs.size() < kMaxTokenTimes)
                    answer.tokenTimesNs.append(now);
            }
        }
        return true;
    }

    void complete(Connection *connection, bool reusable)
    {
        std::unique_ptr<Pending> pending = std::move(connection->current);
        TrafficAnswer &answer = pending->answer;
        answer.doneNs = nowNs();
        if (connection->meter) {
            if (const auto count = connection->meter->finish(answer.sentNs, answer.doneNs)) {
                answer.tokens = count->tokens;
                if (count->firstTokenNs)
                    answer.firstTokenNs = answer.sentNs + *count->firstTokenNs;
                answer.decodeTokens = count->decodeTokens;
                answer.decodeNanos = count->decodeNanos;
            }
            connection->meter.reset();
        }
        if (reusable) {
            connection->used = true;
            connection->draining = false;
            idle.append(connection);
        } else {
            close(connection);
        }
        end(std::move(pending));
    }

    void fail(Connection *connection, const QString &error)
    {
        std::unique_ptr<Pending> pending = std::move(connection->current);
        close(connection);
        if (!pending)
            return;
        pending->answer.error = error;
        pending->answer.doneNs = nowNs();
        end(std::move(pending));
    }

    // The request is out of every list: say so, then give its connection's room to the next.
    void end(std::unique_ptr<Pending> pending)
    {
        --inFlight;
        const TrafficAnswer answer = std::move(pending->answer);
        pending.reset();
        Q_EMIT q->finished(answer);
        dispatch();
        if (inFlight == 0)
            sweep->stop();
    }

    void close(Connection *connection)
    {
        if (connection->state == Connection::State::Dead)
            return;
        connection->state = Connection::State::Dead;
        idle.removeOne(connection);
        connections.removeOne(connection);
        QObject::disconnect(connection->socket, nullptr, connection, nullptr);
        connection->socket->abort();
        connection->deleteLater();
    }

    void sweepDeadlines()
    {
        const qint64 now = nowNs();
        for (Connection *connection : QList<Connection *>(connections)) {
            if (connection->state != Connection::State::Dead && connection->current
                && connection->current->deadlineNs <= now)
                fail(connection, QStringLiteral("timed out"));
        }
        while (!queue.empty() && queue.front()->deadlineNs <= now) {
            std::unique_ptr<Pending> pending = std::move(queue.front());
            queue.pop_front();
            pending->answer.error = QStringLiteral("timed out");
            pending->answer.doneNs = now;
            end(std::move(pending));
        }
    }

    RequestSender *q;
    QString host;
    quint16 port;
    Options options;
    QByteArray hostHeader;
    QList<Connection *> connections;
    QList<Connection *> idle;
    std::deque<std::unique_ptr<Pending>> queue;
    QTimer *sweep;  // a child of the sender, so that moveToThread() takes it along
    quint64 nextId = 1;
    int inFlight = 0;
};

RequestSender::RequestSender(QString host, quint16 port, Options options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(host), port, options))
{
}

RequestSender::~RequestSender()
{
    // The connections are children: take them down before the state their slots use goes.
    for (Private::Connection *connection : QList<Private::Connection *>(d->connections)) {
        QObject::disconnect(connection->socket, nullptr, connection, nullptr);
        delete connection;
    }
    d->connections.clear();
    d->idle.clear();
}

qint64 RequestSender::nowNs() const
{
    return d->nowNs();
}

quint64 RequestSender::send(TrafficRequest request, qint64 scheduledNs)
{
    auto pending = std::make_unique<Private::Pending>();
    const quint64 id = d->nextId++;
    pending->answer.id = id;
    pending->answer.scheduledNs = scheduledNs;
    const qint64 now = d->nowNs();
    pending->deadlineNs = now + qint64(request.timeoutMs > 0 ? request.timeoutMs : d->options.timeoutMs) * kNsPerMs;
    ++d->inFlight;
    const QString error = d->build(request, &pending->wire);
    if (!error.isEmpty()) {
        pending->answer.error = error;
        pending->answer.sentNs = now;
        // From the event loop: the caller has the id before the answer comes.
        auto refused = std::make_shared<std::unique_ptr<Private::Pending>>(std::move(pending));
        QMetaObject::invokeMethod(
            this,
            [this, refused] {
                (*refused)->answer.doneNs = d->nowNs();
                d->end(std::move(*refused));
            },
            Qt::QueuedConnection);
        return id;
    }
    pending->headRequest = request.method == "HEAD";
    const qsizetype query = request.path.indexOf('?');
    pending->completionCall = CompletionMeter::isCompletionPath(query < 0 ? request.path : request.path.left(query));
    d->queue.push_back(std::move(pending));
    if (!d->sweep->isActive())
        d->sweep->start();
    d->dispatch();
    return id;
}

int RequestSender::inFlight() const
{
    return d->inFlight;
}

int RequestSender::connectionCount() const
{
    return int(d->connections.size());
}

void RequestSender::abortAll()
{
    std::vector<std::unique_ptr<Private::Pending>> ended;
    for (Private::Connection *connection : QList<Private::Connection *>(d->connections)) {
        if (connection->current)
            ended.push_back(std::move(connection->current));
        d->close(connection);
    }
    while (!d->queue.empty()) {
        ended.push_back(std::move(d->queue.front()));
        d->queue.pop_front();
    }
    const qint64 now = d->nowNs();
    for (auto &pending : ended) {
        pending->answer.error = QStringLiteral("cancelled");
        pending->answer.doneNs = now;
        d->end(std::move(pending));
    }
}

bool RequestSender::abort(quint64 id)
{
    std::unique_ptr<Private::Pending> pending;
    for (Private::Connection *connection : std::as_const(d->connections)) {
        if (connection->current && connection->current->answer.id == id) {
            pending = std::move(connection->current);
            d->close(connection);
            break;
        }
    }
    if (!pending) {
        const auto it = std::find_if(d->queue.begin(), d->queue.end(),
                                     [id](const std::unique_ptr<Private::Pending> &p) { return p->answer.id == id; });
        if (it == d->queue.end())
            return false;
        pending = std::move(*it);
        d->queue.erase(it);
    }
    pending->answer.error = QStringLiteral("cancelled");
    pending->answer.doneNs = d->nowNs();
    d->end(std::move(pending));
    return true;
}

} // namespace ServeDeck
