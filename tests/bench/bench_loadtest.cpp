// The seeds' load test: the demo model behind the proxy at a fixed request rate for a while,
// reporting the success ratio and latency percentiles as the client saw them.
// Usage: bench_loadtest [seconds] [rate ...]   (default: 30 s at 100 and 500 requests/s)
#include <algorithm>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "benchsupport.h"

using namespace ServeDeck;

namespace {

struct Outcome
{
    int sent = 0;
    int ok = 0;
    QList<double> latenciesMs;
};

double percentile(QList<double> values, double q)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min<qsizetype>(values.size() - 1, qsizetype(q * double(values.size())))];
}

// Requests leave on a fixed schedule (open loop): a slow answer does not slow the sender, so
// queueing shows up in the latencies instead of hiding in a lower rate.
Outcome run(const QString &url, int rate, int seconds)
{
    Outcome outcome;
    QNetworkAccessManager network;
    QElapsedTimer clock;
    clock.start();
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(5);
    const qint64 total = qint64(rate) * seconds;
    int pending = 0;
    QObject::connect(&tick, &QTimer::timeout, &network, [&] {
        const qint64 due = std::min(total, clock.elapsed() * rate / 1000);
        while (outcome.sent < due) {
            QNetworkRequest request(QUrl(url + QStringLiteral("/predict")));
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            request.setTransferTimeout(10000);
            const qint64 started = clock.nsecsElapsed();
            QNetworkReply *reply = network.post(request, QByteArrayLiteral(R"({"features":[6.7,3.0,5.2,2.3]})"));
            ++outcome.sent;
            ++pending;
            QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, started] {
                reply->deleteLater();
                --pending;
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200) {
                    ++outcome.ok;
                    outcome.latenciesMs.append(double(clock.nsecsElapsed() - started) / 1e6);
                }
            });
        }
    });
    tick.start();
    while (outcome.sent < total || pending > 0) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (clock.elapsed() > (seconds + 30) * 1000)
            break;
    }
    return outcome;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const int seconds = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 30;
    QList<int> rates;
    for (int i = 2; i < argc; ++i)
        rates << QString::fromLocal8Bit(argv[i]).toInt();
    if (rates.isEmpty())
        rates = {100, 500};

    QTemporaryDir dir;
    ControlPlaneOptions options = BenchSupport::demoOptions(dir.path());
    options.autoscaleIntervalMs = 0;  // a fixed fleet: the load test measures the data plane
    ControlPlane plane;
    if (!plane.start(options).ok())
        qFatal("cannot start the control plane");
    const Endpoint created = BenchSupport::createDemo(plane.service(), QStringLiteral("load"), 2, 0.5);
    BenchSupport::waitFor([&] { return BenchSupport::healthy(plane.service(), QStringLiteral("load")) == 2; });

    out << "rate/s  seconds  sent  ok  success  p50_ms  p95_ms  p99_ms  max_ms\n";
    for (int rate : rates) {
        const Outcome o = run(created.url, rate, seconds);
        out << rate << "  " << seconds << "  " << o.sent << "  " << o.ok << "  "
            << QString::number(o.sent ? 100.0 * o.ok / o.sent : 0, 'f', 2) << "%  "
            << QString::number(percentile(o.latenciesMs, 0.50), 'f', 2) << "  "
            << QString::number(percentile(o.latenciesMs, 0.95), 'f', 2) << "  "
            << QString::number(percentile(o.latenciesMs, 0.99), 'f', 2) << "  "
            << QString::number(percentile(o.latenciesMs, 1.0), 'f', 2) << '\n';
        out.flush();
    }
    return 0;
}
