// LoadTest against real servers on loopback, each on a thread of its own so that a stall is
// the server's and never the generator's. Coordinated omission, as the issue words it: a server
// that stalls 1 s once under 100 requests/s shows the ~100 requests scheduled during the stall
// as delayed, about half of them by 0.5 s or more and the worst by about 1 s, where a closed loop
// sees one slow request. Bounds are wide: timing precision belongs to the benchmark.
#include <atomic>
#include <functional>
#include <optional>

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include "http/httpserver.h"
#include "traffic/loadtest.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMs = 1000 * 1000;

// An HttpServer on its own thread; the handler runs there.
class ThreadedServer
{
public:
    explicit ThreadedServer(HttpServer::Handler handler)
    {
        // Made on its thread: its timers are members, which moveToThread() would leave behind.
        m_thread.start();
        QObject context;
        context.moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            &context,
            [this, &handler] {
                m_server = new HttpServer(std::move(handler));
                m_listening = m_server->listen(QHostAddress::LocalHost, 0);
                m_port = m_server->serverPort();
            },
            Qt::BlockingQueuedConnection);
    }
    ~ThreadedServer()
    {
        QMetaObject::invokeMethod(m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    bool listening() const { return m_listening; }
    QString url(const QString &path = u"/predict"_s) const { return u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path); }

private:
    QThread m_thread;
    HttpServer *m_server = nullptr;
    bool m_listening = false;
    quint16 m_port = 0;
};

// Answers at once, except the stallAt-th request, which holds the whole server for 1 s.
HttpServer::Handler stallingOnce(std::atomic<int> *seen, int stallAt)
{
    return [seen, stallAt](const HttpRequest &) {
        if (seen->fetch_add(1) + 1 == stallAt)
            QThread::msleep(1000);  // the fault under test: the server stops answering for 1 s
        return HttpResponse::text(200, "{\"ok\":true}", "application/json");
    };
}

LoadTestSettings settingsFor(const QString &url)
{
    LoadTestSettings settings;
    settings.endpoint = u"test"_s;
    settings.url = QUrl(url);
    settings.body = "{\"features\":[5.1,3.5,1.4,0.2]}";
    settings.headers = {{"Content-Type", "application/json"}};
    settings.timeoutMs = 10000;
    return settings;
}

LoadTestResult run(LoadTest &test, int timeoutMs)
{
    QSignalSpy finished(&test, &LoadTest::finished);
    test.start();
    if (!finished.wait(timeoutMs) || finished.isEmpty())
        return {};
    return finished.at(0).at(0).value<LoadTestResult>();
}

} // namespace

class TestLoadTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<LoadTestResult>();
        qRegisterMetaType<LoadTestProgress>();
    }

    void openLoopShowsTheStallToEveryRequestBehindIt()
    {
        std::atomic<int> seen = 0;
        ThreadedServer server(stallingOnce(&seen, 100));  // about 1 s into the run
        QVERIFY(server.listening());
        LoadTestSettings settings = settingsFor(server.url());
        settings.mode = LoadTestSettings::Mode::Rate;
        settings.rate = 100;
        settings.durationMs = 3000;
        settings.maxConnections = 32;  // past it, requests wait for a connection: counted late
        LoadTest test(settings);
        QSignalSpy progress(&test, &LoadTest::progress);
        const LoadTestResult result = run(test, 20000);
        QCOMPARE(result.sent, quint64(300));
        QCOMPARE(result.total.answered, quint64(300));
        QCOMPARE(result.total.succeeded, quint64(300));
        QCOMPARE(result.total.statuses.value(200), quint64(300));
        const LatencyHistogram &latency = result.total.latency;
        const quint64 delayed = latency.countAtLeast(100 * kMs);
        const quint64 halfSecond = latency.countAtLeast(500 * kMs);
        QVERIFY2(delayed >= 70 && delayed <= 130, qPrintable(u"delayed: %1"_s.arg(delayed)));
        QVERIFY2(halfSecond >= 30 && halfSecond <= 70, qPrintable(u">= 0.5 s: %1"_s.arg(halfSecond)));
        QVERIFY2(latency.maxNs() >= 900 * kMs && latency.maxNs() <= 1500 * kMs,
                 qPrintable(u"worst: %1 ms"_s.arg(latency.maxNs() / kMs)));
        // The connection cap was reached during the stall: those requests were sent late, and
        // counted so, not dropped.
        QVERIFY2(result.late >= 30, qPrintable(u"late: %1"_s.arg(result.late)));
        QVERIFY(result.lateness.maxNs() >= 500 * kMs);
        // Seconds of the run: every request sent is in one of them.
        QVERIFY(result.intervals.size() >= 3);
        quint64 sentInIntervals = 0;
        quint64 answeredInIntervals = 0;
        for (const LoadTestInterval &interval : result.intervals) {
            sentInIntervals += interval.sent;
            answeredInIntervals += interval.answered;
        }
        QCOMPARE(sentInIntervals, result.sent);
        QCOMPARE(answeredInIntervals, result.total.answered);
        QVERIFY(progress.size() >= 4);
        QVERIFY(!test.isRunning());
    }

    void closedLoopSeesOneSlowRequest()
    {
        std::atomic<int> seen = 0;
        ThreadedServer server(stallingOnce(&seen, 100));
        QVERIFY(server.listening());
        LoadTestSettings settings = settingsFor(server.url());
        settings.mode = LoadTestSettings::Mode::Closed;
        settings.concurrency = 1;
        settings.durationMs = 2500;
        LoadTest test(settings);
        const LoadTestResult result = run(test, 20000);
        QVERIFY(result.total.answered > 100);
        QCOMPARE(result.total.succeeded, result.total.answered);
        // The one stalled request is all a closed loop shows of a second without answers.
        QCOMPARE(result.total.latency.countAtLeast(500 * kMs), quint64(1));
        QVERIFY(result.total.latency.maxNs() >= 900 * kMs);
    }

    void closedLoopByCountAsTheSeedsSuite()
    {
        std::atomic<int> seen = 0;
        ThreadedServer server(stallingOnce(&seen, -1));
        QVERIFY(server.listening());
        LoadTestSettings settings = settingsFor(server.url());
        settings.mode = LoadTestSettings::Mode::Closed;
        settings.concurrency = 10;
        settings.totalRequests = 50;
        settings.durationMs = 60000;
        LoadTest test(settings);
        const LoadTestResult result = run(test, 20000);
        QCOMPARE(result.sent, quint64(50));
        QCOMPARE(result.total.answered, quint64(50));
        QCOMPARE(seen.load(), 50);
        QCOMPARE(result.targets.size(), 3);
        QVERIFY(result.targets.at(1).passed);  // p95 < 200 ms on loopback
        QVERIFY(result.targets.at(2).passed);  // success > 95 %
    }

    void runsOnAThreadOfItsOwn()
    {
        // Made on one thread, moved to another and started there; its signals received on this one.
        QTest::failOnWarning(QRegularExpression(u"another thread"_s));
        std::atomic<int> seen = 0;
        ThreadedServer server(stallingOnce(&seen, -1));
        QVERIFY(server.listening());
        LoadTestSettings settings = settingsFor(server.url());
        settings.rate = 100;
        settings.durationMs = 500;
        QThread thread;
        thread.start();
        auto *test = new LoadTest(settings);
        test->moveToThread(&thread);
        // Received here, queued, as the console's view receives them (a QSignalSpy would record
        // on the run's thread while this one reads it).
        qRegisterMetaType<ServeDeck::LoadTestProgress>();
        qRegisterMetaType<ServeDeck::LoadTestResult>();
        QObject receiver;
        std::optional<LoadTestResult> finished;
        int progress = 0;
        connect(test, &LoadTest::finished, &receiver, [&finished](const LoadTestResult &r) { finished = r; });
        connect(test, &LoadTest::progress, &receiver, [&progress] { ++progress; });
        QMetaObject::invokeMethod(test, [test] { test->start(); });
        QTRY_VERIFY_WITH_TIMEOUT(finished.has_value(), 10000);
        const LoadTestResult result = *finished;
        QCOMPARE(result.sent, quint64(50));
        QCOMPARE(result.total.succeeded, quint64(50));
        QVERIFY(progress >= 1);
        QMetaObject::invokeMethod(test, [test] { delete test; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    }

    void splitsByRevisionAndRoute()
    {
        std::atomic<int> seen = 0;
        ThreadedServer server([&seen](const HttpRequest &) {
            const bool canary = seen.fetch_add(1) % 10 == 9;
            HttpResponse response = HttpResponse::text(canary ? 500 : 200, "{}", "application/json");
            response.headers.emplaceBack("X-ServeDeck-Revision", canary ? "v2" : "v1");
            response.headers.emplaceBack("X-ServeDeck-Route", canary ? "route-b" : "route-a");
            return response;
        });
        QVERIFY(server.listening());
        LoadTestSettings settings = settingsFor(server.url());
        settings.mode = LoadTestSettings::Mode::Closed;
        settings.concurrency = 1;
        settings.totalRequests = 100;
        LoadTest test(settings);
        const LoadTestResult result = run(test, 20000);
        QCOMPARE(result.byRevision.size(), 2);
        QCOMPARE(result.byRevision.value("v1").answered, quint64(90));
        QCOMPARE(result.byRevision.value("v2").answered, quint64(10));
        QCOMPARE(result.byRevision.value("v2").statuses.value(500), quint64(10));
        QCOMPARE(result.byRoute.value("route-a").succeeded, quint64(90));
        QCOMPARE(result.total.successRatio(), 0.9);
        QVERIFY(!result.passed());  // success 90 % is not above 95 %
        QVERIFY(result.toCsv().contains("revision,\"v2\",10,0,"));
    }

    void cancelEndsTheRunWithWhatItHas()
    {
        std::atomic<int> seen = 0;
        ThreadedServer server(stallingOnce(&seen, -1));
        QVERIFY(server.listening());
        LoadTestSettings settings = settingsFor(server.url());
        settings.rate = 50;
        settings.durationMs = 60000;
        LoadTest test(settings);
        QSignalSpy finished(&test, &LoadTest::finished);
        test.start();
        QTRY_VERIFY_WITH_TIMEOUT(seen.load() >= 10, 10000);
        test.cancel();
        QCOMPARE(finished.size(), 1);
        const LoadTestResult result = finished.at(0).at(0).value<LoadTestResult>();
        QVERIFY(result.cancelled);
        QVERIFY(!result.passed());
        QVERIFY(result.sent >= 10 && result.sent < 3000);
        QCOMPARE(result.total.answered, result.sent);
        QVERIFY(!test.isRunning());
    }

    void refusedConnectionsAreErrorsNotHangs()
    {
        LoadTestSettings settings = settingsFor(u"http://127.0.0.1:1/predict"_s);
        settings.rate = 50;
        settings.durationMs = 300;
        LoadTest test(settings);
        const LoadTestResult result = run(test, 20000);
        QVERIFY(result.sent > 0);
        QCOMPARE(result.total.answered, result.sent);
        QCOMPARE(result.total.succeeded, quint64(0));
        QCOMPARE(result.total.errors.value(u"connection refused"_s), result.sent);
        QVERIFY(!result.passed());
    }
};

QTEST_GUILESS_MAIN(TestLoadTest)
#include "test_loadtest.moc"
