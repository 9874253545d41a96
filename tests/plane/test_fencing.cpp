#include <memory>

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "api/controlapiserver.h"
#include "plane/leaderelection.h"
#include "store/repository.h"
#include "support/postgresserver.h"
#include "support/testelection.h"
#include "support/testendpoint.h"

using namespace ServeDeck;

namespace {
constexpr int kLeaseMs = 3000;
constexpr int kFirstLeaderMs = 10000;
}

// A former leader's writes are refused by the store, whatever it believes (issue 18's fencing).
class TestFencing : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    StoreLocation m_location;

    std::unique_ptr<LeaderElection> election(const QString &nodeId)
    {
        return testElection(m_location, nodeId, nodeId, kLeaseMs);
    }

    static Result<Done> insert(Repository &repository, const Endpoint &endpoint)
    {
        return repository.transaction<Done>([&] { return repository.insertEndpoint(endpoint); });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        const QString database = m_server.createUniqueDatabase(&error);
        QVERIFY2(!database.isEmpty(), qPrintable(error));
        auto location = StoreLocation::parse(m_server.url(database));
        QVERIFY(location);
        m_location = *location;
    }

    // The refusal travels as every typed error: its name end to end, 409 from the API.
    void staleLeaderIsATypedConflict()
    {
        QCOMPARE(errorTypeName(ErrorType::StaleLeader), QStringLiteral("StaleLeader"));
        QCOMPARE(errorTypeFromName(QStringLiteral("StaleLeader")), std::optional(ErrorType::StaleLeader));
        QCOMPARE(httpStatusFor(ErrorType::StaleLeader), 409);
    }

    // One console on SQLite: there is no lease, and a fence changes nothing.
    void sqliteIgnoresTheFence()
    {
        QTemporaryDir dir;
        Repository repository;
        QVERIFY(repository.open(dir.filePath(QStringLiteral("s.db"))));
        repository.setFencingEpoch(7);
        const Endpoint e = testEndpoint(QStringLiteral("kept"), QDateTime::currentDateTimeUtc());
        QVERIFY(insert(repository, e));
        auto read = repository.endpointById(e.id);
        QVERIFY(read && read->has_value());
    }

    // Another node took the lease while this one still believes it leads: what it writes at its
    // old epoch is refused, and nothing of it is stored.
    void aFormerLeadersWritesAreRefused()
    {
        auto a = election(QStringLiteral("a"));
        a->start();
        QTRY_VERIFY_WITH_TIMEOUT(a->isLeader(), kFirstLeaderMs);
        Repository repository;
        auto opened = repository.open(m_location);
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
        repository.setFencingEpoch(a->epoch());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(insert(repository, testEndpoint(QStringLiteral("first"), now)));

        auto b = election(QStringLiteral("b"));
        b->start();
        QString error;
        QVERIFY2(m_server.execute(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                                 "WHERE application_name = 'servedeck:a'"),
                                  &error),
                 qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(b->isLeader(), 2 * kLeaseMs);
        QCOMPARE(b->epoch(), qint64(2));

        const Endpoint second = testEndpoint(QStringLiteral("second"), now);
        const auto refused = insert(repository, second);
        QVERIFY(!refused);
        QCOMPARE(refused.error().type, ErrorType::StaleLeader);
        auto read = repository.endpointById(second.id);
        QVERIFY(read);
        QVERIFY(!read->has_value());

        // At the plane's epoch the same write goes through; unfenced (a follower's API write) too.
        repository.setFencingEpoch(b->epoch());
        QVERIFY(insert(repository, second));
        repository.setFencingEpoch(std::nullopt);
        QVERIFY(insert(repository, testEndpoint(QStringLiteral("third"), now)));
    }
};

QTEST_GUILESS_MAIN(TestFencing)
#include "test_fencing.moc"
