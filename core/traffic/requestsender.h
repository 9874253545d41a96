#pragma once

#include <memory>
#include <optional>

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include "http/proxyhttp.h"

namespace ServeDeck {

// One HTTP/1.1 request to send; path is origin-form ("/iris/predict?x=1").
struct TrafficRequest
{
    QByteArray method = QByteArrayLiteral("POST");
    QByteArray path;
    HeaderList headers;  // Host and Content-Length are the sender's
    QByteArray body;
    int timeoutMs = 0;   // connect to end; 0: the sender's Options::timeoutMs
};

// What came of one request. Times are on the sender's clock (RequestSender::nowNs()).
struct TrafficAnswer
{
    quint64 id = 0;
    int status = 0;           // 0: no HTTP answer; error says why
    QString error;            // "connection refused", "timed out", "reset", "malformed answer", ...
    qint64 scheduledNs = 0;   // when it was meant to start (latency counts from here)
    qint64 sentNs = 0;        // when it was written (later than scheduled when the sender was behind)
    qint64 connectNs = -1;    // time spent connecting a new connection; -1 when one was reused
    qint64 firstByteNs = -1;  // when the answer's first byte came
    qint64 doneNs = 0;        // when it ended (answer whole, or failed)
    QByteArray routeId;       // X-ServeDeck-Route
    QByteArray revision;      // X-ServeDeck-Revision
    QByteArray contentType;
    QByteArray body;          // the first Options::keepBodyBytes bytes
    HeaderList headers;       // the answer's head as received, when Options::keepHeaders
    // OpenAI-style answers (core/proxy/completionmeter's counting): tokens, when the first came,
    // and the decode rate's parts; zero/none for other answers.
    quint64 tokens = 0;
    std::optional<qint64> firstTokenNs;
    quint64 decodeTokens = 0;
    qint64 decodeNanos = 0;
    QList<qint64> tokenTimesNs;  // streams only, bounded (first 4096): when each content delta came
};

// A client for load: keep-alive HTTP/1.1 connections to one origin, at most maxConnections of
// them; a request that finds none free waits for one (its sentNs tells how long). Answers are
// framed by core/http's HttpResponseReader and bounded in size and time. Lives on one thread.
class RequestSender final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxConnections = 256;                     // keep-alive connections to the origin, at most
        int timeoutMs = 30000;                        // per request, connect to end
        qsizetype keepBodyBytes = 64 * 1024;
        qsizetype maxAnswerBytes = 16 * 1024 * 1024;  // longer answers fail ("answer too large")
        bool emitBodyPieces = false;                  // bodyPiece() per piece as it arrives (Try's live stream)
        bool keepHeaders = false;                     // TrafficAnswer::headers (a job's stored answer)
    };

    RequestSender(QString host, quint16 port, Options options, QObject *parent = nullptr);
    ~RequestSender() override;

    qint64 nowNs() const;  // monotonic
    // Returns the id; scheduledNs <= nowNs(). A request that cannot be sent (a bad method,
    // path or header) ends at once, from the event loop, with an error.
    quint64 send(TrafficRequest request, qint64 scheduledNs);
    int inFlight() const;
    // Every request in flight ends with error "cancelled".
    void abortAll();
    // That one request ends with error "cancelled" (its connection closed, so the server sees it
    // go); false when it already ended.
    bool abort(quint64 id);

    // Connections open now (busy or idle), for tests and progress displays.
    int connectionCount() const;

Q_SIGNALS:
    void bodyPiece(quint64 id, const QByteArray &piece, qint64 atNs);
    void finished(const ServeDeck::TrafficAnswer &answer);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ServeDeck

Q_DECLARE_METATYPE(ServeDeck::TrafficAnswer)
