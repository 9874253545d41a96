#include <optional>

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

#include "store/repository.h"
#include "store/schema.h"
#include "writerscript.h"

using namespace ServeDeck;
using namespace ServeDeck::StoreTest;

namespace {

// Far more than any run reaches before it is killed; the writer stops by itself only if the test is gone.
constexpr int kWriterMaxActions = 100000;
// Each run reads for at most this long; a run normally takes well under a second.
constexpr int kRunTimeoutMs = 8000;

// What the script says one endpoint looks like, and what the database holds for it.
struct EndpointState
{
    int replicas = 1;
    int rules = 0;
    double ruleThreshold = 0;
    bool ruleHasTarget = false;
    int errors = 0;
    int scaleEvents = 0;
    QString resourceGroup = QStringLiteral("default");
    bool isPublic = false;

    bool operator==(const EndpointState &) const = default;

    QString toString() const
    {
        return QStringLiteral("replicas=%1 rules=%2 threshold=%3 target=%4 errors=%5 scale_events=%6 group=%7 "
                              "public=%8")
            .arg(replicas)
            .arg(rules)
            .arg(ruleThreshold)
            .arg(ruleHasTarget)
            .arg(errors)
            .arg(scaleEvents)
            .arg(resourceGroup)
            .arg(isPublic);
    }
};

using StoreState = QMap<QString, EndpointState>;

// The state after the first `count` actions of the script, applied the way the service applies them.
StoreState stateAfter(const QList<WriterAction> &script, qsizetype count)
{
    StoreState state;
    for (qsizetype i = 0; i < count; ++i) {
        const WriterAction &action = script.at(i);
        const QString name = endpointName(action.endpoint);
        EndpointState &e = state[name];
        switch (action.kind) {
        case WriterAction::Kind::Create:
            e = EndpointState{};
            break;
        case WriterAction::Kind::Rule:
            e.rules += 1;
            e.ruleThreshold = ruleThreshold(action.cycle);
            e.ruleHasTarget = ruleHasTarget(action.cycle);
            break;
        case WriterAction::Kind::Scale:
            // A scale to the current count changes nothing and logs no event.
            if (e.replicas != action.replicas) {
                e.replicas = action.replicas;
                e.scaleEvents += 1;
            }
            break;
        case WriterAction::Kind::Error:
            e.errors += 1;
            break;
        case WriterAction::Kind::Modify:
            e.resourceGroup = modifiedGroup(action.cycle);
            e.isPublic = modifiedPublic(action.cycle);
            break;
        case WriterAction::Kind::ClearErrors:
            e.errors = 0;
            break;
        }
    }
    return state;
}

QString differences(const StoreState &actual, const StoreState &expected)
{
    QStringList out;
    QStringList names = actual.keys() + expected.keys();
    names.removeDuplicates();
    for (const QString &name : std::as_const(names)) {
        const bool inActual = actual.contains(name);
        const bool inExpected = expected.contains(name);
        if (inActual && !inExpected)
            out << QStringLiteral("%1: present but never committed (%2)").arg(name, actual.value(name).toString());
        else if (!inActual && inExpected)
            out << QStringLiteral("%1: committed but missing (%2)").arg(name, expected.value(name).toString());
        else if (!(actual.value(name) == expected.value(name)))
            out << QStringLiteral("%1: stored %2, expected %3")
                       .arg(name, actual.value(name).toString(), expected.value(name).toString());
    }
    return out.join(u'\n');
}

// Plain SQL through a connection of its own, for what Repository does not expose.
class RawDatabase final
{
    Q_DISABLE_COPY_MOVE(RawDatabase)

public:
    explicit RawDatabase(const QString &path)
        : m_name(QStringLiteral("raw-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_open = db.open();
    }

    ~RawDatabase()
    {
        {
            auto db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }

    bool isOpen() const { return m_open; }

    // Every row, its columns joined by '|'; an error comes back as one "error: ..." row.
    QStringList rows(const QString &sql) const
    {
        QStringList out;
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql))
            return {QStringLiteral("error: ") + q.lastError().text()};
        while (q.next()) {
            QStringList columns;
            for (int c = 0; c < q.record().count(); ++c)
                columns << q.value(c).toString();
            out << columns.join(u'|');
        }
        return out;
    }

private:
    QString m_name;
    bool m_open = false;
};

struct WriterRun
{
    QStringList lines;  // every whole line the writer wrote, read after it died
    bool killed = false;
    int exitCode = 0;
    QString errorOutput;
};

} // namespace

class TestCrashConsistency final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void committedActionsSurviveSigkill_data();
    void committedActionsSurviveSigkill();

private:
    // Starts the writer, lets it report at least `minimumLines` actions, waits a little more
    // and kills it. minimumLines 0 kills it while it may still be creating the schema.
    WriterRun runAndKill(const QString &databasePath, int minimumLines, QRandomGenerator &random);
    void verifyDatabase(const QString &databasePath, const QStringList &lines);

    QString m_writer;
    QString m_modelFolder;
};

void TestCrashConsistency::initTestCase()
{
    m_writer = qEnvironmentVariable("SERVEDECK_STORE_WRITER");
    QVERIFY2(!m_writer.isEmpty(), "SERVEDECK_STORE_WRITER is not set: run through ctest");
    QVERIFY2(QFileInfo(m_writer).isExecutable(), qPrintable(m_writer));
    const QString sourceDir = qEnvironmentVariable("SERVEDECK_SOURCE_DIR");
    QVERIFY2(!sourceDir.isEmpty(), "SERVEDECK_SOURCE_DIR is not set: run through ctest");
    m_modelFolder = QDir(sourceDir).filePath(QStringLiteral("resources/models/iris-v1"));
    QVERIFY2(QFileInfo::exists(QDir(m_modelFolder).filePath(QStringLiteral("model-definition.yaml"))),
             qPrintable(m_modelFolder));
}

void TestCrashConsistency::committedActionsSurviveSigkill_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("minimumActions");
    QTest::addColumn<int>("spread");  // the kill comes after minimumActions + [0, spread) lines

    QTest::newRow("while creating the schema") << 11u << 0 << 1;
    QTest::newRow("first cycle") << 23u << 1 << 8;
    QTest::newRow("a few cycles") << 37u << 25 << 40;
    QTest::newRow("dozens of cycles") << 41u << 120 << 80;
    QTest::newRow("mid-way") << 59u << 60 << 60;
}

void TestCrashConsistency::committedActionsSurviveSigkill()
{
    QFETCH(quint32, seed);
    QFETCH(int, minimumActions);
    QFETCH(int, spread);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString databasePath = dir.filePath(QStringLiteral("servedeck.db"));
    QRandomGenerator random(seed);
    const int minimumLines = minimumActions + int(random.bounded(quint32(spread)));

    const WriterRun run = runAndKill(databasePath, minimumLines, random);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(run.killed, qPrintable(QStringLiteral("the writer exited by itself with %1 after %2 actions: %3")
                                        .arg(run.exitCode)
                                        .arg(run.lines.size())
                                        .arg(run.errorOutput)));
    QVERIFY2(run.lines.size() >= minimumLines, qPrintable(run.errorOutput));
    qDebug("seed %u: killed after %lld reported actions (aimed at %d or later)", seed, qlonglong(run.lines.size()),
           minimumLines);

    if (!QFileInfo::exists(databasePath)) {
        // Killed before SQLite created the file: nothing was reported, nothing to check.
        QVERIFY(run.lines.isEmpty());
        return;
    }
    verifyDatabase(databasePath, run.lines);
}

WriterRun TestCrashConsistency::runAndKill(const QString &databasePath, int minimumLines, QRandomGenerator &random)
{
    WriterRun run;
    QProcess writer;
    writer.setProgram(m_writer);
    writer.setArguments({databasePath, m_modelFolder, QString::number(kWriterMaxActions)});
    writer.start();
    if (!writer.waitForStarted(5000)) {
        QTest::qFail(qPrintable(QStringLiteral("cannot start %1: %2").arg(m_writer, writer.errorString())), __FILE__,
                     __LINE__);
        return run;
    }

    const QDeadlineTimer deadline(kRunTimeoutMs);
    if (minimumLines == 0) {
        // Aim at the first moments of the file: creating the schema is a transaction too.
        while (!QFileInfo::exists(databasePath) && writer.state() == QProcess::Running && !deadline.hasExpired())
            QThread::usleep(100);
    }
    int seen = 0;
    while (seen < minimumLines && writer.state() == QProcess::Running && !deadline.hasExpired()) {
        writer.waitForReadyRead(50);
        // Count only; the whole output is read once the writer is dead.
        seen = int(writer.peek(writer.bytesAvailable()).count('\n'));
    }
    if (seen < minimumLines && writer.state() == QProcess::Running) {
        writer.kill();
        writer.waitForFinished(5000);
        QTest::qFail(qPrintable(QStringLiteral("only %1 of %2 actions within %3 ms: %4")
                                    .arg(seen)
                                    .arg(minimumLines)
                                    .arg(kRunTimeoutMs)
                                    .arg(QString::fromUtf8(writer.readAllStandardError()))),
                     __FILE__, __LINE__);
        return run;
    }
    // A few more milliseconds, so the kill lands anywhere in the next actions, mid-transaction included.
    QThread::usleep(minimumLines == 0 ? random.bounded(3000u) : random.bounded(8000u));
    if (writer.state() == QProcess::Running) {
        writer.kill();  // SIGKILL: no handler, no destructor, no flush
        run.killed = true;
    }
    if (!writer.waitForFinished(5000)) {
        QTest::qFail("the writer did not die", __FILE__, __LINE__);
        return run;
    }
    run.killed = run.killed && writer.exitStatus() == QProcess::CrashExit;
    run.exitCode = writer.exitCode();
    run.errorOutput = QString::fromUtf8(writer.readAllStandardError());

    // Lines reach the pipe in one write each; anything after the last newline is not a report.
    const QString output = QString::fromUtf8(writer.readAllStandardOutput());
    run.lines = output.left(output.lastIndexOf(u'\n') + 1).split(u'\n', Qt::SkipEmptyParts);
    return run;
}

void TestCrashConsistency::verifyDatabase(const QString &databasePath, const QStringList &lines)
{
    // Every report names the next action of the script, in order.
    const QList<WriterAction> script = writerScript(int(lines.size()) + 1);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const WriterAction &action = script.at(i);
        const QString expected = QStringLiteral("committed %1 %2 %3")
                                     .arg(i + 1)
                                     .arg(actionName(action.kind), endpointName(action.endpoint));
        QCOMPARE(lines.at(i), expected);
    }

    Repository repository;
    const auto opened = repository.open(databasePath);
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
    QCOMPARE(repository.schemaVersion(), int(schemaMigrations().size()));

    const auto endpoints = repository.endpoints(true);
    QVERIFY(endpoints.ok());
    StoreState stored;
    for (const Endpoint &e : *endpoints) {
        QVERIFY2(!stored.contains(e.name), qPrintable(e.name + QStringLiteral(" is stored twice")));
        QCOMPARE(lifecycleName(e.lifecycle), QStringLiteral("CREATED"));

        // Whole or absent: an endpoint always comes with exactly its first revision.
        const auto revisions = repository.revisions(e.id);
        QVERIFY(revisions.ok());
        QVERIFY2(revisions->size() == 1,
                 qPrintable(QStringLiteral("%1 has %2 revisions").arg(e.name).arg(revisions->size())));
        QCOMPARE(revisions->first().number, 1);
        QCOMPARE(revisions->first().modelVersion, e.modelVersion);
        QCOMPARE(e.currentRevisionId, revisions->first().id);

        EndpointState state;
        state.replicas = e.replicas;
        state.resourceGroup = e.resourceGroup;
        state.isPublic = e.isPublic;
        const auto rules = repository.rules(e.id);
        QVERIFY(rules.ok());
        state.rules = int(rules->size());
        if (!rules->isEmpty()) {
            state.ruleThreshold = rules->first().threshold;
            state.ruleHasTarget = rules->first().targetPerReplica.has_value();
        }
        const auto errors = repository.errors(e.id, 1000);
        QVERIFY(errors.ok());
        state.errors = int(errors->size());
        const auto events = repository.scaleEvents(e.id, 1000);
        QVERIFY(events.ok());
        state.scaleEvents = int(events->size());
        stored.insert(e.name, state);
    }

    // Everything reported is there; at most the one action after it (killed between commit and print) too.
    const StoreState reported = stateAfter(script, lines.size());
    const StoreState oneMore = stateAfter(script, lines.size() + 1);
    if (stored == reported) {
        qDebug("the store holds exactly the %lld reported actions", qlonglong(lines.size()));
    } else if (stored == oneMore) {
        qDebug("the store holds the %lld reported actions and the one committed before its report",
               qlonglong(lines.size()));
    } else {
        QFAIL(qPrintable(QStringLiteral("the store matches no prefix of the script after %1 reported actions:\n%2")
                             .arg(lines.size())
                             .arg(differences(stored, reported))));
    }

    RawDatabase raw(databasePath);
    QVERIFY(raw.isOpen());
    QCOMPARE(raw.rows(QStringLiteral("PRAGMA integrity_check")), QStringList{QStringLiteral("ok")});
    QCOMPARE(raw.rows(QStringLiteral("PRAGMA foreign_key_check")), QStringList());
    // foreign_key_check covers declared keys only; current_revision_id has none.
    QCOMPARE(raw.rows(QStringLiteral("SELECT name FROM endpoints WHERE current_revision_id IS NULL OR "
                                     "current_revision_id NOT IN "
                                     "(SELECT id FROM revisions WHERE endpoint_id = endpoints.id)")),
             QStringList());
    QCOMPARE(raw.rows(QStringLiteral("SELECT id FROM autoscaling_rules "
                                     "WHERE endpoint_id NOT IN (SELECT id FROM endpoints)")),
             QStringList());
    QCOMPARE(raw.rows(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")),
             QStringList{QString::number(schemaMigrations().size())});
}

QTEST_GUILESS_MAIN(TestCrashConsistency)
#include "test_crashconsistency.moc"
