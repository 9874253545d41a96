// What the proxy costs a streamed completion: a demo model server in its --openai mode (first
// token at once, then 1000 tokens/s), loaded by a closed-loop client with `concurrency` streams
// in flight, straight at the server, then through the proxy at the endpoint's URL, then through
// the front door (`model` read from the body). Streams/s, client-side time to first byte and
// time to the end of each, and proxy/direct ratios, in one run; plus what the proxy counted.
// Usage: bench_frontdoor [seconds per run] [concurrency] [max_tokens]   (default: 4 s, 8, 64)
#include <algorithm>
#include <memory>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QTextStream>

#include "proxy/proxyserver.h"

using namespace ServeDeck;

namespace {

struct Outcome
{
    int ok = 0;
    int failed = 0;
    double seconds = 0;
    QList<double> firstByteMs;
    QList<double> wholeMs;
};

double percentile(QList<double> values, double q)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min<qsizetype>(values.size() - 1, qsizetype(q * double(values.size())))];
}

// Closed loop: `concurrency` streams in flight, each answer's end sends the next, for `seconds`.
Outcome load(const QUrl &url, const QByteArray &body, int concurrency, int seconds)
{
    Outcome outcome;
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QElapsedTimer clock;
    clock.start();
    const qint64 endMs = qint64(seconds) * 1000;
    int inFlight = 0;
    std::function<void()> send = [&] {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(10000);
        const qint64 started = clock.nsecsElapsed();
        auto firstByte = std::make_shared<qint64>(-1);
        QNetworkReply *reply = network.post(request, body);
        ++inFlight;
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, firstByte, started, &clock] {
            if (*firstByte < 0)
                *firstByte = clock.nsecsElapsed() - started;
            reply->readAll();
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, firstByte, started] {
            reply->deleteLater();
            --inFlight;
            const bool good = reply->error() == QNetworkReply::NoError
                && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200 && *firstByte >= 0;
            if (good) {
                ++outcome.ok;
                outcome.firstByteMs.append(double(*firstByte) / 1e6);
                outcome.wholeMs.append(double(clock.nsecsElapsed() - started) / 1e6);
            } else {
                ++outcome.failed;
            }
            if (clock.elapsed() < endMs)
                send();
        });
    };
    for (int i = 0; i < concurrency; ++i)
        send();
    while (inFlight > 0 && clock.elapsed() < endMs + 15000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    outcome.seconds = double(clock.elapsed()) / 1000.0;
    return outcome;
}

QByteArray chat(const QString &model, int maxTokens)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("model"), model},
                                     {QStringLiteral("messages"),
                                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                             {QStringLiteral("content"), QStringLiteral("hi")}}}},
                                     {QStringLiteral("stream"), true},
                                     {QStringLiteral("max_tokens"), maxTokens}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int seconds = std::clamp(args.value(1, QStringLiteral("4")).toInt(), 1, 60);
    const int concurrency = std::clamp(args.value(2, QStringLiteral("8")).toInt(), 1, 64);
    const int maxTokens = std::clamp(args.value(3, QStringLiteral("64")).toInt(), 1, 1000);
    QTextStream out(stdout);

    QProcess server;
    server.setProgram(QStringLiteral(SERVEDECK_BIN_DIR "/servedeck-model-server"));
    server.setArguments({QStringLiteral("--openai"), QStringLiteral("--served-model-name"), QStringLiteral("bench"),
                         QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--ttft-ms"), QStringLiteral("0"),
                         QStringLiteral("--tokens-per-second"), QStringLiteral("1000"), QStringLiteral("--max-num-seqs"),
                         QString::number(concurrency)});
    server.setReadChannel(QProcess::StandardOutput);
    server.start();
    if (!server.waitForStarted(10000) || !server.waitForReadyRead(10000)) {
        out << "the demo server did not start\n";
        return 1;
    }
    const quint16 serverPort = quint16(QString::fromUtf8(server.readLine()).trimmed().section(u':', -1).toUInt());

    ProxyServer proxy(ProxyServer::Options(), nullptr);
    if (!proxy.listen(QHostAddress::LocalHost, 0)) {
        out << "the proxy did not listen: " << proxy.errorString() << '\n';
        return 1;
    }
    auto snapshot = std::make_shared<RoutingSnapshot>();
    snapshot->version = 1;
    EndpointTable table;
    table.endpointId = QUuid::createUuid();
    table.name = QStringLiteral("bench");
    table.isPublic = true;
    table.routes = {RouteTarget{QUuid::createUuid(), QUuid::createUuid(), QStringLiteral("v1"), QStringLiteral("127.0.0.1"),
                                serverPort, 1}};
    const QUuid routeId = table.routes[0].routeId;
    snapshot->endpoints.insert(table.name, table);
    proxy.publish(snapshot);

    const QByteArray body = chat(QStringLiteral("bench"), maxTokens);
    const QString base = QStringLiteral("http://127.0.0.1:%1");
    struct Run
    {
        const char *name;
        QUrl url;
        Outcome outcome;
    };
    QList<Run> runs{{"direct", QUrl(base.arg(serverPort) + QStringLiteral("/v1/chat/completions")), {}},
                    {"proxy, endpoint URL", QUrl(base.arg(proxy.serverPort()) + QStringLiteral("/bench/v1/chat/completions")), {}},
                    {"proxy, front door", QUrl(base.arg(proxy.serverPort()) + QStringLiteral("/v1/chat/completions")), {}}};
    load(runs[0].url, body, concurrency, 1);  // warm-up: connections, the server's first answers
    for (Run &run : runs)
        run.outcome = load(run.url, body, concurrency, seconds);

    out << "streams of " << maxTokens << " tokens at 1000 tokens/s, " << concurrency << " in flight, " << seconds
        << " s each\n";
    const double directRate = double(runs[0].outcome.ok) / runs[0].outcome.seconds;
    const double directFirst = percentile(runs[0].outcome.firstByteMs, 0.5);
    const double directWhole = percentile(runs[0].outcome.wholeMs, 0.5);
    for (const Run &run : runs) {
        const Outcome &o = run.outcome;
        const double rate = double(o.ok) / o.seconds;
        out << qSetFieldWidth(22) << Qt::left << run.name << qSetFieldWidth(0) << QString::asprintf(
            "%7.1f streams/s  first byte p50 %6.2f ms p99 %6.2f ms  whole p50 %7.2f ms  failed %d  "
            "(rate x%.3f, first byte x%.2f, whole x%.3f)\n",
            rate, percentile(o.firstByteMs, 0.5), percentile(o.firstByteMs, 0.99), percentile(o.wholeMs, 0.5), o.failed,
            directRate > 0 ? rate / directRate : 0.0, directFirst > 0 ? percentile(o.firstByteMs, 0.5) / directFirst : 0.0,
            directWhole > 0 ? percentile(o.wholeMs, 0.5) / directWhole : 0.0);
    }
    const ProxyServer::RouteCounters counted = proxy.routeCounters().value(routeId);
    const quint64 streams = counted.ttftBuckets.isEmpty() ? 0 : counted.ttftBuckets.last();
    out << "proxy counted: " << streams << " streams, " << counted.tokens << " tokens, mean time to first token "
        << QString::number(streams ? counted.ttftSumSeconds * 1000.0 / double(streams) : 0.0, 'f', 2) << " ms, "
        << QString::number(counted.decodeSeconds > 0 ? double(counted.decodeTokens) / counted.decodeSeconds : 0.0, 'f', 1)
        << " tokens/s per stream\n";
    out.flush();
    server.kill();
    server.waitForFinished(5000);
    return 0;
}
