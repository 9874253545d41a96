// servedeck ctl try: one inference request to an endpoint, as the console's Try panel sends it,
// with the answer's status, route, revision and timings; a stream's events as they arrive.
#include <algorithm>

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMultiHash>
#include <QSet>
#include <QTextStream>
#include <QTimer>

#include "api/apiclient.h"
#include "commandline.h"
#include "ctltarget.h"
#include "ctlverb.h"
#include "traffic/trybodystore.h"
#include "traffic/tryrequest.h"

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;
using ServeDeck::TryBodyStore;
using ServeDeck::TryEvent;
using ServeDeck::TryRequest;
using ServeDeck::TryResult;
using ServeDeck::TrySettings;

namespace {

using namespace CtlVerb;

// A minted token outlives the try only by this much.
constexpr qint64 kTokenExpirySeconds = 300;

QString ms(double value)
{
    return value < 0 ? QStringLiteral("-") : QString::number(value, 'f', 1) + QStringLiteral(" ms");
}

// --data JSON or --data @file, read bounded.
bool readData(const QString &data, QByteArray *body, QTextStream &err)
{
    if (!data.startsWith(u'@')) {
        *body = data.toUtf8();
        return true;
    }
    QFile f(data.mid(1));
    if (!f.open(QIODevice::ReadOnly)) {
        err << "servedeck ctl try: cannot read " << data.mid(1) << ": " << f.errorString() << '\n';
        return false;
    }
    *body = f.read(TryRequest::kMaxBodyBytes + 1);
    if (body->size() > TryRequest::kMaxBodyBytes) {
        err << "servedeck ctl try: " << data.mid(1) << " is larger than " << TryRequest::kMaxBodyBytes << " bytes\n";
        return false;
    }
    return true;
}

QByteArray exampleOf(const QJsonObject &request)
{
    const QJsonValue example = request.value(QStringLiteral("example"));
    if (example.isString())
        return example.toString().toUtf8();
    if (example.isObject())
        return QJsonDocument(example.toObject()).toJson(QJsonDocument::Compact);
    if (example.isArray())
        return QJsonDocument(example.toArray()).toJson(QJsonDocument::Compact);
    return {};
}

QJsonValue bodyJson(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && (doc.isObject() || doc.isArray()))
        return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    return QString::fromUtf8(body);
}

QJsonObject resultJson(const TryResult &r)
{
    QJsonObject o{{QStringLiteral("status"), r.status},
                  {QStringLiteral("route"), QString::fromLatin1(r.routeId)},
                  {QStringLiteral("revision"), QString::fromLatin1(r.revision)},
                  {QStringLiteral("content_type"), QString::fromLatin1(r.contentType)},
                  {QStringLiteral("connect_ms"), r.connectMs < 0 ? QJsonValue() : QJsonValue(r.connectMs)},
                  {QStringLiteral("first_byte_ms"), r.firstByteMs < 0 ? QJsonValue() : QJsonValue(r.firstByteMs)},
                  {QStringLiteral("total_ms"), r.totalMs},
                  {QStringLiteral("stream"), r.stream}};
    if (!r.error.isEmpty())
        o.insert(QStringLiteral("error"), r.error);
    if (r.stream) {
        QJsonArray events;
        for (const TryEvent &e : r.events)
            events.append(QJsonObject{{QStringLiteral("at_ms"), e.atMs}, {QStringLiteral("data"), QString::fromUtf8(e.data)}});
        o.insert(QStringLiteral("events"), events);
        o.insert(QStringLiteral("event_count"), qint64(r.eventCount));
    } else {
        o.insert(QStringLiteral("body"), bodyJson(r.body));
    }
    if (r.ttftMs)
        o.insert(QStringLiteral("ttft_ms"), *r.ttftMs);
    if (r.tokensPerSecond)
        o.insert(QStringLiteral("tokens_per_second"), *r.tokensPerSecond);
    if (r.tokens > 0)
        o.insert(QStringLiteral("tokens"), qint64(r.tokens));
    return o;
}

} // namespace

int runCtlTry(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
              const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    if (positional.size() < 2) {
        err << "servedeck ctl try: which endpoint? (try SVC [--data JSON|@file] [--path P] [--header 'N: V']... "
               "[--method M])\n";
        return kUsage;
    }
    const QString svc = positional.at(1);
    const bool json = flags.contains(QStringLiteral("json"));

    TrySettings settings;
    settings.method = options.value(QStringLiteral("method"), QStringLiteral("POST")).toUpper().toLatin1();
    QStringList headers = options.values(QStringLiteral("header"));
    std::reverse(headers.begin(), headers.end());  // in the order given
    bool authorized = false;
    for (const QString &text : std::as_const(headers)) {
        const auto header = TryRequest::parseHeader(text);
        if (!header) {
            err << "servedeck ctl try: " << header.error().message << '\n';
            return kUsage;
        }
        authorized = authorized || ServeDeck::ProxyHttp::equalsIgnoringCase(header->first, "Authorization");
        settings.headers.append(*header);
    }
    QByteArray data;
    const bool dataGiven = options.contains(QStringLiteral("data"));
    if (dataGiven && !readData(options.value(QStringLiteral("data")), &data, err))
        return kUsage;

    CtlTarget target(client, svc);
    if (const ApiResponse info = target.resolve(); !info.ok())
        return apiFailure(info, QStringLiteral("try"), err);
    const QString endpointId = target.id();
    const QJsonObject hints = target.requestHints();
    settings.url = target.url();
    settings.path = options.value(QStringLiteral("path"), hints.value(QStringLiteral("path")).toString());
    if (!settings.path.isEmpty() && !settings.path.startsWith(u'/'))
        settings.path.prepend(u'/');

    const QString dataDir = options.value(QStringLiteral("data-dir"), defaultDataDir());
    TryBodyStore bodies(dataDir);
    if (dataGiven) {
        settings.body = data;
    } else {
        settings.body = exampleOf(hints);
        if (settings.body.isEmpty())
            settings.body = bodies.lastBody(endpointId);
        if (settings.body.isEmpty())
            settings.body = QByteArrayLiteral("{}");
    }
    if (settings.method == "GET" || settings.method == "HEAD")
        settings.body.clear();

    // A private endpoint takes a token: one minted for this try, short-lived, never printed.
    if (!authorized && !target.isPublic()) {
        if (const ApiResponse minted = target.mintToken(kTokenExpirySeconds); !minted.ok())
            return apiFailure(minted, QStringLiteral("try"), err);
        settings.headers.append(target.authorization());
    }
    if (const auto valid = TryRequest::validate(settings); !valid) {
        err << "error: " << valid.error().typeName() << ": " << valid.error().message << '\n';
        return kUsage;
    }

    TryRequest request(settings);
    QEventLoop loop;
    TryResult result;
    bool done = false;
    bool anyEvent = false;
    QObject::connect(&request, &TryRequest::eventArrived, &loop, [&](const TryEvent &e) {
        if (json)
            return;
        if (!anyEvent)
            out << "events:\n";
        anyEvent = true;
        out << QStringLiteral("  %1  ").arg(ms(e.atMs), 10) << QString::fromUtf8(e.data) << '\n';
        out.flush();
    });
    QObject::connect(&request, &TryRequest::finished, &loop, [&](const TryResult &r) {
        result = r;
        done = true;
        loop.quit();
    });
    if (const auto started = request.start(); !started) {
        err << "error: " << started.error().typeName() << ": " << started.error().message << '\n';
        return kUsage;
    }
    // The request has a timeout of its own; this only guards against one that never ends.
    QTimer::singleShot(settings.timeoutMs + 5000, &loop, &QEventLoop::quit);
    if (!done)
        loop.exec();
    if (!done) {
        err << "servedeck ctl try: no end of the request after " << settings.timeoutMs << " ms\n";
        return kFailed;
    }
    if (const auto kept = bodies.remember(endpointId, settings.body); !kept)
        err << "servedeck ctl try: " << kept.error().message << '\n';

    if (json) {
        out << QJsonDocument(resultJson(result)).toJson(QJsonDocument::Indented);
        return result.ok() ? kOk : kFailed;
    }
    out << "status:      " << (result.status ? QString::number(result.status) : QStringLiteral("-"))
        << (result.error.isEmpty() ? QString() : QStringLiteral(" (") + result.error + u')') << '\n';
    out << "route:       " << (result.routeId.isEmpty() ? QStringLiteral("-") : QString::fromLatin1(result.routeId)) << '\n';
    out << "revision:    " << (result.revision.isEmpty() ? QStringLiteral("-") : QString::fromLatin1(result.revision)) << '\n';
    out << "connect:     " << (result.connectMs < 0 ? QStringLiteral("- (reused)") : ms(result.connectMs)) << '\n';
    out << "first byte:  " << ms(result.firstByteMs) << '\n';
    out << "total:       " << ms(result.totalMs) << '\n';
    if (result.stream) {
        out << "events:      " << result.eventCount << '\n';
        out << "ttft:        " << (result.ttftMs ? ms(*result.ttftMs) : QStringLiteral("-")) << '\n';
        out << "tokens/s:    "
            << (result.tokensPerSecond ? QString::number(*result.tokensPerSecond, 'f', 1) : QStringLiteral("-")) << '\n';
    } else if (!result.body.isEmpty()) {
        // JSON indented for reading; anything else as it came.
        const QJsonDocument doc = QJsonDocument::fromJson(result.body);
        const QByteArray shown = doc.isNull() ? result.body : doc.toJson(QJsonDocument::Indented);
        out << '\n' << QString::fromUtf8(shown);
        if (!shown.endsWith('\n'))
            out << '\n';
    }
    return result.ok() ? kOk : kFailed;
}
