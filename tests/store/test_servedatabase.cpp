// `servedeck serve --database postgresql://...` end to end: two real `serve` children, each with
// its own data folder, on one PostgreSQL database (TestStore's server). What one creates the other
// lists; a malformed location is refused before anything starts. No leadership here: both run
// every part of the plane.
#include <memory>

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "support/servechild.h"
#include "support/teststore.h"

using namespace ServeChildSupport;
using namespace Qt::StringLiterals;

namespace {

constexpr int kCtlMs = 30000;

QStringList endpointNames(const CtlResult &listed)
{
    QStringList names;
    for (const QJsonValue &e : listed.json().value(u"services"_s).toArray())
        names << e.toObject().value(u"name"_s).toString();
    return names;
}

} // namespace

class TestServeDatabase final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void endpointCreatedThroughOneIsListedByTheOther();
    void malformedLocationIsRefusedAtOnce_data();
    void malformedLocationIsRefusedAtOnce();

private:
    QTemporaryDir m_scratch;
};

void TestServeDatabase::initTestCase()
{
    QVERIFY(TestStore::usePostgres());
    QVERIFY2(TestStore::server(), qPrintable(TestStore::lastError()));
    QVERIFY2(QFileInfo(binary()).isExecutable(), qPrintable(binary()));
    QVERIFY(m_scratch.isValid());
    QVERIFY(QDir().mkpath(m_scratch.filePath(u"ctl-data"_s)));
}

void TestServeDatabase::endpointCreatedThroughOneIsListedByTheOther()
{
    const QString database = TestStore::location(m_scratch);
    QVERIFY2(!database.isEmpty(), qPrintable(TestStore::lastError()));
    QTemporaryDir dataA;
    QTemporaryDir dataB;
    QVERIFY(dataA.isValid() && dataB.isValid());
    const QString ctlData = m_scratch.filePath(u"ctl-data"_s);

    ServeChild a(dataA.path(), u"cpu=8,memory=16G"_s, {u"--database"_s, database});
    QString why;
    QVERIFY2(a.start(&why), qPrintable(why));
    // No replica: this is about the store, not the runtime.
    QStringList create = createIrisArguments();
    create[create.indexOf(u"--replicas"_s) + 1] = u"0"_s;
    const CtlResult created = a.ctl(QStringList{u"--data-dir"_s, ctlData} + create, ctlData, kCtlMs);
    QVERIFY2(created.exitCode == 0, created.describe().constData());

    // The second one comes up on the migrated database and finds the endpoint there.
    ServeChild b(dataB.path(), u"cpu=8,memory=16G"_s, {u"--database"_s, database});
    QVERIFY2(b.start(&why), qPrintable(why));
    const CtlResult listed = b.ctl({u"--data-dir"_s, ctlData, u"--json"_s, u"list"_s}, ctlData, kCtlMs);
    QVERIFY2(listed.exitCode == 0, listed.describe().constData());
    QVERIFY2(endpointNames(listed).contains(u"iris"_s), listed.describe().constData());

    // A SQLite console beside them (no --database) has its own store: no iris there.
    ServeChild alone(m_scratch.filePath(u"alone"_s));
    QVERIFY2(alone.start(&why), qPrintable(why));
    const CtlResult own = alone.ctl({u"--data-dir"_s, ctlData, u"--json"_s, u"list"_s}, ctlData, kCtlMs);
    QVERIFY2(own.exitCode == 0, own.describe().constData());
    QVERIFY2(!endpointNames(own).contains(u"iris"_s), own.describe().constData());
}

void TestServeDatabase::malformedLocationIsRefusedAtOnce_data()
{
    QTest::addColumn<QString>("location");
    QTest::newRow("unknown scheme") << u"mysql://db.example/plane"_s;
    QTest::newRow("no database") << u"postgresql://db.example/"_s;
    QTest::newRow("unknown parameter") << u"postgresql://db.example/plane?options=-c%20x"_s;
}

void TestServeDatabase::malformedLocationIsRefusedAtOnce()
{
    QFETCH(QString, location);
    QTemporaryDir data;
    QVERIFY(data.isValid());
    const CtlResult r = runServedeck({u"serve"_s, u"--data-dir"_s, data.path(), u"--api"_s, u"127.0.0.1:0"_s,
                                      u"--proxy"_s, u"127.0.0.1:0"_s, u"--database"_s, location},
                                     childEnvironment(data.path()), kServerStartMs);
    QVERIFY2(r.finished, r.describe().constData());
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(u"--database"_s), r.describe().constData());
    QVERIFY2(r.out.isEmpty(), r.describe().constData());  // nothing started, no address printed
}

QTEST_MAIN(TestServeDatabase)
#include "test_servedatabase.moc"
