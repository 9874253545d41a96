#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include "store/changefeed.h"
#include "store/changetriggers.h"
#include "store/storelocation.h"
#include "support/postgresserver.h"

using namespace ServeDeck;

namespace {

constexpr int kWaitMs = 10000;  // a notification takes milliseconds; this bounds a stall
constexpr int kDebounceMs = 100;

using Tables = QSet<QString>;

// A writer of its own: another console's connection, as far as the feed can tell.
class Writer final
{
public:
    explicit Writer(const StoreLocation &location)
        : m_name(QStringLiteral("writer-") + QUuid::createUuid().toString(QUuid::Id128))
    {
        m_opened = location.openConnection(m_name).ok();
    }
    ~Writer() { QSqlDatabase::removeDatabase(m_name); }
    bool isOpen() const { return m_opened; }
    bool exec(const QString &sql, QString *error = nullptr)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        const bool ok = query.exec(sql);
        if (!ok && error)
            *error = query.lastError().text();
        return ok;
    }

private:
    QString m_name;
    bool m_opened = false;
};

Tables unionOf(const QSignalSpy &spy)
{
    Tables all;
    for (const QList<QVariant> &args : spy)
        all.unite(args.at(0).value<Tables>());
    return all;
}

} // namespace

class TestChangeFeed : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;

    // A fresh database with two tables the feed watches and one it does not.
    StoreLocation freshDatabase()
    {
        QString error;
        const QString name = m_server.createUniqueDatabase(&error);
        if (name.isEmpty())
            qFatal("no database: %s", qPrintable(error));
        auto location = StoreLocation::parse(m_server.url(name));
        Writer setup(*location);
        for (const char *table : {"endpoints", "routes", "plane_leader"}) {
            if (!setup.exec(QStringLiteral("CREATE TABLE %1 (id INTEGER)").arg(QLatin1String(table)), &error))
                qFatal("no table: %s", qPrintable(error));
        }
        return *location;
    }

    static ChangeFeed::Options options()
    {
        ChangeFeed::Options o;
        o.tables = {QStringLiteral("endpoints"), QStringLiteral("routes")};
        o.debounceMs = kDebounceMs;
        o.pingIntervalMs = 200;
        o.minBackoffMs = 100;
        o.maxBackoffMs = 1000;
        return o;
    }

    // The feed's next signal comes, it is its only one, and it names exactly tables.
    static void heardOnce(QSignalSpy &spy, const Tables &tables)
    {
        QVERIFY(spy.wait(kWaitMs));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<Tables>(), tables);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
    }

    void aWriteOnAnotherConnectionIsHeard()
    {
        const StoreLocation location = freshDatabase();
        ChangeFeed feed(location, options());
        QSignalSpy spy(&feed, &ChangeFeed::changed);
        auto started = feed.start();
        QVERIFY2(started, started ? "" : qPrintable(started.error().message));
        QVERIFY(feed.isListening());

        Writer writer(location);
        QVERIFY(writer.isOpen());
        QVERIFY(writer.exec(QStringLiteral("INSERT INTO endpoints VALUES (1)")));
        heardOnce(spy, Tables{QStringLiteral("endpoints")});
    }

    void onlyCommittedWritesOfWatchedTablesAreHeard()
    {
        const StoreLocation location = freshDatabase();
        ChangeFeed feed(location, options());
        QSignalSpy spy(&feed, &ChangeFeed::changed);
        QVERIFY(feed.start());
        Writer writer(location);
        // Rolled back: PostgreSQL drops its notifications. Not watched: no trigger. Hostile
        // payload on our channel: names no table of ours. Statements that change no row. Then one
        // committed write to routes.
        QVERIFY(writer.exec(QStringLiteral("BEGIN")));
        QVERIFY(writer.exec(QStringLiteral("INSERT INTO endpoints VALUES (1)")));
        QVERIFY(writer.exec(QStringLiteral("ROLLBACK")));
        QVERIFY(writer.exec(QStringLiteral("INSERT INTO plane_leader VALUES (1)")));
        QVERIFY(writer.exec(QStringLiteral("SELECT pg_notify('servedeck_changes', 'evil; DROP TABLE x')")));
        QVERIFY(writer.exec(QStringLiteral("UPDATE routes SET id = 2")));  // no row changed: nothing to say
        QVERIFY(writer.exec(QStringLiteral("DELETE FROM endpoints")));
        QVERIFY(writer.exec(QStringLiteral("INSERT INTO routes VALUES (1)")));
        heardOnce(spy, Tables{QStringLiteral("routes")});
    }

    void aBurstIsFewSignals()
    {
        const StoreLocation location = freshDatabase();
        ChangeFeed feed(location, options());
        QSignalSpy spy(&feed, &ChangeFeed::changed);
        QVERIFY(feed.start());
        Writer writer(location);
        QElapsedTimer elapsed;
        elapsed.start();
        for (int i = 0; i < 100; ++i)
            QVERIFY(writer.exec(QStringLiteral("INSERT INTO endpoints VALUES (%1)").arg(i)));
        // Notifications of one session arrive in commit order: routes' comes after every endpoints'.
        QVERIFY(writer.exec(QStringLiteral("INSERT INTO routes VALUES (1)")));
        QTRY_VERIFY_WITH_TIMEOUT(unionOf(spy).contains(QStringLiteral("routes")), kWaitMs);
        const qint64 ms = elapsed.elapsed();
        // One signal per debounce period at most, however many commits came in it.
        const qint64 bound = 2 + ms / kDebounceMs;
        QVERIFY2(spy.count() <= bound, qPrintable(QStringLiteral("%1 signals in %2 ms").arg(spy.count()).arg(ms)));
        QVERIFY2(spy.count() < 20, qPrintable(QString::number(spy.count())));
        QCOMPARE(unionOf(spy), (Tables{QStringLiteral("endpoints"), QStringLiteral("routes")}));
    }

    void installingTwiceKeepsOneSetOfTriggers()
    {
        const StoreLocation location = freshDatabase();
        ChangeFeed first(location, options());
        ChangeFeed second(location, options());
        QVERIFY(first.start());
        QVERIFY(second.start());
        QSignalSpy spy(&second, &ChangeFeed::changed);
        Writer writer(location);
        QVERIFY(writer.exec(QStringLiteral("CREATE TABLE trigger_count AS SELECT count(*) AS n FROM pg_trigger"
                                           " WHERE tgname LIKE 'servedeck_changes%' AND tgrelid = 'endpoints'::regclass")));
        QVERIFY(writer.exec(QStringLiteral("DO $$ BEGIN IF (SELECT n FROM trigger_count) <> 4 THEN"
                                           " RAISE EXCEPTION 'triggers: %', (SELECT n FROM trigger_count); END IF; END $$")));
        QVERIFY(writer.exec(QStringLiteral("INSERT INTO endpoints VALUES (1)")));
        QVERIFY(spy.wait(kWaitMs));
        QCOMPARE(spy.at(0).at(0).value<Tables>(), Tables{QStringLiteral("endpoints")});
    }

    void aMissingTableIsAnError()
    {
        const StoreLocation location = freshDatabase();
        ChangeFeed::Options o = options();
        o.tables << QStringLiteral("no_such_table");
        ChangeFeed feed(location, o);
        auto started = feed.start();
        QVERIFY(!started);
        QCOMPARE(started.error().type, ErrorType::StorageError);
        QVERIFY(!feed.isListening());
        // One transaction: the tables before it did not get a trigger either.
        Writer writer(location);
        QVERIFY(writer.exec(QStringLiteral("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgname LIKE"
                                           " 'servedeck_changes%') THEN RAISE EXCEPTION 'half installed'; END IF; END $$")));
    }

    void aRestartedServerIsListenedToAgain()
    {
        const StoreLocation location = freshDatabase();
        ChangeFeed feed(location, options());
        QSignalSpy changed(&feed, &ChangeFeed::changed);
        QSignalSpy lost(&feed, &ChangeFeed::connectionLost);
        QSignalSpy back(&feed, &ChangeFeed::reconnected);
        QVERIFY(feed.start());

        QString error;
        m_server.stop();
        QVERIFY(lost.wait(kWaitMs));
        QVERIFY(!feed.isListening());
        QVERIFY2(m_server.restart(&error), qPrintable(error));
        QVERIFY(back.wait(kWaitMs));
        QVERIFY(feed.isListening());
        // Every table, once: what committed while away was not heard.
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<Tables>(), (Tables{QStringLiteral("endpoints"), QStringLiteral("routes")}));

        Writer writer(location);
        QVERIFY(writer.exec(QStringLiteral("INSERT INTO endpoints VALUES (1)")));
        QVERIFY(changed.wait(kWaitMs));
        QCOMPARE(changed.at(1).at(0).value<Tables>(), Tables{QStringLiteral("endpoints")});
    }

    void sqliteHasNoFeed()
    {
        QTemporaryDir dir;
        ChangeFeed feed(StoreLocation::sqlite(dir.filePath(QStringLiteral("s.db"))), options());
        QVERIFY(feed.start());
        QVERIFY(!feed.isListening());
    }
};

QTEST_GUILESS_MAIN(TestChangeFeed)
#include "test_changefeed.moc"
