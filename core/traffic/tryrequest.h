#pragma once

#include <memory>
#include <optional>

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include "domain/result.h"
#include "http/proxyhttp.h"

namespace ServeDeck {

// One request an operator tries on an endpoint ("Try" in the console, `ctl try`).
struct TrySettings
{
    QString url;   // the endpoint's URL: http://host:port/name
    QString path;  // after it: "/predict", "/v1/chat/completions?x=1"; empty: the URL itself
    QByteArray method = QByteArrayLiteral("POST");
    HeaderList headers;
    QByteArray body;
    int timeoutMs = 60000;
};

// One server-sent event (or, for a stream that is not SSE, one piece) as it came.
struct TryEvent
{
    double atMs = 0;  // since the request started
    QByteArray data;
};

struct TryResult
{
    int status = 0;  // 0: no HTTP answer; error says why
    QString error;
    QByteArray routeId;
    QByteArray revision;
    QByteArray contentType;
    double connectMs = -1;  // -1: no new connection was made
    double firstByteMs = -1;  // since the start, connecting included
    double totalMs = 0;
    QByteArray body;       // the first kKeepBodyBytes of it
    bool stream = false;   // text/event-stream
    QList<TryEvent> events;  // the first kMaxEvents
    quint64 eventCount = 0;
    std::optional<double> ttftMs;
    std::optional<double> tokensPerSecond;
    quint64 tokens = 0;

    // A 2xx answered whole: a status with an error is an answer cut short (timed out, reset).
    bool ok() const { return status >= 200 && status < 300 && error.isEmpty(); }
};

// Sends one request with RequestSender (asynchronous: it never waits on the thread it runs on),
// reports a stream's events as they arrive, then the whole answer with its timings. Bounded:
// the body sent, the answer kept and the events listed each have a cap, the request a timeout.
class TryRequest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TryRequest)

public:
    static constexpr qsizetype kMaxBodyBytes = 1024 * 1024;
    static constexpr qsizetype kKeepBodyBytes = 256 * 1024;
    static constexpr qsizetype kMaxEvents = 4096;
    static constexpr qsizetype kMaxHeaders = 64;
    static constexpr int kMaxTimeoutMs = 10 * 60 * 1000;

    explicit TryRequest(TrySettings settings, QObject *parent = nullptr);
    ~TryRequest() override;

    // "Name: value" as typed on a command line or in a table: a token name, a value without
    // control characters. InvalidArgument otherwise.
    static Result<QPair<QByteArray, QByteArray>> parseHeader(const QString &text);
    // Everything start() would refuse, without sending.
    static Result<Done> validate(const TrySettings &settings);

    // Sends it; the answer comes by finished(), also for a refusal made after this returns.
    Result<Done> start();
    // Ends a request in flight: finished() with the error "cancelled".
    void cancel();
    bool running() const;

Q_SIGNALS:
    void eventArrived(const ServeDeck::TryEvent &event);
    void finished(const ServeDeck::TryResult &result);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ServeDeck

Q_DECLARE_METATYPE(ServeDeck::TryEvent)
Q_DECLARE_METATYPE(ServeDeck::TryResult)
