// What a replica can see of the console that started it: real replica processes (a shell that
// prints its own /proc/self/environ, and one run as another user through runuser) next to a
// real control plane's data dir.
#include <pwd.h>
#include <unistd.h>

#include <QFile>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "agent/replicaprocess.h"
#include "plane/controlplane.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// A shell that prints a few lines and exits: well under a second on an idle machine.
constexpr int kReplicaExitMs = 15000;

ControlPlaneOptions quietPlane(const QString &dataDir)
{
    ControlPlaneOptions options;
    options.dataDir = dataDir;
    options.serveApi = false;
    options.reconcileIntervalMs = 0;
    options.autoscaleIntervalMs = 0;
    options.runReplicas = false;
    return options;
}

} // namespace

class TestReplicaEnvironment final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void replicaSeesNoConsoleSecret();
    void replicaAsAnotherUserCannotReadTheDataDir();

private:
    // Runs `spec` to its end; its output, or why there is none.
    QString runToEnd(ReplicaSpec spec, bool *ok);

    QTemporaryDir m_parent;
    QString m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    QNetworkAccessManager m_network;
};

void TestReplicaEnvironment::initTestCase()
{
    QVERIFY(m_parent.isValid());
    // Open to all, like a home directory: only the data dir's own mode keeps others out.
    QVERIFY(QFile::setPermissions(m_parent.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                       | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther
                                                       | QFile::ExeOther));
    m_dataDir = m_parent.filePath(u"data"_s);
    m_plane = std::make_unique<ControlPlane>();
    const auto started = m_plane->start(quietPlane(m_dataDir));
    QVERIFY2(started, started ? "" : qPrintable(started.error().message));

    // What a console's environment may hold: its own settings, secrets and where they live.
    qputenv("SERVEDECK_ADMIN_TOKEN", m_plane->adminToken());
    qputenv("SERVEDECK_DATA_DIR", QFile::encodeName(m_dataDir));
    qputenv("SERVEDECK_TOKEN_FILE", QFile::encodeName(m_plane->adminTokenFile()));
    qputenv("SERVEDECK_SIGNING_KEY", "file");
    qputenv("CONSOLE_OWN_SETTING", QFile::encodeName(m_dataDir) + "/signing.key");
    qputenv("SPEC_OVERRIDES_ME", "from the agent");
}

void TestReplicaEnvironment::cleanupTestCase()
{
    for (const char *name : {"SERVEDECK_ADMIN_TOKEN", "SERVEDECK_DATA_DIR", "SERVEDECK_TOKEN_FILE",
                             "SERVEDECK_SIGNING_KEY", "CONSOLE_OWN_SETTING", "SPEC_OVERRIDES_ME"})
        qunsetenv(name);
    m_plane.reset();
}

QString TestReplicaEnvironment::runToEnd(ReplicaSpec spec, bool *ok)
{
    spec.routeId = QUuid::createUuid();
    spec.gracePeriodMs = 1000;
    ReplicaProcess replica(std::move(spec), m_network);
    QSignalSpy exited(&replica, &ReplicaProcess::exited);
    replica.start(45678);
    *ok = exited.wait(kReplicaExitMs);
    return *ok ? exited.constFirst().constFirst().value<ReplicaExit>().logTail : QString();
}

void TestReplicaEnvironment::replicaSeesNoConsoleSecret()
{
    ReplicaSpec spec;
    spec.program = u"/bin/sh"_s;
    spec.arguments = {u"-c"_s, u"tr '\\000' '\\n' < /proc/self/environ"_s};
    spec.environment = {{u"SPEC_OWN"_s, u"yes"_s}, {u"SPEC_OVERRIDES_ME"_s, u"from the spec"_s}};
    bool ok = false;
    const QString output = runToEnd(spec, &ok);
    QVERIFY2(ok, "the replica did not exit");
    const QStringList lines = output.split(u'\n', Qt::SkipEmptyParts);

    // It ran and printed an environment: what it needs is there.
    QVERIFY2(lines.contains(u"SPEC_OWN=yes"_s), qPrintable(output));
    QVERIFY2(lines.contains(u"SPEC_OVERRIDES_ME=from the spec"_s), qPrintable(output));
    QVERIFY2(lines.contains(u"PORT=45678"_s), qPrintable(output));
    QVERIFY2(lines.contains(u"PATH="_s + qEnvironmentVariable("PATH")), qPrintable(output));

    // And nothing of the console's.
    for (const QString &line : lines) {
        QVERIFY2(!line.startsWith(u"SERVEDECK_"_s), qPrintable(line));
        QVERIFY2(!line.contains(m_dataDir), qPrintable(line));
        QVERIFY2(!line.contains(QString::fromLatin1(m_plane->adminToken())), qPrintable(line));
        QVERIFY2(!line.startsWith(u"CONSOLE_OWN_SETTING="_s), qPrintable(line));
    }
}

void TestReplicaEnvironment::replicaAsAnotherUserCannotReadTheDataDir()
{
    if (::geteuid() != 0)
        QSKIP("runuser needs root (CI runs as root): see docs/replicas-as-another-user.md");
    const passwd *nobody = ::getpwnam("nobody");
    QVERIFY2(nobody, "the test runs replicas as 'nobody', which this system lacks");
    const uid_t uid = nobody->pw_uid;

    // A file beside the data dir that anyone may read: the replica can read what it is allowed to.
    QFile beside(m_parent.filePath(u"readable.txt"_s));
    QVERIFY(beside.open(QIODevice::WriteOnly));
    beside.write("readable by anyone\n");
    beside.close();
    QVERIFY(beside.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));

    ReplicaSpec spec;
    spec.program = u"runuser"_s;
    spec.arguments = {u"-u"_s, u"nobody"_s, u"--"_s, u"/bin/sh"_s, u"-c"_s,
                      u"id -u; cat '%1'; ls '%2'; cat '%2/admin.token'; cat '%2/signing.key'; echo done"_s
                          .arg(beside.fileName(), m_dataDir)};
    spec.workingDirectory = u"/"_s;
    bool ok = false;
    const QString output = runToEnd(spec, &ok);
    QVERIFY2(ok, "the replica did not exit");
    const QStringList lines = output.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.size() >= 3, qPrintable(output));
    QCOMPARE(lines.constFirst(), QString::number(uid));  // it did run as the other user
    QVERIFY2(lines.contains(u"readable by anyone"_s), qPrintable(output));
    QVERIFY2(lines.constLast() == u"done"_s, qPrintable(output));
    QCOMPARE(output.count(u"Permission denied"_s), 3);  // ls and both cats
    QVERIFY2(!output.contains(QString::fromLatin1(m_plane->adminToken())), qPrintable(output));
}

QTEST_GUILESS_MAIN(TestReplicaEnvironment)
#include "test_replicaenvironment.moc"
