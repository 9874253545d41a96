// What the replica relay costs: one replica on a real `servedeck agent` process, loaded by a
// closed-loop client (its own thread) straight at the replica's own port, then at the plane's
// relay listener for it, then through the proxy (which goes through the relay). Requests/s and
// p50 latency of each, and relay/direct as ratios, in one run.
// Usage: bench_relay [seconds per run] [concurrency]   (default: 5 s, 4 requests in flight)
#include <algorithm>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include "agent/remoteagentconnection.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "service/replicadeployer.h"
#include "benchsupport.h"

using namespace ServeDeck;

namespace {

struct Outcome
{
    int ok = 0;
    int failed = 0;
    double seconds = 0;
    QList<double> latenciesMs;
};

double percentile(QList<double> values, double q)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min<qsizetype>(values.size() - 1, qsizetype(q * double(values.size())))];
}

// Closed loop: `concurrency` requests in flight, each answer sends the next, for `seconds`.
// Runs on the calling thread's own event loop.
Outcome load(const QUrl &url, int concurrency, int seconds)
{
    Outcome outcome;
    QNetworkAccessManager network;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    int inFlight = 0;
    std::function<void()> sendOne = [&] {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(10000);
        const qint64 started = clock.nsecsElapsed();
        QNetworkReply *reply = network.post(request, QByteArrayLiteral(R"({"features":[6.7,3.0,5.2,2.3]})"));
        ++inFlight;
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, started] {
            reply->deleteLater();
            --inFlight;
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200) {
                ++outcome.ok;
                outcome.latenciesMs.append(double(clock.nsecsElapsed() - started) / 1e6);
            } else {
                ++outcome.failed;
            }
            if (clock.elapsed() < seconds * 1000)
                sendOne();
            else if (inFlight == 0)
                loop.quit();
        });
    };
    for (int i = 0; i < concurrency; ++i)
        sendOne();
    loop.exec();
    outcome.seconds = double(clock.nsecsElapsed()) / 1e9;
    return outcome;
}

// The load runs on a thread of its own, so the plane's end of the relay (this thread) is not
// slowed by the client.
Outcome loadFromAnotherThread(const QUrl &url, int concurrency, int seconds)
{
    Outcome outcome;
    QThread *thread = QThread::create([&] { outcome = load(url, concurrency, seconds); });
    QEventLoop wait;
    QObject::connect(thread, &QThread::finished, &wait, &QEventLoop::quit);
    thread->start();
    wait.exec();
    thread->wait();
    delete thread;
    return outcome;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const int seconds = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 5;
    const int concurrency = argc > 2 ? QString::fromLocal8Bit(argv[2]).toInt() : 4;

    QTemporaryDir dir;
    ControlPlaneOptions options = BenchSupport::demoOptions(dir.path());
    options.autoscaleIntervalMs = 0;  // a fixed fleet: this measures the data path
    options.listenForAgents = true;
    options.runLocalAgent = false;
    ControlPlane plane;
    if (auto started = plane.start(options); !started)
        qFatal("cannot start the control plane: %s", qPrintable(started.error().message));

    QProcess agent;
    agent.setProgram(QStringLiteral(SERVEDECK_BIN_DIR "/servedeck"));
    agent.setArguments({QStringLiteral("agent"), QStringLiteral("--join"), plane.agentJoinString(), QStringLiteral("--agent-id"),
                        QStringLiteral("bench-agent"), QStringLiteral("--capacity"), QStringLiteral("cpu=8,memory=16G")});
    agent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    agent.start();
    if (!agent.waitForStarted(10000))
        qFatal("cannot start servedeck agent: %s", qPrintable(agent.errorString()));

    RemoteAgentConnection *connection = nullptr;
    BenchSupport::waitFor([&] {
        for (AgentConnector *a : plane.deployer()->agents())
            connection = qobject_cast<RemoteAgentConnection *>(a);
        return connection != nullptr && connection->isConnected();
    });
    if (!connection)
        qFatal("the agent did not join");
    const Endpoint created = BenchSupport::createDemo(plane.service(), QStringLiteral("relayed"), 1, 0.5);
    if (BenchSupport::waitFor([&] { return BenchSupport::healthy(plane.service(), QStringLiteral("relayed")) == 1; }) < 0)
        qFatal("the replica never became healthy");
    if (BenchSupport::waitFor([&] { return connection->status().replicas.size() == 1; }) < 0)
        qFatal("no heartbeat with the replica");
    const quint16 ownPort = connection->status().replicas.first().port;
    const Route route = plane.service().endpointInfo(QStringLiteral("relayed"))->routes.first();
    const quint16 relayPort = connection->relay().port(route.id);

    struct Target
    {
        const char *name;
        QUrl url;
    };
    const QList<Target> targets{
        {"direct (replica's own port)", QUrl(QStringLiteral("http://127.0.0.1:%1/predict").arg(ownPort))},
        {"relay (plane's listener)", QUrl(QStringLiteral("http://127.0.0.1:%1/predict").arg(relayPort))},
        {"proxy (through the relay)", QUrl(created.url + QStringLiteral("/predict"))},
    };
    out << "concurrency " << concurrency << ", " << seconds << " s each\n";
    out << "path  requests  failed  req/s  p50_ms  p99_ms\n";
    QList<Outcome> outcomes;
    for (const Target &target : targets) {
        static_cast<void>(loadFromAnotherThread(target.url, concurrency, 1));  // warm-up: connections, caches
        const Outcome o = loadFromAnotherThread(target.url, concurrency, seconds);
        outcomes.append(o);
        out << target.name << "  " << o.ok << "  " << o.failed << "  " << QString::number(o.ok / o.seconds, 'f', 0) << "  "
            << QString::number(percentile(o.latenciesMs, 0.50), 'f', 3) << "  "
            << QString::number(percentile(o.latenciesMs, 0.99), 'f', 3) << '\n';
        out.flush();
    }
    const auto rate = [](const Outcome &o) { return o.ok / o.seconds; };
    out << "relay/direct: req/s x" << QString::number(rate(outcomes[1]) / rate(outcomes[0]), 'f', 2) << ", p50 x"
        << QString::number(percentile(outcomes[1].latenciesMs, 0.5) / percentile(outcomes[0].latenciesMs, 0.5), 'f', 2)
        << '\n';
    out << "proxy/direct: req/s x" << QString::number(rate(outcomes[2]) / rate(outcomes[0]), 'f', 2) << ", p50 x"
        << QString::number(percentile(outcomes[2].latenciesMs, 0.5) / percentile(outcomes[0].latenciesMs, 0.5), 'f', 2)
        << '\n';
    out.flush();

    agent.terminate();
    if (!agent.waitForFinished(10000))
        agent.kill();
    return 0;
}
