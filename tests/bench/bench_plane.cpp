// The shared plane's costs (issue 18), on SQLite and on PostgreSQL: the control API's create and
// scale latency through a real `servedeck serve` (p50/p95), one reconciler pass over 10,000
// endpoints, and (PostgreSQL only) the failover time between two `serve` processes on one
// database. Prints a table with the ratios PostgreSQL / SQLite. Run by hand, never by ctest.
//
// Usage: bench_plane [Qt Test options] [case...]   (cases: controlApi, reconcilerPass, failover)
// Sizes from the environment: BENCH_PLANE_CALLS (200), BENCH_PLANE_ENDPOINTS (10000),
// BENCH_PLANE_ROUTES (5 per endpoint), BENCH_PLANE_PASSES (10), BENCH_PLANE_FAILOVERS (10).
//   cmake --build build-bench --target bench_plane && build-bench/bin/bench_plane
// PostgreSQL runs from tests/support/postgresserver.h with fsync on; the reconciler's store here
// is not fenced (a leader's transactions add one epoch read each).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include "api/apiclient.h"
#include "bench/benchstore.h"
#include "scheduler/reconciler.h"
#include "store/repository.h"
#include "store/storelocation.h"
#include "support/manualclock.h"
#include "support/postgresserver.h"
#include "support/servechild.h"

using namespace ServeDeck;
using namespace ServeChildSupport;
using namespace Qt::StringLiterals;

namespace {

int sizeFromEnvironment(const char *name, int fallback, int most)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? std::min(value, most) : fallback;
}

// Nearest rank: the smallest sample with at least q of them at or below it.
double percentile(QList<double> samples, double q)
{
    if (samples.isEmpty())
        return std::nan("");
    std::sort(samples.begin(), samples.end());
    const auto rank = qsizetype(std::ceil(q * double(samples.size())));
    return samples.at(std::clamp<qsizetype>(rank - 1, 0, samples.size() - 1));
}

QByteArray describe(const ApiResponse &r)
{
    return "HTTP " + QByteArray::number(r.status) + ' ' + r.transportError.toUtf8() + ' ' + r.raw.left(400);
}

QJsonObject createBody(const QString &name, double cpu, int replicas, bool queueWhenFull)
{
    return {{QStringLiteral("model_name"), name},
            {QStringLiteral("model_version"), QStringLiteral("v1")},
            {QStringLiteral("vfolder_id"), QStringLiteral("iris-v1")},
            {QStringLiteral("runtime_variant"), QStringLiteral("custom")},
            {QStringLiteral("resource_slots"),
             QJsonObject{{QStringLiteral("cpu"), QString::number(cpu)}, {QStringLiteral("memory"), QStringLiteral("128M")}}},
            {QStringLiteral("replicas"), replicas},
            {QStringLiteral("queue_when_full"), queueWhenFull},
            {QStringLiteral("public"), false}};
}

// Milliseconds one blocking call took, with its answer.
std::pair<double, ApiResponse> timed(ApiClient &client, const QByteArray &method, const QString &path,
                                     const QJsonObject &body)
{
    QElapsedTimer t;
    t.start();
    ApiResponse r = client.send(method, path, body);
    return {double(t.nsecsElapsed()) / 1e6, std::move(r)};
}

// What a node says of itself in GET /v1/plane: "leader", "follower", or empty without an answer.
QString roleOf(ApiClient &client)
{
    const ApiResponse r = client.get(QStringLiteral("/v1/plane"));
    return r.ok() ? r.body.object().value(QStringLiteral("role")).toString() : QString();
}

qint64 epochOf(ApiClient &client)
{
    const ApiResponse r = client.get(QStringLiteral("/v1/plane"));
    return r.ok() ? qint64(r.body.object().value(QStringLiteral("epoch")).toDouble(-1)) : -1;
}

// Every `serve` of one PostgreSQL plane takes the same plane key, in a build that has them
// (`servedeck plane-key new`); in one that has none, no argument.
QStringList planeKeyArguments(const QTemporaryDir &dir)
{
    const QString file = dir.filePath(QStringLiteral("plane.key"));
    if (QFileInfo::exists(file))
        return {QStringLiteral("--plane-key-file"), file};
    const CtlResult made = runServedeck({QStringLiteral("plane-key"), QStringLiteral("new"), file},
                                        childEnvironment(dir.path()), 15000, true);
    if (made.finished && made.exitCode == 0 && QFileInfo::exists(file))
        return {QStringLiteral("--plane-key-file"), file};
    QTextStream(stdout) << "no plane key (`servedeck plane-key new` answered " << made.exitCode << ")" << Qt::endl;
    return {};
}

int routeCount(ApiClient &client, const QString &endpoint)
{
    const ApiResponse r = client.get(QStringLiteral("/v1/services/%1/routes").arg(endpoint));
    return r.ok() ? int(r.body.object().value(QStringLiteral("routes")).toArray().size()) : -1;
}

} // namespace

class BenchPlane : public QObject
{
    Q_OBJECT

private:
    // Store -> figure -> value (milliseconds); printed by cleanupTestCase.
    std::map<QString, std::map<QString, double>> m_figures;
    QStringList m_order;  // figures in the order they were first measured
    PostgresServer m_postgres;
    QString m_postgresError;

    void record(const QString &store, const QString &figure, double ms)
    {
        m_figures[store][figure] = ms;
        if (!m_order.contains(figure))
            m_order << figure;
    }

    // A fresh store of that kind: a SQLite file in dir, or a new database on the suite's server.
    QString freshLocation(const QString &store, const QTemporaryDir &dir, QString *why)
    {
        if (store == u"sqlite")
            return dir.filePath(QStringLiteral("servedeck.db"));
        if (!m_postgres.isRunning()) {
            *why = QStringLiteral("no PostgreSQL server: ") + m_postgresError;
            return {};
        }
        const QString database = m_postgres.createUniqueDatabase(why);
        return database.isEmpty() ? QString() : m_postgres.url(database);
    }

    static void addStoreRows()
    {
        QTest::addColumn<QString>("store");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("SERVEDECK_BIN_DIR"))
            qputenv("SERVEDECK_BIN_DIR", SERVEDECK_BIN_DIR);
        QVERIFY2(QFileInfo(binary()).isExecutable(), qPrintable(u"no servedeck at "_s + binary()));
        // Commits reach the disk on both sides, as SQLite's synchronous=FULL does; the test
        // suites' server skips fsync. A PostgreSQL that does not start fails only its rows.
        m_postgres.setFsync(true);
        if (!m_postgres.start(&m_postgresError))
            qWarning("PostgreSQL did not start: %s", qPrintable(m_postgresError));
    }

    void controlApi_data() { addStoreRows(); }

    // N creates, then N scales from 0 to 1, each timed from request to answer. A blocker
    // endpoint holds the whole CPU capacity so every scaled replica waits PENDING: the figures
    // are the API's and the store's, not replica starts.
    void controlApi()
    {
        QFETCH(QString, store);
        const int calls = sizeFromEnvironment("BENCH_PLANE_CALLS", 200, 1000);
        QTemporaryDir dataDir;
        QTemporaryDir scratch;
        QVERIFY(dataDir.isValid() && scratch.isValid());
        QString why;
        QStringList arguments{QStringLiteral("--signing-key-file")};
        if (store != u"sqlite") {
            const QString location = freshLocation(store, scratch, &why);
            QVERIFY2(!location.isEmpty(), qPrintable(why));
            arguments << QStringLiteral("--database") << location << planeKeyArguments(scratch);
        }
        ServeChild server(dataDir.path(), QStringLiteral("cpu=1,memory=2G"), arguments);
        QVERIFY2(server.start(&why), qPrintable(why));
        QFile tokenFile(server.tokenFile());
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        ApiClient client(QUrl(QStringLiteral("http://") + server.api()), tokenFile.readAll().trimmed(), 15000);
        // Timed as the leader: on PostgreSQL the node wins its election first.
        QVERIFY2(QTest::qWaitFor([&] { return roleOf(client) == u"leader"; }, 30000), qPrintable(roleOf(client)));

        const auto blocker = client.send("POST", QStringLiteral("/v1/services"),
                                         createBody(QStringLiteral("blocker"), 1, 1, false));
        QVERIFY2(blocker.ok(), describe(blocker).constData());

        QList<double> creates;
        QList<double> scales;
        for (int i = 0; i < calls; ++i) {
            const QString name = QStringLiteral("b-%1").arg(i, 4, 10, QLatin1Char('0'));
            auto [ms, r] = timed(client, "POST", QStringLiteral("/v1/services"), createBody(name, 0.5, 0, true));
            QVERIFY2(r.ok(), describe(r).constData());
            creates << ms;
        }
        for (int i = 0; i < calls; ++i) {
            const QString name = QStringLiteral("b-%1").arg(i, 4, 10, QLatin1Char('0'));
            auto [ms, r] = timed(client, "POST", QStringLiteral("/v1/services/%1/scale").arg(name),
                                 QJsonObject{{QStringLiteral("replicas"), 1}});
            QVERIFY2(r.ok(), describe(r).constData());
            scales << ms;
        }
        // The premise: a scaled endpoint got its route, and it waits rather than runs.
        const bool queued = QTest::qWaitFor([&] {
            const auto routes = client.get(QStringLiteral("/v1/services/b-0000/routes"));
            const QJsonArray list = routes.body.object().value(QStringLiteral("routes")).toArray();
            return list.size() == 1 && list.first().toObject().value(QStringLiteral("status")).toString() == u"PENDING";
        }, 10000);
        QVERIFY2(queued, describe(client.get(QStringLiteral("/v1/services/b-0000/routes"))).constData());

        record(store, QStringLiteral("create p50"), percentile(creates, 0.50));
        record(store, QStringLiteral("create p95"), percentile(creates, 0.95));
        record(store, QStringLiteral("scale p50"), percentile(scales, 0.50));
        record(store, QStringLiteral("scale p95"), percentile(scales, 0.95));
        QTextStream(stdout) << store << ": " << calls << " creates p50 " << percentile(creates, 0.5) << " ms, p95 "
                            << percentile(creates, 0.95) << " ms; " << calls << " scales p50 " << percentile(scales, 0.5)
                            << " ms, p95 " << percentile(scales, 0.95) << " ms" << Qt::endl;
    }

    void reconcilerPass_data() { addStoreRows(); }

    // As bench_reconciler: 10,000 endpoints of 5 HEALTHY routes each, steady passes (nothing to
    // do), then one pass that creates 100 routes (1 % of the endpoints scaled by one).
    void reconcilerPass()
    {
        QFETCH(QString, store);
        const int endpoints = sizeFromEnvironment("BENCH_PLANE_ENDPOINTS", 10000, 100000);
        const int perEndpoint = sizeFromEnvironment("BENCH_PLANE_ROUTES", 5, 50);
        const int passes = sizeFromEnvironment("BENCH_PLANE_PASSES", 10, 1000);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString why;
        const QString location = freshLocation(store, dir, &why);
        QVERIFY2(!location.isEmpty(), qPrintable(why));
        Repository repository;
        const auto parsed = StoreLocation::parse(location);
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
        const auto opened = repository.open(*parsed);
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));

        ManualClock clock;
        QElapsedTimer fill;
        fill.start();
        const auto filled = BenchSupport::fillStore(repository, clock, endpoints, perEndpoint);
        QVERIFY2(filled.ok(), filled.ok() ? "" : qPrintable(filled.error().message));
        const double fillMs = double(fill.elapsed());

        Reconciler reconciler(repository, clock, 5);
        reconciler.setReplicaProbe([](const Route &) { return true; });
        QList<double> steady;
        for (int i = 0; i < passes; ++i) {
            QElapsedTimer t;
            t.start();
            const auto pass = reconciler.runOnce();
            steady << double(t.nsecsElapsed()) / 1e6;
            QVERIFY2(pass.ok(), pass.ok() ? "" : qPrintable(pass.error().message));
            QVERIFY2(pass->created.isEmpty() && pass->draining.isEmpty(), "a steady pass found work");
        }

        const auto all = repository.endpoints();
        QVERIFY(all.ok() && all->size() == endpoints);
        const int scaled = std::max(1, endpoints / 100);
        for (int i = 0; i < scaled; ++i) {
            Endpoint e = all->at(i * (endpoints / scaled));
            e.replicas += 1;
            QVERIFY(repository.updateEndpoint(e).ok());
        }
        QElapsedTimer t;
        t.start();
        const auto pass = reconciler.runOnce();
        const double creatingMs = double(t.nsecsElapsed()) / 1e6;
        QVERIFY2(pass.ok(), pass.ok() ? "" : qPrintable(pass.error().message));
        QCOMPARE(pass->created.size(), scaled);

        record(store, QStringLiteral("fill %1 endpoints").arg(endpoints), fillMs);
        record(store, QStringLiteral("steady pass median"), percentile(steady, 0.5));
        record(store, QStringLiteral("pass creating %1 routes").arg(scaled), creatingMs);
        QTextStream(stdout) << store << ": " << endpoints << " endpoints, " << endpoints * perEndpoint
                            << " routes filled in " << fillMs << " ms; steady pass median " << percentile(steady, 0.5)
                            << " ms (max " << percentile(steady, 1.0) << " ms, " << passes << " passes); pass creating "
                            << scaled << " routes " << creatingMs << " ms" << Qt::endl;
    }

    // kill -9 of the leading `serve` -> the first reconciler pass of the other. Right after the
    // kill an endpoint's desired count is raised in the database itself: only a reconciler pass
    // creates its route, and only a leader runs one (the survivor's own API would wake its
    // reconciler through the service's signals, so the write does not go through it). The
    // route's arrival is the new leader's first pass. The killed one is started again each time
    // and must follow. Median of BENCH_PLANE_FAILOVERS runs.
    void failover()
    {
        const int runs = sizeFromEnvironment("BENCH_PLANE_FAILOVERS", 10, 100);
        QTemporaryDir scratch;
        QVERIFY(scratch.isValid());
        QString why;
        const QString location = freshLocation(QStringLiteral("postgresql"), scratch, &why);
        QVERIFY2(!location.isEmpty(), qPrintable(why));
        const QStringList arguments = QStringList{QStringLiteral("--signing-key-file"), QStringLiteral("--database"), location}
            + planeKeyArguments(scratch);

        QTemporaryDir dirs[2];
        std::unique_ptr<ServeChild> nodes[2];
        std::unique_ptr<ApiClient> clients[2];
        const auto startNode = [&](int i) {
            clients[i].reset();
            nodes[i] = std::make_unique<ServeChild>(dirs[i].path(), QStringLiteral("cpu=1,memory=2G"), arguments);
            if (!nodes[i]->start(&why))
                return false;
            QFile tokenFile(nodes[i]->tokenFile());
            if (!tokenFile.open(QIODevice::ReadOnly)) {
                why = QStringLiteral("no admin token at ") + nodes[i]->tokenFile();
                return false;
            }
            clients[i] = std::make_unique<ApiClient>(QUrl(QStringLiteral("http://") + nodes[i]->api()),
                                                     tokenFile.readAll().trimmed(), 5000);
            return true;
        };
        for (int i = 0; i < 2; ++i) {
            QVERIFY(dirs[i].isValid());
            QVERIFY2(startNode(i), qPrintable(why));
        }
        int leader = -1;
        const bool elected = QTest::qWaitFor([&] {
            const QString a = roleOf(*clients[0]);
            const QString b = roleOf(*clients[1]);
            leader = a == u"leader" && b == u"follower" ? 0 : b == u"leader" && a == u"follower" ? 1 : -1;
            return leader >= 0;
        }, 30000);
        QVERIFY2(elected, qPrintable(u"roles: "_s + roleOf(*clients[0]) + u", "_s + roleOf(*clients[1])));
        const auto blocker = clients[leader]->send("POST", QStringLiteral("/v1/services"),
                                                   createBody(QStringLiteral("blocker"), 1, 1, false));
        QVERIFY2(blocker.ok(), describe(blocker).constData());
        const auto watched = clients[leader]->send("POST", QStringLiteral("/v1/services"),
                                                   createBody(QStringLiteral("watched"), 0.5, 0, true));
        QVERIFY2(watched.ok(), describe(watched).constData());
        const auto parsed = StoreLocation::parse(location);
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
        Repository direct;
        const auto opened = direct.open(*parsed);
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));

        QList<double> toLeader;
        QList<double> toPass;
        for (int run = 1; run <= runs; ++run) {
            const int survivor = 1 - leader;
            const qint64 epochBefore = epochOf(*clients[leader]);
            QVERIFY(epochBefore > 0);
            QCOMPARE(routeCount(*clients[survivor], QStringLiteral("watched")), run - 1);
            QElapsedTimer sinceKill;
            nodes[leader]->process().kill();
            sinceKill.start();
            QVERIFY(nodes[leader]->process().waitForFinished(5000));
            const auto raised = direct.transaction<Done>([&]() -> Result<Done> {
                auto endpoint = direct.liveEndpointByName(QStringLiteral("watched"));
                if (!endpoint)
                    return endpoint.error();
                if (!endpoint->has_value())
                    return makeError(ErrorType::NotFound, QStringLiteral("no endpoint 'watched'"));
                Endpoint e = **endpoint;
                e.replicas = run;
                return direct.updateEndpoint(e);
            });
            QVERIFY2(raised.ok(), raised.ok() ? "" : qPrintable(raised.error().message));
            double leadMs = -1;
            double passMs = -1;
            const bool took = QTest::qWaitFor([&] {
                if (leadMs < 0 && roleOf(*clients[survivor]) == u"leader")
                    leadMs = double(sinceKill.nsecsElapsed()) / 1e6;
                if (passMs < 0 && routeCount(*clients[survivor], QStringLiteral("watched")) == run)
                    passMs = double(sinceKill.nsecsElapsed()) / 1e6;
                return leadMs >= 0 && passMs >= 0;
            }, 60000);
            QVERIFY2(took, qPrintable(QStringLiteral("run %1: leader after %2 ms, pass after %3 ms (-1: not seen in 60 s)")
                                          .arg(run).arg(leadMs).arg(passMs)));
            // Seen in the same poll, the pass may be counted first; a pass well before the
            // survivor led would be a follower's.
            QVERIFY2(passMs >= leadMs - 100, qPrintable(QStringLiteral("run %1: the route came %2 ms after the kill, "
                                                                      "before the survivor led (%3 ms)")
                                                            .arg(run).arg(passMs).arg(leadMs)));
            QVERIFY2(epochOf(*clients[survivor]) > epochBefore, "the new leader did not take a new epoch");
            toLeader << leadMs;
            toPass << passMs;
            QTextStream(stdout) << "failover " << run << ": leader after " << leadMs << " ms, first pass after "
                                << passMs << " ms" << Qt::endl;
            // The old leader comes back, on its own data dir, and follows.
            const int returning = leader;
            QVERIFY2(startNode(returning), qPrintable(why));
            QVERIFY(QTest::qWaitFor([&] { return roleOf(*clients[returning]) == u"follower"; }, 30000));
            leader = survivor;
        }
        record(QStringLiteral("postgresql"), QStringLiteral("failover: new leader (median)"), percentile(toLeader, 0.5));
        record(QStringLiteral("postgresql"), QStringLiteral("failover: first pass (median)"), percentile(toPass, 0.5));
        QTextStream(stdout) << "failover over " << runs << " runs: new leader median " << percentile(toLeader, 0.5)
                            << " ms (max " << percentile(toLeader, 1.0) << "), first reconciler pass median "
                            << percentile(toPass, 0.5) << " ms (max " << percentile(toPass, 1.0) << ")" << Qt::endl;
    }

    void cleanupTestCase()
    {
        QTextStream out(stdout);
        const auto value = [&](const QString &store, const QString &figure) {
            const auto s = m_figures.find(store);
            if (s == m_figures.end())
                return std::nan("");
            const auto f = s->second.find(figure);
            return f == s->second.end() ? std::nan("") : f->second;
        };
        const auto cell = [](double v, int width) {
            return std::isnan(v) ? QStringLiteral("-").rightJustified(width) : QString::number(v, 'f', 2).rightJustified(width);
        };
        out << '\n' << QStringLiteral("figure (ms)").leftJustified(32) << QStringLiteral("SQLite").rightJustified(12)
            << QStringLiteral("PostgreSQL").rightJustified(12) << QStringLiteral("PG/SQLite").rightJustified(11) << '\n';
        for (const QString &figure : std::as_const(m_order)) {
            const double sqlite = value(QStringLiteral("sqlite"), figure);
            const double pg = value(QStringLiteral("postgresql"), figure);
            const double ratio = sqlite > 0 ? pg / sqlite : std::nan("");
            out << figure.leftJustified(32) << cell(sqlite, 12) << cell(pg, 12) << cell(ratio, 11) << '\n';
        }
        out.flush();
    }
};

QTEST_GUILESS_MAIN(BenchPlane)

#include "bench_plane.moc"
