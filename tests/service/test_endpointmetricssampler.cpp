// The sampler's arithmetic: percentiles from cumulative latency buckets, as Prometheus computes
// them; and its scrapes of replicas' /metrics, bounded in size and time and never stacked.
#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>

#include "domain/clock.h"
#include "service/endpointmetricssampler.h"
#include "store/repository.h"
#include "support/scriptedupstream.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

const QString kMetric = u"servedeck_test_queue"_s;

enum class MetricsMode { Plain, Huge, HugeUnannounced, Silent };

// A replica's /metrics, played by the test: answers each scrape as the mode says.
TestSupport::ScriptedUpstream::Answer metricsAnswer(MetricsMode mode)
{
    return [mode](QTcpSocket *socket) {
        if (mode == MetricsMode::Silent)
            return;
        QByteArray body = kMetric.toUtf8() + " 7\n";
        if (mode == MetricsMode::Huge || mode == MetricsMode::HugeUnannounced)
            body += QByteArray(5 * 1024 * 1024, '#');  // a comment line of 5 MiB
        if (mode == MetricsMode::HugeUnannounced) {
            // No length: the body runs to the close.
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
            socket->write(body);
            socket->disconnectFromHost();
            return;
        }
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\n\r\n");
        socket->write(body);
    };
}

} // namespace

Q_DECLARE_METATYPE(MetricsMode)

class TestEndpointMetricsSampler final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quantile_data()
    {
        QTest::addColumn<QList<quint64>>("cumulative");  // bounds 0.01, 0.1, 1 s, then +Inf
        QTest::addColumn<double>("q");
        QTest::addColumn<double>("expectedMs");
        QTest::newRow("all in the first bucket, median") << QList<quint64>{10, 10, 10, 10} << 0.5 << 5.0;
        QTest::newRow("p95 in the second bucket") << QList<quint64>{50, 100, 100, 100} << 0.95 << 91.0;
        QTest::newRow("p99 interpolated in the third") << QList<quint64>{0, 0, 100, 100} << 0.99 << 991.0;
        QTest::newRow("beyond the last bound") << QList<quint64>{0, 0, 0, 10} << 0.5 << 1000.0;
    }

    void quantile()
    {
        QFETCH(QList<quint64>, cumulative);
        QFETCH(double, q);
        QFETCH(double, expectedMs);
        const auto ms = histogramQuantileMs({0.01, 0.1, 1.0}, cumulative, q);
        QVERIFY(ms.has_value());
        QVERIFY2(qAbs(*ms - expectedMs) < 1e-6, qPrintable(QString::number(*ms)));
    }

    void noRequestsNoQuantile()
    {
        QVERIFY(!histogramQuantileMs({0.01, 0.1, 1.0}, {0, 0, 0, 0}, 0.95));
        QVERIFY(!histogramQuantileMs({0.01, 0.1, 1.0}, {1, 2}, 0.95));  // shapes that do not match
    }

    // A plain answer is taken; one over 4 MiB is not; one that never comes is not asked again
    // while it is awaited, however often the sampler samples.
    void scrapesAreBounded_data()
    {
        QTest::addColumn<MetricsMode>("mode");
        QTest::newRow("plain") << MetricsMode::Plain;
        QTest::newRow("5 MiB") << MetricsMode::Huge;
        QTest::newRow("5 MiB, length not announced") << MetricsMode::HugeUnannounced;
        QTest::newRow("never answers") << MetricsMode::Silent;
    }

    void scrapesAreBounded()
    {
        QFETCH(MetricsMode, mode);
        TestSupport::ScriptedUpstream answerer(metricsAnswer(mode));
        QVERIFY(answerer.isListening());

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Repository repository;
        QVERIFY(repository.open(dir.filePath(u"servedeck.db"_s)).ok());
        Endpoint endpoint;
        endpoint.id = QUuid::createUuid();
        endpoint.name = u"scraped"_s;
        endpoint.modelVersion = u"v1"_s;
        endpoint.modelFolder = u"/srv/models/iris-v1"_s;
        endpoint.runtimeVariant = u"custom"_s;
        endpoint.resourceGroup = u"default"_s;
        endpoint.replicas = 1;
        endpoint.createdAt = endpoint.updatedAt = QDateTime::currentDateTimeUtc();
        endpoint.url = u"http://127.0.0.1:8080/scraped"_s;
        endpoint.resourceSlots = ResourceSlots{1, 1024 * 1024 * 1024, 0};
        const auto inserted = repository.insertEndpoint(endpoint);
        QVERIFY2(inserted.ok(), inserted.ok() ? "" : qPrintable(inserted.error().message));
        Route route;
        route.id = QUuid::createUuid();
        route.endpointId = endpoint.id;
        route.status = RouteStatus::Healthy;
        route.weight = 1;
        route.replicaId = u"local:1:%1"_s.arg(answerer.port());
        route.agentId = u"local"_s;
        route.createdAt = route.updatedAt = QDateTime::currentDateTimeUtc();
        const auto routed = repository.insertRoute(route);
        QVERIFY2(routed.ok(), routed.ok() ? "" : qPrintable(routed.error().message));

        EndpointMetricsSampler sampler(repository, Clock::system());
        QVERIFY(!sampler.value(endpoint.id, MetricSource::InferenceFramework, kMetric));  // asks for it
        // Bounded: 6 samples 100 ms apart, well within one scrape's 2 s deadline. One only for
        // the large answer: the round it completes is the one published, nothing after it.
        const bool huge = mode == MetricsMode::Huge || mode == MetricsMode::HugeUnannounced;
        const int samples = huge ? 1 : 6;
        for (int i = 0; i < samples; ++i) {
            QVERIFY(sampler.sample().ok());
            QTest::qWait(100);
        }
        // (A plain answer leaves its connection open for the next scrape: counted once.)
        QCOMPARE(answerer.maxOpen(), 1);
        switch (mode) {
        case MetricsMode::Plain:
            QTRY_COMPARE_WITH_TIMEOUT(sampler.value(endpoint.id, MetricSource::InferenceFramework, kMetric),
                                      std::optional<double>(7), 5000);
            break;
        case MetricsMode::Huge:
        case MetricsMode::HugeUnannounced:
            // The scrape ended (cut short), and its answer was not taken. The answerer writes its
            // megabytes on this same thread, which a loaded machine (a CI build beside it) slows
            // well past the scrape's own deadline: the bound is generous, not a timing check.
            QTRY_COMPARE_WITH_TIMEOUT(answerer.open(), 0, 20000);
            QCOMPARE(answerer.connections(), 1);
            QVERIFY(!sampler.value(endpoint.id, MetricSource::InferenceFramework, kMetric));
            break;
        case MetricsMode::Silent:
            QCOMPARE(answerer.connections(), 1);
            QTRY_COMPARE_WITH_TIMEOUT(answerer.open(), 0, 5000);  // given up after its deadline
            QVERIFY(sampler.sample().ok());  // and asked again
            QTRY_COMPARE_WITH_TIMEOUT(answerer.connections(), 2, 5000);
            break;
        }
    }
};

QTEST_GUILESS_MAIN(TestEndpointMetricsSampler)
#include "test_endpointmetricssampler.moc"
